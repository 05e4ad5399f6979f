package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
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
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalid || !strings.Contains(e.Message, tc.refused) {
				t.Fatalf("got %#v, %v; want a validation error saying %q", got, err, tc.refused)
			}
		})
	}
}
