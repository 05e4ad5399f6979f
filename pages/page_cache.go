package pages

import (
	"context"
	"slices"
	"sync"

	"quire/app/sqldb"
)

// maxCachedBytes bounds the answers of pages/get kept in memory, in bytes of JSON. A cached answer
// is at most a few megabytes (a page of builtPageBytes of content; larger ones are streamed and
// never cached), so the cache holds at least a dozen of the largest and thousands of ordinary ones.
const maxCachedBytes = 64 << 20

// pageEpochs are the epochs (sqldb.Epoch) whose sum keys the page cache: every table an answer of
// pages/get reads has triggers that move one of them (the page, its tags and folder: pages; its
// widgets, their places, files and posts: widgets; the names of users and the subsite: people).
// A table that the answer comes to read needs such triggers, or the cache would keep answers
// that the table's changes make wrong.
var pageEpochs = []string{"people", "widgets", "pages"}

// pageCache keeps the encoded answers of pages/get, which are the same for every reader of a
// page, for as long as nothing they read changed: an entry belongs to the epoch (the sum of
// pageEpochs) read before its answer was, and any change that a process commits to the database,
// this server's or another's (the CLI, a second server), moves the epoch on and so empties the
// cache. Reads far outnumber writes on a wiki; a busy writer only makes the cache miss.
type pageCache struct {
	mu      sync.Mutex
	epoch   int64
	bytes   int // the sum of the bodies kept
	entries map[int64]cachedPage
}

// pageEpoch reads the epoch of the page cache: one row per epoch, by primary key.
func (s *Service) pageEpoch(ctx context.Context) (int64, error) {
	return sqldb.Epoch(ctx, s.DB.R, pageEpochs...)
}

// ContentEpoch returns the epoch of everything a page shows (its row, folder and tags, its
// widgets, their files and posts, the names of people and subsites): any change to those that
// any process commits moves it on. What is rendered from a page's content stays true while it
// stands still, provided it is read before the content. Within a request it is read once
// (sqldb.WithEpochs).
func (s *Service) ContentEpoch(ctx context.Context) (int64, error) { return s.pageEpoch(ctx) }

// ContentEpochWith is ContentEpoch summed with the named epochs of other tables that a view
// shows besides the content (such as pages/activity's presence).
func (s *Service) ContentEpochWith(ctx context.Context, names ...string) (int64, error) {
	return sqldb.Epoch(ctx, s.DB.R, slices.Concat(names, pageEpochs)...)
}

type cachedPage struct {
	subsiteID int64
	body      []byte
}

// get returns the answer for the page kept in epoch, or nil.
func (c *pageCache) get(epoch, pageID, subsiteID int64) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		return nil
	}
	if e, ok := c.entries[pageID]; ok && e.subsiteID == subsiteID {
		return e.body
	}
	return nil
}

// put keeps the answer read after the epoch was; an answer of an epoch older than the cache's
// is dropped (a change committed since may have made it wrong), and so is one larger than a
// sixteenth of the cache. A newer epoch empties the cache first. When the cache would pass
// maxCachedBytes, arbitrary entries go until it holds three quarters of it.
func (c *pageCache) put(epoch, pageID, subsiteID int64, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case epoch < c.epoch || len(body) > maxCachedBytes/16:
		return
	case epoch > c.epoch || c.entries == nil:
		c.epoch, c.entries, c.bytes = epoch, make(map[int64]cachedPage), 0
	}
	if old, ok := c.entries[pageID]; ok {
		c.bytes -= len(old.body)
		delete(c.entries, pageID)
	}
	if c.bytes+len(body) > maxCachedBytes {
		for id, e := range c.entries {
			delete(c.entries, id)
			c.bytes -= len(e.body)
			if c.bytes+len(body) <= maxCachedBytes*3/4 {
				break
			}
		}
	}
	c.entries[pageID] = cachedPage{subsiteID: subsiteID, body: body}
	c.bytes += len(body)
}
