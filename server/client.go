package server

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ClientIP is the address every limit counts a request against: the peer,
// or with trustProxy (API_TRUST_PROXY, for a site behind a reverse proxy)
// the address the proxy appended last to X-Forwarded-For. Earlier entries
// are the client's own claims and can be forged. API and web both use it,
// so a limit means the same thing on either side.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Limiter holds one token bucket per key (a client address, a token).
// Buckets idle for longer than idle are dropped by a sweep that runs during
// requests, at most once per idle period, so memory follows the active
// clients and no goroutine has to be stopped.
type Limiter struct {
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

// NewLimiter allows perSecond requests per key after a burst; idle 0 means
// ten minutes.
func NewLimiter(perSecond float64, burst int, idle time.Duration) *Limiter {
	if idle <= 0 {
		idle = 10 * time.Minute
	}
	return &Limiter{rate: rate.Limit(perSecond), burst: burst, idle: idle, buckets: map[string]*bucket{}}
}

// Allow takes one request from key's bucket. When the bucket is empty it
// returns false and how long until a request would pass.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > l.idle {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > l.idle {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - b.lim.TokensAt(now)
	return false, max(time.Duration(missing/float64(l.rate)*float64(time.Second)), time.Millisecond)
}

// Rate and Burst describe the limit, for messages.
func (l *Limiter) Rate() float64 { return float64(l.rate) }
func (l *Limiter) Burst() int    { return l.burst }

// Len is the number of buckets held.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
