package app_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
	"quire/app/apptest/syncbuf"
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

	var stdout, stderr syncbuf.Buffer
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

// A web page that meets a database held by another process answers a browser the HTML error
// page, with its 503 and Retry-After, not the API's JSON. The invitation page is such a page the
// first time a form is drawn: it makes the site's CSRF secret, a write.
func TestWebPagesAnswerABusyDatabaseInHTML(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk).SiteWide()
	owner.Post("people/invite/", map[string]any{"email_address": "mae@example.com", "name": "Mae"}).Want(200)
	var mails []struct {
		Body string `json:"body"`
	}
	owner.Get("mail/outbox/").Want(200).Decode(&mails)
	link := regexp.MustCompile(`/invite/[A-Za-z0-9_-]+`).FindString(mails[0].Body)

	release := holdWriteLock(t, site)
	resp, err := http.Get(site.URL + link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		resp.Header.Get("Retry-After") != "5" || !strings.Contains(string(body), "busy") ||
		!strings.Contains(string(body), resp.Header.Get("X-Request-Id")) {
		t.Errorf("answer %d %q Retry-After %q:\n%s\nwant 503, an HTML page saying the wiki is busy with the request id, Retry-After 5",
			resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Retry-After"), body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the error page has Content-Security-Policy %q, want the web pages' own", csp)
	}
	release()
	resp, err = http.Get(site.URL + link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the invitation page once the lock is released: %d, want 200", resp.StatusCode)
	}
}
