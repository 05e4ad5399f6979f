package pages_test

// Polling with since, as a Zapier trigger does: ask for what changed at or after the newest time
// seen, a few at a time along the Link headers, and drop what was seen by id. Items are added
// between polls and while a poll pages through its answer, several in the same second; the
// poller must see every item and state, and get again only items of the second it asked from.

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app/apptest"
)

// quarterClock moves a quarter of a second each time it is read, so that four writes in a row
// share a second, as they do on a busy wiki whose times are answered to the second; Skip moves
// it on to the next second.
type quarterClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *quarterClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(250 * time.Millisecond)
	return c.t
}

func (c *quarterClock) Skip() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Truncate(time.Second).Add(time.Second)
}

// poller is a polling client of one list: the time field it reads, what it has seen (by id, and
// by id and time for items that change), and the since it asks with next.
type poller struct {
	c       *apptest.Client
	path    string
	field   string // created_at or updated_at
	byState bool   // an item seen again with a newer time is news (a changed page or person)
	since   string
	seen    map[string]bool
	got     map[int64]string // each id's newest time seen
}

func newPoller(c *apptest.Client, path, field string, byState bool) *poller {
	return &poller{c: c, path: path, field: field, byState: byState, since: "2000-01-01T00:00:00Z",
		seen: map[string]bool{}, got: map[int64]string{}}
}

// poll asks once, two items a page along the Link headers, running during (when set) after the
// first page. It returns how many items were news, and fails on an item seen before whose time
// is not the second it asked from (a repeat that could go on), and on a list that is out of order.
func (p *poller) poll(t *testing.T, during func()) (news int) {
	t.Helper()
	asked := p.since
	r := p.c.Get(p.path, url.Values{"since": {asked}, "limit": {"2"}}).Want(200)
	last := ""
	for pages := 0; ; pages++ {
		for _, item := range r.List() {
			id, at := int64(item["id"].(float64)), item[p.field].(string)
			if at < last {
				t.Errorf("%s: %s %s after %s: not oldest first", p.path, p.field, at, last)
			}
			last = at
			key := fmt.Sprint(id)
			if p.byState {
				key += "@" + at
			}
			if p.seen[key] {
				if at != asked {
					t.Errorf("%s since %s: item %d (%s) again, from after the second asked from", p.path, asked, id, at)
				}
			} else {
				p.seen[key] = true
				news++
			}
			if at > p.got[id] {
				p.got[id] = at
			}
			if at > p.since {
				p.since = at
			}
		}
		if pages == 0 && during != nil {
			during()
		}
		link := r.Header.Get("Link")
		if link == "" {
			return news
		}
		if pages > 100 {
			t.Fatalf("%s: the Link headers do not end", p.path)
		}
		r = p.c.Do(http.MethodGet, strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`), nil, "").Want(200)
	}
}

// run polls until a poll brings no news, adding items between polls (between) and during each
// (during), at most rounds times each; it returns how many polls it took.
func (p *poller) run(t *testing.T, rounds int, between, during func()) int {
	t.Helper()
	polls := 0
	for ; polls < 50; polls++ {
		var in func()
		if polls < rounds {
			in = during
		}
		if p.poll(t, in) == 0 && polls >= rounds {
			return polls + 1
		}
		if polls < rounds {
			between()
		}
	}
	t.Fatalf("%s: polling does not settle", p.path)
	return polls
}

// check fails unless the poller saw every id in want, with the time the list answers now.
func (p *poller) check(t *testing.T, want []int64) {
	t.Helper()
	now := map[int64]string{}
	for _, item := range p.c.Get(p.path, url.Values{"since": {"2000-01-01T00:00:00Z"}}).Want(200).List() {
		now[int64(item["id"].(float64))] = item[p.field].(string)
	}
	for _, id := range want {
		if p.got[id] == "" {
			t.Errorf("%s: the poller never saw item %d", p.path, id)
		} else if p.got[id] != now[id] {
			t.Errorf("%s: the poller saw item %d as of %s; it is of %s", p.path, id, p.got[id], now[id])
		}
	}
	if len(p.got) != len(want) {
		t.Errorf("%s: the poller saw %d items, want %d", p.path, len(p.got), len(want))
	}
}

func TestPollingSeesEverythingOnce(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	// Ahead of the real clock, which made the owner's membership at the site's start.
	clock := &quarterClock{t: time.Now().UTC().Truncate(time.Second).Add(time.Hour)}
	site.Inst.DB.Now = clock.Now
	site.Subsite("Polled", "polled")
	c := site.Client(site.OwnerTk).In("polled")

	t.Run("pages, new and changed", func(t *testing.T) {
		var ids []int64
		add := func(n int) func() {
			return func() {
				for range n {
					ids = append(ids, newPage(t, c, fmt.Sprintf("Page %d", len(ids))).ID)
				}
			}
		}
		add(3)()
		p := newPoller(c, "pages/all/", "updated_at", true)
		p.run(t, 4, add(3), add(2))
		p.check(t, ids)
		// A change to pages seen long ago brings them back, once each.
		clock.Skip()
		for _, id := range []int64{ids[0], ids[4]} {
			c.Post(fmt.Sprintf("page/%d/paragraph/create/", id), map[string]any{"val": "later"}).Want(200)
		}
		if news := p.poll(t, nil); news != 2 {
			t.Errorf("after two pages changed a poll brought %d news, want 2", news)
		}
		if news := p.poll(t, nil); news != 0 {
			t.Errorf("the poll after brought %d news, want none", news)
		}
		p.check(t, ids)
	})
	t.Run("records of a form", func(t *testing.T) {
		pageID, _ := formPage(t, c, "Sign-up", signupFields)
		var ids []int64
		add := func(n int) func() {
			return func() {
				for range n {
					ids = append(ids, c.Post("pages/records/"+pageID+"/", map[string]any{"name": "P", "agree": true}).Want(200).ID())
				}
			}
		}
		add(5)()
		p := newPoller(c, "pages/records/"+pageID+"/", "created_at", false)
		p.run(t, 3, add(4), add(1))
		p.check(t, ids)
	})
	t.Run("posts of a discussion and of the stream", func(t *testing.T) {
		pageID, _ := discussionPage(t, c, "Chat")
		var onPage, onStream []int64
		add := func(list *[]int64, path, msg string, n int) func() {
			return func() {
				for range n {
					*list = append(*list, c.Post(path, map[string]any{"msg": msg}).Want(200).ID())
				}
			}
		}
		add(&onPage, "feed/post/"+pageID+"/", "hi", 2)()
		add(&onStream, "feed/post/", "news", 3)()
		page := newPoller(c, "feed/page/"+pageID+"/", "created_at", false)
		stream := newPoller(c, "feed/all/", "created_at", false)
		page.run(t, 3, add(&onPage, "feed/post/"+pageID+"/", "hi", 2), add(&onPage, "feed/post/"+pageID+"/", "hi", 1))
		stream.run(t, 3, add(&onStream, "feed/post/", "news", 1), add(&onStream, "feed/post/", "news", 2))
		page.check(t, onPage)
		stream.check(t, onStream)
	})
	t.Run("people joining", func(t *testing.T) {
		home := site.Client(site.OwnerTk).In("home")
		ids := []int64{site.Owner.ID}
		add := func(n int) func() {
			return func() {
				for range n {
					ids = append(ids, site.User(fmt.Sprintf("Person %d", len(ids))).ID)
				}
			}
		}
		add(3)()
		p := newPoller(home, "people/all/", "updated_at", true)
		p.run(t, 3, add(2), add(3))
		p.check(t, ids)
		// A role changed brings the person back once, with its new time.
		clock.Skip()
		home.Post(fmt.Sprintf("people/set_permission/%d/", ids[1]), map[string]any{"role": "viewer"}).Want(200)
		if news := p.poll(t, nil); news != 1 {
			t.Errorf("after a role changed a poll brought %d news, want 1", news)
		}
		if news := p.poll(t, nil); news != 0 {
			t.Errorf("the poll after brought %d news, want none", news)
		}
		p.check(t, ids)
	})
}

func TestSinceIsChecked(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	pageID, _ := formPage(t, c, "Form", signupFields)
	chatID, _ := discussionPage(t, c, "Chat")
	for _, path := range []string{"pages/all/", "pages/records/" + pageID + "/", "feed/page/" + chatID + "/", "feed/all/", "people/all/"} {
		for _, bad := range []string{"yesterday", "2026-13-01T00:00:00Z", "2026-11-25 09:00:00", "1732525200"} {
			e := c.Get(path, url.Values{"since": {bad}}).Error(400, "invalid_request")
			if e["field"] != "since" || !strings.Contains(e["error"].(string), "ISO 8601") {
				t.Errorf("%s?since=%s: %v, want a 400 naming since and the form it takes", path, bad, e)
			}
		}
		// A zone other than Z is read as the instant it names.
		c.Get(path, url.Values{"since": {"2026-11-25T10:00:00+01:00"}}).Want(200)
	}
}
