package widgets

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"quire/app/sqldb"
)

// TestStreamMigrationKeepsPosts applies the migrations up to 004 on a new database, stores page
// posts and their mentions, then the rest: every post and mention must be there, unchanged, and
// a post without a page must now be possible.
func TestStreamMigrationKeepsPosts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqldb.Open(filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	upTo004 := fstest.MapFS{}
	files, _ := fs.Glob(Migrations, "migrations/*.sql")
	for _, f := range files {
		if name := filepath.Base(f); name < "005" {
			body, _ := fs.ReadFile(Migrations, f)
			upTo004[f] = &fstest.MapFile{Data: body}
		}
	}
	if _, err := sqldb.Migrate(ctx, db, sqldb.Migrations{Package: "widgets", FS: upTo004}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO posts (id, page_id, subsite_id, author_id, body_html, body_text, created_at) VALUES
			(1, 7, 1, 2, 'a', 'a', '2026-01-01T00:00:00Z'), (2, 7, 1, NULL, 'b', 'b', '2026-01-02T00:00:00Z')`,
		`INSERT INTO post_mentions (post_id, user_id) VALUES (1, 3), (1, 4), (2, 3)`,
	} {
		if _, err := db.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sqldb.Migrate(ctx, db, sqldb.Migrations{Package: "widgets", FS: Migrations}); err != nil {
		t.Fatal(err)
	}
	var posts, mentions string
	if err := db.R.QueryRowContext(ctx, `SELECT group_concat(id || ':' || page_id || ':' || IFNULL(author_id, '-') || ':' || body_text || ':' || created_at, ' ')
		FROM (SELECT * FROM posts ORDER BY id)`).Scan(&posts); err != nil {
		t.Fatal(err)
	}
	if err := db.R.QueryRowContext(ctx, `SELECT group_concat(post_id || '>' || user_id, ' ') FROM (SELECT * FROM post_mentions ORDER BY post_id, user_id)`).Scan(&mentions); err != nil {
		t.Fatal(err)
	}
	if posts != "1:7:2:a:2026-01-01T00:00:00Z 2:7:-:b:2026-01-02T00:00:00Z" || mentions != "1>3 1>4 2>3" {
		t.Errorf("after the migration: posts %q, mentions %q", posts, mentions)
	}
	// The foreign key still cascades, and a post may now have no page.
	if _, err := db.Exec(ctx, `DELETE FROM posts WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO posts (subsite_id, body_html, body_text, created_at) VALUES (1, 'c', 'c', '2026-01-03T00:00:00Z')`); err != nil {
		t.Errorf("a post without a page: %v", err)
	}
	var left string
	if err := db.R.QueryRowContext(ctx, `SELECT group_concat(post_id, ' ') FROM post_mentions`).Scan(&left); err != nil || strings.TrimSpace(left) != "2" {
		t.Errorf("mentions after deleting post 1: %q %v", left, err)
	}
}
