package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Migrations are one package's numbered .sql files (001_init.sql, 002_...), applied in name order.
type Migrations struct {
	Package string
	FS      fs.FS
}

// Migrate applies every migration not yet applied, each in its own transaction, in the order of
// sets and then of file names, and records it in schema_migrations as "package/file". It refuses a
// database that records a migration none of sets has: a newer binary wrote it.
func Migrate(ctx context.Context, db *DB, sets ...Migrations) (applied []string, err error) {
	if _, err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done := map[string]bool{}
	rows, err := db.R.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		done[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	known := map[string]bool{}
	type step struct{ name, sql string }
	var steps []step
	for _, set := range sets {
		files, err := fs.Glob(set.FS, "migrations/*.sql")
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			name := set.Package + "/" + path.Base(f)
			known[name] = true
			if done[name] {
				continue
			}
			body, err := fs.ReadFile(set.FS, f)
			if err != nil {
				return nil, err
			}
			steps = append(steps, step{name, string(body)})
		}
	}
	var unknown []string
	for name := range done {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("the database has migrations this binary does not know (%s): it was written by a newer Quire; run that version or restore a backup", strings.Join(unknown, ", "))
	}
	for _, s := range steps {
		err := db.Write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, s.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
				s.name, db.Now().UTC().Format("2006-01-02T15:04:05Z"))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", s.name, err)
		}
		applied = append(applied, s.name)
	}
	return applied, nil
}
