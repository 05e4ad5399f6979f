package widgets

import (
	"strings"
	"testing"
)

// Every row of the kind table is whole: a URL segment that is its classname in lower case, keys
// for pages/create exactly when it has a constructor for them (which makes that kind), and style
// classes only for the text kinds that take them.
func TestKindTable(t *testing.T) {
	t.Parallel()
	if len(Kinds()) != len(Classnames) {
		t.Fatalf("%d kinds, %d classnames", len(Kinds()), len(Classnames))
	}
	for i, k := range Kinds() {
		if Classnames[i] != k.Classname || k.Segment != strings.ToLower(k.Classname) {
			t.Errorf("kind %d: classname %q (listed %q), segment %q", i, k.Classname, Classnames[i], k.Segment)
		}
		if got, ok := KindOf(strings.ToUpper(k.Segment)); !ok || got.Classname != k.Classname {
			t.Errorf("KindOf(%q) = %q, %v", strings.ToUpper(k.Segment), got.Classname, ok)
		}
		if (k.PageKeys == nil) != (k.FromPage == nil) {
			t.Errorf("%s: page keys %v but constructor set %v", k.Classname, k.PageKeys, k.FromPage != nil)
			continue
		}
		if len(k.Styleclasses) > 0 && !k.Text {
			t.Errorf("%s takes style classes but is no text kind", k.Classname)
		}
		if k.FromPage == nil {
			continue
		}
		val := "Hello"
		obj := map[string]any{"classname": k.Classname, "val": val, "fields": []any{map[string]any{"label": "Name", "type": "text"}}}
		c, err := k.FromPage(Input{Val: &val}, obj)
		if err != nil || c.Classname != k.Classname || c.Text != "Hello" {
			t.Errorf("%s from a page object: %+v, %v", k.Classname, c, err)
		}
	}
	if _, ok := KindOf("Spreadsheet"); ok {
		t.Error("KindOf found a kind that is not in the table")
	}
}
