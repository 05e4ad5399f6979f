package widgets

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"quire/app/api"
)

// decode reads JSON as the API's parameters do (numbers as json.Number).
func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func fieldOf(err error) string {
	var e *api.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return "(not an api.Error)"
}

func TestParseFields(t *testing.T) {
	t.Parallel()
	got, err := ParseFields(decode(t, `[
		{"label": "Your name", "required": true},
		{"label": "Room", "type": "select", "options": ["North", "South"]},
		{"label": "Name", "name": "your_name_2"},
		{"label": "Your name!", "type": "TEXTAREA"},
		{"label": "名前"},
		{"label": "Fields"},
		{"name": "agree", "type": "checkbox"}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{
		{Name: "your_name", Label: "Your name", Type: "text", Required: true},
		{Name: "room", Label: "Room", Type: "select", Options: []string{"North", "South"}},
		{Name: "your_name_2", Label: "Name", Type: "text"},
		{Name: "your_name_3", Label: "Your name!", Type: "textarea"},
		{Name: "field_5", Label: "名前", Type: "text"},
		{Name: "fields_2", Label: "Fields", Type: "text"},
		{Name: "agree", Label: "agree", Type: "checkbox"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseFieldsRefuses(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", MaxFieldLabel+1)
	many := "[" + strings.TrimSuffix(strings.Repeat(`{"label": "a"},`, MaxFormFields+1), ",") + "]"
	cases := []struct{ name, fields, wantField string }{
		{"not a list", `{"label": "a"}`, "fields"},
		{"empty list", `[]`, "fields"},
		{"too many", many, "fields"},
		{"not an object", `["Name"]`, "fields[0]"},
		{"no label or name", `[{"type": "text"}]`, "fields[0].label"},
		{"unknown key", `[{"label": "a", "placeholder": "x"}]`, "fields[0].placeholder"},
		{"unknown type", `[{"label": "a", "type": "color"}]`, "fields[0].type"},
		{"select without options", `[{"label": "a", "type": "select"}]`, "fields[0].options"},
		{"options on text", `[{"label": "a", "options": ["x"]}]`, "fields[0].options"},
		{"empty option", `[{"label": "a", "type": "select", "options": ["x", " "]}]`, "fields[0].options"},
		{"twice the same option", `[{"label": "a", "type": "select", "options": ["x", "X"]}]`, "fields[0].options"},
		{"required not bool", `[{"label": "a", "required": "yes"}]`, "fields[0].required"},
		{"label too long", `[{"label": "` + long + `"}]`, "fields[0].label"},
		{"label on two lines", `[{"label": "a\nb"}]`, "fields[0].label"},
		{"bad name", `[{"label": "a", "name": "a b"}]`, "fields[0].name"},
		{"reserved name", `[{"label": "a", "name": "widget_id"}]`, "fields[0].name"},
		{"same name", `[{"label": "a", "name": "x"}, {"label": "b", "name": "X"}]`, "fields[1].name"},
		{"same label", `[{"label": "Name"}, {"label": "name "}]`, "fields[1].label"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFields(decode(t, tc.fields))
			if got := fieldOf(err); err == nil || got != tc.wantField {
				t.Errorf("error %v naming %q, want one naming %q", err, got, tc.wantField)
			}
		})
	}
}

var testForm = []Field{
	{Name: "name", Label: "Name", Type: FieldText, Required: true},
	{Name: "bio", Label: "Bio", Type: FieldTextarea},
	{Name: "age", Label: "Age", Type: FieldNumber},
	{Name: "email", Label: "Email", Type: FieldEmail},
	{Name: "day", Label: "Day", Type: FieldDate},
	{Name: "room", Label: "Room", Type: FieldSelect, Options: []string{"North", "South"}},
	{Name: "agree", Label: "I agree", Type: FieldCheckbox, Required: true},
	{Name: "news", Label: "Newsletter", Type: FieldCheckbox},
}

func TestCheckSubmission(t *testing.T) {
	t.Parallel()
	got, err := CheckSubmission(testForm, decode(t, `{"name": " Ada ", "bio": "line 1\r\nline 2", "age": 36,
		"email": "ada@example.com", "day": "1815-12-10", "room": "north", "agree": "on"}`).(map[string]any))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, a := range got {
		values[a.Name] = a.Value
	}
	want := map[string]string{"name": "Ada", "bio": "line 1\nline 2", "age": "36", "email": "ada@example.com",
		"day": "1815-12-10", "room": "North", "agree": "true", "news": "false"}
	if !reflect.DeepEqual(values, want) {
		t.Errorf("got %v, want %v", values, want)
	}
	if got[0].Label != "Name" || len(got) != len(testForm) {
		t.Errorf("answers %+v should follow the form's fields", got)
	}
}

func TestCheckSubmissionRefuses(t *testing.T) {
	t.Parallel()
	base := `"name": "Ada", "agree": true`
	cases := []struct{ name, body, wantField string }{
		{"required missing", `{"agree": true}`, "name"},
		{"required blank", `{"name": "  ", "agree": true}`, "name"},
		{"required checkbox unchecked", `{"name": "Ada", "agree": false}`, "agree"},
		{"unknown field", `{` + base + `, "colour": "red"}`, "colour"},
		{"text on two lines", `{"name": "Ada\nLovelace", "agree": true}`, "name"},
		{"text too long", `{"name": "` + strings.Repeat("a", MaxTextValue+1) + `", "agree": true}`, "name"},
		{"textarea too long", `{` + base + `, "bio": "` + strings.Repeat("a", MaxTextareaValue+1) + `"}`, "bio"},
		{"text is a list", `{"name": ["Ada"], "agree": true}`, "name"},
		{"text is a boolean", `{"name": true, "agree": true}`, "name"},
		{"not a number", `{` + base + `, "age": "thirty"}`, "age"},
		{"number with hex", `{` + base + `, "age": "0x10"}`, "age"},
		{"number too large", `{` + base + `, "age": "1e999"}`, "age"},
		{"bad email", `{` + base + `, "email": "ada at example.com"}`, "email"},
		{"email with a name", `{` + base + `, "email": "Ada <ada@example.com>"}`, "email"},
		{"bad date", `{` + base + `, "day": "10/12/1815"}`, "day"},
		{"impossible date", `{` + base + `, "day": "2026-02-30"}`, "day"},
		{"not an option", `{` + base + `, "room": "East"}`, "room"},
		{"checkbox text", `{` + base + `, "news": "maybe"}`, "news"},
		{"checkbox number", `{` + base + `, "news": 2}`, "news"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckSubmission(testForm, decode(t, tc.body).(map[string]any))
			if got := fieldOf(err); err == nil || got != tc.wantField {
				t.Errorf("error %v naming %q, want one naming %q", err, got, tc.wantField)
			}
		})
	}
}

func TestSubmissionFromList(t *testing.T) {
	t.Parallel()
	got, err := SubmissionFromList(testForm, decode(t, `[{"field": "name", "value": "Ada"}, {"field": "i AGREE", "value": true}]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"name": "Ada", "agree": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	cases := []struct{ name, list, wantField string }{
		{"not a list", `{"field": "name"}`, "fields"},
		{"entry not an object", `["name"]`, "fields[0]"},
		{"unknown field", `[{"field": "Colour", "value": "red"}]`, "fields[0].field"},
		{"no field", `[{"value": "red"}]`, "fields[0].field"},
		{"extra key", `[{"field": "name", "value": "Ada", "label": "x"}]`, "fields[0].label"},
		{"twice", `[{"field": "name", "value": "Ada"}, {"field": "Name", "value": "Bo"}]`, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SubmissionFromList(testForm, decode(t, tc.list))
			if got := fieldOf(err); err == nil || got != tc.wantField {
				t.Errorf("error %v naming %q, want one naming %q", err, got, tc.wantField)
			}
		})
	}
}

func TestRecordKeepsOldFields(t *testing.T) {
	t.Parallel()
	r := &Record{Answers: []Answer{{Name: "name", Label: "Name", Value: "Ada"}, {Name: "room", Label: "Room", Value: "North"}}}
	r.arrange([]Field{{Name: "email", Label: "Email"}, {Name: "name", Label: "Full name"}})
	var got []string
	for _, f := range r.Fields {
		v := "<null>"
		if f.Value != nil {
			v = *f.Value
		}
		got = append(got, f.Field+"="+v)
	}
	want := []string{"Email=<null>", "Full name=Ada", "Room=North"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
