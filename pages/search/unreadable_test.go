package search_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/pages/search"
)

// waitForLog waits up to a minute for a line of the site's log that says the text of the file
// cannot be read from the offset on.
func waitForLog(t *testing.T, site *apptest.Site, fileID, offset int64) {
	t.Helper()
	line := regexp.MustCompile(`level=WARN msg="search: a file's text cannot be read for the index; [^"]*" file_id=` +
		strconv.FormatInt(fileID, 10) + ` sha256=[0-9a-f]{64} offset=` + strconv.FormatInt(offset, 10) + ` err=`)
	for deadline := time.Now().Add(time.Minute); !line.MatchString(site.LogText()); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line for file %d from offset %d:\n%s", fileID, offset, site.LogText())
		}
	}
}

// filesFound returns the ids of the files a search for q finds, by the page they sit on.
func filesFound(t *testing.T, c *apptest.Client, q string) map[int64]int64 {
	t.Helper()
	out := map[int64]int64{}
	for _, r := range apptest.SearchResults(t, c, q, "cat", search.CatFile) {
		out[int64(r["page_id"].(float64))] = int64(r["id"].(float64))
	}
	return out
}

// A file whose bytes cannot be read when search indexes it (gone from the files folder) is still
// found by its name, and the log names it, each time search reads a file's text: when a copy of
// its page indexes the copied file, when a rebuild indexes it again (keeping the text indexed
// before), and when the indexer reaches a queued part of its text.
func TestSearchFindsAFileItCannotReadByItsName(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	page := c.Post("pages/create/", map[string]any{"title": "Board", "json": [][]any{{}}}).Want(200).ID()
	c.Upload(fmt.Sprintf("page/%d/attachment/create/", page), nil, "minutes.txt",
		strings.NewReader("the quokka budget was approved")).Want(200)
	file := filesFound(t, c, "quokka")[page]
	if file == 0 {
		t.Fatalf("the upload is not found by its text")
	}
	var sum string
	if err := site.Inst.DB.R.QueryRow(`SELECT sha256 FROM files WHERE id = ?`, file).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(site.Data, "files", sum[:2], sum[2:])); err != nil {
		t.Fatal(err)
	}

	// A copy of the page: its file is indexed anew, from bytes that are gone.
	copied := c.Post(fmt.Sprintf("pages/copy/%d/", page), map[string]any{"title": "Board again"}).Want(200).ID()
	byName := filesFound(t, c, "minutes")
	if len(byName) != 2 || byName[page] != file || byName[copied] == 0 {
		t.Fatalf("files found by their name after the copy: %v, want the file on page %d and its copy on page %d", byName, page, copied)
	}
	waitForLog(t, site, byName[copied], 0)
	if got := filesFound(t, c, "quokka"); len(got) != 1 || got[page] != file {
		t.Errorf("files found by the text: %v, want only the original (the copy's text could not be read)", got)
	}

	// A rebuild, and a part of the original's text queued as if the file were longer.
	execStopped(t, site, `UPDATE search_state SET value = ? WHERE name = 'format';
		INSERT INTO search_queue (doc_id, next_part, next_offset) SELECT id, 1, 7 FROM search_docs WHERE cat = 'File' AND ref_id = ?`,
		strconv.Itoa(search.Format-1), file)
	site.Restart()
	waitForLog(t, site, file, 0)
	waitForLog(t, site, file, 7)
	c = site.Client(site.OwnerTk)
	if got := filesFound(t, c, "minutes"); len(got) != 2 {
		t.Errorf("files found by their name after the rebuild: %v, want both", got)
	}
	if got := filesFound(t, c, "quokka"); len(got) != 1 || got[page] != file {
		t.Errorf("files found by the text after the rebuild: %v, want the original, by the text indexed before", got)
	}
	var queued int
	site.Inst.DB.R.QueryRow(`SELECT COUNT(*) FROM search_queue`).Scan(&queued)
	if queued != 0 {
		t.Errorf("%d parts still queued, want none: a part that cannot be read is not tried again", queued)
	}
}
