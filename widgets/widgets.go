// Package widgets is the content engine: the widget kinds and their validation, sanitizing,
// Markdown, and the versioned widget store. It knows nothing of pages beyond a page id, and
// nothing of HTTP: pages calls it inside its own transactions.
package widgets

import (
	"embed"
	"strings"

	"quire/app/api"
	"quire/app/sqldb"
)

// Migrations are the widget tables; app applies them after people's.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// DBTX is a connection or transaction.
type DBTX = sqldb.DBTX

// The widget kinds, as the API names them in "classname".
const (
	Paragraph  = "Paragraph"
	Heading    = "Heading"
	Attachment = "Attachment"
	Image      = "Image"
	Form       = "Form"
	Discussion = "Discussion"
)

// Classnames are every kind's classname, in the order the documentation lists them (Kinds).
var Classnames []string

// Formats of a text widget's value.
const (
	FormatHTML = "html"
	FormatText = "text"
)

// headingLevels are h0 (largest) to h4.
var headingLevels = []string{"h0", "h1", "h2", "h3", "h4"}

// DefaultHeading is the level of a heading created without one.
const DefaultHeading = "h1"

// MaxHTMLBytes bounds the value of one widget.
const MaxHTMLBytes = 1 << 20

// Widget is one version of a widget, placed on its page, in the shape the API answers.
type Widget struct {
	ID          int64       `json:"id"`
	VersionOfID *int64      `json:"version_of_id"`
	PageID      int64       `json:"page_id"`
	Classname   string      `json:"classname"`
	HTML        string      `json:"html"`
	Text        string      `json:"text"`
	Format      string      `json:"format"`
	Styleclass  *string     `json:"styleclass"`
	Heading     *string     `json:"heading"`
	Column      int         `json:"column"`
	Position    int         `json:"position"`
	CreatedAt   api.Time    `json:"created_at"`
	CreatedBy   api.UserRef `json:"created_by"`
	Extra
}

// FirstID returns the id that names the widget across its versions.
func (w *Widget) FirstID() int64 {
	if w.VersionOfID != nil {
		return *w.VersionOfID
	}
	return w.ID
}

// Extra is what some kinds hold beyond HTML. It is stored as JSON with each version; fields a
// kind does not use stay nil and are left out of answers.
type Extra struct {
	Files     *[]File  `json:"files,omitempty"`
	Caption   *string  `json:"caption,omitempty"`
	Fields    *[]Field `json:"fields,omitempty"`
	PostCount *int     `json:"post_count,omitempty"` // answered by pages, never stored
}

// File is an uploaded file of an Attachment or Image widget.
type File struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	Size        int64  `json:"size"`
	VanitySize  string `json:"vanity_size"`
	ContentType string `json:"content_type"`
	URL         string `json:"url"`
}

// Field is one field of a Form widget.
type Field struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Options  []string `json:"options"`
}

// Content is what one version of a widget holds, validated and sanitized.
type Content struct {
	Classname  string
	HTML       string
	Text       string
	Format     string
	Styleclass string // "" for none
	Heading    string // "" unless Classname is Heading
	Extra      Extra
}

// Input is what a client sent to create or update a text widget; nil means not given.
type Input struct {
	Val        *string
	Format     *string
	Styleclass *string
	Heading    *string
}

// NewContent validates a new widget of the kind from in; val is required.
func NewContent(classname string, in Input) (Content, error) {
	if in.Val == nil {
		return Content{}, api.Invalid("val", "Parameter \"val\" is required: the widget's content.")
	}
	base := Content{Classname: classname, Format: FormatHTML}
	if classname == Heading {
		base.Heading = DefaultHeading
	}
	return in.Apply(base)
}

// Apply returns base changed by what in gives, validated: val (read as format says, sanitized),
// styleclass ("" clears it) and heading. HTML that nests deeper than MaxHTMLDepth, or that
// showed something and would show nothing once sanitized, is a validation error on "val": a
// non-empty widget never becomes an empty one. So is a val that holds NUL or invalid UTF-8
// (api.Markup), which sanitizing would drop, and a heading whose text breaks the rule for one
// line (CheckHeadingText).
func (in Input) Apply(base Content) (Content, error) {
	c := base
	if in.Format != nil {
		switch f := strings.ToLower(strings.TrimSpace(*in.Format)); f {
		case FormatHTML, FormatText:
			c.Format = f
		default:
			return c, api.Invalid("format", "Parameter \"format\" must be html or text.")
		}
		if in.Val == nil {
			return c, api.Invalid("val", "Parameter \"format\" says how to read \"val\"; send \"val\" with it.")
		}
	}
	if in.Val != nil {
		val := *in.Val
		if len(val) > MaxHTMLBytes {
			return c, errTooLong("val", MaxHTMLBytes)
		}
		if err := api.Markup("val", val); err != nil {
			return c, err
		}
		if c.Format == FormatText {
			c.HTML = TextToHTML(val)
		} else {
			var err error
			if c.HTML, err = SanitizeHTML("val", val); err != nil {
				return c, err
			}
			if !ShowsSomething(c.HTML) && ShowsSomething(val) {
				return c, api.Invalid("val", "Nothing visible is left of \"val\" once unsafe HTML is removed "+
					"(scripts, styles, frames, forms, event handlers, unsafe links). Send it with \"format\": \"text\" "+
					"to show it as written, or send HTML that shows something.")
			}
		}
		c.Text = PlainText(c.HTML)
		if c.Classname == Heading {
			if err := CheckHeadingText("val", c.Text); err != nil {
				return c, err
			}
			if c.Text == "" {
				return c, api.Invalid("val", "A heading needs some text.")
			}
			c.HTML = InlineHTML(c.HTML) // its one line, without an editor's <div> or <p> around it
		}
	}
	if in.Styleclass != nil {
		s := strings.ToLower(strings.TrimSpace(*in.Styleclass))
		kind, _ := KindOf(c.Classname)
		allowed := kind.Styleclasses
		if s != "" && !contains(allowed, s) {
			if len(allowed) == 0 {
				return c, api.Invalid("styleclass", "A %s widget takes no styleclass.", c.Classname)
			}
			return c, api.Invalid("styleclass", "Parameter \"styleclass\" of a %s must be one of %s.", c.Classname, strings.Join(allowed, ", "))
		}
		c.Styleclass = s
	}
	if in.Heading != nil {
		h := strings.ToLower(strings.TrimSpace(*in.Heading))
		switch {
		case c.Classname != Heading:
			return c, api.Invalid("heading", "Only heading widgets take \"heading\".")
		case !contains(headingLevels, h):
			return c, api.Invalid("heading", "Parameter \"heading\" must be one of %s.", strings.Join(headingLevels, ", "))
		}
		c.Heading = h
	}
	return c, nil
}

// CheckHeadingText holds a heading's text (PlainText of its HTML) to the rule for one line of
// text (api.Line): a heading is a label, as a page title is, so a line break (<br>, two blocks),
// a control or a bidirectional control in it is a validation error on field.
func CheckHeadingText(field, text string) error {
	_, err := api.Line(field, text, 0)
	return err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func errTooLong(field string, max int) error {
	return api.TooLarge("Parameter %q is over the limit of %d KB.", field, max>>10)
}
