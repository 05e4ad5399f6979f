package pages_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"quire/app/apptest"
	"quire/pages"
	"quire/widgets"
)

// wantPageTooLarge checks a 409 that names the page limit.
func wantPageTooLarge(t *testing.T, r *apptest.Response) {
	t.Helper()
	m := r.Error(http.StatusConflict, "conflict")
	if msg := m["error"].(string); !strings.Contains(msg, fmt.Sprintf("limit of %d MB", widgets.MaxPageBytes>>20)) {
		t.Errorf("%s %s: message %q does not name the limit", r.Method, r.URL, msg)
	}
}

// pageBytes returns the content of the page as widgets.MaxPageBytes measures it.
func pageBytes(t *testing.T, site *apptest.Site, id int64) int64 {
	t.Helper()
	n, err := widgets.PageBytes(context.Background(), site.Inst.DB.R, id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// fetch GETs an API path and reads the answer whole, without the OpenAPI check of apptest (whose
// cost grows with megabytes of widgets): for status and size checks of large answers.
func fetch(t *testing.T, site *apptest.Site, client *http.Client, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, site.URL+"/api/v1/"+path, nil)
	req.Header.Set("X-Auth-Token", site.OwnerTk)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp, body
}

// TestPageSizeIsBounded fills a page close to widgets.MaxPageBytes and tries every way of adding
// content to it: each one that would pass the limit is refused with a 409 naming it, and changes
// nothing.
func TestPageSizeIsBounded(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	mb := strings.Repeat("a", 1_000_000)
	// Four widgets of 1,000,000 characters (stored twice: HTML and text) and one of 150,000
	// leave 88,598 bytes of room.
	ids, err := site.Inst.Pages.SeedPages(context.Background(), site.Home(), site.Owner.ID, []pages.SeedPage{
		{Title: "Full", Texts: []string{mb, mb, mb, mb, strings.Repeat("e", 150_000)}}})
	if err != nil {
		t.Fatal(err)
	}
	var full page
	_, body := fetch(t, site, http.DefaultClient, fmt.Sprintf("pages/get/%d/", ids[0]))
	if err := json.Unmarshal(body, &full); err != nil {
		t.Fatal(err)
	}
	first, last := full.JSON[0][0], full.JSON[0][4]
	before := pageBytes(t, site, full.ID)
	if room := widgets.MaxPageBytes - before; room != 88_598 {
		t.Fatalf("the page leaves %d bytes of room; the cases below expect 88,598", room)
	}
	pagesBefore := len(c.Get("pages/all/").List())
	at := func(path string) string { return fmt.Sprintf("page/%d/%s", full.ID, path) }
	big := strings.Repeat("b", 50_000) // 100,002 bytes stored
	cases := []struct {
		name string
		path string
		body any
	}{
		{"paragraph/create", at("paragraph/create/"), map[string]any{"widget": map[string]any{"val": big}}},
		{"heading/create", at("heading/create/"), map[string]any{"widget": map[string]any{"val": big}}},
		{"markdown/create", at("markdown/create/"), map[string]any{"widget": map[string]any{"val": "## More\n\n" + big}}},
		{"paragraph/update", at(fmt.Sprintf("paragraph/update/%d/", first.ID)),
			map[string]any{"widget": map[string]any{"val": strings.Repeat("d", 1_048_000)}}},
		{"pages/create", "pages/create/", map[string]any{"title": "Too much", "json": []any{[]any{
			para(mb), para(mb), para(mb), para(mb), para(mb)}}}},
	}
	for _, tc := range cases {
		wantPageTooLarge(t, c.Post(tc.path, tc.body))
	}
	if after := pageBytes(t, site, full.ID); after != before {
		t.Errorf("the refused writes changed the page's content from %d to %d bytes", before, after)
	}
	if n := len(c.Get("pages/all/").List()); n != pagesBefore {
		t.Errorf("%d pages after a refused pages/create, want %d", n, pagesBefore)
	}

	// Restoring an old, larger version is a write like any other.
	c.Post(at(fmt.Sprintf("paragraph/update/%d/", last.ID)), map[string]any{"val": "small"}).Want(http.StatusOK)
	c.Post(at("paragraph/create/"), map[string]any{"val": strings.Repeat("g", 100_000)}).Want(http.StatusOK)
	wantPageTooLarge(t, c.Post(at(fmt.Sprintf("paragraph/restore/%d/", last.ID)), map[string]any{"version_id": last.ID}))

}

// TestOversizePageReadsAndShrinks: a page made before the limit, larger than it, still answers
// in full, takes any change that does not make it larger, refuses those that do, and is not
// copied.
func TestOversizePageReadsAndShrinks(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	texts := make([]string, 5)
	for i := range texts {
		texts[i] = strings.Repeat(string(rune('p'+i)), 1_000_000)
	}
	id, err := site.Inst.Pages.SeedLegacyPage(context.Background(), site.Home(), site.Owner.ID, "Legacy", texts)
	if err != nil {
		t.Fatal(err)
	}
	var p page
	_, body := fetch(t, site, http.DefaultClient, fmt.Sprintf("pages/get/%d/", id))
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.JSON) != 1 || len(p.JSON[0]) != 5 {
		t.Fatalf("the page answers %d columns; want its 5 widgets", len(p.JSON))
	}
	for i, w := range p.JSON[0] {
		if w.Text != texts[i] || w.HTML != "<p>"+texts[i]+"</p>" || w.Position != i {
			t.Errorf("widget %d answers %d bytes of text at position %d; want its %d at %d", i, len(w.Text), w.Position, len(texts[i]), i)
		}
	}
	at := func(path string, id int64) string { return fmt.Sprintf("page/%d/paragraph/%s/%d/", p.ID, path, id) }
	wantPageTooLarge(t, c.Post(fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": "one more line"}))
	wantPageTooLarge(t, c.Post(at("update", p.JSON[0][1].ID), map[string]any{"val": texts[1] + "more"}))
	wantPageTooLarge(t, c.Post(fmt.Sprintf("pages/copy/%d/", p.ID), nil))
	c.Post(at("update", p.JSON[0][0].ID), map[string]any{"val": texts[0][:999_000]}).Want(http.StatusOK)
	c.Post(at("delete", p.JSON[0][2].ID), nil).Want(http.StatusOK)
	c.Post(fmt.Sprintf("page/%d/widgets/move/", p.ID), map[string]any{"widget_id": p.JSON[0][3].ID, "column": 0, "position": 0}).Want(http.StatusOK)
	// Now within the limit, it takes content again.
	c.Post(fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": "one more line"}).Want(http.StatusOK)
}

// TestLargePageIsStreamedAsBuilt: a page too large to build in memory answers, in parts, exactly
// the bytes the built answer has, with its empty columns, files and discussion.
func TestLargePageIsStreamedAsBuilt(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	part := func(ch string) map[string]any {
		return para("<p>" + strings.Repeat(ch, 500_000) + " <b>&amp;</b> " + strings.Repeat(ch, 100_000) + "</p>")
	}
	p := newPage(t, c, "Large", column{part("a"), part("b")}, column{}, column{head("Talk", "h2"),
		{"classname": "Discussion"}, part("c")})
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", p.ID), map[string]string{"column": "2"}, "notes.txt",
		strings.NewReader("notes")).Want(http.StatusOK)
	c.Post(fmt.Sprintf("feed/post/%d/", p.ID), map[string]any{"msg": "First"}).Want(http.StatusOK)
	got := c.Get(fmt.Sprintf("pages/get/%d/", p.ID)).Want(http.StatusOK)
	want, err := site.Inst.Pages.BuiltPageJSON(context.Background(), site.Home(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Body, want) {
		i := 0
		for i < min(len(got.Body), len(want)) && got.Body[i] == want[i] {
			i++
		}
		t.Fatalf("the streamed answer (%d bytes) differs from the built one (%d) at byte %d: %.80q, want %.80q",
			len(got.Body), len(want), i, got.Body[i:], want[i:])
	}
}

// TestLargeAnswersWaitForMemory: a large page is read within the memory budget: while other
// answers being built hold all of it, a request for the page waits and is answered 503 with
// Retry-After, small answers go on, and once the memory is free the page answers whole. A client
// that reads nothing of a large page holds none of the budget meanwhile.
func TestLargeAnswersWaitForMemory(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_ANSWER_MEMORY_MB", "1"))
	c := site.Client(site.OwnerTk)
	texts := make([]string, 8)
	for i := range texts {
		texts[i] = strings.Repeat("x", 1_000_000)
	}
	large, err := site.Inst.Pages.SeedLegacyPage(context.Background(), site.Home(), site.Owner.ID, "Large", texts)
	if err != nil {
		t.Fatal(err)
	}
	small := newPage(t, c, "Small", column{para("Hello")})
	path := fmt.Sprintf("pages/get/%d/", large)
	// A client that asks for the large page (16 MB) and reads nothing: its socket takes 64 KB,
	// and the server's sends at most 4 MB. The page, read, waits in a spool; the next request
	// finds the whole budget free.
	slowClient := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Control: smallReceiveBuffer}).DialContext}}
	req, _ := http.NewRequest(http.MethodGet, c.URL(path), nil)
	req.Header.Set("X-Auth-Token", site.OwnerTk)
	slow, err := slowClient.Do(req)
	if err != nil || slow.StatusCode != http.StatusOK {
		t.Fatalf("the first request: %v %v", err, slow)
	}
	defer slow.Body.Close()
	if again, body := fetch(t, site, http.DefaultClient, path); again.StatusCode != http.StatusOK || len(body) < 16_000_000 {
		t.Errorf("while a client reads nothing of the page, it answers %d with %d bytes; want all of it", again.StatusCode, len(body))
	}
	// While answers being built hold the whole budget, the page waits for it, then answers 503.
	release, err := site.Inst.Pages.Budget.Reserve(context.Background(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Get(path)
	r.Error(http.StatusServiceUnavailable, "unavailable")
	if got := r.Header.Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After %q; want 5", got)
	}
	getPage(t, c, small.ID)
	release()
	if again, body := fetch(t, site, http.DefaultClient, path); again.StatusCode != http.StatusOK || len(body) < 16_000_000 {
		t.Errorf("once the memory is free, the page answers %d with %d bytes; want all of it", again.StatusCode, len(body))
	}
	if n, err := io.Copy(io.Discard, slow.Body); err != nil || n < 16_000_000 {
		t.Fatalf("the first answer: %d bytes, %v", n, err)
	}
}

// smallReceiveBuffer gives a client socket a receive buffer of 64 KB, which the kernel does not
// grow.
func smallReceiveBuffer(_, _ string, conn syscall.RawConn) error {
	var err error
	if cerr := conn.Control(func(fd uintptr) {
		err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 64<<10)
	}); cerr != nil {
		return cerr
	}
	return err
}
