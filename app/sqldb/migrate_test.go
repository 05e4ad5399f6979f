package sqldb_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"quire/app/sqldb"
)

// migrations is a set of one package's migrations, each creating the table t and the name after the number (001_a1.sql: ta1).
func migrations(pkg string, files ...string) sqldb.Migrations {
	fs := fstest.MapFS{}
	for _, f := range files {
		_, table, _ := strings.Cut(strings.TrimSuffix(f, ".sql"), "_")
		fs["migrations/"+f] = &fstest.MapFile{Data: []byte("CREATE TABLE t" + table + " (id INTEGER PRIMARY KEY);")}
	}
	return sqldb.Migrations{Package: pkg, FS: fs}
}

func tables(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	rows, err := db.R.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return strings.Join(names, " ")
}

// Migrate applies what a database lacks, in order of sets and then of names, once; and refuses,
// changing nothing, a database that records a migration the binary does not know: one that a
// newer binary migrated, which an older one must not run on (a downgrade).
func TestMigrateAppliesOnceAndRefusesADowngrade(t *testing.T) {
	t.Parallel()
	newer := []sqldb.Migrations{migrations("a", "001_a1.sql", "002_a2.sql"), migrations("b", "001_b1.sql")}
	cases := []struct {
		name        string
		first, then []sqldb.Migrations
		applied     string // by then, space-separated; "" for none
		err         string // in the error of then; "" for none
		tables      string // after both
	}{
		{name: "the same binary again", first: newer, then: newer, tables: "ta1 ta2 tb1"},
		{name: "an upgrade", first: []sqldb.Migrations{migrations("a", "001_a1.sql")}, then: newer,
			applied: "a/002_a2.sql b/001_b1.sql", tables: "ta1 ta2 tb1"},
		{name: "a downgrade by one file", first: newer,
			then: []sqldb.Migrations{migrations("a", "001_a1.sql"), migrations("b", "001_b1.sql")},
			err:  "(a/002_a2.sql)", tables: "ta1 ta2 tb1"},
		{name: "a downgrade by a package", first: newer,
			then: []sqldb.Migrations{migrations("a", "001_a1.sql", "002_a2.sql")},
			err:  "(b/001_b1.sql)", tables: "ta1 ta2 tb1"},
		// The older binary knows a migration the database lacks: it still applies nothing.
		{name: "a downgrade with a migration of its own", first: newer,
			then: []sqldb.Migrations{migrations("a", "001_a1.sql", "002_a2.sql", "003_a3.sql")},
			err:  "(b/001_b1.sql)", tables: "ta1 ta2 tb1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, err := sqldb.Open(filepath.Join(t.TempDir(), "quire.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := sqldb.Migrate(ctx, db, tc.first...); err != nil {
				t.Fatal(err)
			}
			applied, err := sqldb.Migrate(ctx, db, tc.then...)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("then: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "newer Quire")):
				t.Fatalf("then: error %v, want one that names %s and says a newer Quire wrote it", err, tc.err)
			}
			if got := strings.Join(applied, " "); got != tc.applied {
				t.Errorf("then applied %q, want %q", got, tc.applied)
			}
			if got := tables(t, db); got != tc.tables {
				t.Errorf("tables %q, want %q", got, tc.tables)
			}
		})
	}
}
