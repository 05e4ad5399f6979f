package app_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"quire/app"
	"quire/app/apptest"
	"quire/app/sqldb"
)

// A data directory that a newer Quire migrated is refused, by the server and by the CLI alike,
// with a message that says what to do, and its database is left as it was.
func TestNewerDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	site.Stop()
	db, err := sqldb.Open(filepath.Join(site.Data, app.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	const future = "pages/999_from_the_future.sql"
	err = db.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, '2099-01-01T00:00:00Z')`, future)
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	cfg, err := app.ConfigFromEnv(map[string]string{"QUIRE_DATA": site.Data})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := app.OpenSite(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), future) || !strings.Contains(err.Error(), "newer Quire") {
		if err == nil {
			s.Close()
		}
		t.Errorf("opening the site: error %v, want one naming %s and a newer Quire", err, future)
	}
	if _, stderr, code := site.CLI("user", "create", "--email", "late@example.com", "--name", "Late", "--password", "long enough"); code == 0 || !strings.Contains(stderr, future) {
		t.Errorf("the CLI answered code %d, stderr %q; want a failure naming %s", code, stderr, future)
	}
}
