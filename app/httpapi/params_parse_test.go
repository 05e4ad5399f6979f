package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"quire/app/api"
)

// paramsCase is one request given to ParseParams and what a handler reads of it.
type paramsCase struct {
	name   string
	method string // POST unless told
	query  string
	ctype  string    // "json" and "form" stand for their media types
	body   string    // sent with its length
	stream io.Reader // sent instead of body, with no length, as a chunked upload is
	read   func(p *Params) any
	want   any    // what read returns, when accepted
	code   string // the error's code, "" when accepted
	field  string // the field the error names
	says   string // part of the error's message
}

func (tc paramsCase) run(t *testing.T) {
	t.Helper()
	method := tc.method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader = strings.NewReader(tc.body)
	if tc.stream != nil {
		body = tc.stream
	}
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(method, "/x/?"+tc.query, body)
	switch tc.ctype {
	case "json":
		c.Request.Header.Set("Content-Type", "application/json")
	case "form":
		c.Request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	default:
		c.Request.Header.Set("Content-Type", tc.ctype)
	}
	p, err := ParseParams(c)
	var got any
	if err == nil && tc.read != nil {
		got = tc.read(p)
		err = p.Err()
	}
	if tc.code == "" {
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Fatalf("got %#v, %v; want %#v", got, err, tc.want)
		}
		return
	}
	var e *api.Error
	if !errors.As(err, &e) || e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.says) {
		t.Fatalf("got %#v, %v; want %s on field %q saying %q", got, err, tc.code, tc.field, tc.says)
	}
}

// Where parameters come from: the URL, a form body or a JSON body, which body is which, and
// which bodies are not read at all.
func TestParamsSources(t *testing.T) {
	t.Parallel()
	title := func(p *Params) any { return p.String("title") }
	cases := []paramsCase{
		{name: "URL only", query: "title=From+the%20URL", read: title, want: "From the URL"},
		{name: "form body", ctype: "form", body: "title=From+a%20form", read: title, want: "From a form"},
		{name: "JSON body", ctype: "json", body: `{"title": "From JSON"}`, read: title, want: "From JSON"},
		{name: "JSON labelled as a form", ctype: "form", body: ` {"title": "JSON anyway"}`, read: title, want: "JSON anyway"},
		{name: "JSON with no type", ctype: "", body: `{"title": "JSON anyway"}`, read: title, want: "JSON anyway"},
		{name: "form with a charset", ctype: "application/x-www-form-urlencoded; charset=utf-8", body: "title=T", read: title, want: "T"},
		{name: "URL and body side by side", query: "limit=3", ctype: "json", body: `{"title": "T"}`,
			read: func(p *Params) any { return fmt.Sprintf("%d %s", p.Int("limit", 0), p.String("title")) }, want: "3 T"},
		{name: "the body of a GET is not read", method: http.MethodGet, query: "title=URL", ctype: "json", body: `{"title": "body"}`, read: title, want: "URL"},
		{name: "a multipart body is left to the upload", ctype: "multipart/form-data; boundary=x", body: "--x\r\n", read: title, want: ""},
		{name: "an empty body", ctype: "json", body: "  \n", read: title, want: ""},
		{name: "a form body of empty pairs", ctype: "form", body: "&&title=T&", read: title, want: "T"},
		{name: "a nested form key", ctype: "form", body: "widget[val]=a", read: func(p *Params) any { p.Unwrap("widget"); return p.String("val") }, want: "a"},
		{name: "a JSON list body", ctype: "json", body: `["title"]`, code: api.CodeInvalid, says: "must be a JSON object"},
		{name: "a JSON string body", ctype: "json", body: `"title"`, code: api.CodeInvalid, says: "must be a JSON object"},
		{name: "malformed JSON", ctype: "json", body: `{"title": }`, code: api.CodeInvalid, says: "not valid JSON"},
		{name: "truncated JSON", ctype: "json", body: `{"title": "T"`, code: api.CodeInvalid, says: "ends in the middle"},
		{name: "two JSON values", ctype: "json", body: `{"title": "T"} {}`, code: api.CodeInvalid, says: "after the value"},
		{name: "a malformed escape in a form", ctype: "form", body: "title=%zz", code: api.CodeInvalid, says: "malformed near"},
		{name: "invalid UTF-8 in a form", ctype: "form", body: "title=%ff", code: api.CodeInvalid, says: "not valid UTF-8"},
		{name: "invalid UTF-8 in the URL", query: "title=%ff", code: api.CodeInvalid, field: "title", says: "not valid UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { t.Parallel(); tc.run(t) })
	}
}

// The limits of a request's parameters: their number in the URL and in a form, and the size of
// a body, declared or streamed.
func TestParamsLimits(t *testing.T) {
	t.Parallel()
	pairs := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte('&')
			}
			fmt.Fprintf(&b, "k%d=v", i)
		}
		return b.String()
	}
	count := func(p *Params) any { return len(p.Object()) }
	over := `{"title": "` + strings.Repeat("a", MaxBodyBytes) + `"}`
	cases := []paramsCase{
		{name: "the most URL parameters", query: pairs(maxParams), read: func(p *Params) any { return p.String("k999") }, want: "v"},
		{name: "one URL parameter too many", query: pairs(maxParams + 1), code: api.CodeInvalid, says: "at most 1000"},
		{name: "the most form parameters", ctype: "form", body: pairs(maxParams), read: count, want: maxParams},
		{name: "one form parameter too many", ctype: "form", body: pairs(maxParams + 1), code: api.CodeInvalid, says: "at most 1000"},
		{name: "a body at the limit", ctype: "json", body: over[:MaxBodyBytes-2] + `"}`, read: func(p *Params) any { return len(p.String("title")) }, want: MaxBodyBytes - 13},
		{name: "a declared body over the limit", ctype: "json", body: over, code: api.CodeTooLarge, says: "16 MB"},
		{name: "a streamed body over the limit", ctype: "json", stream: io.MultiReader(strings.NewReader(over)), code: api.CodeTooLarge, says: "16 MB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t) }) // not parallel: the large bodies one at a time
	}
}

// The getters: text read as the type asked for, defaults, required and allowed parameters.
func TestParamsGetters(t *testing.T) {
	t.Parallel()
	cases := []paramsCase{
		{name: "Int absent", read: func(p *Params) any { return p.Int("n", 7) }, want: int64(7)},
		{name: "Int empty text", query: "n=", read: func(p *Params) any { return p.Int("n", 7) }, want: int64(7)},
		{name: "Int text with spaces", query: "n=+42+", read: func(p *Params) any { return p.Int("n", 0) }, want: int64(42)},
		{name: "Int negative", ctype: "json", body: `{"n": -3}`, read: func(p *Params) any { return p.Int("n", 0) }, want: int64(-3)},
		{name: "Int not a number", query: "n=12abc", read: func(p *Params) any { return p.Int("n", 0) }, code: api.CodeInvalid, field: "n", says: `not "12abc"`},
		{name: "Int past int64", query: "n=9223372036854775808", read: func(p *Params) any { return p.Int("n", 0) }, code: api.CodeInvalid, field: "n", says: "must be an integer"},
		{name: "Int JSON null is absent", ctype: "json", body: `{"n": null}`, read: func(p *Params) any { return p.Int("n", 7) }, want: int64(7)},
		{name: "OptInt absent", read: func(p *Params) any { return p.OptInt("n") == nil }, want: true},
		{name: "Bool text yes", query: "b=YES", read: func(p *Params) any { return p.Bool("b", false) }, want: true},
		{name: "Bool text off", query: "b=off", read: func(p *Params) any { return p.Bool("b", true) }, want: false},
		{name: "Bool empty text", query: "b=", read: func(p *Params) any { return p.Bool("b", true) }, want: true},
		{name: "Bool other text", query: "b=maybe", read: func(p *Params) any { return p.Bool("b", false) }, code: api.CodeInvalid, field: "b", says: `not the string "maybe"`},
		{name: "Strings comma-separated and trimmed", query: "tags=a,+b+,,c", read: func(p *Params) any { return strings.Join(p.Strings("tags"), "|") }, want: "a|b|c"},
		{name: "Strings a JSON list", ctype: "json", body: `{"tags": [" a ", ""]}`, read: func(p *Params) any { return strings.Join(p.Strings("tags"), "|") }, want: "a"},
		{name: "Strings a JSON object", ctype: "json", body: `{"tags": {}}`, read: func(p *Params) any { return p.Strings("tags") }, code: api.CodeInvalid, field: "tags", says: "list of strings"},
		{name: "OptString absent", read: func(p *Params) any { return p.OptString("s") == nil }, want: true},
		{name: "OptString empty", ctype: "form", body: "s=", read: func(p *Params) any { return *p.OptString("s") == "" }, want: true},
		{name: "Has a JSON null", ctype: "json", body: `{"s": null}`, read: func(p *Params) any { return p.Has("s") }, want: false},
		{name: "Require met", ctype: "form", body: "a=1&b=2", read: func(p *Params) any { p.Require("a", "b"); return nil }, want: nil},
		{name: "Require missing", ctype: "form", body: "a=1", read: func(p *Params) any { p.Require("a", "b"); return nil }, code: api.CodeInvalid, field: "b", says: `"b" is required`},
		{name: "Require blank", ctype: "json", body: `{"a": "  "}`, read: func(p *Params) any { p.Require("a"); return nil }, code: api.CodeInvalid, field: "a", says: "required"},
		{name: "Allow names the first unknown body key", query: "utm=x", ctype: "json", body: `{"z": 1, "y": 2, "a": 3}`,
			read: func(p *Params) any { p.Allow("a"); return nil }, code: api.CodeInvalid, field: "y", says: "This action takes: a."},
		{name: "Allow ignores URL keys", query: "utm=x", ctype: "json", body: `{"a": 1}`, read: func(p *Params) any { p.Allow("a"); return nil }, want: nil},
		{name: "Allow none", ctype: "form", body: "a=1", read: func(p *Params) any { p.Allow(); return nil }, code: api.CodeInvalid, field: "a", says: "takes no parameters"},
		{name: "the first problem is kept", query: "n=x&b=maybe", read: func(p *Params) any { p.Int("n", 0); p.Bool("b", false); return nil }, code: api.CodeInvalid, field: "n", says: "integer"},
		{name: "Object is the body's keys only", query: "q=1", ctype: "form", body: "a=1&b=2", read: func(p *Params) any { return p.Object() }, want: map[string]any{"a": "1", "b": "2"}},
		{name: "Unwrap of a scalar", ctype: "json", body: `{"widget": 5}`, read: func(p *Params) any { p.Unwrap("widget"); return nil }, code: api.CodeInvalid, field: "widget", says: "must be an object"},
		{name: "Unwrap of JSON text that is not JSON", ctype: "form", body: "widget={oops", read: func(p *Params) any { p.Unwrap("widget"); return nil }, code: api.CodeInvalid, field: "widget", says: "must be an object"},
		{name: "JSON of form text", ctype: "form", body: `json=[[{"val":"a"}]]`, read: func(p *Params) any { return fmt.Sprint(p.JSON("json")) }, want: "[[map[val:a]]]"},
		{name: "JSON of form text that is not JSON", ctype: "form", body: `json=[[`, read: func(p *Params) any { return p.JSON("json") }, code: api.CodeInvalid, field: "json", says: "must be JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { t.Parallel(); tc.run(t) })
	}
}
