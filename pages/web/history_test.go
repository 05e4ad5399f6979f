package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// historyClock is a test historyClock: each reading is a millisecond after the one before, so that writes are
// ordered, and Skip moves it on.
type historyClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *historyClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *historyClock) Skip(d time.Duration) {
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

type pageRef struct {
	ID   int64         `json:"id"`
	Slug string        `json:"slug"`
	JSON [][]widgetRef `json:"json"`
}

// historySite starts a site on a test historyClock with a page of one paragraph per text given.
func historySite(t *testing.T, texts ...string) (*apptest.Site, *historyClock, *apptest.Client, pageRef) {
	t.Helper()
	site := apptest.Start(t)
	clk := &historyClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
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

func editParagraph(t *testing.T, c *apptest.Client, p pageRef, widgetID int64, val string) widgetRef {
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
	v2 := editParagraph(t, c, p, v1.ID, "<p>The slow brown fox</p><p>jumps <b>high</b></p>")
	v3 := editParagraph(t, c, p, v1.ID, "<p>A slow brown fox</p>")
	add := func(s string) string {
		return `<ins><span class="visually-hidden">[added: </span>` + s + `<span class="visually-hidden">]</span></ins>`
	}
	del := func(s string) string {
		return `<del><span class="visually-hidden">[removed: </span>` + s + `<span class="visually-hidden">]</span></del>`
	}
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

// TestHistoryRestore checks that restoring a version through the form stores its content as a
// new version on top, which the API then answers, and that a viewer is offered no restore and
// is refused one.
func TestHistoryRestore(t *testing.T) {
	t.Parallel()
	site, _, c, p := historySite(t, "<p>First draft</p>")
	v1 := p.JSON[0][0]
	v2 := editParagraph(t, c, p, v1.ID, "<p>Second draft</p>")
	widgetPage := fmt.Sprintf("%s/%d", historyPath(p), v1.ID)
	if body := string(c.Get(widgetPage).Want(200).Body); !strings.Contains(body, `name="version_id" value="`+fmt.Sprint(v1.ID)+`"`) {
		t.Fatalf("no restore form for version 1: %s", body)
	}
	r := c.PostRaw(widgetPage+"/restore", "application/x-www-form-urlencoded",
		url.Values{"version_id": {fmt.Sprint(v1.ID)}, "csrf_token": {""}}.Encode()).Want(http.StatusSeeOther)
	var versions []widgetRef
	c.Get(fmt.Sprintf("page/%d/paragraph/versions/%d/", p.ID, v1.ID)).Want(200).Decode(&versions)
	if len(versions) != 3 || versions[0].HTML != v1.HTML || versions[0].ID == v1.ID {
		t.Fatalf("versions after the restore: %+v, want 3 with the newest holding %q as a new version", versions, v1.HTML)
	}
	loc := r.Header.Get("Location")
	if want := fmt.Sprintf("/@%s%s?to=%d&restored=1", people.DefaultSlug, widgetPage, versions[0].ID); loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}
	shown := string(c.Get(strings.TrimPrefix(loc, "/@"+people.DefaultSlug)).Want(200).Body)
	if !strings.Contains(shown, "Version 1 was restored as version 3.") {
		t.Errorf("the restored version's page says nothing of it: %s", shown)
	}
	// In a browser session, the form must carry the session's CSRF token.
	ss := site.SignIn(site.Owner)
	browserClient := site.Client("").In(people.DefaultSlug)
	browserClient.Headers = http.Header{"Cookie": {ss.Cookie.String()}}
	form := func(csrf string) string {
		return url.Values{"version_id": {fmt.Sprint(v2.ID)}, "csrf_token": {csrf}}.Encode()
	}
	browserClient.PostRaw(widgetPage+"/restore", "application/x-www-form-urlencoded", form("forged")).Want(403)
	browserClient.PostRaw(widgetPage+"/restore", "application/x-www-form-urlencoded", form(ss.CSRF)).Want(http.StatusSeeOther)
	if body := string(browserClient.Get(widgetPage).Want(200).Body); !strings.Contains(body, `name="csrf_token" value="`+ss.CSRF+`"`) {
		t.Errorf("the restore forms do not carry the session's CSRF token: %s", body)
	}
	// A viewer sees the versions but no restore button, and a restore is refused.
	_, viewer := site.Member("Vera Viewer", site.Home(), people.RoleViewer)
	if body := string(viewer.Get(widgetPage).Want(200).Body); strings.Contains(body, "Restore version") {
		t.Errorf("a viewer is offered a restore: %s", body)
	}
	viewer.PostRaw(widgetPage+"/restore", "application/x-www-form-urlencoded", "version_id="+fmt.Sprint(v1.ID)).Want(403)
	c.Get(fmt.Sprintf("page/%d/paragraph/versions/%d/", p.ID, v1.ID)).Want(200).Decode(&versions)
	if len(versions) != 4 { // the session's restore of version 2 stored the fourth
		t.Errorf("the viewer's restore stored a version: %d versions", len(versions))
	}
}

var timelineEntry = regexp.MustCompile(`<li class="change( change-new)?">\s*<p class="change-head">(?:<strong class="badge">New</strong> )?<a href="([^"]+)">([^<]+)</a>`)

// entry is one entry of a timeline as the tests read it.
type entry struct {
	What, Link string
	New        bool
}

func (e entry) String() string {
	if e.New {
		return "NEW " + e.What + " " + e.Link
	}
	return e.What + " " + e.Link
}

var sinceLink = regexp.MustCompile(`<p class="since-visit"><a href="[^"]+">(\d+)\+? changes? since your last visit</a>`)

var olderLink = regexp.MustCompile(`<a href="([^"]+)" rel="next">Older changes</a>`)

// timeline reads every batch of the page's timeline, following "Older changes".
func timeline(t *testing.T, c *apptest.Client, p pageRef) (entries []entry, batches []int) {
	t.Helper()
	path := historyPath(p)
	for path != "" {
		body := c.Get(path).Want(200).Body
		found := timelineEntry.FindAllSubmatch(body, -1)
		for _, m := range found {
			entries = append(entries, entry{What: string(m[3]), Link: html.UnescapeString(string(m[2])), New: len(m[1]) > 0})
		}
		batches = append(batches, len(found))
		path = ""
		if m := olderLink.FindSubmatch(body); m != nil {
			path = strings.TrimPrefix(html.UnescapeString(string(m[1])), "/@"+people.DefaultSlug)
		}
	}
	return entries, batches
}

// TestHistoryTimeline checks that a page's history lists every change of its widgets newest
// first (created, edited, restored, removed), each linking to that version's diff, in batches of
// 50 that together hold each change once.
func TestHistoryTimeline(t *testing.T) {
	t.Parallel()
	_, _, c, p := historySite(t, "<p>a0</p>", "<p>b0</p>")
	a, b := p.JSON[0][0], p.JSON[0][1]
	diff := func(w, v int64) string {
		return fmt.Sprintf("/@%s%s/%d?to=%d", people.DefaultSlug, historyPath(p), w, v)
	}
	// The page's creation made both, in order.
	want := []entry{{What: "Text created", Link: diff(b.ID, b.ID)}, {What: "Text created", Link: diff(a.ID, a.ID)}}
	var b10 widgetRef
	for i := 1; i <= 30; i++ {
		for _, w := range []widgetRef{a, b} {
			v := editParagraph(t, c, p, w.ID, fmt.Sprintf("<p>%s%d</p>", w.HTML[3:4], i))
			want = append([]entry{{What: "Text edited", Link: diff(w.ID, v.ID)}}, want...)
			if w.ID == b.ID && i == 10 {
				b10 = v
			}
		}
	}
	// Restores of a first version and of a later one.
	for _, r := range []struct{ w, v widgetRef }{{a, a}, {b, b10}} {
		var restored widgetRef
		c.Post(fmt.Sprintf("page/%d/paragraph/restore/%d/", p.ID, r.w.ID), map[string]any{"version_id": r.v.ID}).Want(200).Decode(&restored)
		want = append([]entry{{What: "Text restored", Link: diff(r.w.ID, restored.ID)}}, want...)
	}
	var last widgetRef
	c.Get(fmt.Sprintf("page/%d/paragraph/get/%d/", p.ID, b.ID)).Want(200).Decode(&last)
	c.Post(fmt.Sprintf("page/%d/paragraph/delete/%d/", p.ID, b.ID), nil).Want(200)
	want = append([]entry{{What: "Text removed", Link: diff(b.ID, last.ID)}}, want...)

	got, batches := timeline(t, c, p)
	if !slices.Equal(batches, []int{50, 15}) {
		t.Errorf("batches of %v entries, want [50 15]", batches)
	}
	if !slices.Equal(got, want) {
		t.Errorf("timeline:\n got %v\nwant %v", got, want)
	}
	// Each link shows that change's diff: the removal's is the last version, compared with the one before.
	body := string(c.Get(strings.TrimPrefix(want[0].Link, "/@"+people.DefaultSlug)).Want(200).Body)
	if !strings.Contains(body, "Changes from version 31 to version 32") {
		t.Errorf("the removal's link shows: %s", body)
	}
}

// TestHistorySinceLastVisit checks that the timeline marks exactly the changes made by others
// after the reader's previous visit, for each reader by their own visits, and that views within
// one visit keep the marks (and write nothing new).
func TestHistorySinceLastVisit(t *testing.T) {
	t.Parallel()
	site, clk, editor, p := historySite(t, "<p>one</p>", "<p>two</p>")
	w1, w2 := p.JSON[0][0], p.JSON[0][1]
	_, ann := site.Member("Ann Reader", site.Home(), people.RoleViewer)
	_, bob := site.Member("Bob Reader", site.Home(), people.RoleViewer)
	// sinceCount is what the page view's "N changes since your last visit" says to c.
	sinceCount := func(c *apptest.Client) int {
		t.Helper()
		body := c.Get("/" + p.Slug + "/").Want(200).Body
		m := sinceLink.FindSubmatch(body)
		if m == nil {
			return 0
		}
		if want := fmt.Sprintf(`<a href="/@%s%s">`, people.DefaultSlug, historyPath(p)); !strings.Contains(string(m[0]), want) {
			t.Errorf("the link %s does not lead to the history", m[0])
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	marked := func(c *apptest.Client) []string {
		t.Helper()
		entries, _ := timeline(t, c, p)
		var out []string
		for _, e := range entries {
			if e.New {
				out = append(out, e.Link)
			}
		}
		return out
	}
	link := func(w widgetRef, v widgetRef) string {
		return fmt.Sprintf("/@%s%s/%d?to=%d", people.DefaultSlug, historyPath(p), w.ID, v.ID)
	}
	// First visits mark nothing.
	for _, c := range []*apptest.Client{ann, bob} {
		if got := marked(c); got != nil {
			t.Errorf("first visit marks %v", got)
		}
	}
	clk.Skip(time.Hour)
	e1 := editParagraph(t, editor, p, w1.ID, "<p>one, edited</p>")
	clk.Skip(time.Hour)
	if got := marked(bob); !slices.Equal(got, []string{link(w1, e1)}) { // Bob's second visit
		t.Errorf("Bob's second visit marks %v", got)
	}
	clk.Skip(time.Hour)
	e2 := editParagraph(t, editor, p, w2.ID, "<p>two, edited</p>")
	clk.Skip(time.Hour)
	if got := marked(ann); !slices.Equal(got, []string{link(w2, e2), link(w1, e1)}) {
		t.Errorf("Ann's second visit marks %v, want both edits", got)
	}
	if got := marked(bob); !slices.Equal(got, []string{link(w2, e2)}) {
		t.Errorf("Bob's third visit marks %v, want only the edit after his second", got)
	}
	// A view a minute later is the same visit: the same marks, and the same count on the page.
	clk.Skip(time.Minute)
	if a, b := sinceCount(ann), sinceCount(bob); a != 2 || b != 1 {
		t.Errorf("changes since the last visit: Ann %d, Bob %d; want 2 and 1", a, b)
	}
	if got := marked(bob); !slices.Equal(got, []string{link(w2, e2)}) {
		t.Errorf("Bob's view within his visit marks %v", got)
	}
	// The editor's own changes are never new to them.
	clk.Skip(time.Hour)
	if got := marked(editor); got != nil {
		t.Errorf("the editor's own edits are marked: %v", got)
	}
}

// TestHistoryNotFound checks that the history pages answer the HTML 404 page alike for a page
// that does not exist, a page in the trash, a widget of another page, and a person who is not a
// member of the subsite.
func TestHistoryNotFound(t *testing.T) {
	t.Parallel()
	site, _, c, p := historySite(t, "<p>Kept</p>")
	w := p.JSON[0][0]
	var other, trashed pageRef
	c.Post("pages/create/", map[string]any{"title": "Other", "json": [][]map[string]any{{{"classname": "Paragraph", "val": "x"}}}}).Want(200).Decode(&other)
	c.Post("pages/create/", map[string]any{"title": "Binned", "json": [][]map[string]any{{{"classname": "Paragraph", "val": "y"}}}}).Want(200).Decode(&trashed)
	c.Post(fmt.Sprintf("pages/delete/%d/", trashed.ID), nil).Want(200)
	olga := site.User("Olga Outsider")
	site.Join(site.Home(), olga, people.RoleNone)
	outsider := site.Client(site.Token(olga)).In(people.DefaultSlug)
	for _, tc := range []struct {
		name string
		c    *apptest.Client
		path string
	}{
		{"no such page", c, "/no-such-page/history"},
		{"trashed page", c, historyPath(trashed)},
		{"widget of another page", c, fmt.Sprintf("%s/%d", historyPath(p), other.JSON[0][0].ID)},
		{"not a member", outsider, historyPath(p)},
		{"not a member, widget", outsider, fmt.Sprintf("%s/%d", historyPath(p), w.ID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.c.Get(tc.path).Want(404)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q, want the HTML error page", ct)
			}
		})
	}
	outsider.PostRaw(fmt.Sprintf("%s/%d/restore", historyPath(p), w.ID), "application/x-www-form-urlencoded",
		"version_id="+fmt.Sprint(w.ID)).Want(404)
}

// TestHistoryWidgetNamed: a widget's versions page names the page and the widget by its kind
// and place among the page's widgets of that kind.
func TestHistoryWidgetNamed(t *testing.T) {
	t.Parallel()
	_, _, c, p := historySite(t, "<p>First</p>", "<p>Second</p>")
	second := p.JSON[0][1]
	body := string(c.Get(fmt.Sprintf("%s/%d", historyPath(p), second.ID)).Want(200).Body)
	for _, want := range []string{"<title>Plans — paragraph 2: versions · Quire</title>", "<h1>Plans — paragraph 2: versions</h1>",
		`<span aria-current="page">paragraph 2</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in %.3000s", want, body)
		}
	}
}

// TestHistoryShowsPageChanges: renames, retags, moves and relayouts (through the API's
// pages/update and the settings form alike) show in the page's timeline among its widgets'
// changes, newest first, with who made them and the values before and after.
func TestHistoryShowsPageChanges(t *testing.T) {
	t.Parallel()
	_, _, c, p := historySite(t, "<p>First</p>")
	c.Post(fmt.Sprintf("pages/update/%d/", p.ID), map[string]any{"title": "Plans 2027", "tags": "a,b"}).Want(200)
	editParagraph(t, c, p, p.JSON[0][0].ID, "<p>Second</p>")
	c.Post(fmt.Sprintf("pages/update/%d/", p.ID), map[string]any{"path": "Team/Notes", "layout": [][]int{{66, 34}}}).Want(200)
	c.Post(fmt.Sprintf("pages/update/%d/", p.ID), map[string]any{"tags": ""}).Want(200)
	body := string(c.Get("/plans-2027/history").Want(200).Body)
	heads := regexp.MustCompile(`(?s)<p class="change-head">(.*?)</p>\s*(?:<p class="excerpt">(.*?)</p>)?`).FindAllStringSubmatch(body, -1)
	tag := regexp.MustCompile(`<[^>]+>`)
	var got []string
	for _, h := range heads {
		head := strings.Join(strings.Fields(html.UnescapeString(tag.ReplaceAllString(h[1], " "))), " ")
		head = regexp.MustCompile(` \d+ \w+ \d{4}, \d\d:\d\d UTC$`).ReplaceAllString(head, "")
		got = append(got, head+" | "+html.UnescapeString(h[2]))
	}
	want := []string{
		"Tags changed by Site Owner | a, b → no tags",
		"Layout changed by Site Owner | 100 % → 66-34 %", // one update's changes: the last field first
		"Page moved by Site Owner | Main → Team/Notes",
		"Text edited by Site Owner | Second",
		"Tags changed by Site Owner | no tags → a, b",
		"Page renamed by Site Owner | “Plans” → “Plans 2027”",
		"Text created by Site Owner | First",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestHistoryPageChangesOnceAcrossBatches: a page change shows in exactly one batch of a long
// timeline, between the widget changes made before and after it.
func TestHistoryPageChangesOnceAcrossBatches(t *testing.T) {
	t.Parallel()
	_, _, c, p := historySite(t, "<p>v0</p>")
	for i := 1; i <= 70; i++ {
		if i == 15 || i == 21 { // lands in the second batch of 50, newest first; and at its edge
			c.Post(fmt.Sprintf("pages/update/%d/", p.ID), map[string]any{"tags": fmt.Sprintf("t%d", i)}).Want(200)
		}
		editParagraph(t, c, p, p.JSON[0][0].ID, fmt.Sprintf("<p>v%d</p>", i))
	}
	first := string(c.Get(historyPath(p)).Want(200).Body)
	m := regexp.MustCompile(`href="([^"]*\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(first)
	if m == nil {
		t.Fatal("no second batch")
	}
	second := string(c.Get(strings.TrimPrefix(html.UnescapeString(m[1]), "/@home")).Want(200).Body)
	all := first + second
	for _, want := range []string{"no tags → t15", "t15 → t21"} {
		if n := strings.Count(all, want); n != 1 {
			t.Errorf("%q shows %d times over the two batches", want, n)
		}
	}
	// In order: v21 was saved after the second change, v20 before it.
	if i, j, k := strings.Index(all, ">v21<"), strings.Index(all, "t15 → t21"), strings.Index(all, ">v20<"); !(i < j && j < k) {
		t.Errorf("the change is not between v21 and v20: %d %d %d", i, j, k)
	}
}
