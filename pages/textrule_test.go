package pages_test

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"quire/app/apptest"
)

// The values every single-line field is tried with: each must be refused, naming the field.
var (
	badLines = map[string]string{
		"CR LF":                  "Lunch\r\n\r\nIT notice: reset your password at evil.example",
		"LF":                     "a\nb",
		"NUL":                    "a\x00b",
		"TAB":                    "a\tb",
		"right-to-left override": "invoice\u202egpj.exe",
		"isolate":                "a\u2067b\u2069",
		"line separator":         "a\u2028b",
		"C1 control":             "a\u0085b",
	}
	decomposed = "Cafe\u0301 Noe\u0308l" // stored as "Café Noël", composed
	composed   = "Caf\u00e9 No\u00ebl"
)

// textField is one single-line field of the content API: set sends a value and get reads the
// stored value from the answer of a successful set.
type textField struct {
	name, field string
	set         func(v string) *apptest.Response
	get         func(t *testing.T, r *apptest.Response) string
}

// uploadAs uploads a small PNG whose multipart file name is given as the Content-Disposition
// parameter filename*= (RFC 7578 allows it), so that any character can be sent, with fields.
func uploadAs(c *apptest.Client, path, name string, t *testing.T, fields map[string]string) *apptest.Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": name}))
	h.Set("Content-Type", "image/png")
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(pngBytes(t, 50))
	mw.Close()
	return c.Do(http.MethodPost, c.URL(path), &body, mw.FormDataContentType())
}

// TestSingleLineText: every single-line field of pages and widgets refuses control characters,
// line breaks and bidirectional controls with a 400 naming the field, and stores text NFC.
func TestSingleLineText(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Text", column{para("x")})
	form := decodeWidget(t, c.Post(fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{
		"fields": []map[string]any{{"name": "who", "label": "Who"}, {"name": "notes", "label": "Notes", "type": "textarea"}}}))
	other := decodeWidget(t, c.Post(fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{"fields": []map[string]any{{"label": "Room"}}}))
	var img widget
	c.Upload(fmt.Sprintf("page/%d/image/create/", p.ID), nil, "a.png", bytes.NewReader(pngBytes(t, 9))).Want(200).Decode(&img)
	var seq int
	title := func(v string) string { seq++; return fmt.Sprintf("%s %d", v, seq) } // distinct titles, distinct slugs
	str := func(m map[string]any, keys ...string) string {
		var v any = m
		for _, k := range keys {
			switch x := v.(type) {
			case map[string]any:
				v = x[k]
			case []any:
				var i int
				fmt.Sscan(k, &i)
				v = x[i]
			}
		}
		s, _ := v.(string)
		return s
	}
	fields := []textField{
		{"page title on create", "title",
			func(v string) *apptest.Response {
				return c.Post("pages/create/", map[string]any{"title": v, "json": [][]any{{para("x")}}})
			},
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "title") }},
		{"page title on copy", "title",
			func(v string) *apptest.Response {
				return c.Post(fmt.Sprintf("pages/copy/%d/", p.ID), map[string]any{"title": v})
			},
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "title") }},
		{"tag", "tags",
			func(v string) *apptest.Response {
				return c.Post("pages/create/", map[string]any{"title": title("Tagged"), "tags": []string{"ok", v}, "json": [][]any{{para("x")}}})
			},
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "tags", "0") }},
		{"folder name in folder/create", "path",
			func(v string) *apptest.Response { return c.Post("folder/create/", map[string]any{"path": "HR/" + v}) },
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "name") }},
		{"folder name in pages/create", "path",
			func(v string) *apptest.Response {
				return c.Post("pages/create/", map[string]any{"title": title("Filed"), "path": v, "json": [][]any{{para("x")}}})
			},
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "category") }},
		{"image caption, multipart", "caption",
			func(v string) *apptest.Response {
				return c.Upload(fmt.Sprintf("page/%d/image/update/%d/", p.ID, img.ID), map[string]string{"caption": v}, "", nil)
			},
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "caption") }},
		{"image caption, URL parameter", "caption",
			func(v string) *apptest.Response {
				return c.Upload(fmt.Sprintf("page/%d/image/update/%d/?caption=%s", p.ID, img.ID, urlEscape(v+" url")), nil, "", nil)
			},
			func(t *testing.T, r *apptest.Response) string {
				return strings.TrimSuffix(str(r.Object(), "caption"), " url")
			}},
		{"file name of an attachment", "file",
			func(v string) *apptest.Response {
				return uploadAs(c, fmt.Sprintf("page/%d/attachment/create/", p.ID), v+".png", t, nil)
			},
			func(t *testing.T, r *apptest.Response) string {
				return strings.TrimSuffix(str(r.Object(), "files", "0", "filename"), ".png")
			}},
		{"file name of an image", "file",
			func(v string) *apptest.Response {
				return uploadAs(c, fmt.Sprintf("page/%d/image/create/", p.ID), v+".png", t, map[string]string{"caption": "c"})
			},
			func(t *testing.T, r *apptest.Response) string {
				return strings.TrimSuffix(str(r.Object(), "files", "0", "filename"), ".png")
			}},
		{"form field label", "fields[0].label",
			func(v string) *apptest.Response {
				return c.Post(fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{"fields": []map[string]any{{"label": v}}})
			},
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "fields", "0", "label") }},
		{"form field label in pages/create", "json[0][0].fields[1].label",
			func(v string) *apptest.Response {
				return c.Post("pages/create/", map[string]any{"title": title("Form"), "json": [][]any{{map[string]any{
					"classname": "Form", "fields": []map[string]any{{"label": "A"}, {"label": v}}}}}})
			},
			func(t *testing.T, r *apptest.Response) string {
				return str(r.Object(), "json", "0", "0", "fields", "1", "label")
			}},
		{"form select option", "fields[0].options[1]",
			func(v string) *apptest.Response {
				return c.Post(widgetURL(p.ID, "form", "update", other.ID), map[string]any{"fields": []map[string]any{
					{"label": "Room", "type": "select", "options": []string{"North", v}}}})
			},
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "fields", "0", "options", "1") }},
		{"form record text value", "who",
			func(v string) *apptest.Response {
				return c.Post(fmt.Sprintf("pages/records/%d/", p.ID), map[string]any{"widget_id": form.ID, "who": v})
			},
			func(t *testing.T, r *apptest.Response) string { return str(r.Object(), "fields", "0", "value") }},
	}
	for _, f := range fields {
		t.Run(f.name, func(t *testing.T) {
			for what, bad := range badLines {
				m := wantInvalid(t, f.set(bad), f.field)
				if msg, _ := m["error"].(string); !strings.Contains(msg, "U+") {
					t.Errorf("%s: message %q does not name the character", what, msg)
				}
			}
			if got := f.get(t, f.set(decomposed).Want(200)); got != composed {
				t.Errorf("stored %q (%+q); want %q, composed", got, got, composed)
			}
		})
	}
	// A textarea keeps its line breaks, and refuses the other controls.
	rec := c.Post(fmt.Sprintf("pages/records/%d/", p.ID), map[string]any{"widget_id": form.ID, "who": "Ada", "notes": "one\r\ntwo"}).Want(200).Object()
	if got := str(rec, "fields", "1", "value"); got != "one\ntwo" {
		t.Errorf("textarea stored %q", got)
	}
	wantInvalid(t, c.Post(fmt.Sprintf("pages/records/%d/", p.ID), map[string]any{"widget_id": form.ID, "notes": "a\u202eb"}), "notes")
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
