// Package templates holds the html/template files of the web UI, embedded in the binary and
// parsed once at start. Every value is escaped by html/template; sanitized widget HTML is the
// only template.HTML ever rendered.
package templates

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"html/template"
	"net/http"
	"regexp"
	"sync"

	"quire/static"
)

//go:embed *.html
var files embed.FS

// funcs are the functions templates may call besides html/template's own:
//
//	{{static "quire.css"}}  the content-hashed URL of a static file (static.URL); a name that
//	                        is no static file fails the render
//	{{cspNonce}}            the style nonce of the answer's Content-Security-Policy (see Render)
var funcs = template.FuncMap{
	"static":   static.URL,
	"cspNonce": func() string { return nonceMark },
}

// nonceMark stands for the answer's CSP nonce in rendered output until Render puts the nonce in
// its place. It is random for each process, so no text a person wrote can contain it.
var nonceMark = func() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "quire-nonce-" + hex.EncodeToString(b)
}()

var parsed = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(funcs).ParseFS(files, "*.html"))
})

// cspNonce finds the nonce in a Content-Security-Policy header ('nonce-VALUE').
var cspNonce = regexp.MustCompile(`'nonce-([A-Za-z0-9+/_=-]+)'`)

// Render writes the named template with data as a complete HTML answer with status code.
// The page is rendered whole before anything is written, so a template error is a clean 500.
//
// {{cspNonce}} in a template renders as the nonce of the Content-Security-Policy header already
// set on w (app's webHeaders sets one per request), or as nothing when w has none. A template's
// data thus needs no field for it, and the nonce is the header's by construction.
func Render(w http.ResponseWriter, status int, name string, data any) error {
	var b bytes.Buffer
	if err := parsed().ExecuteTemplate(&b, name, data); err != nil {
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return err
	}
	var nonce []byte
	if m := cspNonce.FindStringSubmatch(w.Header().Get("Content-Security-Policy")); m != nil {
		nonce = []byte(m[1])
	}
	page := bytes.ReplaceAll(b.Bytes(), []byte(nonceMark), nonce)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(page)
	return err
}
