package pages_test

import (
	"context"
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
	if got := titles(searchResults(t, c, "census")); len(got) != 1 || got[0] != "Page:Quokka" {
		t.Errorf("search right after the write: %v, want the page", got)
	}
	site.Stop()

	// As after a crash between a write and its indexing: the page is queued, its entries gone;
	// and a queued page that was never made.
	cfg, err := app.ConfigFromEnv(map[string]string{"QUIRE_DATA": site.Data})
	if err != nil {
		t.Fatal(err)
	}
	old, err := app.OpenSite(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.DB.W.Exec(`DELETE FROM search_fts; DELETE FROM search_titles; DELETE FROM search_docs WHERE cat = 'Page';
		INSERT INTO search_page_queue (page_id, force) VALUES (?, FALSE), (987654321, TRUE)`, id); err != nil {
		t.Fatal(err)
	}
	old.Close()
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
	if got := titles(searchResults(t, c, "marsupial")); len(got) != 1 || got[0] != "Page:Quokka" {
		t.Errorf("search after the restart: %v, want the page", got)
	}
}
