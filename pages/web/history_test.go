package web_test

import (
	"fmt"
	"html"
	"regexp"
	"sync"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// clock is a test clock: each reading is a millisecond after the one before, so that writes are
// ordered, and Skip moves it on.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *clock) Skip(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// widgetRef is what the tests read of a widget the API answers.
type widgetRef struct {
	ID          int64  `json:"id"`
	VersionOfID *int64 `json:"version_of_id"`
	HTML        string `json:"html"`
}

func (w widgetRef) first() int64 {
	if w.VersionOfID != nil {
		return *w.VersionOfID
	}
	return w.ID
}

type pageRef struct {
	ID   int64         `json:"id"`
	Slug string        `json:"slug"`
	JSON [][]widgetRef `json:"json"`
}

// historySite starts a site on a test clock with a page of one paragraph per text given.
func historySite(t *testing.T, texts ...string) (*apptest.Site, *clock, *apptest.Client, pageRef) {
	t.Helper()
	site := apptest.Start(t)
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	site.Inst.DB.Now = clk.Now
	c := site.Client(site.OwnerTk).In(people.DefaultSlug)
	col := []map[string]any{}
	for _, s := range texts {
		col = append(col, map[string]any{"classname": "Paragraph", "val": s})
	}
	var p pageRef
	c.Post("pages/create/", map[string]any{"title": "Plans", "json": [][]map[string]any{col}}).Want(200).Decode(&p)
	return site, clk, c, p
}

func edit(t *testing.T, c *apptest.Client, p pageRef, widgetID int64, val string) widgetRef {
	t.Helper()
	var w widgetRef
	c.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", p.ID, widgetID), map[string]any{"val": val}).Want(200).Decode(&w)
	return w
}

func historyPath(p pageRef) string { return "/" + p.Slug + "/history" }

var diffBlock = regexp.MustCompile(`(?s)<div class="diff" id="diff">(.*?)</div>`)

// TestHistoryDiffMarkup checks the diff of two known versions of a paragraph: words inserted and
// deleted marked with ins and del and a visually hidden word for screen readers, paragraphs kept
// as lines, and any two versions comparable, either way round.
func TestHistoryDiffMarkup(t *testing.T) {
	t.Parallel()
	_, _, c, p := historySite(t, "<p>The quick brown fox</p><p>jumps</p>")
	v1 := p.JSON[0][0]
	v2 := edit(t, c, p, v1.ID, "<p>The slow brown fox</p><p>jumps <b>high</b></p>")
	v3 := edit(t, c, p, v1.ID, "<p>A slow brown fox</p>")
	add := func(s string) string { return `<ins><span class="vh">[added: </span>` + s + `<span class="vh">]</span></ins>` }
	del := func(s string) string { return `<del><span class="vh">[removed: </span>` + s + `<span class="vh">]</span></del>` }
	for _, tc := range []struct {
		name     string
		from, to int64
		want     string
	}{
		{"one to two", v1.ID, v2.ID, "The " + del("quick") + add("slow") + " brown fox\njumps" + add(" high")},
		{"two to three", v2.ID, v3.ID, del("The") + add("A") + " slow brown fox" + del("\njumps high")},
		{"three back to one", v3.ID, v1.ID, del("A slow") + add("The quick") + " brown fox" + add("\njumps")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Get(fmt.Sprintf("%s/%d?from=%d&to=%d", historyPath(p), v1.ID, tc.from, tc.to)).Want(200)
			m := diffBlock.FindSubmatch(r.Body)
			if m == nil {
				t.Fatalf("no diff in %s", r.Body)
			}
			if got := html.UnescapeString(string(m[1])); got != tc.want {
				t.Errorf("diff\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	// Without from, a version is compared with the one before it; the first with nothing.
	r := c.Get(fmt.Sprintf("%s/%d?to=%d", historyPath(p), v1.ID, v1.ID)).Want(200)
	if m := diffBlock.FindSubmatch(r.Body); m == nil || html.UnescapeString(string(m[1])) != add("The quick brown fox\njumps") {
		t.Errorf("first version's diff: %s", m)
	}
	for _, bad := range []string{"?from=0", "?to=x", fmt.Sprintf("?from=%d", p.ID+1000)} {
		c.Get(fmt.Sprintf("%s/%d%s", historyPath(p), v1.ID, bad)).Want(400)
	}
	c.Get(fmt.Sprintf("%s/%d", historyPath(p), v3.ID+1000)).Want(404)
}
