package pages_test

import (
	"fmt"
	"strings"
	"testing"

	"quire/app/apptest"
)

// TestFolderPathsNameFolders: "." and ".." are not folder names, in any parameter that takes a
// folder path, and nothing is made.
func TestFolderPathsNameFolders(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Source")
	c.Post("folder/create/", map[string]any{"path": "HR"}).Want(200)
	calls := []struct {
		name, field string
		send        func(path string) *apptest.Response
	}{
		{"folder/create", "path", func(v string) *apptest.Response { return c.Post("folder/create/", map[string]any{"path": v}) }},
		{"pages/create", "path", func(v string) *apptest.Response {
			return c.Post("pages/create/", map[string]any{"title": "T", "path": v, "json": [][]any{{para("x")}}})
		}},
		{"pages/copy", "path", func(v string) *apptest.Response {
			return c.Post(fmt.Sprintf("pages/copy/%d/", p.ID), map[string]any{"path": v})
		}},
		{"folder/delete", "path", func(v string) *apptest.Response { return c.Post("folder/delete/", map[string]any{"path": v}) }},
		{"folder/copy source", "copy_path", func(v string) *apptest.Response {
			return c.Post("folder/copy/", map[string]any{"copy_path": v, "target_path": "Copies"})
		}},
		{"folder/copy target", "target_path", func(v string) *apptest.Response {
			return c.Post("folder/copy/", map[string]any{"copy_path": "HR", "target_path": v})
		}},
	}
	for _, call := range calls {
		for _, path := range []string{"HR/../Secret", "./HR", "HR/.", "..", "HR/ .. /x", "/../HR/"} {
			m := wantInvalid(t, call.send(path), call.field)
			if msg, _ := m["error"].(string); !strings.Contains(msg, "segment") {
				t.Errorf("%s %q: message %q", call.name, path, msg)
			}
		}
	}
	var tree []map[string]any
	c.Get("folder/tree/").Want(200).Decode(&tree)
	if len(tree) != 2 {
		t.Errorf("folders after the refusals: %v; want Main and HR", tree)
	}
	// Names with dots in them are names.
	for _, path := range []string{"HR/...", "HR/.well-known", "HR/v1.2"} {
		c.Post("folder/create/", map[string]any{"path": path}).Want(200)
	}
}
