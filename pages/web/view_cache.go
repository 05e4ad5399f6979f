package web

import (
	"html/template"
	"sync"

	"quire/app/webui"
	"quire/pages"
	"quire/people"
)

// maxViewBytes bounds the rendered page views kept in memory (their article and sidebar HTML):
// some thousands of ordinary pages.
const maxViewBytes = 32 << 20

// viewCache keeps what the page view shows the same way to every reader of one role: the page's
// article (its widgets, forms and latest comments, rendered) and its sidebar, with the
// breadcrumbs. Its entries belong to one content epoch (pages.Service.ContentEpoch), read before
// the page was: any change to a page, folder, widget, file, post or person, by this process or
// another, moves the epoch on and so empties the cache. What differs per reader (the frame, the
// CSRF token, the editing bar, changes since one's last visit) is rendered per request around
// it; forms inside the article carry webui.CSRFMark, which each answer replaces by its token.
type viewCache struct {
	mu      sync.Mutex
	epoch   int64
	bytes   int
	entries map[viewKey]*renderedView
}

// viewKey is a page, by the slug of its URL, as a reader of a role sees it.
type viewKey struct {
	subsite int64
	slug    string
	role    people.Role
}

// renderedView is one page view's part that the cache keeps.
type renderedView struct {
	page       *pages.Page // the page, without its content (its widgets)
	title      string
	crumbs     []webui.Crumb
	head, body template.HTML // the article's, around the reader's own bar
	sidebar    template.HTML
}

func (r *renderedView) size() int { return len(r.head) + len(r.body) + len(r.sidebar) + 256 }

// get returns the view kept for k at epoch, or nil.
func (vc *viewCache) get(epoch int64, k viewKey) *renderedView {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.epoch != epoch {
		return nil
	}
	return vc.entries[k]
}

// put keeps r for k, rendered from content read at epoch. An older epoch than the cache's is
// not kept (the content changed while it was rendered); a newer one empties the cache first.
// Past maxViewBytes, arbitrary entries go until a quarter of the room is free.
func (vc *viewCache) put(epoch int64, k viewKey, r *renderedView) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	switch {
	case epoch < vc.epoch:
		return
	case epoch > vc.epoch || vc.entries == nil:
		vc.epoch, vc.entries, vc.bytes = epoch, map[viewKey]*renderedView{}, 0
	}
	if old := vc.entries[k]; old != nil {
		vc.bytes -= old.size()
	}
	if vc.bytes+r.size() > maxViewBytes {
		for key, e := range vc.entries {
			delete(vc.entries, key)
			vc.bytes -= e.size()
			if vc.bytes+r.size() <= maxViewBytes*3/4 {
				break
			}
		}
	}
	vc.entries[k] = r
	vc.bytes += r.size()
}
