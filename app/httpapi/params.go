// Package httpapi is the HTTP side of Quire's API, shared by the domains' handlers: request
// parameters (from the URL, a form or a JSON body, with their limits), body limits, JSON answers
// with their length, lists answered in batches through a spool, and the memory budget of large
// answers. The vocabulary these speak (errors, times, list queries) is package api.
package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"quire/app/api"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json/jsontext"
)

// maxParams is the most URL or form parameters a request may carry.
const maxParams = 1000

// MaxBodyBytes bounds a JSON or form body; uploads have their own, larger limit.
const MaxBodyBytes = 16 << 20

// Params are the parameters of one request: the URL query, overlaid by a JSON object or a
// form-encoded body (Papyrs clients send either, and URL parameters too). Getters record the first
// problem, so a handler reads every parameter and then checks Err once.
//
// Each parameter is given once. A key repeated in the URL, in a form body or in a JSON object (at
// any depth), a key given in both the URL and the body, or inside Papyrs' "widget" object and
// beside it, is a validation error naming it, rather than one of the values kept and the others
// dropped; the exceptions lose nothing: a URL parameter left empty (a flag such as ?json) or
// given the same text as in the body, and PHP's list keys (tags[]=a&tags[]=b), which make one
// list of every value in order.
//
// URL and form parameters are text by nature, and the getters read numbers and booleans from
// that text. A value given in JSON has a type, and the getters hold it to the type the OpenAPI
// document says: a number where a string is expected, or a string where a number or a boolean is,
// is a validation error naming the parameter, never converted.
type Params struct {
	values   map[string]any
	fromBody map[string]bool
	fromJSON map[string]bool // the value is typed JSON, not form or URL text
	err      error
}

// ParseParams reads the query and, unless the body is multipart, the body of c's request. A JSON
// body must be one object; malformed JSON or an unreadable form is a 400, an oversized body a 413.
func ParseParams(c *gin.Context) (*Params, error) {
	p := &Params{values: map[string]any{}, fromBody: map[string]bool{}, fromJSON: map[string]bool{}}
	query := c.Request.URL.Query()
	if len(query) > maxParams {
		return nil, api.Invalid("", "The URL has %d parameters; at most %d are read.", len(query), maxParams)
	}
	for k, vs := range query {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return nil, api.Invalid(truncate(strings.ToValidUTF8(k, "?"), 40), "URL parameter %q is not valid UTF-8 text.", truncate(strings.ToValidUTF8(k, "?"), 40))
			}
			if err := setParam(p.values, k, v, "the URL"); err != nil {
				return nil, err
			}
		}
	}
	if c.Request.Body == nil || c.Request.Method == http.MethodGet {
		return p, nil
	}
	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if strings.HasPrefix(mediaType, "multipart/") {
		return p, nil
	}
	tooLarge := api.TooLarge("The request body is over the limit of %d MB.", MaxBodyBytes>>20)
	if err := LimitBody(c, MaxBodyBytes, tooLarge); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return nil, ReadError(c, err, tooLarge, "")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return p, nil
	}
	// A body that opens with "{" is JSON whatever its Content-Type: curl -d and many scripts send
	// JSON labelled as a form, and no form body starts with a brace.
	switch {
	case mediaType == "application/json" || trimmed[0] == '{':
		obj, err := decodeObject(trimmed)
		if err != nil {
			return nil, err
		}
		if err := p.overlay(obj, true); err != nil {
			return nil, err
		}
	default:
		form, err := parseForm(string(trimmed))
		if err != nil {
			return nil, err
		}
		if err := p.overlay(form, false); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// overlay sets the parameters of the body over those of the URL. A key in both is an error,
// unless the URL's value is empty or the same text.
func (p *Params) overlay(body map[string]any, typed bool) error {
	for k, v := range body {
		if err := p.givenTwice(k, v, "in the URL and in the body"); err != nil {
			return err
		}
		p.values[k] = v
		p.fromBody[k] = true
		p.fromJSON[k] = typed
	}
	return nil
}

// givenTwice returns the error for parameter k, held already, given again as v (where says where
// both were), or nil when keeping v loses nothing: nothing or empty URL text was held, or the same
// text.
func (p *Params) givenTwice(k string, v any, where string) error {
	old, held := p.values[k]
	if !held || old == nil {
		return nil
	}
	if s, isText := old.(string); isText && (s == "" && !p.fromBody[k] || s == v) {
		return nil
	}
	return errRepeated(k, where)
}

func errRepeated(key, where string) error {
	return api.Invalid(key, "Parameter %q is given twice, %s; give it once (a list goes in one parameter: a JSON list, "+
		"or %s[]=a&%s[]=b in a form).", key, where, key, key)
}

func decodeObject(body []byte) (map[string]any, error) {
	v, err := decodeJSON(body)
	if err != nil {
		return nil, api.Invalid(err.Field, "The request body is not valid JSON: %s.", err.Message)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, api.Invalid("", "The request body must be a JSON object.")
	}
	return obj, nil
}

// decodeJSON decodes one JSON value, numbers as json.Number. On failure it returns an error
// whose Message says what is wrong (for the caller to put in a sentence) and whose Field names the
// member at fault when there is one: a name given twice in one object (encoding/json would keep
// the last value silently) or a string of invalid UTF-8 (which it would change to U+FFFD) are
// refused, as RFC 8259 section 4 and RFC 7493 (I-JSON) advise, by go-json-experiment's jsontext,
// the implementation that became encoding/json/v2.
func decodeJSON(data []byte) (any, *api.Error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &api.Error{Message: jsonProblem(err)}
	}
	if dec.More() {
		return nil, &api.Error{Message: "unexpected data after the value"}
	}
	if _, err := jsontext.NewDecoder(bytes.NewReader(data)).ReadValue(); err != nil {
		var syn *jsontext.SyntacticError
		if !errors.As(err, &syn) {
			return nil, &api.Error{Message: err.Error()}
		}
		field := memberName(syn.JSONPointer)
		if errors.Is(syn.Err, jsontext.ErrDuplicateName) {
			return nil, &api.Error{Field: field, Message: fmt.Sprintf("%q is given twice in one object; give it once", field)}
		}
		return nil, &api.Error{Field: field, Message: fmt.Sprintf("%v at %q", syn.Err, field)}
	}
	return v, nil
}

// memberName writes a JSON pointer (/json/0/1/val) as Quire's errors name fields (json[0][1].val).
func memberName(ptr jsontext.Pointer) string {
	var b strings.Builder
	for tok := range ptr.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s (at byte %d)", syn.Error(), syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the body ends in the middle of a value"
	}
	return err.Error()
}

// parseForm reads a form-encoded body. Keys such as widget[val] become nested objects, as PHP
// and Rails clients write them.
func parseForm(body string) (map[string]any, error) {
	out := map[string]any{}
	if n := strings.Count(body, "&") + 1; n > maxParams {
		return nil, api.Invalid("", "The form-encoded body has %d parameters; at most %d are read.", n, maxParams)
	}
	for _, pair := range strings.Split(body, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, api.Invalid("", "The form-encoded body is malformed near %q.", truncate(pair, 40))
		}
		if !utf8.ValidString(key) || !utf8.ValidString(val) {
			return nil, api.Invalid("", "The form-encoded body is not valid UTF-8 text near %q; send text as UTF-8.", truncate(strings.ToValidUTF8(pair, "?"), 40))
		}
		if err := setParam(out, key, val, "the form body"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// setParam sets a form or URL parameter read from source ("the URL", "the form body"), as PHP and
// Rails clients write them: a key such as widget[val] sets "val" of the object "widget" (Papyrs
// documents widget[val] in URLs too), and tags[] adds a value to the list "tags". A key given
// again, or a name given both as a value and as an object or list, is an error naming it.
func setParam(out map[string]any, key, val, source string) error {
	outer, inner, bracket := strings.Cut(key, "[")
	if !bracket || !strings.HasSuffix(inner, "]") {
		if _, held := out[key]; held {
			return errRepeated(key, "in "+source)
		}
		out[key] = val
		return nil
	}
	inner = strings.TrimSuffix(inner, "]")
	if inner == "" {
		list, isList := out[outer].([]any)
		if _, held := out[outer]; held && !isList {
			return errRepeated(outer, "in "+source+" as a value and as a list ("+key+")")
		}
		out[outer] = append(list, val)
		return nil
	}
	nested, isObject := out[outer].(map[string]any)
	if _, held := out[outer]; held && !isObject {
		return errRepeated(outer, "in "+source+" as a value and as an object ("+key+")")
	}
	if nested == nil {
		nested = map[string]any{}
		out[outer] = nested
	}
	if _, held := nested[inner]; held {
		return errRepeated(key, "in "+source)
	}
	nested[inner] = val
	return nil
}

// Unwrap lifts the keys of the object named name (Papyrs' {"widget": {...}}) to the top level,
// where they override keys of the same name.
func (p *Params) Unwrap(name string) {
	obj, ok := p.values[name].(map[string]any)
	typed := ok && p.fromJSON[name] // widget[val]=... in a form or URL makes an object of text
	if !ok {
		typed = true
		if s, isString := p.values[name].(string); isString && strings.HasPrefix(strings.TrimSpace(s), "{") {
			var err error
			if obj, err = decodeObject([]byte(s)); err != nil {
				p.fail(api.Invalid(name, "Parameter %q must be an object: %s", name, err.Error()))
				return
			}
		} else if p.values[name] != nil {
			p.fail(api.Invalid(name, "Parameter %q must be an object.", name))
			return
		}
	}
	for k, v := range obj {
		if err := p.givenTwice(k, v, fmt.Sprintf("inside %q and beside it", name)); err != nil {
			p.fail(err)
			return
		}
	}
	fromBody := p.fromBody[name]
	delete(p.values, name)
	delete(p.fromBody, name)
	delete(p.fromJSON, name)
	for k, v := range obj {
		p.values[k] = v
		p.fromBody[k] = fromBody
		p.fromJSON[k] = typed
	}
}

// Allow records an error for the first body parameter not in names. Query parameters are not
// checked, since proxies and browsers add their own.
func (p *Params) Allow(names ...string) {
	allowed := map[string]bool{}
	for _, n := range names {
		allowed[n] = true
	}
	var unknown []string
	for k := range p.values {
		if p.fromBody[k] && !allowed[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return
	}
	sort.Strings(unknown)
	sort.Strings(names)
	if len(names) == 0 {
		p.fail(api.Invalid(unknown[0], "Unknown parameter %q. This action takes no parameters.", unknown[0]))
		return
	}
	p.fail(api.Invalid(unknown[0], "Unknown parameter %q. This action takes: %s.", unknown[0], strings.Join(names, ", ")))
}

// Has reports whether the parameter was given with a non-null value.
func (p *Params) Has(name string) bool { return p.values[name] != nil }

// Require records an error for the first of names that is missing or empty.
func (p *Params) Require(names ...string) {
	for _, n := range names {
		v := p.values[n]
		if s, ok := v.(string); v == nil || (ok && strings.TrimSpace(s) == "") {
			p.fail(api.Invalid(n, "Parameter %q is required.", n))
			return
		}
	}
}

// String returns the named parameter as text ("" when absent). A JSON number, boolean, object
// or list is an error.
func (p *Params) String(name string) string {
	switch v := p.values[name].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		p.fail(api.Invalid(name, "Parameter %q must be a string, not %s.", name, jsonKind(v)))
		return ""
	}
}

// jsonKind names the JSON type of a decoded value, for messages.
func jsonKind(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", truncate(v, 40))
	case json.Number:
		return "the number " + truncate(v.String(), 40)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "null"
}

// Int returns the named parameter as an integer, or def when absent.
func (p *Params) Int(name string, def int64) int64 {
	v := p.OptInt(name)
	if v == nil {
		return def
	}
	return *v
}

// OptInt returns the named parameter as an integer, or nil when absent or empty.
func (p *Params) OptInt(name string) *int64 {
	var text string
	switch v := p.values[name].(type) {
	case nil:
		return nil
	case json.Number:
		text = v.String()
	case string:
		if p.fromJSON[name] {
			p.fail(api.Invalid(name, "Parameter %q must be an integer, not %s.", name, jsonKind(v)))
			return nil
		}
		text = strings.TrimSpace(v)
		if text == "" {
			return nil
		}
	default:
		p.fail(api.Invalid(name, "Parameter %q must be an integer, not %s.", name, jsonKind(v)))
		return nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		p.fail(api.Invalid(name, "Parameter %q must be an integer, not %q.", name, truncate(text, 40)))
		return nil
	}
	return &n
}

// Bool returns the named parameter as a boolean, or def: a JSON true or false, or as URL or form
// text true/false, 1/0, yes/no, on/off.
func (p *Params) Bool(name string, def bool) bool {
	switch v := p.values[name].(type) {
	case nil:
		return def
	case bool:
		return v
	case string:
		if p.fromJSON[name] {
			break
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "":
			return def
		case "1", "true", "yes", "on":
			return true
		case "0", "false", "no", "off":
			return false
		}
	}
	p.fail(api.Invalid(name, "Parameter %q must be true or false, not %s.", name, jsonKind(p.values[name])))
	return def
}

// Strings returns the named parameter as a list of trimmed, non-empty strings: a JSON list of
// strings, or one comma-separated string.
func (p *Params) Strings(name string) []string {
	var parts []string
	switch v := p.values[name].(type) {
	case nil:
		return nil
	case string:
		parts = strings.Split(v, ",")
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				p.fail(api.Invalid(name, "Parameter %q must be a list of strings or a comma-separated string; it lists %s.", name, jsonKind(item)))
				return nil
			}
			parts = append(parts, s)
		}
	default:
		p.fail(api.Invalid(name, "Parameter %q must be a list of strings or a comma-separated string.", name))
		return nil
	}
	out := make([]string, 0, len(parts))
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// JSON returns the named parameter as decoded JSON (maps, lists, json.Number...). A string value,
// as a form or URL sends it, is decoded as JSON text.
func (p *Params) JSON(name string) any {
	v := p.values[name]
	s, ok := v.(string)
	if !ok {
		return v
	}
	out, err := decodeJSON([]byte(s))
	if err != nil {
		p.fail(api.Invalid(name, "Parameter %q must be JSON: %s.", name, err.Message))
		return nil
	}
	return out
}

// Raw returns the named parameter as it was given, for a parameter that takes several shapes:
// text (URL, form), an object or list of text (name[key]=..., name[]=...), or decoded JSON; nil
// when absent.
func (p *Params) Raw(name string) any { return p.values[name] }

// Object returns every parameter given in the body, for actions whose keys are data (a form
// record keyed by field name).
func (p *Params) Object() map[string]any {
	out := map[string]any{}
	for k, v := range p.values {
		if p.fromBody[k] {
			out[k] = v
		}
	}
	return out
}

// Fail records err unless an earlier error is recorded.
func (p *Params) Fail(err error) { p.fail(err) }

func (p *Params) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// Err returns the first problem any getter met, or nil.
func (p *Params) Err() error { return p.err }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// OptString returns the named parameter as text, or nil when it was not given.
func (p *Params) OptString(name string) *string {
	if !p.Has(name) {
		return nil
	}
	s := p.String(name)
	return &s
}
