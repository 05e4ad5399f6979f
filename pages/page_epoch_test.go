package pages_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"quire/app"
	"quire/app/apptest"
	"quire/app/sqldb"
)

// pages/get answers from its cache only while nothing it shows changed, whoever changes it:
// another process's write (a second handle on the database file, as the CLI or a second server
// opens it) shows on the very next request, for every kind of table the answer reads.
func TestPageAnswerFollowsAnotherProcess(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	id := c.Post("pages/create/", map[string]any{"title": "Before", "tags": []string{"old"}, "json": body1("<p>before</p>")}).Want(200).ID()
	other, err := sqldb.Open(filepath.Join(site.Data, app.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	get := func() map[string]any { return c.Get(fmt.Sprintf("pages/get/%d/", id)).Want(200).Object() }
	for _, tc := range []struct {
		name  string
		sql   string
		shown func(page map[string]any) any
		want  any
	}{
		{"the page's title", `UPDATE pages SET title = 'After' WHERE id = ?`,
			func(p map[string]any) any { return p["title"] }, "After"},
		{"the page's tags", `INSERT INTO page_tags (page_id, tag) VALUES (?, 'new')`,
			func(p map[string]any) any { return fmt.Sprint(p["tags"]) }, "[new old]"},
		{"a widget's text", `UPDATE widgets SET html = '<p>after</p>' WHERE page_id = ?`,
			func(p map[string]any) any { return p["json"].([]any)[0].([]any)[0].(map[string]any)["html"] }, "<p>after</p>"},
		{"the name of the page's author", `UPDATE users SET name = 'Renamed Owner' WHERE id = (SELECT created_by FROM pages WHERE id = ?)`,
			func(p map[string]any) any { return p["created_by"].(map[string]any)["name"] }, "Renamed Owner"},
	} {
		get()
		before := tc.shown(get()) // the second answer comes from the cache
		if before == tc.want {
			t.Fatalf("%s: already %v before the write", tc.name, before)
		}
		err := other.Write(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(tc.sql, id)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := tc.shown(get()); got != tc.want {
			t.Errorf("after another process changed %s, pages/get shows %v, want %v", tc.name, got, tc.want)
		}
	}
}
