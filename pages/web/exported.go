package web

import "quire/widgets"

// HeadingLevel is the element a heading widget of the given size (h0 to h4) is shown as: 2 for
// <h2> (h0 and h1) to 5 for <h5> (h4), as the page view shows it; share links' pages use it.
func HeadingLevel(h *string) int { return headingLevel(h) }

// FileIcon names the type icon of a file, as the page view shows it: pdf, image, doc, sheet,
// slides, archive, text or file.
func FileIcon(f widgets.File) string { return fileIcon(f) }
