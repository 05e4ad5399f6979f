package widgets_test

import (
	"strconv"
	"strings"
	"testing"

	"quire/widgets"
)

// joined rebuilds the older and newer text from a diff's parts.
func joined(parts []widgets.DiffPart) (older, newer string) {
	var a, b strings.Builder
	for _, p := range parts {
		if p.Op != widgets.DiffInsert {
			a.WriteString(p.Text)
		}
		if p.Op != widgets.DiffDelete {
			b.WriteString(p.Text)
		}
	}
	return a.String(), b.String()
}

func TestDiff(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("A line of the handbook that stays.\n", 3000)
	cases := []struct {
		name, older, newer string
		want               []widgets.DiffPart // nil: only check that the parts rebuild both texts
	}{
		{"same", "Lunch at noon.", "Lunch at noon.", []widgets.DiffPart{{widgets.DiffEqual, "Lunch at noon."}}},
		{"word changed", "Lunch at noon.", "Lunch at one.", []widgets.DiffPart{
			{widgets.DiffEqual, "Lunch at "}, {widgets.DiffDelete, "noon"}, {widgets.DiffInsert, "one"}, {widgets.DiffEqual, "."}}},
		{"added", "", "New text", []widgets.DiffPart{{widgets.DiffInsert, "New text"}}},
		{"removed", "Old text", "", []widgets.DiffPart{{widgets.DiffDelete, "Old text"}}},
		{"paragraph added", "One\nTwo", "One\nOne and a half\nTwo", []widgets.DiffPart{
			{widgets.DiffEqual, "One\n"}, {widgets.DiffInsert, "One and a half\n"}, {widgets.DiffEqual, "Two"}}},
		{"unicode", "Café crème", "Café au lait", nil},
		{"long", long + "Old ending.", long + "New ending.\n" + long, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parts := widgets.Diff(tc.older, tc.newer)
			if a, b := joined(parts); a != tc.older || b != tc.newer {
				t.Fatalf("parts do not rebuild both texts (%d and %d bytes, want %d and %d)", len(a), len(b), len(tc.older), len(tc.newer))
			}
			if tc.want == nil {
				return
			}
			if len(parts) != len(tc.want) {
				t.Fatalf("parts = %+v, want %+v", parts, tc.want)
			}
			for i := range parts {
				if parts[i] != tc.want[i] {
					t.Fatalf("part %d = %+v, want %+v (all: %+v)", i, parts[i], tc.want[i], parts)
				}
			}
		})
	}
}

// TestDiffManyWords changes one word among thousands of distinct ones: the diff names that word.
func TestDiffManyWords(t *testing.T) {
	t.Parallel()
	words := make([]string, 6000)
	for i := range words {
		words[i] = "w" + strconv.Itoa(i)
	}
	older := strings.Join(words, " ")
	words[3000] = "changed"
	newer := strings.Join(words, " ")
	var edits []widgets.DiffPart
	for _, p := range widgets.Diff(older, newer) {
		if p.Op != widgets.DiffEqual {
			edits = append(edits, p)
		}
	}
	want := []widgets.DiffPart{{widgets.DiffDelete, "w3000"}, {widgets.DiffInsert, "changed"}}
	if len(edits) != 2 || edits[0] != want[0] || edits[1] != want[1] {
		t.Fatalf("%d edits, want %+v", len(edits), want)
	}
}
