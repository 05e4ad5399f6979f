package templates

import (
	"embed"
	"io/fs"
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
