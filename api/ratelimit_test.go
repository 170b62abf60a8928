package api

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/civiscope/civiscope/api/token"
)

func TestRateLimitPerIP(t *testing.T) {
	clk := newClock()
	c, _ := newClientAt(t, Config{IPRate: 0.5, IPBurst: 3, TokenRate: 1000, TokenBurst: 1000}, clk.now)
	for i := range 3 {
		if a := c.get("/api/v1/territories/75056"); a.status != 200 {
			t.Fatalf("request %d within the burst: %d", i, a.status)
		}
	}
	a := c.get("/api/v1/territories/75056")
	a.problem(t, 429, "too_many")
	secs, err := strconv.Atoi(a.header.Get("Retry-After"))
	if err != nil || secs != 2 {
		t.Errorf("Retry-After = %q, want 2 s at 0.5 req/s", a.header.Get("Retry-After"))
	}
	// Wrong tokens count against the IP too: guessing is not a way around.
	c.get("/api/v1/territories/75056", "Authorization", "Bearer cvs_guess").problem(t, 429, "too_many")
	// A token has its own bucket.
	secret, _ := newToken(t, token.Read)
	if a := c.get("/api/v1/territories/75056", bearer(secret)...); a.status != 200 {
		t.Errorf("a token is limited by its IP's bucket: %d", a.status)
	}
	// After Retry-After, the IP may go on.
	clk.advance(2 * time.Second)
	if a := c.get("/api/v1/territories/75056"); a.status != 200 {
		t.Errorf("after waiting Retry-After: %d", a.status)
	}
	c.get("/api/v1/territories/75056").problem(t, 429, "too_many")
}

func TestRateLimitPerToken(t *testing.T) {
	c, _ := newClientAt(t, Config{TokenRate: 0.2, TokenBurst: 2}, newClock().now)
	one, _ := newToken(t, token.Read)
	two, _ := newToken(t, token.Read)
	for range 2 {
		if a := c.get("/api/v1/territories/75056", bearer(one)...); a.status != 200 {
			t.Fatalf("within burst: %d", a.status)
		}
	}
	a := c.get("/api/v1/territories/75056", bearer(one)...)
	a.problem(t, 429, "too_many")
	if secs, _ := strconv.Atoi(a.header.Get("Retry-After")); secs != 5 {
		t.Errorf("Retry-After = %q at 0.2 req/s", a.header.Get("Retry-After"))
	}
	if b := c.get("/api/v1/territories/75056", bearer(two)...); b.status != http.StatusOK {
		t.Errorf("another token shares the bucket: %d", b.status)
	}
}
