package apptest

import (
	"io"
	"mime/multipart"
	"net/http"
)

// Upload POSTs a multipart/form-data body to an API path: fields as text parts, then content in
// the part "file" (fileField overrides the name) with the file name given. The body streams, so
// large uploads are not held in the test's memory either.
func (c *Client) Upload(path string, fields map[string]string, filename string, content io.Reader, fileField ...string) *Response {
	c.site.t.Helper()
	field := "file"
	if len(fileField) > 0 {
		field = fileField[0]
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			for k, v := range fields {
				if err := mw.WriteField(k, v); err != nil {
					return err
				}
			}
			if content != nil {
				part, err := mw.CreateFormFile(field, filename)
				if err != nil {
					return err
				}
				if _, err := io.Copy(part, content); err != nil {
					return err
				}
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	return c.Do(http.MethodPost, c.URL(path), pr, mw.FormDataContentType())
}
