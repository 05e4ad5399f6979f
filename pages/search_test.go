package pages_test

import "quire/app/apptest"

// body1 is a one-column page body with a paragraph.
func body1(html string) [][]map[string]any {
	return [][]map[string]any{{{"classname": "Paragraph", "val": html}}}
}

// searchResults and titles check what search finds of what this package's writes change (the
// search package's own tests use apptest's directly).
var (
	searchResults = apptest.SearchResults
	titles        = apptest.Titles
)
