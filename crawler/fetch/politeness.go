package fetch

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// hostTable holds, per host, a rate limiter (the delay between requests)
// and a semaphore (the requests in flight).
type hostTable struct {
	cfg   Config
	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	limiter *rate.Limiter
	slots   chan struct{}
}

func newHostTable(cfg Config) *hostTable {
	return &hostTable{cfg: cfg, hosts: map[string]*hostState{}}
}

func (t *hostTable) get(host string) *hostState {
	host = strings.ToLower(host)
	t.mu.Lock()
	defer t.mu.Unlock()
	h, ok := t.hosts[host]
	if !ok {
		h = &hostState{limiter: rate.NewLimiter(every(t.cfg.HostDelay), 1), slots: make(chan struct{}, t.cfg.HostConcurrency)}
		t.hosts[host] = h
	}
	return h
}

// slowDown raises a host's delay to its robots.txt Crawl-delay, capped.
func (t *hostTable) slowDown(host string, d time.Duration) {
	d = min(d, t.cfg.MaxCrawlDelay)
	if d <= t.cfg.HostDelay {
		return
	}
	t.get(host).limiter.SetLimit(every(d))
}

func every(d time.Duration) rate.Limit {
	if d <= 0 {
		return rate.Inf
	}
	return rate.Every(d)
}

// acquire waits for a global slot, a host slot and the host's delay, in that
// order of cheapness; the returned func gives the slots back.
func (f *Fetcher) acquire(ctx context.Context, host string) (func(), error) {
	h := f.hosts.get(host)
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := h.limiter.Wait(ctx); err != nil {
		<-h.slots
		return nil, err
	}
	select {
	case f.global <- struct{}{}:
	case <-ctx.Done():
		<-h.slots
		return nil, ctx.Err()
	}
	return func() { <-f.global; <-h.slots }, nil
}

// backoff is exponential with full jitter, so that many workers retrying a
// recovering server do not come back in step.
func backoff(base, maxWait time.Duration, attempt int) time.Duration {
	d := base << (attempt - 1)
	if d <= 0 || d > maxWait {
		d = maxWait
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, time.RFC850, time.ANSIC} {
		if t, err := time.Parse(layout, v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
}
