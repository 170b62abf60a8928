package web

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/civiscope/civiscope/directory"
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

// pageBuilder gathers a page's data; it runs only on a cache miss.
type pageBuilder func() (data any, err error)

// cachedPage serves a directory page from the revision-keyed cache, or
// builds, renders and stores it. Errors are rendered (and not cached).
func (s *Site) cachedPage(w http.ResponseWriter, r *http.Request, name, nav string, build pageBuilder) {
	lang := RequestLang(r)
	rev, err := directory.LatestRevisionID(r.Context(), s.db)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	// The page depends on the directory revision, the language and this
	// binary's templates (s.boot): together they make a validator, so a
	// browser that has the page gets a 304 without a byte of HTML.
	etag := fmt.Sprintf(`W/"%s-%d-%s"`, s.boot, rev, lang)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.Header().Add("Vary", "Cookie")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	key := name + " " + string(lang) + " " + r.URL.RequestURI()
	if page, ok := s.pages.get(rev, key); ok {
		writePage(w, lang, http.StatusOK, page)
		return
	}
	data, err := build()
	if err != nil {
		w.Header().Del("ETag")
		w.Header().Del("Cache-Control")
		s.rd.Error(w, r, err)
		return
	}
	html, err := s.rd.RenderBytes(r, http.StatusOK, name, nav, data)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	s.pages.put(rev, key, html)
	writePage(w, lang, http.StatusOK, html)
}
