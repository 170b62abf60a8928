package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/api/token"
)

// TestResponseCache: a public answer is served from memory within the TTL
// (so a change shows after at most the TTL), with its ETag and Link, while
// errors and private answers are never kept.
func TestResponseCache(t *testing.T) {
	clk := newClock()
	c, a := newClientAt(t, Config{CacheTTL: 2 * time.Second}, clk.now)
	ctx := context.Background()
	path := "/api/v1/tools/loomio"
	first := c.get(path)
	if first.status != 200 {
		t.Fatalf("%d %s", first.status, first.body)
	}
	old := first.json(t)["name"].(string)
	if _, err := db.Exec(ctx, `UPDATE tool SET name = name || ' (renamed)' WHERE slug = 'loomio'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec(ctx, `UPDATE tool SET name = $1 WHERE slug = 'loomio'`, old); err != nil {
			t.Errorf("restore loomio's name: %v", err)
		}
	})

	hit := c.get(path)
	if hit.json(t)["name"] != old || hit.header.Get("ETag") != first.header.Get("ETag") {
		t.Errorf("within the TTL: name %v, ETag %s vs %s", hit.json(t)["name"], hit.header.Get("ETag"), first.header.Get("ETag"))
	}
	if nm := c.get(path, "If-None-Match", first.header.Get("ETag")); nm.status != 304 {
		t.Errorf("cached answer ignores If-None-Match: %d", nm.status)
	}
	clk.advance(1900 * time.Millisecond)
	if still := c.get(path); still.json(t)["name"] != old {
		t.Errorf("just before the TTL the cache was bypassed: %v", still.json(t)["name"])
	}
	clk.advance(200 * time.Millisecond)
	fresh := c.get(path)
	if !strings.HasSuffix(fresh.json(t)["name"].(string), "(renamed)") || fresh.header.Get("ETag") == first.header.Get("ETag") {
		t.Errorf("after the TTL: name %v", fresh.json(t)["name"])
	}

	// Pagination links survive the cache.
	p1 := c.get("/api/v1/tools?limit=2")
	p2 := c.get("/api/v1/tools?limit=2")
	if p1.header.Get("Link") == "" || p2.header.Get("Link") != p1.header.Get("Link") {
		t.Errorf("Link %q then %q", p1.header.Get("Link"), p2.header.Get("Link"))
	}

	// Errors and private answers are not kept.
	before := a.cache.size()
	c.get("/api/v1/tools/no-such-tool").problem(t, 404, "not_found")
	c.get("/api/v1/tools?category=nope").problem(t, 400, "invalid")
	admin, _ := newToken(t, token.Admin)
	if l := c.get("/api/v1/tokens", bearer(admin)...); l.status != 200 {
		t.Fatalf("tokens: %d", l.status)
	}
	if a.cache.size() != before {
		t.Errorf("errors or token lists were cached: %d → %d entries", before, a.cache.size())
	}
	// The rate limit still applies to cached answers.
	lim, _ := newClientAt(t, Config{CacheTTL: time.Minute, IPRate: 0.1, IPBurst: 2}, newClock().now)
	lim.get(path)
	lim.get(path)
	lim.get(path).problem(t, 429, "too_many")
}

func TestResponseCacheBound(t *testing.T) {
	rc := newResponseCache(time.Minute)
	rc.max = 10
	now := time.Now()
	for i := range 25 {
		rc.put(strings.Repeat("k", i+1), &cachedAnswer{expires: now.Add(time.Minute)}, now)
	}
	if n := rc.size(); n > 10 {
		t.Errorf("%d entries held, the bound is 10", n)
	}
	if rc.get("kkkkkkkkkkkkkkkkkkkkkkkkk", now) == nil {
		t.Error("the newest entry is missing")
	}
	if rc.get("kkkkkkkkkkkkkkkkkkkkkkkkk", now.Add(2*time.Minute)) != nil {
		t.Error("an expired entry was served")
	}
}
