package widgets

import "strings"

// Kind is what Quire knows of one widget kind, read from this one table by everything that
// treats kinds alike: the pages/create parser (which kinds it may make, with which keys, by which
// constructor), the router (each kind's routes) and the templates. A new kind is a row here, its
// own file (its content, validation and constructor), its template, its OpenAPI fragment and its
// tests.
type Kind struct {
	// Classname is the kind as the API names it in "classname", e.g. "Paragraph".
	Classname string
	// Segment is its name in URLs: /page/:page_id/SEGMENT/get/:widget_id/.
	Segment string
	// Text kinds are made and changed with SEGMENT/create/ and SEGMENT/update/ from val, format,
	// styleclass and heading (Input).
	Text bool
	// Styleclasses are the style classes it accepts, as Papyrs names them; none: it takes none.
	Styleclasses []string
	// PageKeys are the keys one of its objects in pages/create's json may hold; nil: pages/create
	// cannot make it (attachments and images need their upload).
	PageKeys []string
	// FromPage makes its content from such an object: in holds the object's text keys, obj the
	// object itself (for keys of the kind's own, such as a form's fields). Errors name the keys
	// as the object does ("val", "fields"); the caller puts the object's place in front.
	FromPage func(in Input, obj map[string]any) (Content, error)
}

// kinds is the table, in the order the documentation lists the kinds. It is set by init, as the
// constructors it names read it (a text kind's style classes).
var kinds []Kind

func init() {
	kinds = []Kind{
		{Classname: Paragraph, Segment: "paragraph", Text: true,
			Styleclasses: []string{"block", "quote", "note", "emphasis", "thin"},
			PageKeys:     []string{"classname", "val", "format", "styleclass"},
			FromPage:     func(in Input, _ map[string]any) (Content, error) { return NewContent(Paragraph, in) }},
		{Classname: Heading, Segment: "heading", Text: true,
			Styleclasses: []string{"line", "emphasis", "bars", "quote", "boxquote"},
			PageKeys:     []string{"classname", "val", "format", "styleclass", "heading"},
			FromPage:     func(in Input, _ map[string]any) (Content, error) { return NewContent(Heading, in) }},
		{Classname: Attachment, Segment: "attachment"},
		{Classname: Image, Segment: "image"},
		{Classname: Form, Segment: "form",
			PageKeys: []string{"classname", "val", "format", "fields"},
			FromPage: func(in Input, obj map[string]any) (Content, error) {
				return NewForm(FormInput{Input: in, Fields: obj["fields"]})
			}},
		{Classname: Discussion, Segment: "discussion",
			PageKeys: []string{"classname", "val", "format"},
			FromPage: func(in Input, _ map[string]any) (Content, error) { return NewDiscussion(in) }},
	}
	for _, k := range kinds {
		Classnames = append(Classnames, k.Classname)
	}
}

// Kinds returns every kind, in the order the documentation lists them.
func Kinds() []Kind { return kinds }

// KindOf returns the kind that a classname or URL segment names, in any case.
func KindOf(name string) (Kind, bool) {
	for _, k := range kinds {
		if strings.EqualFold(name, k.Classname) {
			return k, true
		}
	}
	return Kind{}, false
}
