package web

import (
	"strconv"
	"strings"

	"quire/pages"
)

// kindWord is a widget kind as a sentence names it: "paragraph", "heading", "attachment".
func kindWord(classname string) string { return strings.ToLower(classname) }

// widgetName names a widget as a person finds it on the page: its kind and its place among the
// page's widgets of that kind, the columns read left to right and each top to bottom
// ("paragraph 2"). A widget no longer on the page (p's content, read with it) is named by its
// kind alone.
func widgetName(p *pages.Page, firstID int64, classname string) string {
	if name, ok := widgetOrdinals(p)[firstID]; ok {
		return name
	}
	return kindWord(classname)
}

// widgetOrdinals returns widgetName of every widget of p, by its first id.
func widgetOrdinals(p *pages.Page) map[int64]string {
	out := map[int64]string{}
	if p.JSON == nil {
		return out
	}
	seen := map[string]int{}
	for _, col := range *p.JSON {
		for _, w := range col {
			seen[w.Classname]++
			out[w.FirstID()] = kindWord(w.Classname) + " " + strconv.Itoa(seen[w.Classname])
		}
	}
	return out
}
