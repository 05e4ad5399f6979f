package widgets

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"quire/app/api"
)

// The field types of a Form widget.
const (
	FieldText     = "text"
	FieldTextarea = "textarea"
	FieldNumber   = "number"
	FieldEmail    = "email"
	FieldDate     = "date"
	FieldSelect   = "select"
	FieldCheckbox = "checkbox"
)

// FieldTypes are the field types, in the order the documentation lists them.
var FieldTypes = []string{FieldText, FieldTextarea, FieldNumber, FieldEmail, FieldDate, FieldSelect, FieldCheckbox}

// Limits of a form's definition.
const (
	MaxFormFields  = 100
	MaxFieldName   = 64
	MaxFieldLabel  = 200
	MaxFieldOption = 200
	MaxOptions     = 200
)

// fieldKeys are the keys a field object may have.
var fieldKeys = []string{"name", "label", "type", "required", "options"}

// reservedNames are parameters of pages/records that a field cannot be named: "fields" holds a
// record given as a list, "widget_id" picks the form.
var reservedNames = []string{"fields", "widget_id"}

// validName is a field name a client may give: what a JSON key or an HTML input name can hold
// without quoting.
var validName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// FormInput is what a client sent to create or update a Form widget: the intro text (as a text
// widget's input) and the fields, as decoded JSON; nil means not given.
type FormInput struct {
	Input
	Fields any
}

// NewForm validates a new Form widget: fields are required, the intro text ("val") is not.
func NewForm(in FormInput) (Content, error) {
	if in.Fields == nil {
		return Content{}, api.Invalid("fields", "Parameter \"fields\" is required: a list of fields such as "+
			"[{\"label\": \"Name\", \"type\": \"text\", \"required\": true}].")
	}
	return in.Apply(Content{Classname: Form, Format: FormatHTML})
}

// Apply returns base changed by what in gives: the intro text as Input.Apply reads it, and the
// fields, which replace the old ones whole.
func (in FormInput) Apply(base Content) (Content, error) {
	c, err := in.Input.Apply(base)
	if err != nil {
		return c, err
	}
	if in.Fields != nil {
		fields, err := ParseFields(in.Fields)
		if err != nil {
			return c, err
		}
		c.Extra.Fields = &fields
	}
	return c, nil
}

// ParseFields validates a form's field list, as decoded JSON: a list of 1 to MaxFormFields objects
// with a label (or a name), a type (default text), required (default false) and, for a select,
// options. Names are made from labels when missing and must be unique; so must labels, since a
// record may name its fields by label. Errors name the field at fault, such as "fields[2].type".
func ParseFields(v any) ([]Field, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 || len(list) > MaxFormFields {
		return nil, api.Invalid("fields", "Parameter \"fields\" must be a list of 1 to %d fields, each an object with "+
			"\"label\", \"type\" (%s), \"required\" and, for a select, \"options\".", MaxFormFields, strings.Join(FieldTypes, ", "))
	}
	out := make([]Field, len(list))
	names := map[string]bool{}
	for _, n := range reservedNames {
		names[n] = true
	}
	labels := map[string]bool{}
	for i, item := range list {
		at := fmt.Sprintf("fields[%d]", i)
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, api.Invalid(at, "%s must be an object with \"label\" and \"type\".", at)
		}
		f, err := parseField(at, obj)
		if err != nil {
			return nil, err
		}
		if labels[strings.ToLower(f.Label)] {
			return nil, api.Invalid(at+".label", "Two fields are labelled %q; labels must differ.", f.Label)
		}
		labels[strings.ToLower(f.Label)] = true
		if f.Name != "" {
			if names[strings.ToLower(f.Name)] {
				return nil, api.Invalid(at+".name", "Two fields are named %q; names must differ.", f.Name)
			}
			names[strings.ToLower(f.Name)] = true
		}
		out[i] = f
	}
	// Names made from labels come last, so that they step aside for the names clients gave.
	for i := range out {
		if out[i].Name == "" {
			out[i].Name = freeName(out[i].Label, i, names)
			names[strings.ToLower(out[i].Name)] = true
		}
	}
	return out, nil
}

// parseField validates one field object; a missing name stays "".
func parseField(at string, obj map[string]any) (Field, error) {
	for k := range obj {
		if !contains(fieldKeys, k) {
			return Field{}, api.Invalid(at+"."+k, "Unknown key %q in %s; a field takes %s.", k, at, strings.Join(fieldKeys, ", "))
		}
	}
	var f Field
	var err error
	if f.Name, err = fieldString(at, obj, "name", MaxFieldName); err != nil {
		return f, err
	}
	if f.Label, err = fieldString(at, obj, "label", MaxFieldLabel); err != nil {
		return f, err
	}
	if f.Name != "" && !validName.MatchString(f.Name) {
		return f, api.Invalid(at+".name", "%s.name may hold only letters a-z, digits, \"_\" and \"-\", not %q.", at, f.Name)
	}
	if contains(reservedNames, strings.ToLower(f.Name)) {
		return f, api.Invalid(at+".name", "%s.name cannot be %q: records use that word for something else.", at, f.Name)
	}
	if f.Label == "" {
		if f.Name == "" {
			return f, api.Invalid(at+".label", "%s needs a \"label\", the question people see.", at)
		}
		f.Label = f.Name
	}
	if f.Type, err = fieldString(at, obj, "type", 20); err != nil {
		return f, err
	}
	f.Type = strings.ToLower(f.Type)
	if f.Type == "" {
		f.Type = FieldText
	}
	if !contains(FieldTypes, f.Type) {
		return f, api.Invalid(at+".type", "%s.type must be one of %s, not %q.", at, strings.Join(FieldTypes, ", "), f.Type)
	}
	switch v := obj["required"].(type) {
	case nil:
	case bool:
		f.Required = v
	default:
		return f, api.Invalid(at+".required", "%s.required must be true or false.", at)
	}
	f.Options, err = parseOptions(at, obj["options"])
	switch {
	case err != nil:
		return f, err
	case f.Type == FieldSelect && len(f.Options) == 0:
		return f, api.Invalid(at+".options", "%s is a select: give its choices in \"options\", such as [\"North\", \"South\"].", at)
	case f.Type != FieldSelect && len(f.Options) > 0:
		return f, api.Invalid(at+".options", "%s is a %s field; only a select takes \"options\".", at, f.Type)
	}
	return f, nil
}

// fieldString reads an optional string key of a field object: one line of text (api.Line) of at
// most max characters.
func fieldString(at string, obj map[string]any, key string, max int) (string, error) {
	v, present := obj[key]
	if !present || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", api.Invalid(at+"."+key, "%s.%s must be a string.", at, key)
	}
	return api.Line(at+"."+key, s, max)
}

// parseOptions reads a select's choices: a list of distinct, non-empty strings; nil for none.
func parseOptions(at string, v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok || len(list) > MaxOptions {
		return nil, api.Invalid(at+".options", "%s.options must be a list of at most %d strings.", at, MaxOptions)
	}
	if len(list) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(list))
	seen := map[string]bool{}
	for j, item := range list {
		s, ok := item.(string)
		s, err := api.Line(fmt.Sprintf("%s.options[%d]", at, j), s, 0)
		switch {
		case err != nil:
			return nil, err
		case !ok || s == "":
			return nil, api.Invalid(at+".options", "%s.options[%d] must be a non-empty string.", at, j)
		case utf8.RuneCountInString(s) > MaxFieldOption:
			return nil, api.Invalid(at+".options", "%s.options[%d] is longer than %d characters.", at, j, MaxFieldOption)
		case seen[strings.ToLower(s)]:
			return nil, api.Invalid(at+".options", "%s.options lists %q twice.", at, s)
		}
		seen[strings.ToLower(s)] = true
		out = append(out, s)
	}
	return out, nil
}

// freeName makes a field name from its label ("Your e-mail" gives "your_e_mail") that is not in
// taken, adding _2, _3... when it is; a label with no Latin letters or digits gives field_N.
func freeName(label string, i int, taken map[string]bool) string {
	base := strings.ReplaceAll(api.Slugify(label, MaxFieldName-4), "-", "_")
	if base == "" {
		base = fmt.Sprintf("field_%d", i+1)
	}
	name := base
	for n := 2; taken[name]; n++ {
		name = fmt.Sprintf("%s_%d", base, n)
	}
	return name
}

// FormFields returns the fields of a Form widget (none for other kinds).
func FormFields(w *Widget) []Field {
	if w.Extra.Fields == nil {
		return nil
	}
	return *w.Extra.Fields
}
