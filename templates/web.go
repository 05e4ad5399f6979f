package templates

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
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
	mark, nonce := NonceMark(header)
	return bytes.ReplaceAll(page, []byte(mark), []byte(nonce))
}

// NonceMark returns what {{cspNonce}} rendered as (its mark) and what the mark stands for in an
// answer with header: the nonce of its Content-Security-Policy, "" when it has none. For a writer
// that replaces the mark itself (app/webui, with its own marks in the same pass).
func NonceMark(header http.Header) (mark, nonce string) {
	csp := header.Get("Content-Security-Policy")
	if i := strings.Index(csp, "'nonce-"); i >= 0 { // the header is app's own; its nonce is base64
		rest := csp[i+len("'nonce-"):]
		if j := strings.IndexByte(rest, '\''); j > 0 {
			nonce = rest[:j]
		}
	}
	return nonceMark, nonce
}
