// Package static holds the CSS and other files the web UI serves under /static/, embedded in
// the binary.
package static

import "embed"

// FS is the static files, served as they are.
//
//go:embed *.css
var FS embed.FS
