package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"quire/app/api"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func parse(t *testing.T, query, contentType, body string) *Params {
	t.Helper()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/x/?"+query, strings.NewReader(body))
	if contentType != "" {
		c.Request.Header.Set("Content-Type", contentType)
	}
	p, err := ParseParams(c)
	if err != nil {
		t.Fatalf("ParseParams(%q): %v", body, err)
	}
	return p
}

// TestJSONTypes: a JSON value is held to its type; URL and form text keeps being read as the
// type asked for.
func TestJSONTypes(t *testing.T) {
	t.Parallel()
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name               string
		query, ctype, body string
		get                func(p *Params) any
		want               any    // when accepted
		refused            string // part of the message; "" when accepted
	}{
		{name: "JSON string as string", body: `{"title": "5"}`, get: func(p *Params) any { return p.String("title") }, want: "5"},
		{name: "JSON number as string", body: `{"title": 5}`, get: func(p *Params) any { return p.String("title") }, refused: `"title" must be a string, not the number 5`},
		{name: "JSON boolean as string", body: `{"title": true}`, get: func(p *Params) any { return p.String("title") }, refused: "not true"},
		{name: "JSON list as string", body: `{"title": ["a"]}`, get: func(p *Params) any { return p.String("title") }, refused: "not a list"},
		{name: "JSON number inside widget as string", body: `{"widget": {"val": 5}}`,
			get: func(p *Params) any { p.Unwrap("widget"); return p.OptString("val") }, refused: `"val" must be a string`},
		{name: "JSON number as integer", body: `{"folder_id": 12}`, get: func(p *Params) any { return p.Int("folder_id", 0) }, want: int64(12)},
		{name: "JSON string as integer", body: `{"folder_id": "12"}`, get: func(p *Params) any { return p.Int("folder_id", 0) }, refused: `"folder_id" must be an integer, not the string "12"`},
		{name: "JSON fraction as integer", body: `{"folder_id": 1.5}`, get: func(p *Params) any { return p.Int("folder_id", 0) }, refused: `"folder_id" must be an integer`},
		{name: "JSON boolean as boolean", body: `{"auto_join": false}`, get: func(p *Params) any { return p.Bool("auto_join", true) }, want: false},
		{name: "JSON string as boolean", body: `{"auto_join": "false"}`, get: func(p *Params) any { return p.Bool("auto_join", true) }, refused: `"auto_join" must be true or false, not the string "false"`},
		{name: "JSON number as boolean", body: `{"auto_join": 0}`, get: func(p *Params) any { return p.Bool("auto_join", true) }, refused: "not the number 0"},
		{name: "JSON number in a list of strings", body: `{"tags": ["a", 5]}`, get: func(p *Params) any { return p.Strings("tags") }, refused: "it lists the number 5"},
		{name: "JSON object in a form field is typed", ctype: form, body: `widget={"column": "1"}`,
			get: func(p *Params) any { p.Unwrap("widget"); return p.Int("column", 0) }, refused: "not the string"},
		{name: "form text as integer", ctype: form, body: "folder_id=12", get: func(p *Params) any { return p.Int("folder_id", 0) }, want: int64(12)},
		{name: "form text as boolean", ctype: form, body: "auto_join=no", get: func(p *Params) any { return p.Bool("auto_join", true) }, want: false},
		{name: "form widget[column] as integer", ctype: form, body: "widget[column]=2",
			get: func(p *Params) any { p.Unwrap("widget"); return p.Int("column", 0) }, want: int64(2)},
		{name: "URL text as integer beside a JSON body", query: "limit=5", body: `{"title": "x"}`, get: func(p *Params) any { return p.Int("limit", 0) }, want: int64(5)},
		{name: "URL text as boolean", query: "auto_join=1", get: func(p *Params) any { return p.Bool("auto_join", false) }, want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctype := tc.ctype
			if ctype == "" && tc.body != "" {
				ctype = "application/json"
			}
			p := parse(t, tc.query, ctype, tc.body)
			got := tc.get(p)
			if s, ok := got.(*string); ok && s != nil {
				got = *s
			}
			err := p.Err()
			if tc.refused == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %#v, %v; want %#v", got, err, tc.want)
				}
				return
			}
			var e *api.Error
			if !errors.As(err, &e) || e.Code != api.CodeInvalid || !strings.Contains(e.Message, tc.refused) {
				t.Fatalf("got %#v, %v; want a validation error saying %q", got, err, tc.refused)
			}
		})
	}
}

// TestParameterGivenOnce: a parameter given twice is refused, naming it, wherever the two
// values come from, rather than one being kept and the other dropped; what loses nothing is kept.
func TestParameterGivenOnce(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name               string
		query, ctype, body string
		read               func(p *Params) any // after ParseParams
		field              string              // the field refused; "" when accepted
		want               any
	}{
		{name: "repeated in the form body", ctype: form, body: "val=first&val=second", field: "val"},
		{name: "repeated in the URL", query: "val=first&val=second", field: "val"},
		{name: "repeated in the URL with the same value", query: "val=a&val=a", field: "val"},
		{name: "repeated nested key in a form", ctype: form, body: "widget[val]=a&widget[val]=b", field: "widget[val]"},
		{name: "a value and an object of the same name", ctype: form, body: "widget=x&widget[val]=b", field: "widget"},
		{name: "an object and a value of the same name", ctype: form, body: "widget[val]=b&widget=x", field: "widget"},
		{name: "a value and a list of the same name", ctype: form, body: "tags=a&tags[]=b", field: "tags"},
		{name: "in the URL and in a form body", query: "val=first", ctype: form, body: "val=second", field: "val"},
		{name: "in the URL and in a JSON body", query: "title=first", body: `{"title": "second"}`, field: "title"},
		{name: "duplicate JSON key", body: `{"val": "first", "val": "second"}`, field: "val"},
		{name: "duplicate JSON key inside widget", body: `{"widget": {"val": "a", "val": "b"}}`, field: "widget.val"},
		{name: "duplicate JSON key deep in a list", body: `{"json": [[{"classname": "Paragraph", "val": "a", "val": "b"}]]}`, field: "json[0][0].val"},
		{name: "duplicate key in JSON text of a form field", ctype: form, body: `json=[[{"val": "a", "val": "b"}]]`,
			read: func(p *Params) any { return p.JSON("json") }, field: "json"},
		{name: "duplicate key in a widget object sent as JSON text", ctype: form, body: `widget={"val": "a", "val": "b"}`,
			read: func(p *Params) any { p.Unwrap("widget"); return nil }, field: "widget"},
		{name: "inside widget and beside it", body: `{"val": "a", "widget": {"val": "b"}}`,
			read: func(p *Params) any { p.Unwrap("widget"); return nil }, field: "val"},
		{name: "inside widget[] of a form and beside it", ctype: form, body: "val=a&widget[val]=b",
			read: func(p *Params) any { p.Unwrap("widget"); return nil }, field: "val"},
		{name: "in the URL and inside widget", query: "val=a", body: `{"widget": {"val": "b"}}`,
			read: func(p *Params) any { p.Unwrap("widget"); return nil }, field: "val"},
		{name: "JSON string of invalid UTF-8", body: "{\"val\": \"a\xffb\"}", field: "val"},
		{name: "JSON string of a lone surrogate", body: `{"val": "a\ud800b"}`, field: "val"},
		{name: "JSON text with data after it", ctype: form, body: `json=[[]] [[]]`, read: func(p *Params) any { return p.JSON("json") }, field: "json"},

		{name: "an empty URL flag beside the body", query: "json", body: `{"json": [[]]}`,
			read: func(p *Params) any { return fmt.Sprint(p.JSON("json")) }, want: "[[]]"},
		{name: "the same text in the URL and the body", query: "title=T", ctype: form, body: "title=T",
			read: func(p *Params) any { return p.String("title") }, want: "T"},
		{name: "the same text inside widget and beside it", body: `{"val": "a", "widget": {"val": "a"}}`,
			read: func(p *Params) any { p.Unwrap("widget"); return p.String("val") }, want: "a"},
		{name: "a list key in a form", ctype: form, body: "tags[]=a&tags[]=b%2Cc&tags[]=d",
			read: func(p *Params) any { return strings.Join(p.Strings("tags"), "|") }, want: "a|b,c|d"},
		{name: "a list key in the URL", query: "tags[]=a&tags[]=b",
			read: func(p *Params) any { return strings.Join(p.Strings("tags"), "|") }, want: "a|b"},
		{name: "different nested keys", ctype: form, body: "widget[val]=a&widget[format]=text",
			read: func(p *Params) any { p.Unwrap("widget"); return p.String("val") + p.String("format") }, want: "atext"},
		{name: "the same name in different objects", body: `{"json": [[{"val": "a"}, {"val": "b"}]]}`,
			read: func(p *Params) any { return fmt.Sprint(p.JSON("json")) }, want: "[[map[val:a] map[val:b]]]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest(http.MethodPost, "/x/?"+tc.query, strings.NewReader(tc.body))
			switch {
			case tc.ctype != "":
				c.Request.Header.Set("Content-Type", tc.ctype)
			case tc.body != "":
				c.Request.Header.Set("Content-Type", "application/json")
			}
			p, err := ParseParams(c)
			var got any
			if err == nil && tc.read != nil {
				got = tc.read(p)
				err = p.Err()
			}
			var e *api.Error
			switch {
			case tc.field == "" && (err != nil || got != tc.want):
				t.Fatalf("got %#v, %v; want %#v", got, err, tc.want)
			case tc.field != "" && (!errors.As(err, &e) || e.Code != api.CodeInvalid || e.Field != tc.field):
				t.Fatalf("got %#v, %v; want a validation error on %q", got, err, tc.field)
			case tc.field != "" && e.Field != "" && !strings.Contains(e.Message, "twice") && !strings.Contains(e.Message, "JSON"):
				t.Errorf("message %q should say the parameter is given twice", e.Message)
			}
		})
	}
}
