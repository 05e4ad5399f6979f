package pages_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// newPage creates a page through pages/create in the folder path, with one paragraph per text.
func newFolderPage(t *testing.T, c *apptest.Client, title, path string, texts ...string) int64 {
	t.Helper()
	col := []map[string]any{}
	for _, text := range texts {
		col = append(col, map[string]any{"classname": "Paragraph", "val": text})
	}
	return c.Post("pages/create/", map[string]any{"title": title, "path": path, "json": [][]map[string]any{col}}).Want(200).ID()
}

// folderTree reads the whole folder/tree and returns the folders in order and by path.
func folderTree(t *testing.T, c *apptest.Client) ([]map[string]any, map[string]map[string]any) {
	t.Helper()
	list := c.Get("folder/tree/").Want(200).List()
	byPath := map[string]map[string]any{}
	for _, f := range list {
		byPath[f["path"].(string)] = f
	}
	return list, byPath
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func idText(id int64) string { return fmt.Sprint(id) }

func TestFolderTree(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Wiki", "wiki")
	_, ed := site.Member("Ed", sub, people.RoleEditor)
	_, viewer := site.Member("Vi", sub, people.RoleViewer)
	_, outsider := site.Member("Out", site.Home(), people.RoleEditor)

	list, byPath := folderTree(t, viewer)
	if len(list) != 1 || list[0]["path"] != "" || list[0]["name"] != "Main" || list[0]["parent_id"] != nil || num(list[0]["page_count"]) != 0 {
		t.Fatalf("tree of a new subsite = %v, want only Main with path \"\", no parent and no pages", list)
	}
	newFolderPage(t, ed, "Welcome", "")
	newFolderPage(t, ed, "Policies", "HR")
	newFolderPage(t, ed, "Guide one", "HR/Guides")
	newFolderPage(t, ed, "Guide two", "HR/Guides")
	trashed := newFolderPage(t, ed, "Old guide", "HR/Guides")
	ed.Post("pages/delete/"+idText(trashed)+"/", nil).Want(200)
	newFolderPage(t, ed, "Holidays", "HR Team") // sorts between "HR" and "HR/Guides"

	list, byPath = folderTree(t, viewer)
	wantCounts := map[string]int64{"": 1, "HR": 1, "HR/Guides": 2, "HR Team": 1}
	if len(list) != len(wantCounts) {
		t.Fatalf("tree has %d folders, want %d: %v", len(list), len(wantCounts), list)
	}
	seen := map[int64]bool{}
	for _, f := range list {
		path := f["path"].(string)
		if got := num(f["page_count"]); got != wantCounts[path] {
			t.Errorf("folder %q page_count = %d, want %d (live pages only)", path, got, wantCounts[path])
		}
		if path != "" {
			parent := byPath[path[:max(0, strings.LastIndex(path, "/"))]]
			if num(f["parent_id"]) != num(parent["id"]) || !seen[num(parent["id"])] {
				t.Errorf("folder %q: parent_id %v, want %v listed before it", path, f["parent_id"], parent["id"])
			}
			if wantName := path[strings.LastIndex(path, "/")+1:]; f["name"] != wantName {
				t.Errorf("folder %q: name %q, want %q", path, f["name"], wantName)
			}
		}
		seen[num(f["id"])] = true
	}

	// The tree is a list like any other: limit and cursor.
	first := viewer.Get("folder/tree/", url.Values{"limit": {"3"}}).Want(200)
	link := first.Header.Get("Link")
	if len(first.List()) != 3 || !strings.Contains(link, `rel="next"`) {
		t.Fatalf("tree with limit 3: %d folders, Link %q; want 3 and a next link", len(first.List()), link)
	}
	cursor, _ := url.ParseQuery(link[strings.Index(link, "?")+1 : strings.Index(link, ">")])
	rest := viewer.Get("folder/tree/", url.Values{"limit": {"3"}, "cursor": {cursor.Get("cursor")}}).Want(200).List()
	if len(rest) != 1 || rest[0]["path"] != list[3]["path"] {
		t.Errorf("second page of the tree = %v, want only %q", rest, list[3]["path"])
	}

	outsider.In("wiki").Get("folder/tree/").Error(404, "not_found")
}

func TestFolderCreate(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Wiki", "wiki")
	_, ed := site.Member("Ed", sub, people.RoleEditor)
	_, viewer := site.Member("Vi", sub, people.RoleViewer)
	_, outsider := site.Member("Out", site.Home(), people.RoleEditor)

	f := ed.Post("folder/create/", map[string]any{"path": "Eng/Backend/Go"}).Want(200).Object()
	_, byPath := folderTree(t, ed)
	for _, path := range []string{"Eng", "Eng/Backend", "Eng/Backend/Go"} {
		if byPath[path] == nil {
			t.Fatalf("after creating Eng/Backend/Go the tree lacks %q: %v", path, byPath)
		}
	}
	if f["path"] != "Eng/Backend/Go" || f["name"] != "Go" || num(f["parent_id"]) != num(byPath["Eng/Backend"]["id"]) ||
		num(f["id"]) != num(byPath["Eng/Backend/Go"]["id"]) || num(f["page_count"]) != 0 {
		t.Errorf("create answered %v, want Go with parent Eng/Backend (%v)", f, byPath["Eng/Backend"]["id"])
	}

	// An existing path answers the existing folder, however it is written.
	newFolderPage(t, ed, "Style", "Eng/Backend")
	for _, path := range []string{"Eng/Backend", " /Eng/Backend/ "} {
		again := ed.Post("folder/create/", map[string]any{"path": path}).Want(200).Object()
		if num(again["id"]) != num(byPath["Eng/Backend"]["id"]) || num(again["page_count"]) != 1 {
			t.Errorf("create %q again = %v, want the existing folder %v with its 1 page", path, again, byPath["Eng/Backend"]["id"])
		}
	}

	deep := strings.Repeat("x/", 12) + "x"
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"missing path", map[string]any{}},
		{"empty path", map[string]any{"path": ""}},
		{"Main", map[string]any{"path": "/"}},
		{"empty name", map[string]any{"path": "Eng//Ops"}},
		{"too deep", map[string]any{"path": deep}},
		{"name too long", map[string]any{"path": strings.Repeat("n", 101)}},
		{"unknown parameter", map[string]any{"path": "Ops", "parent": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ed.Post("folder/create/", tc.body).Error(400, "invalid_request")
			if e["field"] == nil {
				t.Errorf("error %v names no field", e)
			}
		})
	}
	if list, _ := folderTree(t, ed); len(list) != 4 {
		t.Errorf("after refused creates the tree has %d folders, want 4: %v", len(list), list)
	}
	viewer.Post("folder/create/", map[string]any{"path": "Nope"}).Error(403, "forbidden")
	outsider.In("wiki").Post("folder/create/", map[string]any{"path": "Nope"}).Error(404, "not_found")
}

func TestFolderDelete(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Wiki", "wiki")
	_, ed := site.Member("Ed", sub, people.RoleEditor)
	_, viewer := site.Member("Vi", sub, people.RoleViewer)
	_, outsider := site.Member("Out", site.Home(), people.RoleEditor)

	newFolderPage(t, ed, "Top", "Full")
	newFolderPage(t, ed, "Deep one", "Full/Sub")
	newFolderPage(t, ed, "Deep two", "Full/Sub")
	for _, path := range []string{"Empty1/Child/Leaf", "Empty2", "One/Sub"} {
		ed.Post("folder/create/", map[string]any{"path": path}).Want(200)
	}
	newFolderPage(t, ed, "Only", "One/Sub")
	_, byPath := folderTree(t, ed)
	id := func(path string) int64 { return num(byPath[path]["id"]) }

	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		code   string
		want   string // in the message
	}{
		{"Main by id", map[string]any{"folder_id": id("")}, 400, "invalid_request", "Main"},
		{"Main by path", map[string]any{"path": "/"}, 400, "invalid_request", "Main"},
		{"both", map[string]any{"folder_id": id("Empty2"), "path": "Empty2"}, 400, "invalid_request", "not both"},
		{"neither", map[string]any{}, 400, "invalid_request", "folder_id"},
		{"unknown id", map[string]any{"folder_id": 99999}, 404, "not_found", "folder"},
		{"unknown path", map[string]any{"path": "Nowhere"}, 404, "not_found", "folder"},
		{"pages below", map[string]any{"folder_id": id("Full")}, 409, "conflict", "3 pages"},
		{"pages in a subfolder", map[string]any{"path": "Full/Sub"}, 409, "conflict", "2 pages"},
		{"one page", map[string]any{"path": "One"}, 409, "conflict", "1 page "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ed.Post("folder/delete/", tc.body).Error(tc.status, tc.code)
			if !strings.Contains(e["error"].(string), tc.want) {
				t.Errorf("message %q does not say %q", e["error"], tc.want)
			}
		})
	}
	viewer.Post("folder/delete/", map[string]any{"path": "Empty2"}).Error(403, "forbidden")
	outsider.In("wiki").Post("folder/delete/", map[string]any{"path": "Empty2"}).Error(404, "not_found")
	if list, _ := folderTree(t, ed); len(list) != len(byPath) {
		t.Fatalf("refused deletes changed the tree: %d folders, want %d", len(list), len(byPath))
	}

	got := ed.Post("folder/delete/", map[string]any{"folder_id": id("Empty1")}).Want(200).Object()
	if got["success"] != true || num(got["folders_deleted"]) != 3 || got["folder"].(map[string]any)["path"] != "Empty1" {
		t.Errorf("delete Empty1 answered %v, want success with 3 folders deleted", got)
	}
	ed.Post("folder/delete/", map[string]any{"path": "Empty2/"}).Want(200)
	_, after := folderTree(t, ed)
	for _, path := range []string{"Empty1", "Empty1/Child", "Empty1/Child/Leaf", "Empty2"} {
		if after[path] != nil {
			t.Errorf("folder %q is still in the tree after its deletion", path)
		}
	}
	if len(after) != len(byPath)-4 {
		t.Errorf("tree has %d folders after deleting 4 of %d", len(after), len(byPath))
	}
}

// A page in the trash does not keep its folder from being deleted, and restoring it makes the
// folder again and puts it back.
func TestFolderDeleteKeepsTrashRestorable(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Wiki", "wiki")
	_, ed := site.Member("Ed", sub, people.RoleEditor)

	old := newFolderPage(t, ed, "Old notes", "Old/Stuff", "remember this")
	ed.Post("pages/delete/"+idText(old)+"/", nil).Want(200)
	got := ed.Post("folder/delete/", map[string]any{"path": "Old"}).Want(200).Object()
	if num(got["folders_deleted"]) != 2 {
		t.Errorf("delete Old answered %v, want 2 folders deleted", got)
	}
	trash := ed.Get("pages/trash/").Want(200).List()
	if len(trash) != 1 || num(trash[0]["id"]) != old {
		t.Fatalf("trash = %v, want the page %d still there", trash, old)
	}
	page := ed.Post("pages/restore/"+idText(old)+"/", nil).Want(200).Object()["page"].(map[string]any)
	_, byPath := folderTree(t, ed)
	if page["category"] != "Old/Stuff" || byPath["Old/Stuff"] == nil || num(page["folder_id"]) != num(byPath["Old/Stuff"]["id"]) {
		t.Errorf("restored page is in %q (folder %v), want Old/Stuff made again (%v)", page["category"], page["folder_id"], byPath["Old/Stuff"])
	}
	if num(byPath["Old/Stuff"]["page_count"]) != 1 {
		t.Errorf("Old/Stuff counts %v pages after the restore, want 1", byPath["Old/Stuff"]["page_count"])
	}
	body := ed.Get("pages/get/" + idText(old) + "/").Want(200).Object()["json"].([]any)[0].([]any)
	if len(body) != 1 || body[0].(map[string]any)["text"] != "remember this" {
		t.Errorf("restored page's widgets = %v, want its paragraph", body)
	}

	// A page trashed and restored without its folder going stays where it was.
	kept := newFolderPage(t, ed, "Kept", "Kept/Here")
	ed.Post("pages/delete/"+idText(kept)+"/", nil).Want(200)
	page = ed.Post("pages/restore/"+idText(kept)+"/", nil).Want(200).Object()["page"].(map[string]any)
	if page["category"] != "Kept/Here" {
		t.Errorf("restored page is in %q, want Kept/Here", page["category"])
	}
}

func TestPagesAllByFolder(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Wiki", "wiki")
	other := site.Subsite("Other", "other")
	_, ed := site.Member("Ed", sub, people.RoleEditor)
	site.Join(other, site.User("nobody"), people.RoleEditor)

	a := newFolderPage(t, ed, "A", "HR")
	newFolderPage(t, ed, "B", "HR/Guides")
	newFolderPage(t, ed, "C", "")
	_, byPath := folderTree(t, ed)
	list := ed.Get("pages/all/", url.Values{"folder_id": {idText(num(byPath["HR"]["id"]))}}).Want(200).List()
	if len(list) != 1 || num(list[0]["id"]) != a || list[0]["category"] != "HR" {
		t.Errorf("pages/all in HR = %v, want only page %d (not the subfolder's)", list, a)
	}
	if list := ed.Get("pages/all/", url.Values{"folder_id": {idText(num(byPath[""]["id"]))}}).Want(200).List(); len(list) != 1 {
		t.Errorf("pages/all in Main = %v, want 1 page", list)
	}
	if list := ed.Get("pages/all/").Want(200).List(); len(list) != 3 {
		t.Errorf("pages/all without folder_id = %d pages, want 3", len(list))
	}
	owner := site.Client(site.OwnerTk)
	_, otherTree := folderTree(t, owner.In("other"))
	for _, id := range []int64{99999, num(otherTree[""]["id"])} {
		e := ed.Get("pages/all/", url.Values{"folder_id": {idText(id)}}).Error(400, "invalid_request")
		if e["field"] != "folder_id" {
			t.Errorf("pages/all with folder %d of no folder here: field %v, want folder_id", id, e["field"])
		}
	}
}
