package pages

import "sync"

// maxCachedPages bounds the answers of pages/get kept in memory.
const maxCachedPages = 2000

// pageCache keeps the encoded answers of pages/get, which are the same for every reader of a
// page, for as long as nothing is written: an entry belongs to the database generation it was
// read in (sqldb.DB.Generation), and any committed write moves the generation on and so empties
// the cache. Reads far outnumber writes on a wiki; a busy writer only makes the cache miss.
type pageCache struct {
	mu      sync.Mutex
	gen     uint64
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

// put keeps the answer read in generation gen; an answer read before a later write is dropped.
func (c *pageCache) put(gen uint64, pageID, subsiteID int64, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen:
		return
	case gen > c.gen || c.entries == nil:
		c.gen, c.entries = gen, make(map[int64]cachedPage)
	}
	if len(c.entries) >= maxCachedPages {
		for id := range c.entries { // drop an arbitrary quarter
			delete(c.entries, id)
			if len(c.entries) < maxCachedPages*3/4 {
				break
			}
		}
	}
	c.entries[pageID] = cachedPage{subsiteID: subsiteID, body: body}
}
