package templates

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
)

// webFiles are the templates of the signed-in web UI, which app/webui parses once at start:
// web/frame.html (the frame every page renders inside), web/parts/*.html (partials shared by
// pages: widget kinds, the folder tree) and web/pages/*.html (one file per page, each defining
// the frame's blocks).
//
//go:embed web
var webFiles embed.FS

// Web returns the web UI's template files, rooted at templates/web.
func Web() fs.FS {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err) // the directory is embedded above: it is always there
	}
	return sub
}

// WebFuncs returns the functions every template may call (static, cspNonce: see funcs), for
// app/webui to parse the web UI's templates with.
func WebFuncs() template.FuncMap {
	out := template.FuncMap{}
	for k, v := range funcs {
		out[k] = v
	}
	return out
}

// WithNonce returns a rendered page with {{cspNonce}}'s mark replaced by the nonce of the
// Content-Security-Policy in header (nothing when it has none), as Render does.
func WithNonce(header http.Header, page []byte) []byte {
	var nonce []byte
	if m := cspNonce.FindStringSubmatch(header.Get("Content-Security-Policy")); m != nil {
		nonce = []byte(m[1])
	}
	return bytes.ReplaceAll(page, []byte(nonceMark), nonce)
}
