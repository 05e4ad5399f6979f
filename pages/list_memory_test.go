package pages_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
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
	_, err = site.Inst.DB.W.ExecContext(ctx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
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
