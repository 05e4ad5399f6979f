package widgets

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"quire/app/api"
)

// Limits of one answer, in characters.
const (
	MaxTextValue     = 1000
	MaxTextareaValue = 20000
	maxNumberValue   = 40 // an email address: at most 254 bytes (api.Email)
)

// Answer is one field's value in a record, with the field's name and label as they were when the
// record was submitted, so that a record keeps its values when the form changes.
type Answer struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// decimal is a number as people write it: 42, -3.5, .5, 1e6.
var decimal = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// SubmissionFromList reads a record given as {"fields": [{"field": ..., "value": ...}]}, where
// field is a field's name or, failing that, its label (ignoring case), and returns the values
// keyed by field name. Errors name the entry at fault, such as "fields[1].field".
func SubmissionFromList(fields []Field, v any) (map[string]any, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, api.Invalid("fields", "Parameter \"fields\" must be a list of {\"field\": NAME_OR_LABEL, \"value\": VALUE}.")
	}
	out := make(map[string]any, len(list))
	for i, item := range list {
		at := fmt.Sprintf("fields[%d]", i)
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, api.Invalid(at, "%s must be an object {\"field\": NAME_OR_LABEL, \"value\": VALUE}.", at)
		}
		for k := range obj {
			if k != "field" && k != "value" {
				return nil, api.Invalid(at+"."+k, "Unknown key %q in %s; an entry takes field and value.", k, at)
			}
		}
		key, _ := obj["field"].(string)
		f := lookupField(fields, key)
		if f == nil {
			return nil, api.Invalid(at+".field", "%s names no field of this form: %q. %s", at, key, fieldList(fields))
		}
		if _, twice := out[f.Name]; twice {
			return nil, api.Invalid(f.Name, "Field %q is given twice.", f.Label)
		}
		out[f.Name] = obj["value"]
	}
	return out, nil
}

// lookupField finds a field by name, then by label ignoring case.
func lookupField(fields []Field, key string) *Field {
	key = strings.TrimSpace(key)
	for i := range fields {
		if fields[i].Name == key {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].Label, key) {
			return &fields[i]
		}
	}
	return nil
}

// fieldList tells a client which field names a form has.
func fieldList(fields []Field) string {
	names := make([]string, 0, len(fields))
	for _, f := range fields {
		names = append(names, strconv.Quote(f.Name))
	}
	if len(names) > 20 {
		names = append(names[:20], "...")
	}
	return "This form's fields are " + strings.Join(names, ", ") + "."
}

// CheckSubmission validates values keyed by field name against the form's fields and returns one
// answer per field, in the form's order. A field left out counts as empty (a checkbox as
// unchecked). Errors name the field (its name) and say what is wrong in words with its label;
// a name the form does not have is refused.
func CheckSubmission(fields []Field, values map[string]any) ([]Answer, error) {
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f.Name] = true
	}
	var unknown []string
	for k := range values {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, api.Invalid(unknown[0], "This form has no field named %q. %s", unknown[0], fieldList(fields))
	}
	out := make([]Answer, len(fields))
	for i, f := range fields {
		v, err := checkValue(f, values[f.Name])
		if err != nil {
			return nil, err
		}
		out[i] = Answer{Name: f.Name, Label: f.Label, Value: v}
	}
	return out, nil
}

// checkValue validates one value and returns it as stored: text, trimmed; a number as written;
// an email address; a date as YYYY-MM-DD; a select's option as the form spells it; a checkbox as
// "true" or "false".
func checkValue(f Field, v any) (string, error) {
	if f.Type == FieldCheckbox {
		checked, ok := checkboxValue(v)
		switch {
		case !ok:
			return "", api.Invalid(f.Name, "Field %q is a checkbox: send true or false.", f.Label)
		case f.Required && !checked:
			return "", api.Invalid(f.Name, "Field %q must be checked.", f.Label)
		}
		return strconv.FormatBool(checked), nil
	}
	var s string
	switch x := v.(type) {
	case nil:
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		return "", api.Invalid(f.Name, "Field %q must be text, not %s.", f.Label, jsonKind(v))
	}
	// The text rule for names and lines (api.Line) holds for a text field's answer, and for a
	// textarea's with its line breaks kept.
	var err error
	if f.Type == FieldTextarea {
		s, err = api.Text(f.Name, s, 0)
	} else {
		s, err = api.Line(f.Name, s, 0)
	}
	if err != nil {
		return "", err
	}
	if s == "" {
		if f.Required {
			return "", api.Invalid(f.Name, "Field %q is required.", f.Label)
		}
		return "", nil
	}
	return checkTyped(f, s)
}

// checkTyped validates a non-empty, trimmed value by its field's type.
func checkTyped(f Field, s string) (string, error) {
	bad := func(format string, args ...any) error {
		return api.Invalid(f.Name, "Field %q %s", f.Label, fmt.Sprintf(format, args...))
	}
	switch f.Type {
	case FieldText:
		if strings.ContainsAny(s, "\r\n") {
			return "", bad("takes one line of text.")
		}
		if utf8.RuneCountInString(s) > MaxTextValue {
			return "", bad("is longer than %d characters.", MaxTextValue)
		}
	case FieldTextarea:
		if utf8.RuneCountInString(s) > MaxTextareaValue {
			return "", bad("is longer than %d characters.", MaxTextareaValue)
		}
	case FieldNumber:
		if len(s) > maxNumberValue || !decimal.MatchString(s) {
			return "", bad("must be a number such as 42 or 3.5.")
		}
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "", bad("is a number too large to keep.")
		}
		s = strings.TrimPrefix(s, "+")
	case FieldEmail:
		// The one rule for addresses, as for people's (api.Email): its error names the field.
		return api.Email(f.Name, s)
	case FieldDate:
		if _, err := time.Parse("2006-01-02", s); err != nil {
			return "", bad("must be a date written YYYY-MM-DD, such as 2026-11-25.")
		}
	case FieldSelect:
		for _, o := range f.Options {
			if strings.EqualFold(o, s) {
				return o, nil
			}
		}
		return "", bad("must be one of: %s.", strings.Join(f.Options, ", "))
	}
	return s, nil
}

// checkboxValue reads a checkbox: a boolean, 1 or 0, or true/false, yes/no, on/off as text
// (a web form sends "on"); nothing is unchecked.
func checkboxValue(v any) (checked, ok bool) {
	switch x := v.(type) {
	case nil:
		return false, true
	case bool:
		return x, true
	case json.Number:
		switch x.String() {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "1", "true", "yes", "on":
			return true, true
		case "", "0", "false", "no", "off":
			return false, true
		}
	}
	return false, false
}

func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "true or false"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
