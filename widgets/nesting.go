package widgets

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// nestsDeeper reports whether the elements of an HTML fragment nest deeper than limit, from one
// pass of the tokenizer over it: the check made before any other work on HTML.
//
// It follows a browser's tree closely enough for HTML that people and editors write: void
// elements (<br>, <img>, <input>...) and self-closing tags open nothing; an end tag closes the
// nearest open element of its name and everything opened inside it, and one that matches nothing
// is ignored; and the start tags that a browser lets close an element by themselves do so here
// (a <li> closes the open <li> of its list, <p> or a block the open <p>, <td> the open cell of its
// row, <a> an open <a>...), so that a long list of unclosed <li>s is not taken for deep nesting.
// Where it is short of the parser, the sanitizer measures the tree it stores as well.
func nestsDeeper(fragment string, limit int) bool {
	if strings.Count(fragment, "<") <= limit {
		return false // cannot open more than limit elements
	}
	z := html.NewTokenizer(strings.NewReader(fragment))
	var open []atom.Atom // elements of names HTML does not know are all 0 here
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken:
			name, _ := z.TagName()
			tag := atom.Lookup(name)
			if voidTags[tag] {
				continue
			}
			open = closeImplied(open, tag)
			if open = append(open, tag); len(open) > limit {
				return true
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := atom.Lookup(name)
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == tag {
					open = open[:i]
					break
				}
			}
		}
	}
}

// voidTags are the elements that never have content.
var voidTags = atoms("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
	"track", "wbr", "param", "keygen", "frame", "basefont", "bgsound")

// implied says which open elements a start tag closes: the nearest open one named in closes,
// unless an element named in within (the container it belongs to) is nearer.
type implied struct{ closes, within map[atom.Atom]bool }

var impliedEnds = map[atom.Atom]implied{
	atom.Li:       {closes: atoms("li"), within: atoms("ul", "ol", "menu")},
	atom.Dt:       {closes: atoms("dt", "dd"), within: atoms("dl")},
	atom.Dd:       {closes: atoms("dt", "dd"), within: atoms("dl")},
	atom.Tr:       {closes: atoms("tr"), within: atoms("table", "thead", "tbody", "tfoot")},
	atom.Td:       {closes: atoms("td", "th"), within: atoms("tr", "table")},
	atom.Th:       {closes: atoms("td", "th"), within: atoms("tr", "table")},
	atom.Thead:    {closes: atoms("thead", "tbody", "tfoot"), within: atoms("table")},
	atom.Tbody:    {closes: atoms("thead", "tbody", "tfoot"), within: atoms("table")},
	atom.Tfoot:    {closes: atoms("thead", "tbody", "tfoot"), within: atoms("table")},
	atom.Option:   {closes: atoms("option"), within: atoms("select", "datalist", "optgroup")},
	atom.Optgroup: {closes: atoms("optgroup"), within: atoms("select")},
	atom.A:        {closes: atoms("a")},
	atom.Button:   {closes: atoms("button")},
	atom.Nobr:     {closes: atoms("nobr")},
}

// closesP are the start tags that close an open <p>, as a browser does.
var closesP = atoms("address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
	"dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
	"hgroup", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "ul", "li", "dd", "dt",
	"listing", "plaintext", "xmp")

var headings = atoms("h1", "h2", "h3", "h4", "h5", "h6")

// pScope are the elements an open <p> is not closed across.
var pScope = atoms("button", "table", "td", "th", "caption", "object", "marquee", "applet", "template")

var justP = atoms("p")

// closeImplied returns open with the elements that a start tag of tag closes taken off.
func closeImplied(open []atom.Atom, tag atom.Atom) []atom.Atom {
	if closesP[tag] {
		open = closeNearest(open, justP, pScope)
	}
	if rule, ok := impliedEnds[tag]; ok {
		open = closeNearest(open, rule.closes, rule.within)
	}
	// A heading ends a heading it is opened in directly.
	if n := len(open); n > 0 && headings[tag] && headings[open[n-1]] {
		open = open[:n-1]
	}
	return open
}

// closeNearest closes the nearest open element named in closes, with all opened inside it,
// unless an element named in within comes first.
func closeNearest(open []atom.Atom, closes, within map[atom.Atom]bool) []atom.Atom {
	for i := len(open) - 1; i >= 0; i-- {
		switch {
		case closes[open[i]]:
			return open[:i]
		case within[open[i]]:
			return open
		}
	}
	return open
}

// atoms makes a set of the elements named.
func atoms(names ...string) map[atom.Atom]bool {
	set := make(map[atom.Atom]bool, len(names))
	for _, n := range names {
		set[atom.Lookup([]byte(n))] = true
	}
	return set
}
