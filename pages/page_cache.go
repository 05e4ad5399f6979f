package pages

import "sync"

// maxCachedBytes bounds the answers of pages/get kept in memory, in bytes of JSON. A cached answer
// is at most a few megabytes (a page of builtPageBytes of content; larger ones are streamed and
// never cached), so the cache holds at least a dozen of the largest and thousands of ordinary ones.
const maxCachedBytes = 64 << 20

// pageCache keeps the encoded answers of pages/get, which are the same for every reader of a
// page, for as long as nothing is written: an entry belongs to the database generation it was
// read in (sqldb.DB.Generation), and any committed write moves the generation on and so empties
// the cache. Reads far outnumber writes on a wiki; a busy writer only makes the cache miss.
type pageCache struct {
	mu      sync.Mutex
	gen     uint64
	bytes   int // the sum of the bodies kept
	entries map[int64]cachedPage
}

type cachedPage struct {
	subsiteID int64
	body      []byte
}

// get returns the answer for the page kept in generation gen, or nil.
func (c *pageCache) get(gen uint64, pageID, subsiteID int64) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return nil
	}
	if e, ok := c.entries[pageID]; ok && e.subsiteID == subsiteID {
		return e.body
	}
	return nil
}

// put keeps the answer read in generation gen; an answer read before a later write is dropped,
// and so is one larger than a sixteenth of the cache. When the cache would pass maxCachedBytes,
// arbitrary entries go until it holds three quarters of it.
func (c *pageCache) put(gen uint64, pageID, subsiteID int64, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen || len(body) > maxCachedBytes/16:
		return
	case gen > c.gen || c.entries == nil:
		c.gen, c.entries, c.bytes = gen, make(map[int64]cachedPage), 0
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
