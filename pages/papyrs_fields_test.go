package pages_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// notificationsAbout counts the notifications queued for user that name title.
func notificationsAbout(t *testing.T, site *apptest.Site, user int64, title string) int {
	t.Helper()
	var n int
	err := site.Inst.DB.R.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notifications
		WHERE user_id = ? AND summary LIKE ?`, user, "%"+title+"%").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCreatePageTakesPapyrsFields sends pages/create and pages/copy what Papyrs clients send:
// category (the folder path), notifications and permissions, as JSON and as a form; permissions
// that ask for a page narrower than its subsite are refused.
func TestCreatePageTakesPapyrsFields(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	home := site.Home()
	_, ed := site.Member("Edith Editor", home, people.RoleEditor)
	reader, _ := site.Member("Rhea Reader", home, people.RoleViewer)
	emptyJSON := [][]any{{}}
	folderID := ed.Post("folder/create/", map[string]any{"path": "Existing"}).Want(200).ID()

	for _, tc := range []struct {
		name         string
		body         map[string]any
		wantCategory string
		wantNotified int
	}{
		{"category makes the folder", map[string]any{"category": "HR/Guides"}, "HR/Guides", 1},
		{"category names an existing folder", map[string]any{"category": "/Existing/"}, "Existing", 1},
		{"empty category is Main", map[string]any{"category": ""}, "", 1},
		{"notifications false tells nobody", map[string]any{"notifications": false}, "", 0},
		{"notifications true tells the members", map[string]any{"notifications": true}, "", 1},
		{"permissions null is taken", map[string]any{"permissions": nil}, "", 1},
		{"permissions empty object is taken", map[string]any{"permissions": map[string]any{}}, "", 1},
		{"permissions empty list is taken", map[string]any{"permissions": []any{}}, "", 1},
		{"permissions empty string is taken", map[string]any{"permissions": ""}, "", 1},
		{"permissions default is taken", map[string]any{"permissions": "Default", "category": "Ops"}, "Ops", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			title := fmt.Sprintf("Papyrs page %q", tc.name)
			body := map[string]any{"title": title, "json": emptyJSON}
			for k, v := range tc.body {
				body[k] = v
			}
			var got page
			ed.Post("pages/create/", body).Want(200).Decode(&got)
			if got.Category != tc.wantCategory {
				t.Errorf("category %q, want %q", got.Category, tc.wantCategory)
			}
			if n := notificationsAbout(t, site, reader.ID, title); n != tc.wantNotified {
				t.Errorf("%d notifications to a member, want %d", n, tc.wantNotified)
			}
			ed.Get(fmt.Sprintf("pages/get/%d/", got.ID)).Want(200).Decode(&got)
			if got.Category != tc.wantCategory {
				t.Errorf("pages/get: category %q, want %q", got.Category, tc.wantCategory)
			}
		})
	}

	t.Run("form-encoded", func(t *testing.T) {
		var got page
		ed.PostRaw("pages/create/", "application/x-www-form-urlencoded",
			"title=Formed&json=%5B%5B%5D%5D&category=Forms%2FNew&notifications=false&permissions=%7B%7D").Want(200).Decode(&got)
		if got.Category != "Forms/New" || notificationsAbout(t, site, reader.ID, "Formed") != 0 {
			t.Errorf("form: category %q, %d notifications", got.Category, notificationsAbout(t, site, reader.ID, "Formed"))
		}
	})

	t.Run("copy", func(t *testing.T) {
		src := ed.Post("pages/create/", map[string]any{"title": "Copy source", "json": emptyJSON, "notifications": false}).Want(200).ID()
		var got page
		ed.Post(fmt.Sprintf("pages/copy/%d/", src), map[string]any{"title": "Quiet copy", "category": "Copies",
			"notifications": false, "permissions": map[string]any{}}).Want(200).Decode(&got)
		if got.Category != "Copies" || notificationsAbout(t, site, reader.ID, "Quiet copy") != 0 {
			t.Errorf("copy: category %q, %d notifications", got.Category, notificationsAbout(t, site, reader.ID, "Quiet copy"))
		}
	})

	for _, tc := range []struct {
		name, field string
		body        map[string]any
	}{
		{"category and path", "category", map[string]any{"category": "A", "path": "B"}},
		{"category and folder_id", "category", map[string]any{"category": "A", "folder_id": folderID}},
		{"category not text", "category", map[string]any{"category": []any{"A"}}},
		{"notifications not a boolean", "notifications", map[string]any{"notifications": "sometimes"}},
		{"permissions a number", "permissions", map[string]any{"permissions": 5}},
		{"permissions keyed by user id", "permissions", map[string]any{"permissions": map[string]any{fmt.Sprint(reader.ID): "view"}}},
		{"permissions giving edit to one person", "permissions", map[string]any{"permissions": map[string]any{"3": "edit"}}},
		{"permissions naming groups", "permissions", map[string]any{"permissions": map[string]any{"view": "everyone", "edit": "editors"}}},
		{"permissions a list", "permissions", map[string]any{"permissions": []any{map[string]any{"group": "All", "access": "view"}}}},
		{"permissions a word", "permissions", map[string]any{"permissions": "private"}},
		{"permissions false", "permissions", map[string]any{"permissions": false}},
		{"a field no Papyrs client sends", "frobnicate", map[string]any{"frobnicate": true}},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			body := map[string]any{"title": "Refused " + tc.name, "json": emptyJSON}
			for k, v := range tc.body {
				body[k] = v
			}
			e := ed.Post("pages/create/", body).Error(400, "invalid_request")
			if e["field"] != tc.field {
				t.Errorf("field %v, want %q: %v", e["field"], tc.field, e["error"])
			}
			if tc.field == "category" && !strings.Contains(fmt.Sprint(e["error"]), "category") {
				t.Errorf("the message does not name category: %v", e["error"])
			}
			if tc.field == "permissions" && !strings.Contains(fmt.Sprint(e["error"]), "subsite") {
				t.Errorf("the message does not say to use a subsite: %v", e["error"])
			}
		})
	}
	// The same refusal wherever the permissions come from, and on pages/copy.
	src := ed.Post("pages/create/", map[string]any{"title": "Copy me", "json": emptyJSON}).Want(200).ID()
	const form = "application/x-www-form-urlencoded"
	for _, tc := range []struct{ name, path, ctype, body string }{
		{"form, PHP object keys", "pages/create/", form, fmt.Sprintf("title=Refused+form&json=[[]]&permissions[%d]=view", reader.ID)},
		{"form, JSON text", "pages/create/", form, `title=Refused+form+JSON&json=[[]]&permissions={"3":"edit"}`},
		{"URL", "pages/create/?permissions=private", "application/json", `{"title": "Refused URL", "json": [[]]}`},
		{"copy", fmt.Sprintf("pages/copy/%d/", src), "application/json", `{"title": "Refused copy", "permissions": {"3": "view"}}`},
		{"copy, form", fmt.Sprintf("pages/copy/%d/", src), form, "title=Refused+copy+form&permissions[3]=view"},
	} {
		t.Run("refused: permissions by "+tc.name, func(t *testing.T) {
			e := ed.PostRaw(tc.path, tc.ctype, tc.body).Error(400, "invalid_request")
			if e["field"] != "permissions" || !strings.Contains(fmt.Sprint(e["error"]), "subsite") {
				t.Errorf("field %v: %v; want permissions, saying to use a subsite", e["field"], e["error"])
			}
		})
	}
	ed.PostRaw("pages/create/", form, "title=Default+by+form&json=[[]]&permissions=default").Want(200)
	ed.PostRaw("pages/create/", form, "title=Empty+by+form&json=[[]]&permissions=").Want(200)
	var titles []string
	for _, p := range ed.Get("pages/all/").List() {
		titles = append(titles, fmt.Sprint(p["title"]))
	}
	if joined := strings.Join(titles, "|"); strings.Contains(joined, "Refused") {
		t.Errorf("a refused request made a page: %s", joined)
	}
}
