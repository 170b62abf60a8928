package web

import (
	"sync"
)

// pageCache keeps rendered pages of the directory until the next change to
// it. Every write to the directory appends to the revision log in the same
// transaction, so a page rendered at revision N is exact for as long as the
// newest revision is N: the cache is never stale, and a request costs one
// index lookup (the newest revision id) instead of a handful of queries and
// a render. Territory names come from the register, which changes once a
// year; a re-import is followed by a restart or the next directory change.
type pageCache struct {
	mu  sync.Mutex
	rev int64
	m   map[string][]byte
	max int
}

func newPageCache(max int) *pageCache {
	return &pageCache{m: map[string][]byte{}, max: max}
}

// get returns the page stored under key for revision rev.
func (c *pageCache) get(rev int64, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rev != c.rev {
		return nil, false
	}
	b, ok := c.m[key]
	return b, ok
}

// put stores a page rendered at revision rev; a newer revision empties the
// cache first, and a full cache starts over rather than tracking usage.
func (c *pageCache) put(rev int64, key string, page []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rev < c.rev {
		return // rendered from older data than what the cache now holds
	}
	if rev > c.rev || len(c.m) >= c.max {
		c.m = map[string][]byte{}
		c.rev = rev
	}
	c.m[key] = page
}
