package sqldb_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"quire/app/sqldb"
)

// Epoch sums the named epochs, which triggers move on with every change a connection commits,
// this handle's or another's; a name without a row is an error, never a sum that stands still.
func TestEpoch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := openCounted(t, sqldb.BusyTimeout)
	other, err := sqldb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	setup := []string{
		`CREATE TABLE epochs (name TEXT PRIMARY KEY, n INTEGER NOT NULL)`,
		`INSERT INTO epochs (name, n) VALUES ('a', 0), ('b', 0)`,
		`CREATE TRIGGER writes_epoch AFTER INSERT ON writes BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'b'; END`,
	}
	for _, stmt := range setup {
		if err := db.Write(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(stmt); return err }); err != nil {
			t.Fatal(err)
		}
	}
	epoch := func(names ...string) int64 {
		t.Helper()
		n, err := sqldb.Epoch(ctx, db.R, names...)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if a, ab := epoch("a"), epoch("a", "b"); a != 0 || ab != 0 {
		t.Fatalf("new epochs: a %d, a+b %d; want 0", a, ab)
	}
	if err := insert(other); err != nil {
		t.Fatal(err)
	}
	if err := insert(db); err != nil {
		t.Fatal(err)
	}
	if a, ab := epoch("a"), epoch("a", "b"); a != 0 || ab != 2 {
		t.Errorf("after a write by each handle: a %d, a+b %d; want 0 and 2", a, ab)
	}
	if _, err := sqldb.Epoch(ctx, db.R, "a", "missing"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("an epoch without a row: %v, want an error naming it", err)
	}

	// Within a request (WithEpochs) the epochs are read once, at the first call: later calls,
	// for other names too, answer from that read; a request made after the change sees it.
	req := sqldb.WithEpochs(ctx)
	if n, err := sqldb.Epoch(req, db.R, "b"); err != nil || n != 2 {
		t.Fatalf("first read in a request: %d, %v; want 2", n, err)
	}
	if err := insert(other); err != nil {
		t.Fatal(err)
	}
	if n, err := sqldb.Epoch(req, db.R, "a", "b"); err != nil || n != 2 {
		t.Errorf("second read in the request: %d, %v; want 2, as the request first read", n, err)
	}
	if n, err := sqldb.Epoch(sqldb.WithEpochs(ctx), db.R, "a", "b"); err != nil || n != 3 {
		t.Errorf("read in the next request: %d, %v; want 3", n, err)
	}
	if _, err := sqldb.Epoch(req, db.R, "missing"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("an epoch without a row, in a request: %v, want an error naming it", err)
	}
}
