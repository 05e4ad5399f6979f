package web

import (
	"html/template"
	"sync"
	"time"

	"quire/app/webui"
	"quire/pages"
	"quire/people"
)

// maxViewBytes bounds the rendered page views' parts kept in memory (their article and sidebar
// HTML): some thousands of ordinary pages.
const maxViewBytes = 32 << 20

// maxAnswerBytes bounds the page views kept whole for their readers: a few thousand ordinary
// pages.
const maxAnswerBytes = 64 << 20

// editorsShownFor is how long a kept page view that names people editing the page is answered:
// someone who closes the editor without leaving it cleanly drops out of the page view this much
// later than out of the database (activity.EditorTTL).
const editorsShownFor = 5 * time.Second

// viewCache keeps what the page view shows the same way to every reader of one role: the page's
// article (its widgets, forms and latest comments, rendered) and its sidebar, with the
// breadcrumbs. Its entries belong to one content epoch (pages.Service.ContentEpoch), read before
// the page was: any change to a page, folder, widget, file, post or person, by this process or
// another, moves the epoch on and so empties the cache. What differs per reader (the frame, the
// CSRF token, the editing bar, changes since one's last visit) is rendered per request around
// it; forms inside the article carry webui.CSRFMark, which each answer replaces by its token.
type viewCache = epochCache[viewKey, *renderedView]

// answerCache keeps whole page views as one person sees them (the frame, the article, their own
// editing bar and changes since their last visit), made by webui.Prerender, so that the next
// view of the same page by the same person is answered without a query past the epochs, and
// without a template. An entry belongs to the reader epoch (activity.Service.ReaderEpoch) read
// before what it shows was, and is answered until its own deadline at the latest: the end of
// the reader's visit (a view past it starts a new visit, which is a write) and, while someone
// is editing the page, editorsShownFor. The person's CSRF token and the request's CSP nonce
// are marks that each answer replaces (webui.WriteRendered).
type answerCache = epochCache[answerKey, keptAnswer]

// viewKey is a page, by the slug of its URL, as a reader of a role sees it.
type viewKey struct {
	subsite int64
	slug    string
	role    people.Role
}

// renderedView is one page view's part that the view cache keeps.
type renderedView struct {
	page       *pages.Page // the page, without its content (its widgets)
	title      string
	crumbs     []webui.Crumb
	head, body template.HTML // the article's, around the reader's own bar
	sidebar    template.HTML
}

func (r *renderedView) size() int { return len(r.head) + len(r.body) + len(r.sidebar) + 256 }

// answerKey is a page, by the slug of its URL, as one person sees it.
type answerKey struct {
	user, subsite int64
	slug          string
}

// keptAnswer is a whole page view as webui.Prerender made it, good until until.
type keptAnswer struct {
	page  []byte
	until time.Time
}

func (a keptAnswer) size() int { return len(a.page) + 64 }

// epochCache keeps values rendered from what the database held at one epoch (a sum of
// sqldb.Epoch counters, read before what the value shows was read), up to max bytes of them.
// Values of an older epoch are dropped the first time a newer one is kept.
type epochCache[K comparable, V interface{ size() int }] struct {
	max     int
	mu      sync.Mutex
	epoch   int64
	bytes   int
	entries map[K]V
}

// get returns the value kept for k at epoch, and whether there is one.
func (ec *epochCache[K, V]) get(epoch int64, k K) (V, bool) {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	v, ok := ec.entries[k]
	if ec.epoch != epoch {
		var zero V
		return zero, false
	}
	return v, ok
}

// put keeps v for k, rendered from content read at epoch. An older epoch than the cache's is
// not kept (the content changed while it was rendered); a newer one empties the cache first.
// Past max bytes, arbitrary entries go until a quarter of the room is free.
func (ec *epochCache[K, V]) put(epoch int64, k K, v V) {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	switch {
	case epoch < ec.epoch:
		return
	case epoch > ec.epoch || ec.entries == nil:
		ec.epoch, ec.entries, ec.bytes = epoch, map[K]V{}, 0
	}
	if old, ok := ec.entries[k]; ok {
		ec.bytes -= old.size()
	}
	if ec.bytes+v.size() > ec.max {
		for key, e := range ec.entries {
			delete(ec.entries, key)
			ec.bytes -= e.size()
			if ec.bytes+v.size() <= ec.max*3/4 {
				break
			}
		}
	}
	ec.entries[k] = v
	ec.bytes += v.size()
}
