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
	var img, att widget
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", p.ID), nil, "a.txt", strings.NewReader("a")).Want(200).Decode(&att)
	c.Post("folder/create/", map[string]any{"path": "Source"}).Want(200)
	c.Post("folder/create/", map[string]any{"path": "Sources/" + composed}).Want(200)
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
		{"file name on attachment/update", "file",
			func(v string) *apptest.Response {
				return uploadAs(c, fmt.Sprintf("page/%d/attachment/update/%d/", p.ID, att.ID), v+".png", t, nil)
			},
			func(t *testing.T, r *apptest.Response) string {
				files := r.Object()["files"].([]any)
				name, _ := files[len(files)-1].(map[string]any)["filename"].(string)
				return strings.TrimSuffix(name, ".png")
			}},
		{"folder copy target path", "target_path",
			func(v string) *apptest.Response {
				return c.Post("folder/copy/", map[string]any{"copy_path": "Source", "target_path": "Copies/" + title(v)})
			},
			func(t *testing.T, r *apptest.Response) string {
				mid := strings.TrimSuffix(strings.TrimPrefix(str(r.Object(), "folder", "path"), "Copies/"), "/Source")
				return mid[:max(0, strings.LastIndexByte(mid, ' '))]
			}},
		{"folder copy source path", "copy_path",
			func(v string) *apptest.Response {
				return c.Post("folder/copy/", map[string]any{"copy_path": "Sources/" + v, "target_path": title("Copied")})
			},
			func(t *testing.T, r *apptest.Response) string {
				return str(r.Object(), "folder", "name")
			}},
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
	// A form field's name (a-z, digits, "_" and "-" besides) and an email answer are held to the
	// rule too; an address refuses invisible characters and spaces as well.
	mail := decodeWidget(t, c.Post(fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{
		"fields": []map[string]any{{"name": "mail", "label": "Mail", "type": "email"}}}))
	invisible := map[string]string{"zero-width space": "\u200b", "zero-width joiner": "\u200d", "word joiner": "\u2060",
		"byte order mark": "\ufeff", "no-break space": "\u00a0", "ideographic space": "\u3000"}
	for what, bad := range badLines {
		m := wantInvalid(t, c.Post(fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{
			"fields": []map[string]any{{"name": "a" + bad + "b", "label": "L"}}}), "fields[0].name")
		if msg, _ := m["error"].(string); !strings.Contains(msg, "U+") {
			t.Errorf("field name with %s: message %q does not name the character", what, msg)
		}
		invisible[what] = bad
	}
	for what, bad := range invisible {
		m := wantInvalid(t, c.Post(fmt.Sprintf("pages/records/%d/", p.ID), map[string]any{"widget_id": mail.ID, "mail": "y" + bad + "b@example.com"}), "mail")
		if msg, _ := m["error"].(string); !strings.Contains(msg, "U+") {
			t.Errorf("email answer with %s: message %q does not name the character", what, msg)
		}
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

// TestHeadingIsOneLine: a heading's text, on every path that makes or changes one (heading/create,
// heading/update, a Heading in pages/create, a Markdown heading), is one line under the text rule:
// a bidirectional control, a control character, NUL or a line break in it is a 400 on "val" that
// names it, and nothing is stored.
func TestHeadingIsOneLine(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Headings", column{head("Start", "h1")})
	start := getPage(t, c, p.ID).JSON[0][0]
	bad := []struct{ name, html, text string }{ // html: as val in HTML; text: as val with "format": "text"
		{"right-to-left override", "H\u202eb", "H\u202eb"},
		{"left-to-right isolate", "H\u2066b\u2069", "H\u2066b\u2069"},
		{"NUL", "Ha\u0000b", "Ha\u0000b"},
		{"escape", "H\u001b[31mb", "H\u001b[31mb"},
		{"line break", "H<br>b", "H\nb"},
		{"two blocks", "<p>H</p><p>b</p>", "H\r\nb"},
		{"C1 control", "H\u009bb", "H\u009bb"},
	}
	paths := []struct {
		name, field string
		set         func(val string, asText bool) *apptest.Response
	}{
		{"heading/create", "val", func(val string, asText bool) *apptest.Response {
			body := map[string]any{"val": val}
			if asText {
				body["format"] = "text"
			}
			return c.Post(fmt.Sprintf("page/%d/heading/create/", p.ID), body)
		}},
		{"heading/update", "val", func(val string, asText bool) *apptest.Response {
			body := map[string]any{"val": val}
			if asText {
				body["format"] = "text"
			}
			return c.Post(widgetURL(p.ID, "heading", "update", start.ID), body)
		}},
		{"pages/create", "json[0][0].val", func(val string, asText bool) *apptest.Response {
			w := head(val, "h2")
			if asText {
				w["format"] = "text"
			}
			return c.Post("pages/create/", map[string]any{"title": "New", "json": []column{{w}}})
		}},
		{"markdown/create", "val", func(val string, asText bool) *apptest.Response {
			heading := "# " + val
			if asText && strings.Contains(val, "\n") { // a hard line break in a Setext heading
				heading = strings.NewReplacer("\r\n", "  \n", "\n", "  \n").Replace(val) + "\n==="
			}
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": "Intro\n\n" + heading + "\n\nBody"})
		}},
	}
	for _, path := range paths {
		for _, b := range bad {
			for _, asText := range []bool{false, true} {
				val := b.html
				if asText {
					val = b.text
				}
				m := wantInvalid(t, path.set(val, asText), path.field)
				if msg, _ := m["error"].(string); !strings.Contains(msg, "U+") {
					t.Errorf("%s with %s (text %v): message %q does not name the character", path.name, b.name, asText, msg)
				}
			}
		}
	}
	after := getPage(t, c, p.ID)
	if len(after.JSON) != 1 || len(after.JSON[0]) != 1 || after.JSON[0][0].ID != start.ID || after.JSON[0][0].Text != "Start" {
		t.Errorf("the page changed: %+v", after.JSON)
	}
	// A heading stays a heading when its HTML breaks lines only as white space, or marks direction.
	w := decodeWidget(t, c.Post(fmt.Sprintf("page/%d/heading/create/", p.ID), map[string]any{"val": "<b>Shalom</b>\r\n<i>\u05e9\u05dc\u05d5\u05dd</i>\u200f"}))
	if w.Text != "Shalom \u05e9\u05dc\u05d5\u05dd\u200f" {
		t.Errorf("heading text %+q", w.Text)
	}
	md := c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": "Setext\nheading\n===\n\nText"}).Want(200).List()
	if md[0]["text"] != "Setext heading" {
		t.Errorf("Markdown heading text %q", md[0]["text"])
	}
}

// TestMarkupNeverDropsCharacters: HTML and Markdown that hold NUL (which an HTML parser drops and
// Markdown turns into U+FFFD) are refused with a 400 on the field naming it, on every path that
// stores them; other control and direction characters in a paragraph are kept as sent.
func TestMarkupNeverDropsCharacters(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Markup", column{para("first")})
	first := getPage(t, c, p.ID).JSON[0][0]
	nul := "<p>a\u0000b</p>"
	for _, tc := range []struct {
		r     *apptest.Response
		field string
	}{
		{c.Post(fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": nul}), "val"},
		{c.Post(fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": "a\u0000b", "format": "text"}), "val"},
		{c.Post(widgetURL(p.ID, "paragraph", "update", first.ID), map[string]any{"val": nul}), "val"},
		{c.Post("pages/create/", map[string]any{"title": "NUL", "json": []column{{para(nul)}}}), "json[0][0].val"},
		{c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": "para a\u0000b"}), "val"},
		{c.Post(fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{"val": nul, "fields": []map[string]any{{"label": "Who"}}}), "val"},
		{c.Post(fmt.Sprintf("page/%d/discussion/create/", p.ID), map[string]any{"val": nul}), "val"},
	} {
		r := tc.r
		m := wantInvalid(t, r, tc.field)
		if msg, _ := m["error"].(string); !strings.Contains(msg, "U+0000") {
			t.Errorf("%s: message %q does not name NUL", r.URL, msg)
		}
	}
	if after := getPage(t, c, p.ID); len(after.JSON[0]) != 1 || after.JSON[0][0].ID != first.ID {
		t.Errorf("the page changed: %+v", after.JSON)
	}
	kept := "<p>a\u001bb \u202ec\u2066d\u2069 e\u0085f</p>"
	w := decodeWidget(t, c.Post(fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": kept}))
	if w.HTML != kept || w.Text != "a\u001bb \u202ec\u2066d\u2069 e f" {
		t.Errorf("paragraph stored %+q, text %+q; want it as sent", w.HTML, w.Text)
	}
}
