package web_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/pages"
)

// TestListsAreBounded: with more pages in a folder than a view shows, the sidebar shows its bound
// and a link to the folder's page, and the home pages on with ?after=, each page of the list
// once.
func TestListsAreBounded(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	c := s.Client(s.OwnerTk).In("home")
	const n = 60
	col := [][]map[string]any{{{"classname": "Paragraph", "val": "<p>x</p>"}}}
	for i := range n {
		c.Post("pages/create/", map[string]any{"title": fmt.Sprintf("Minutes %03d", i), "path": "Meetings", "json": col}).Want(200)
		c.Post("pages/create/", map[string]any{"title": fmt.Sprintf("Note %03d", i), "json": col}).Want(200)
	}
	body := string(get(c, "/@home/").Want(200).Body)
	bar := regexp.MustCompile(`(?s)<nav class="sidebar".*?</nav>`).FindString(body)
	if got := strings.Count(bar, `<li class="tree-page">`); got != 50 {
		t.Errorf("the sidebar lists %d pages, want 50", got)
	}
	if !regexp.MustCompile(`<li class="tree-more"><a href="/@home/-/folders/\d+/">More…</a></li>`).MatchString(bar) {
		t.Errorf("no link to the rest of the folder: %s", bar)
	}
	seen := map[string]bool{}
	next, rounds := "/@home/", 0
	for next != "" && rounds < 10 {
		rounds++
		body := string(get(c, next).Want(200).Body)
		all := regexp.MustCompile(`(?s)<section aria-labelledby="pages-h">.*?</section>`).FindString(body)
		for _, m := range regexp.MustCompile(`<li><a href="([^"]+)">`).FindAllStringSubmatch(all, -1) {
			if seen[m[1]] {
				t.Errorf("%s listed twice", m[1])
			}
			seen[m[1]] = true
		}
		next = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(all); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != 2*n || rounds != 3 {
		t.Errorf("the home listed %d pages in %d batches, want %d in 3", len(seen), rounds, 2*n)
	}

	// A folder's pages by title, a batch after another.
	ctx := context.Background()
	owner, err := s.Inst.People.Authenticate(ctx, s.OwnerTk)
	if err != nil {
		t.Fatal(err)
	}
	folder, err := pages.FindFolderByPath(ctx, s.Inst.DB.R, s.Home().ID, "Meetings")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	var after int64
	for batch := 0; ; batch++ {
		fe, err := s.Inst.Pages.BrowseFolder(ctx, owner, s.Home(), folder.ID, 25, after)
		if err != nil || batch > 3 {
			t.Fatalf("batch %d: %v", batch, err)
		}
		for _, p := range fe.Pages {
			titles = append(titles, p.Title)
		}
		if after = fe.After; after == 0 {
			break
		}
	}
	if len(titles) != n || !sort.StringsAreSorted(titles) || titles[0] != "Minutes 000" {
		t.Errorf("the folder's batches gave %d titles %v", len(titles), titles)
	}
	b := string(get(c, fmt.Sprintf("/@home/-/folders/%d/", folder.ID)).Want(200).Body)
	if list := regexp.MustCompile(`(?s)<div class="folder-contents">.*?</div>`).FindString(b); strings.Count(list, "Minutes ") != n || strings.Contains(b, `rel="next"`) {
		t.Errorf("the folder's page does not list its %d pages at once", n)
	}
}
