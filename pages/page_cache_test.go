package pages

import "testing"

func TestPageCacheIsBoundedByBytes(t *testing.T) {
	t.Parallel()
	var c pageCache
	body := make([]byte, 1<<20)
	total := func() (n int) {
		for _, e := range c.entries {
			n += len(e.body)
		}
		return n
	}
	for id := int64(1); id <= 200; id++ {
		c.put(1, id, 1, body)
		if c.bytes != total() || c.bytes > maxCachedBytes {
			t.Fatalf("after %d answers of 1 MB the cache counts %d bytes and holds %d; want them equal and at most %d",
				id, c.bytes, total(), maxCachedBytes)
		}
	}
	if c.get(1, 200, 1) == nil || len(c.entries) < maxCachedBytes*3/4>>20 {
		t.Errorf("the cache holds %d answers of 1 MB and not the last one put; want at least %d and the last", len(c.entries), maxCachedBytes*3/4>>20)
	}
	c.put(1, 200, 1, body[:10]) // replaced: counted once
	if c.bytes != total() {
		t.Errorf("after replacing an answer the cache counts %d bytes and holds %d", c.bytes, total())
	}
	c.put(1, 999, 1, make([]byte, maxCachedBytes/16+1))
	if c.get(1, 999, 1) != nil {
		t.Errorf("an answer larger than a sixteenth of the cache was kept")
	}
	c.put(2, 7, 1, body[:10])
	if c.get(1, 200, 1) != nil || c.get(2, 7, 1) == nil || c.bytes != 10 {
		t.Errorf("a write did not empty the cache: %d bytes", c.bytes)
	}
	if c.get(2, 7, 2) != nil {
		t.Errorf("a page's answer was given for another subsite")
	}
}
