package pages_test

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"

	"quire/app/apptest"
)

// TestContentDispositionFallback: a downloaded file's Content-Disposition has an ASCII filename=
// that every client reads, and filename*= with the exact name when it is not plain ASCII.
func TestContentDispositionFallback(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Files")
	tests := []struct{ name, want string }{
		{"report.txt", `attachment; filename="report.txt"`},
		{"Café menu.txt", `attachment; filename="Cafe menu.txt"; filename*=UTF-8''Caf%C3%A9%20menu.txt`},
		{"報告.txt", `attachment; filename="file.txt"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.txt`},
		{"Отчёт 2026.txt", `attachment; filename="_ 2026.txt"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%202026.txt`},
		{`say "hi" 100%.txt`, `attachment; filename="say _hi_ 100_.txt"; filename*=UTF-8''say%20%22hi%22%20100%25.txt`},
		{"Büro.png", `inline; filename="Buro.png"; filename*=UTF-8''B%C3%BCro.png`},
	}
	for _, tc := range tests {
		var w struct {
			Files []struct {
				URL string `json:"url"`
			} `json:"files"`
		}
		var content io.Reader = strings.NewReader("some text")
		if strings.HasSuffix(tc.name, ".png") {
			content = bytes.NewReader(pngBytes(t, 3))
		}
		c.Upload(fmt.Sprintf("page/%d/attachment/create/", p.ID), nil, tc.name, content).Want(200).Decode(&w)
		got := c.Do(http.MethodGet, w.Files[0].URL, nil, "").Want(200).Header.Get("Content-Disposition")
		if got != tc.want {
			t.Errorf("%s: Content-Disposition %s\nwant %s", tc.name, got, tc.want)
		}
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != tc.name {
			t.Errorf("%s: a client that reads filename* gets %q (%v)", tc.name, params["filename"], err)
		}
	}
}
