package api

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limits holds one token bucket per client: per IP for anonymous requests,
// per token for authenticated ones. Buckets idle for longer than idle are
// dropped by a sweep that runs during requests, at most once per idle
// period, so memory follows the number of active clients and no goroutine
// has to be stopped.
type limits struct {
	ip, token bucketSet
}

type bucketSet struct {
	mu        sync.Mutex
	rate      rate.Limit
	burst     int
	idle      time.Duration
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimits(cfg Config) *limits {
	return &limits{
		ip:    bucketSet{rate: rate.Limit(cfg.IPRate), burst: cfg.IPBurst, idle: cfg.LimiterIdle, buckets: map[string]*bucket{}},
		token: bucketSet{rate: rate.Limit(cfg.TokenRate), burst: cfg.TokenBurst, idle: cfg.LimiterIdle, buckets: map[string]*bucket{}},
	}
}

// allow takes one request from key's bucket. When the bucket is empty it
// returns false and how long until a request would pass.
func (s *bucketSet) allow(key string, now time.Time) (bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.lastSweep) > s.idle {
		for k, b := range s.buckets {
			if now.Sub(b.seen) > s.idle {
				delete(s.buckets, k)
			}
		}
		s.lastSweep = now
	}
	b := s.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(s.rate, s.burst)}
		s.buckets[key] = b
	}
	b.seen = now
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - b.lim.TokensAt(now)
	return false, time.Duration(missing / float64(s.rate) * float64(time.Second))
}

// size is the number of buckets held, for tests of the eviction.
func (s *bucketSet) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buckets)
}

// retryAfter is the Retry-After value: whole seconds, at least 1.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
