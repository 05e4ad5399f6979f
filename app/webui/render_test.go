package webui

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"quire/templates"
)

// TestTemplatesParse parses the web templates as the start does: every page defines "main".
func TestTemplatesParse(t *testing.T) {
	t.Parallel()
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.pages) == 0 {
		t.Fatal("no page templates")
	}
	for name, p := range s.pages {
		if p.Lookup("frame") == nil || p.Lookup("main") == nil {
			t.Errorf("%s: no frame or main", name)
		}
	}
}

// TestOnlyWidgetHTMLIsTrusted holds the templates to the rule that sanitized widget and post
// HTML (the .HTML field, sanitized when stored) is the only HTML rendered unescaped.
func TestOnlyWidgetHTMLIsTrusted(t *testing.T) {
	t.Parallel()
	use := regexp.MustCompile(`safeWidgetHTML\s+([^}\s]+)`)
	err := fs.WalkDir(templates.Web(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templates.Web(), path)
		if err != nil {
			return err
		}
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			// {{with .HTML}}...{{safeWidgetHTML .}} is the same field.
			if m[1] != ".HTML" && !(m[1] == "." && strings.Contains(string(b), "{{with .HTML}}")) {
				t.Errorf("%s: safeWidgetHTML %s; only a widget's or post's .HTML may be", path, m[1])
			}
		}
		if strings.Contains(string(b), "style=") || strings.Contains(string(b), "<script>") || strings.Contains(string(b), " on") && regexp.MustCompile(`\son[a-z]+=`).Match(b) {
			t.Errorf("%s: inline style, script or handler", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
