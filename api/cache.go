package api

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// responseCache keeps the encoded answers of public GETs for a short time
// (Config.CacheTTL, 2 s by default), so a burst of identical requests costs
// one query. The answers already say Cache-Control: max-age=60, so a client
// or proxy may reuse them far longer; the server's copy is never older than
// the TTL. Errors and private answers (tokens) are never kept. The cache is
// owned by the API value; entries are bounded and expired ones dropped on
// the way.
type responseCache struct {
	ttl     time.Duration
	max     int
	mu      sync.RWMutex
	entries map[string]*cachedAnswer
}

type cachedAnswer struct {
	body        []byte
	etag        string
	contentType string
	cache       string
	link        string
	expires     time.Time
}

// maxCachedAnswers bounds the memory: a public answer is a few kilobytes.
const maxCachedAnswers = 2000

func newResponseCache(ttl time.Duration) *responseCache {
	return &responseCache{ttl: ttl, max: maxCachedAnswers, entries: map[string]*cachedAnswer{}}
}

func (c *responseCache) get(key string, now time.Time) *cachedAnswer {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil || now.After(e.expires) {
		return nil
	}
	return e
}

func (c *responseCache) put(key string, e *cachedAnswer, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, old := range c.entries {
			if now.After(old.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries) // all fresh: start over rather than scan for the oldest
		}
	}
	c.entries[key] = e
}

func (c *responseCache) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

type cacheSlotKey struct{}

// cacheSlot is where send leaves a cacheable answer for the middleware.
type cacheSlot struct{ answer *cachedAnswer }

// cached serves public GETs from the response cache, and fills it from
// answers that send marks as public. It runs after authentication and the
// rate limit, which still apply to every request.
func (a *API) cached(next http.Handler) http.Handler {
	if a.cache.ttl <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		key := r.URL.RequestURI()
		now := a.now()
		if e := a.cache.get(key, now); e != nil {
			if e.link != "" {
				w.Header().Set("Link", e.link)
			}
			sendTagged(w, r, http.StatusOK, e.contentType, e.cache, e.etag, e.body)
			return
		}
		slot := &cacheSlot{}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), cacheSlotKey{}, slot)))
		if slot.answer != nil {
			slot.answer.link = w.Header().Get("Link")
			slot.answer.expires = now.Add(a.cache.ttl)
			a.cache.put(key, slot.answer, now)
		}
	})
}

// offerToCache hands a public answer to the cached middleware, if any.
func offerToCache(r *http.Request, contentType, cache, etag string, body []byte) {
	if cache != cachePublic && cache != cacheStable {
		return
	}
	if slot, ok := r.Context().Value(cacheSlotKey{}).(*cacheSlot); ok {
		slot.answer = &cachedAnswer{body: body, etag: etag, contentType: contentType, cache: cache}
	}
}
