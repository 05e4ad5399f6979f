package search_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
)

// queuedPages returns how many pages wait for the search index.
func queuedPages(t *testing.T, site *apptest.Site) int {
	t.Helper()
	var n int
	if err := site.Inst.DB.R.QueryRow(`SELECT COUNT(*) FROM search_page_queue`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A write queues its page for the search index in its own transaction; a search made right
// after it finds it (the search indexes what is queued first), and without any search the
// indexer empties the queue on its own, also of pages queued before a restart (the queue is a
// table, so a crash loses nothing) and of a queued page that no longer exists.
func TestSearchIndexesQueuedPages(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	id := c.Post("pages/create/", map[string]any{"title": "Quokka", "json": body1("marsupial census")}).Want(200).ID()
	if got := apptest.Titles(apptest.SearchResults(t, c, "census")); len(got) != 1 || got[0] != "Page:Quokka" {
		t.Errorf("search right after the write: %v, want the page", got)
	}
	// As after a crash between a write and its indexing: the page is queued, its entries gone;
	// and a queued page that was never made.
	execStopped(t, site, `DELETE FROM search_fts; DELETE FROM search_titles; DELETE FROM search_docs WHERE cat = 'Page';
		INSERT INTO search_page_queue (page_id, force) VALUES (?, FALSE), (987654321, TRUE)`, id)
	site.Restart()
	for deadline := time.Now().Add(time.Minute); queuedPages(t, site) > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages still queued a minute after the restart, with no search made", queuedPages(t, site))
		}
	}
	var docs int
	site.Inst.DB.R.QueryRow(`SELECT COUNT(*) FROM search_docs WHERE cat = 'Page' AND ref_id = ?`, id).Scan(&docs)
	if docs != 1 {
		t.Errorf("%d entries of the page after the queue emptied, want 1", docs)
	}
	c = site.Client(site.OwnerTk)
	if got := apptest.Titles(apptest.SearchResults(t, c, "marsupial")); len(got) != 1 || got[0] != "Page:Quokka" {
		t.Errorf("search after the restart: %v, want the page", got)
	}
}

// Writes that hide things from search index at once, whatever the queue holds: with more pages
// queued than a search indexes first, a page trashed and an attachment deleted are found no more.
// And a search never waits for, nor fails on, another process's write lock: it answers with
// what is indexed.
func TestSearchHidesAtOnceWhateverIsQueued(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	trashed := c.Post("pages/create/", map[string]any{"title": "Okapi", "json": body1("okapi sightings")}).Want(200).ID()
	kept := c.Post("pages/create/", map[string]any{"title": "Files", "json": body1("nothing here")}).Want(200).ID()
	file := c.Upload(fmt.Sprintf("page/%d/attachment/create/", kept), nil, "tapir.txt", strings.NewReader("tapir census")).Want(200).ID()
	for q, want := range map[string]string{"okapi": "Page:Okapi", "tapir": "File:tapir.txt"} {
		if got := searchUntil(t, c, q, func(r []map[string]any) bool { return slices.Contains(apptest.Titles(r), want) }); !slices.Contains(apptest.Titles(got), want) {
			t.Fatalf("search %q before: %v, want %s", q, apptest.Titles(got), want)
		}
	}
	// A backlog of pages (ids no page has, so they come first in the queue and index to nothing).
	if _, err := site.Inst.DB.Exec(t.Context(), `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
		INSERT INTO search_page_queue (page_id) SELECT -i FROM n`); err != nil {
		t.Fatal(err)
	}
	c.Post(fmt.Sprintf("pages/delete/%d/", trashed), nil).Want(200)
	c.Post(fmt.Sprintf("page/%d/attachment/delete/%d/", kept, file), nil).Want(200)
	if n := queuedPages(t, site); n < 300 {
		t.Fatalf("%d pages queued before the searches, want the backlog of 500 still there", n)
	}
	for _, q := range []string{"okapi", "tapir"} {
		if got := apptest.SearchResults(t, c, q); len(got) != 0 {
			t.Errorf("search %q with pages queued: %v, want nothing", q, apptest.Titles(got))
		}
	}

	// Another process holds the write lock, with a page queued: the search answers.
	c.Post(fmt.Sprintf("page/%d/paragraph/create/", kept), map[string]any{"val": "giraffe"}).Want(200)
	other, err := sql.Open("sqlite3", "file:"+filepath.Join(site.Data, app.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(t.Context(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	defer lock.ExecContext(context.Background(), `ROLLBACK`)
	if got := apptest.Titles(apptest.SearchResults(t, c, "nothing")); !slices.Equal(got, []string{"Page:Files"}) {
		t.Errorf("search while another process holds the write lock: %v, want the page found", got)
	}
}
