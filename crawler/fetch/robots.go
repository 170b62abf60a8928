package fetch

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsCache fetches each host's robots.txt once per RobotsTTL. Concurrent
// callers for one host wait for a single fetch.
type robotsCache struct {
	f     *Fetcher
	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	ready       chan struct{}
	interrupted bool // the loader's context ended: ask again
	data        *robotstxt.RobotsData
	group       *robotstxt.Group
	fetched     time.Time
}

func (e *robotsEntry) done() bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

func newRobotsCache(f *Fetcher) *robotsCache {
	return &robotsCache{f: f, hosts: map[string]*robotsEntry{}}
}

func (c *robotsCache) allowed(ctx context.Context, u *url.URL) (bool, error) {
	key := u.Scheme + "://" + u.Host
	c.mu.Lock()
	e, ok := c.hosts[key]
	if !ok || (e.done() && time.Since(e.fetched) > c.f.cfg.RobotsTTL) {
		e = &robotsEntry{ready: make(chan struct{})}
		c.hosts[key] = e
		c.mu.Unlock()
		e.data = c.load(ctx, u)
		if e.data != nil {
			e.group = e.data.FindGroup(robotsAgent)
		}
		e.fetched = time.Now()
		if ctx.Err() != nil {
			// Interrupted, not answered: do not remember "no rules".
			e.interrupted = true
			c.mu.Lock()
			delete(c.hosts, key)
			c.mu.Unlock()
		}
		close(e.ready) // publishes group and fetched to the waiters
	} else {
		c.mu.Unlock()
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	if e.interrupted {
		return c.allowed(ctx, u)
	}
	if e.data == nil {
		return true, nil
	}
	if e.group != nil && e.group.CrawlDelay > 0 {
		c.f.hosts.slowDown(u.Host, e.group.CrawlDelay)
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return e.data.TestAgent(p, robotsAgent), nil
}

// load fetches and parses robots.txt. Following RFC 9309: a 4xx means no
// rules, a 5xx means everything is disallowed for now; a network failure
// counts as no rules, since the page fetch that follows will fail and
// report the real problem.
func (c *robotsCache) load(ctx context.Context, u *url.URL) *robotstxt.RobotsData {
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	hr, err := c.f.attempts(ctx, ru, Request{}, true, &Response{})
	if err != nil {
		return nil
	}
	status := hr.status
	if isRedirect(status) {
		status = http.StatusNotFound // redirected robots: treat as absent rather than chase
	}
	data, err := robotstxt.FromStatusAndBytes(status, hr.body)
	if err != nil {
		return nil
	}
	return data
}
