package search_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest"
	"quire/pages/search"
)

// pageParts returns where the search index holds a page: for each widget (its first id), the row
// id and widget versions of the part that holds it, which change whenever the part is indexed
// again; 0 is the part of a page without widgets.
func pageParts(t *testing.T, site *apptest.Site, pageID int64) map[int64]string {
	t.Helper()
	if err := site.Inst.Search.CatchUp(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	rows, err := site.Inst.DB.R.Query(`SELECT p.part, t.widgets, p.id FROM search_parts p JOIN search_texts t ON t.part_id = p.id
		JOIN search_docs d ON d.id = p.doc_id WHERE d.cat = 'Page' AND d.ref_id = ?`, pageID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var part, id int64
		var held string
		if err := rows.Scan(&part, &held, &id); err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprint(id, " ", held)
		if part == 0 {
			out[0] = where
		}
		for _, w := range strings.Fields(held) {
			first, _, _ := strings.Cut(w, ":")
			n, _ := strconv.ParseInt(first, 10, 64)
			out[n] = where
		}
	}
	return out
}

// searchUntil searches until the results satisfy ok or a deadline passes, and returns the last.
func searchUntil(t *testing.T, c *apptest.Client, q string, ok func([]map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := apptest.SearchResults(t, c, q)
		if ok(got) || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A log pasted into a page is all found, and so is what comes after it: a page is indexed one
// widget at a time, whole, and a text file one megabyte at a time, whole.
func TestSearchFindsEverythingAccepted(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	id := c.Post("pages/create/", map[string]any{"title": "Incident 42", "json": paragraphs("Summary below.")}).Want(200).ID()
	line := "2026-11-30T10:00:00Z INFO worker=7 request served in 12ms status=200 path=/api/v1/pages/all/\n"
	log := strings.Repeat(line, 900_000/len(line))
	for _, tail := range []string{"first log ends with axolotl", "second log ends with quetzal"} {
		c.Post(fmt.Sprintf("page/%d/paragraph/create/", id), map[string]any{"val": log + tail, "format": "text"}).Want(200)
	}
	c.Post(fmt.Sprintf("page/%d/paragraph/create/", id), map[string]any{"val": "Root cause: zanzibar misconfiguration."}).Want(200)
	// "axolotl zanzibar": the words of two widgets, each in its own part, are found together.
	for _, q := range []string{"axolotl", "quetzal", "zanzibar", "summary", `"root cause"`, "axolotl zanzibar"} {
		if got := apptest.SearchResults(t, c, q); len(got) != 1 || got[0]["id"] != float64(id) {
			t.Errorf("search %q: %v, want the incident page", q, apptest.Titles(got))
		}
	}

	// What else a widget holds: an image's caption, a form's labels and choices.
	c.Upload(fmt.Sprintf("page/%d/image/create/", id), map[string]string{"caption": "Harbour at dawn"}, "harbour.png",
		bytes.NewReader(apptest.PNG(t, 100))).Want(200)
	c.Post(fmt.Sprintf("page/%d/form/create/", id), map[string]any{"val": "Lunch order", "fields": []any{
		map[string]any{"label": "Preferred sandwich", "type": "select", "options": []string{"Tuna", "Halloumi"}}}}).Want(200)
	for _, q := range []string{"harbour dawn", "sandwich", "halloumi"} {
		if got := apptest.SearchResults(t, c, q, "cat", "Page"); len(got) != 1 || got[0]["id"] != float64(id) {
			t.Errorf("search %q: %v, want the incident page", q, apptest.Titles(got))
		}
	}

	// A text file of 2.5 MB: its first megabyte at once, the rest a moment later.
	var text strings.Builder
	text.WriteString("capybara opens the file\n")
	for text.Len() < 1300<<10 {
		text.WriteString(line)
	}
	text.WriteString("wombat sits in the middle\n")
	for text.Len() < 2600<<10 {
		text.WriteString(line)
	}
	text.WriteString("pangolin closes it")
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", id), nil, "server.log.txt", strings.NewReader(text.String())).Want(200)
	if got := apptest.SearchResults(t, c, "capybara"); len(got) != 1 || got[0]["cat"] != "File" {
		t.Errorf("search capybara: %v, want the file at once", apptest.Titles(got))
	}
	for _, q := range []string{"wombat", "pangolin"} {
		got := searchUntil(t, c, q, func(r []map[string]any) bool { return len(r) > 0 })
		if len(got) != 1 || got[0]["cat"] != "File" || got[0]["title"] != "server.log.txt" {
			t.Errorf("search %q: %v, want the file once its later parts are indexed", q, apptest.Titles(got))
		}
	}
}

// A write indexes again the part that holds what it changed (small widgets share a part of up to
// 32 KB; a larger widget has its own), and nothing else of its page: the cost of a write does not
// grow with the page.
func TestSearchWriteIndexesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	large := strings.Repeat("lorem ipsum dolor sit amet ", 1500) // 40 KB
	page := c.Post("pages/create/", map[string]any{"title": "Runbook", "tags": []string{"ops"},
		"json": paragraphs("alpha text", "beta text", "gamma text", large+"omega")}).Want(200).Object()
	id := int64(page["id"].(float64))
	var w []int64
	for _, x := range page["json"].([]any)[0].([]any) {
		w = append(w, int64(x.(map[string]any)["id"].(float64)))
	}
	s1, s2, s3, big := w[0], w[1], w[2], w[3]
	before := pageParts(t, site, id)
	if len(before) != 4 || before[s1] != before[s2] || before[s2] != before[s3] || before[big] == before[s1] {
		t.Fatalf("parts %v: want one for the three small widgets and one for the large", before)
	}
	// step checks which widgets' parts were indexed again since the last step.
	step := func(name string, changed ...int64) {
		t.Helper()
		now := pageParts(t, site, id)
		for part := range merge(before, now) {
			if again := before[part] != now[part]; again != contains64(changed, part) {
				t.Errorf("%s: the part of %d indexed again: %v, want %v (before %v, now %v)", name, part, again, !again, before, now)
			}
		}
		before = now
	}
	c.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", id, s2), map[string]any{"val": "beta changed"}).Want(200)
	step("update a small widget", s1, s2, s3)
	c.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", id, big), map[string]any{"val": large + "psi", "format": "text"}).Want(200)
	step("update the large widget", big)
	c.Post(fmt.Sprintf("page/%d/widgets/move/", id), map[string]any{"widget_id": s3, "column": 0, "position": 0}).Want(200)
	step("move")
	c.Post(fmt.Sprintf("page/%d/paragraph/delete/%d/", id, s1), nil).Want(200)
	step("delete", s1, s2, s3)
	versions := c.Get(fmt.Sprintf("page/%d/paragraph/versions/%d/", id, s2)).Want(200).List()
	c.Post(fmt.Sprintf("page/%d/paragraph/restore/%d/", id, s2), map[string]any{"version_id": versions[len(versions)-1]["id"]}).Want(200)
	step("restore", s2, s3)
	created := c.Post(fmt.Sprintf("page/%d/markdown/create/", id), map[string]any{"val": "# Delta\n\ndelta text"}).Want(200).List()
	step("append two widgets", s2, s3, int64(created[0]["id"].(float64)), int64(created[1]["id"].(float64)))
	for q, want := range map[string]int{"alpha": 0, "beta": 1, "changed": 0, "gamma": 1, "delta": 1, "omega": 0, "psi": 1,
		"ops": 1, "runbook": 1, "gamma psi": 1, `"delta text"`: 1} {
		if got := apptest.SearchResults(t, c, q); len(got) != want {
			t.Errorf("search %q: %v, want %d", q, apptest.Titles(got), want)
		}
	}
	c.Post(fmt.Sprintf("pages/delete/%d/", id), nil).Want(200)
	if parts := pageParts(t, site, id); len(parts) != 0 {
		t.Errorf("a trashed page keeps parts %v", parts)
	}
	c.Post(fmt.Sprintf("pages/restore/%d/", id), nil).Want(200)
	if parts := pageParts(t, site, id); len(parts) != 5 {
		t.Errorf("a restored page has parts for %v, want its 5 widgets", parts)
	}

	// A page without widgets has a part of its own, for its title and tags, until it has one.
	empty := c.Post("pages/create/", map[string]any{"title": "Blank slate", "json": []any{[]any{}}}).Want(200).ID()
	if parts := pageParts(t, site, empty); len(parts) != 1 || parts[0] == "" {
		t.Errorf("parts of a page without widgets: %v, want part 0 alone", parts)
	}
	first := c.Post(fmt.Sprintf("page/%d/paragraph/create/", empty), map[string]any{"val": "now with text"}).Want(200).ID()
	if parts := pageParts(t, site, empty); len(parts) != 1 || parts[first] == "" {
		t.Errorf("parts of a page with one widget: %v, want its part alone", parts)
	}
	c.Post(fmt.Sprintf("page/%d/paragraph/delete/%d/", empty, first), nil).Want(200)
	if parts := pageParts(t, site, empty); len(parts) != 1 || parts[0] == "" {
		t.Errorf("parts of a page whose widget left: %v, want part 0 alone", parts)
	}
	if got := apptest.SearchResults(t, c, "blank"); len(got) != 1 {
		t.Errorf("search blank: %v, want the page without widgets", apptest.Titles(got))
	}
}

func contains64(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func merge(a, b map[int64]string) map[int64]bool {
	out := map[int64]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// formatOneSQL turns the search index back into format 1 (migration 002's tables, one entry per
// thing, text joined), as a database written before format 2 holds it.
const formatOneSQL = `
CREATE TABLE v1_docs AS SELECT id, cat, ref_id, subsite_id, page_id, title, updated_at, hidden FROM search_docs;
CREATE TABLE v1_text AS SELECT d.id, d.title AS title, COALESCE((SELECT group_concat(t.text, char(10))
	FROM search_parts p JOIN search_texts t ON t.part_id = p.id WHERE p.doc_id = d.id), '') AS body
	FROM search_docs d;
DROP TABLE search_queue; DROP TABLE search_state; DROP TABLE search_titles; DROP TABLE search_fts; DROP TABLE search_texts;
DROP TABLE search_parts;
DROP TABLE search_docs;
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY, cat TEXT NOT NULL, ref_id INTEGER NOT NULL, subsite_id INTEGER NOT NULL, page_id INTEGER,
    title TEXT NOT NULL, updated_at TEXT NOT NULL, hidden BOOLEAN NOT NULL DEFAULT FALSE, UNIQUE (cat, ref_id, subsite_id));
CREATE INDEX search_docs_page ON search_docs (page_id);
CREATE VIRTUAL TABLE search_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
INSERT INTO search_docs SELECT * FROM v1_docs;
INSERT INTO search_fts (rowid, title, body) SELECT id, title, body FROM v1_text;
DROP TABLE v1_docs; DROP TABLE v1_text;
DELETE FROM schema_migrations WHERE name = 'pages/004_search_parts.sql';
`

// A database whose index is of format 1 is migrated, and its index rebuilt in batches that a
// stop interrupts and the next start carries on: afterwards every search answers as it did.
func TestSearchRebuildsAnOlderIndex(t *testing.T) {
	t.Parallel()
	site, c := relevanceSite(t)
	queries := []string{"handbook", "holidays", "parking", "printed", "ada", "C++", "ภาษา", "remote badge", "financ*"}
	want := map[string]string{}
	for _, q := range queries {
		want[q] = fmt.Sprint(apptest.Titles(apptest.SearchResults(t, c, q)))
	}
	execStopped(t, site, formatOneSQL)
	ctx := context.Background()
	cfg, err := app.ConfigFromEnv(map[string]string{"QUIRE_DATA": site.Data})
	if err != nil {
		t.Fatal(err)
	}

	// The start migrates the tables; the rebuild stops after two batches of three.
	opened, err := app.OpenSite(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	stop, cancel := context.WithCancel(ctx)
	var seen []search.RebuildProgress
	err = opened.Search.Rebuild(stop, 3, func(p search.RebuildProgress) {
		if seen = append(seen, p); len(seen) == 2 {
			cancel()
		}
	})
	if err == nil || len(seen) != 2 || seen[0].FromFormat != 0 || seen[1].Phase != "pages" || seen[1].Done != 6 {
		t.Fatalf("interrupted rebuild: %v after %+v; want it stopped after two batches of pages", err, seen)
	}
	var state string
	if err := opened.DB.R.QueryRow(`SELECT value FROM search_state WHERE name = 'rebuild'`).Scan(&state); err != nil ||
		state != fmt.Sprintf("pages:%d", seen[1].After) {
		t.Errorf("recorded progress %q (%v); want pages:%d", state, err, seen[1].After)
	}
	var last search.RebuildProgress
	if err := opened.Search.Rebuild(ctx, 3, func(p search.RebuildProgress) { last = p }); err != nil {
		t.Fatal(err)
	}
	if last.Phase != "" || last.Done != last.Total-6 {
		t.Errorf("resumed rebuild ended at %+v; want it to carry on after the 6 things done", last)
	}
	var format string
	var oldTables int
	opened.DB.R.QueryRow(`SELECT value FROM search_state WHERE name = 'format'`).Scan(&format)
	opened.DB.R.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%_v1%'`).Scan(&oldTables)
	if format != strconv.Itoa(search.Format) || oldTables != 0 {
		t.Errorf("format %q, %d tables of format 1 left; want %d and none", format, oldTables, search.Format)
	}
	for _, check := range []string{`INSERT INTO search_fts (search_fts) VALUES ('integrity-check')`,
		`INSERT INTO search_titles (search_titles) VALUES ('integrity-check')`} {
		if _, err := opened.DB.Exec(t.Context(), check); err != nil {
			t.Errorf("%s: %v", check, err)
		}
	}
	opened.Close()

	site.Restart()
	c = site.Client(site.OwnerTk)
	for _, q := range queries {
		if got := fmt.Sprint(apptest.Titles(apptest.SearchResults(t, c, q))); got != want[q] {
			t.Errorf("search %q after the rebuild: %s, want %s", q, got, want[q])
		}
	}
}
