package pages_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"quire/app/api"
	"quire/app/apptest"
	"quire/pages"
	"quire/people"
)

// seedBarePages inserts n pages (titles and slugs only) into the subsite's Main folder with one
// statement: a hundred thousand take a second.
func seedBarePages(t *testing.T, site *apptest.Site, subsiteID int64, n int) {
	t.Helper()
	ctx := context.Background()
	main, err := pages.FindFolderByPath(ctx, site.Inst.DB.R, subsiteID, "")
	if err != nil {
		t.Fatal(err)
	}
	now := api.NewTime(site.Inst.DB.Now())
	_, err = site.Inst.DB.Exec(ctx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO pages (subsite_id, folder_id, title, slug, layout, created_at, updated_at, created_by)
		SELECT ?, ?, 'Page number ' || i, 'page-number-' || i, '[[100]]', ?, ?, ? FROM seq`,
		n, subsiteID, main.ID, now, now, site.Owner.ID)
	if err != nil {
		t.Fatal(err)
	}
}

// liveHeap returns the bytes of live objects in this process's heap.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapMidway GETs url and reads the answer to its end. It returns how much more live heap the
// process (the server in it) holds once the client has read half of want bytes than before the
// request, and how many times marker occurs in the answer.
func heapMidway(t *testing.T, url, token string, want int64, marker string) (grow int64, markers int) {
	t.Helper()
	before := liveHeap()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Auth-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 32<<10)
	var tail []byte
	var read int64
	grow = -1 << 62
	for {
		k, err := resp.Body.Read(buf)
		read += int64(k)
		chunk := append(tail, buf[:k]...)
		markers += bytes.Count(chunk, []byte(marker))
		tail = append([]byte(nil), chunk[max(len(chunk)-len(marker)+1, 0):]...)
		if grow == -1<<62 && read >= want/2 {
			grow = int64(liveHeap()) - int64(before)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if resp.StatusCode != http.StatusOK || read < want {
		t.Fatalf("status %d with %d bytes; want at least %d", resp.StatusCode, read, want)
	}
	return grow, markers
}

// TestWholeListMemoryIsFlat measures the live heap while a whole list streams: with 100,000
// pages it stays about what it is with 10,000 (one batch), instead of growing with the list.
// It measures the whole process's heap, so it does not run in parallel with other tests.
func TestWholeListMemoryIsFlat(t *testing.T) {
	site := apptest.Start(t)
	small, large := site.Subsite("Small", "small"), site.Subsite("Large", "large")
	seedBarePages(t, site, small.ID, 10_000)
	seedBarePages(t, site, large.ID, 100_000)
	site.Join(small, site.Owner, people.RoleAdmin)
	site.Join(large, site.Owner, people.RoleAdmin)
	at := func(slug string) string { return fmt.Sprintf("%s/@%s/api/v1/pages/all/", site.URL, slug) }
	// A page takes about 330 bytes of JSON.
	list := func(slug string, n int) int64 {
		grow, pages := heapMidway(t, at(slug), site.OwnerTk, int64(n)*300, `"slug":`)
		if pages != n {
			t.Fatalf("%d pages; want all %d", pages, n)
		}
		return grow
	}
	list("small", 10_000) // warm up: caches, pools, buffers
	grow10k := list("small", 10_000)
	grow100k := list("large", 100_000)
	t.Logf("live heap halfway through the list: %+d KB with 10,000 pages, %+d KB with 100,000", grow10k>>10, grow100k>>10)
	if grow100k > 2*max(grow10k, 0)+2<<20 {
		t.Errorf("halfway through 100,000 pages the heap grew by %d KB, against %d KB for 10,000: it grows with the list",
			grow100k>>10, grow10k>>10)
	}
}

// TestLargePageMemoryIsFlat measures the live heap while pages/get answers a page larger than
// any it would build in memory (one made before widgets.MaxPageBytes): with 16 widgets of a
// megabyte (each stored as 1 MB of HTML and 1 MB of text) it holds what one widget takes to read
// and encode, a few of its sizes, instead of growing with the page.
// It measures the whole process's heap, so it does not run in parallel with other tests.
func TestLargePageMemoryIsFlat(t *testing.T) {
	site := apptest.Start(t)
	seed := func(n int) int64 {
		texts := make([]string, n)
		for i := range texts {
			texts[i] = strings.Repeat(string(rune('a'+i)), 1_000_000)
		}
		id, err := site.Inst.Pages.SeedLegacyPage(context.Background(), site.Home(), site.Owner.ID, fmt.Sprint("Large ", n), texts)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	read := func(id int64, n int) int64 {
		grow, widgets := heapMidway(t, fmt.Sprintf("%s/api/v1/pages/get/%d/", site.URL, id), site.OwnerTk, int64(n)*2_000_000, `"classname":`)
		if widgets != n {
			t.Fatalf("%d widgets; want all %d", widgets, n)
		}
		return grow
	}
	four, sixteen := seed(4), seed(16)
	// The pages are indexed for search now, not by the background indexer during the measurement.
	if err := site.Inst.Search.CatchUp(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	read(four, 4) // warm up
	grow4, grow16 := read(four, 4), read(sixteen, 16)
	t.Logf("live heap midway through the page: %+d KB with 4 MB of widgets (8 MB of content), %+d KB with 16 (32 MB)", grow4>>10, grow16>>10)
	// Building the answer would hold the 32 MB of content and more of JSON; reading a widget
	// holds it as read, as the driver gave it and as JSON, a few times 2 MB.
	if grow16 > 16<<20 || grow16 > 2*max(grow4, 0)+4<<20 {
		t.Errorf("midway through the page the heap grew by %d KB with 16 widgets, against %d KB with 4; want it flat, at most 16 MB",
			grow16>>10, grow4>>10)
	}
}
