package app_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
)

// holdWriteLock takes the write lock of the site's database from a connection of its own, as
// another process would (BEGIN IMMEDIATE), until release is called.
func holdWriteLock(t *testing.T, site *apptest.Site) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(site.Data, app.DatabaseFile)+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			tx.Rollback()
			db.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// A write lock held by another process past the busy timeout answers 503 with Retry-After and
// changes nothing; reads go on; a CLI command says what it waits for, and goes on when it can.
func TestWriteLockHeldByAnotherProcess(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	owner.Get("pages/all/").Want(200)

	release := holdWriteLock(t, site)
	page := map[string]any{"title": "Locked out", "json": [][]any{{}}}
	resp := owner.Post("pages/create/", page)
	e := resp.Error(503, "unavailable")
	if got := resp.Header.Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After %q, want 5", got)
	}
	if msg := e["error"].(string); !strings.Contains(msg, "write lock") || !strings.Contains(msg, "Nothing was changed") {
		t.Errorf("message %q does not say what holds the database and that nothing changed", msg)
	}
	if e["type"] != "api_error" {
		t.Errorf("type %v, want api_error", e["type"])
	}
	owner.Get("pages/all/").Want(200)

	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- app.Run(context.Background(), []string{"token", "create", "--email", "owner@example.com", "--name", "waits"},
			map[string]string{"QUIRE_DATA": site.Data}, &stdout, &stderr)
	}()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(stderr.String(), "waiting for the write lock"); {
		if time.Now().After(deadline) {
			t.Fatalf("the CLI did not say what it waits for; stderr: %q", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(stderr.String(), filepath.Join(site.Data, app.DatabaseFile)) {
		t.Errorf("the CLI's message does not name the database: %q", stderr.String())
	}
	release()
	if code := <-done; code != 0 || !strings.HasPrefix(lastLine(stdout.String()), "qt_") {
		t.Fatalf("token create after the lock: exit %d\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	}

	owner.Post("pages/create/", page).Want(200)
	if n := len(owner.Get("pages/all/").Want(200).List()); n != 1 {
		t.Errorf("%d pages, want 1: the refused request changed something", n)
	}
}
