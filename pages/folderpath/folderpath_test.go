package folderpath_test

import (
	"strings"
	"testing"

	"quire/pages/folderpath"
)

func TestClean(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, problem string }{
		{"", "", ""},
		{" /HR/Guides/ ", "HR/Guides", ""},
		{"HR//Guides", "", "empty folder name"},
		{"HR/../Board", "", `".." segment`},
		{strings.Repeat("a/", folderpath.MaxDepth) + "a", "", "at most 12 deep"},
		{strings.Repeat("é", folderpath.MaxName), strings.Repeat("é", folderpath.MaxName), ""},
		{strings.Repeat("é", folderpath.MaxName+1), "", "at most 100 characters"},
		{"HR/Gu\nides", "", ""},
	} {
		got, err := folderpath.Clean("path", tc.in)
		switch {
		case tc.in == "HR/Gu\nides":
			if err == nil {
				t.Errorf("Clean(%q) took a line break", tc.in)
			}
		case tc.problem != "":
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("Clean(%q) = %q, %v; want an error saying %q", tc.in, got, err, tc.problem)
			}
		case err != nil || got != tc.want:
			t.Errorf("Clean(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestJoinDepthSubtree(t *testing.T) {
	t.Parallel()
	if got := folderpath.Join("", "HR"); got != "HR" {
		t.Errorf("Join of Main and HR = %q", got)
	}
	if got := folderpath.Join("HR", "Guides"); got != "HR/Guides" {
		t.Errorf("Join = %q", got)
	}
	if d := folderpath.Depth("HR/Guides"); d != 2 {
		t.Errorf("Depth = %d, want 2", d)
	}
	if d := folderpath.Depth(""); d != 0 {
		t.Errorf("Depth of Main = %d, want 0", d)
	}
	for _, tc := range []struct {
		root, path string
		in         bool
	}{{"", "HR", true}, {"HR", "HR", true}, {"HR", "HR/Guides", true}, {"HR", "HRX", false}, {"HR/Guides", "HR", false}} {
		if got := folderpath.InSubtree(tc.root, tc.path); got != tc.in {
			t.Errorf("InSubtree(%q, %q) = %v, want %v", tc.root, tc.path, got, tc.in)
		}
	}
}
