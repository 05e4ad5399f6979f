// Package templates holds the html/template files of the web UI, embedded in the binary and
// parsed once at start. Every value is escaped by html/template; sanitized widget HTML is the
// only template.HTML ever rendered.
package templates

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"sync"
)

//go:embed *.html
var files embed.FS

var parsed = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").ParseFS(files, "*.html"))
})

// Render writes the named template with data as a complete HTML answer with status code.
// The page is rendered whole before anything is written, so a template error is a clean 500.
func Render(w http.ResponseWriter, status int, name string, data any) error {
	var b bytes.Buffer
	if err := parsed().ExecuteTemplate(&b, name, data); err != nil {
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(b.Bytes())
	return err
}
