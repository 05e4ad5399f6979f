package search_test

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/pages/search"
)

// The log of a rebuild says the format it rebuilds from: a database of format 1, which recorded
// no format (formats are recorded from format 2 on), is rebuilt from format 1, not from 0.
func TestSearchRebuildLogNamesTheOldFormat(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	site.Client(site.OwnerTk).Post("pages/create/", map[string]any{"title": "Handbook", "json": [][]any{{}}}).Want(200)
	execStopped(t, site, formatOneSQL)
	site.Restart()
	done := regexp.MustCompile(`msg="search index: rebuilding" from_format=(\d+) to_format=(\d+) phase="?"? `)
	for deadline := time.Now().Add(time.Minute); ; {
		if m := done.FindStringSubmatch(site.LogText()); m != nil {
			if want := strconv.Itoa(search.Format); m[1] != "1" || m[2] != want {
				t.Errorf("the rebuild logged from_format=%s to_format=%s, want 1 and %s", m[1], m[2], want)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line of the finished rebuild in the log:\n%s", site.LogText())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
