package webui

import (
	"errors"
	"fmt"
	"testing"

	"quire/app/api"
)

// TestRefusalOf: messages written for API clients become the field's human text; messages
// written for people stay; other errors are not refusals.
func TestRefusalOf(t *testing.T) {
	t.Parallel()
	cases := []struct{ field, msg, want string }{
		{"title", `Parameter "title" is required.`, "Give the page a title."},
		{"val", `Parameter "val" is required: the widget's content.`, "Write some text."},
		{"val", `Nothing visible is left of "val" once unsafe HTML is removed.`, "Write some text."},
		{"styleclass", `Parameter "styleclass" of a Paragraph must be one of block, quote.`, "Choose one of the styles."},
		{"layout", `Parameter "layout" must be a list of 1 to 4 column widths.`, "Choose one of the layouts."},
		{"val", "A heading needs some text.", "A heading needs some text."},
		{"tags", `Tags are at most 40 characters; "x" is longer.`, `Tags are at most 40 characters; "x" is longer.`},
		{"email", `Field "E-mail" is required.`, "Fill in this field."},
		{"agree", `Field "I agree" must be checked.`, "Tick this box to send the form."},
		{"age", `Field "Age" must be a whole number.`, "This field must be a whole number."},
		{"fields[0].x", `fields[0].x must be an object.`, "Check this field: it was not accepted."},
	}
	for _, tc := range cases {
		r := RefusalOf(fmt.Errorf("wrapped: %w", api.Invalid(tc.field, "%s", tc.msg)))
		if r == nil || r.Field != tc.field || r.Message != tc.want {
			t.Errorf("%q: %+v, want %q", tc.msg, r, tc.want)
		}
	}
	if r := RefusalOf(errors.New("disk full")); r != nil {
		t.Errorf("a plain error is a refusal: %+v", r)
	}
	if r := RefusalOf(api.NotFound("no page")); r != nil {
		t.Errorf("not found is a refusal: %+v", r)
	}
}
