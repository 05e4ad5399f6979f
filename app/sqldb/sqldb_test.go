package sqldb_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"quire/app/sqldb"
)

// openCounted opens a database in a temporary directory with one table to write to, and the
// given patience.
func openCounted(t *testing.T, patience time.Duration) (*sqldb.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "quire.db")
	db, err := sqldb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.LockPatience = patience
	if _, err := db.Exec(t.Context(), `CREATE TABLE writes (n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func insert(db *sqldb.DB) error {
	return db.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO writes (n) VALUES (1)`)
		return err
	})
}

func count(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM writes`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Writes queued behind one that waits for another process's write lock give up with it: each
// waits one patience from its call in all (queueing for the writer included), not one patience
// more for every write ahead of it. The lock is held by a second connection of its own, as
// another process holds it.
func TestWritesBehindAForeignLockShareOnePatience(t *testing.T) {
	t.Parallel()
	const patience = time.Second
	db, path := openCounted(t, patience)
	other, err := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()

	const writers = 8
	waited := make([]time.Duration, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			start := time.Now()
			errs[i] = insert(db)
			waited[i] = time.Since(start)
		})
	}
	wg.Wait()
	for i, err := range errs {
		// Queued one patience after another, the last would wait 8 of them; sharing one, each
		// waits one and a little. Three is a bound for a loaded machine, not a measure.
		if !sqldb.IsBusy(err) || waited[i] > 3*patience {
			t.Errorf("writer %d: %v after %.1f patiences; want a busy error within 3", i, err, waited[i].Seconds()/patience.Seconds())
		}
	}
	if n := count(t, db); n != 0 {
		t.Errorf("%d rows written while the lock was held, want none", n)
	}
	lock.Rollback()
	if err := insert(db); err != nil {
		t.Fatalf("a write after the lock was released: %v", err)
	}
}

// Writes queued behind this process's own writes wait as long as those take, past the patience:
// the patience only runs out against a lock held by another connection.
func TestWritesBehindOwnWritesOutwaitThePatience(t *testing.T) {
	t.Parallel()
	const patience = 200 * time.Millisecond
	db, _ := openCounted(t, patience)
	release := make(chan struct{})
	holding := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	wg.Go(func() {
		errs <- db.Write(context.Background(), func(tx *sql.Tx) error {
			close(holding)
			<-release
			_, err := tx.Exec(`INSERT INTO writes (n) VALUES (1)`)
			return err
		})
	})
	<-holding
	const queued = 10
	for range queued {
		wg.Go(func() { errs <- insert(db) })
	}
	for deadline := time.Now().Add(time.Minute); db.WriterWaits() < queued; {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued for the writer, want %d", db.WriterWaits(), queued)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(2 * patience) // what is tested: the queued writes wait past their patience
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a write queued behind our own: %v", err)
		}
	}
	if n := count(t, db); n != queued+1 {
		t.Errorf("%d rows, want %d", n, queued+1)
	}
}
