package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/api/token"
)

func TestTokenLifecycle(t *testing.T) {
	c, _ := newClient(t, Config{})
	admin, _ := newToken(t, token.Admin)

	a := c.do("POST", "/api/v1/tokens", `{"name":"Newsroom scraper","scope":"read"}`, bearer(admin)...)
	if a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	created := a.json(t)
	secret, _ := created["secret"].(string)
	if !strings.HasPrefix(secret, "cvs_") || a.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create answered secret %q, Cache-Control %q", secret, a.header.Get("Cache-Control"))
	}
	id := int64(created["id"].(float64))
	if a.header.Get("Location") != fmt.Sprintf("/api/v1/tokens/%d", id) {
		t.Errorf("Location = %q", a.header.Get("Location"))
	}

	// Only the hash is stored.
	var stored []byte
	var n int
	if err := db.QueryRow(context.Background(), `SELECT hash, (SELECT count(*) FROM api_token WHERE hash::text LIKE '%'||$2||'%' OR prefix = $2) FROM api_token WHERE id = $1`, id, secret).Scan(&stored, &n); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 32 || strings.Contains(string(stored), secret) || n != 0 {
		t.Errorf("the secret is stored in clear: hash %x, matches %d", stored, n)
	}

	// The new token works, and its use is recorded.
	me := c.get("/api/v1/token", bearer(secret)...)
	if me.status != 200 || me.json(t)["scope"] != "read" || me.json(t)["secret"] != nil {
		t.Fatalf("GET /token with the new token: %d %s", me.status, me.body)
	}
	got, err := token.Get(context.Background(), db, id)
	if err != nil || got.LastUsedAt == nil {
		t.Errorf("last use not recorded: %+v %v", got, err)
	}

	// A read token cannot manage tokens.
	c.get("/api/v1/tokens", bearer(secret)...).problem(t, 403, "forbidden")
	c.do("POST", "/api/v1/tokens", `{"name":"x","scope":"admin"}`, bearer(secret)...).problem(t, 403, "forbidden")
	c.get("/api/v1/tokens").problem(t, 401, "unauthorized")

	if g := c.get(fmt.Sprintf("/api/v1/tokens/%d", id), bearer(admin)...); g.status != 200 || g.json(t)["name"] != "Newsroom scraper" {
		t.Errorf("get token: %d %s", g.status, g.body)
	}

	// Revoke: the token stops working at once, and stays listed as revoked.
	r := c.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), "", bearer(admin)...)
	if r.status != 200 || r.json(t)["revoked_at"] == nil {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	p := c.get("/api/v1/territories/75056", bearer(secret)...).problem(t, 401, "unauthorized")
	if !strings.Contains(p["detail"].(string), "revoked") {
		t.Errorf("detail %q", p["detail"])
	}
	if again := c.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), "", bearer(admin)...); again.status != 200 {
		t.Errorf("revoking twice: %d", again.status)
	}
	c.do("DELETE", "/api/v1/tokens/999999", "", bearer(admin)...).problem(t, 404, "not_found")
	c.get("/api/v1/tokens/abc", bearer(admin)...).problem(t, 400, "invalid")
	c.get("/api/v1/tokens/-1", bearer(admin)...).problem(t, 400, "invalid")

	active := c.get("/api/v1/tokens?limit=100", bearer(admin)...).json(t)["data"].([]any)
	all := c.get("/api/v1/tokens?limit=100&revoked=true", bearer(admin)...).json(t)["data"].([]any)
	if len(all) != len(active)+countRevoked(all) || countRevoked(active) != 0 || countRevoked(all) == 0 {
		t.Errorf("list: %d active, %d with revoked", len(active), len(all))
	}
}

func countRevoked(list []any) int {
	n := 0
	for _, v := range list {
		if v.(map[string]any)["revoked_at"] != nil {
			n++
		}
	}
	return n
}

func TestTokenExpired(t *testing.T) {
	c, _ := newClient(t, Config{})
	ctx := context.Background()
	in := time.Now().Add(time.Hour)
	tok, secret, err := token.Create(ctx, db, token.NewToken{Name: "short", Scope: token.Read, ExpiresAt: &in})
	if err != nil {
		t.Fatal(err)
	}
	if a := c.get("/api/v1/token", bearer(secret)...); a.status != 200 {
		t.Fatalf("fresh token: %d", a.status)
	}
	if _, err := db.Exec(ctx, `UPDATE api_token SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = $1`, tok.ID); err != nil {
		t.Fatal(err)
	}
	c.get("/api/v1/token", bearer(secret)...).problem(t, 401, "unauthorized")
}

func TestBadCredentials(t *testing.T) {
	c, _ := newClient(t, Config{})
	for _, h := range []string{
		"Bearer nope", "Bearer cvs_" + strings.Repeat("A", 43), "Basic dXNlcjpwYXNz", "Bearer", "Bearer ' OR 1=1 --",
		"Bearer cvs_" + strings.Repeat("é", 30),
	} {
		c.get("/api/v1/territories/75056", "Authorization", h).problem(t, 401, "unauthorized")
	}
	c.get("/api/v1/token").problem(t, 401, "unauthorized")
}

// TestTokenPagination pages through tokens with cursors and checks cursor
// tampering and reuse on another query.
func TestTokenPagination(t *testing.T) {
	c, _ := newClient(t, Config{})
	admin, _ := newToken(t, token.Admin)
	for i := range 7 {
		if _, _, err := token.Create(context.Background(), db, token.NewToken{Name: fmt.Sprintf("page %d", i), Scope: token.Read}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[float64]bool{}
	path := "/api/v1/tokens?limit=3"
	pages := 0
	var firstNext string
	for path != "" {
		a := c.get(path, bearer(admin)...)
		if a.status != 200 {
			t.Fatalf("%s: %d %s", path, a.status, a.body)
		}
		v := a.json(t)
		for _, d := range v["data"].([]any) {
			id := d.(map[string]any)["id"].(float64)
			if seen[id] {
				t.Fatalf("token %v on two pages", id)
			}
			seen[id] = true
		}
		next, _ := v["links"].(map[string]any)["next"].(string)
		if (next == "") != (v["next_cursor"] == nil) || (next != "") != (a.header.Get("Link") != "") {
			t.Errorf("next link %q, next_cursor %v, Link %q disagree", next, v["next_cursor"], a.header.Get("Link"))
		}
		if pages == 0 {
			firstNext, _ = v["next_cursor"].(string)
		}
		path = next
		pages++
	}
	var total int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM api_token WHERE revoked_at IS NULL`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if len(seen) != total || pages < 3 {
		t.Errorf("saw %d tokens in %d pages, %d exist", len(seen), pages, total)
	}

	// Tampered, foreign and garbage cursors are 400s.
	payload, sig, _ := strings.Cut(firstNext, ".")
	for name, cur := range map[string]string{
		"flipped signature": payload + "." + flip(sig),
		"forged payload":    "WzFd." + sig, // [1] with the old signature
		"no signature":      payload,
		"garbage":           "not*base64!.@@",
		"huge":              strings.Repeat("A", 2000),
		"sql":               "1'%20OR%20'1'='1",
	} {
		p := c.get("/api/v1/tokens?limit=3&cursor="+cur, bearer(admin)...).problem(t, 400, "invalid")
		if p["errors"].([]any)[0].(map[string]any)["field"] != "cursor" {
			t.Errorf("%s: problem does not name the cursor: %v", name, p)
		}
	}
	// A query string that does not even parse is a 400 too.
	c.get("/api/v1/tokens?limit=3&cursor=%%%", bearer(admin)...).problem(t, 400, "invalid")
	// The cursor is bound to the filters of the query that made it.
	c.get("/api/v1/tokens?revoked=true&cursor="+firstNext, bearer(admin)...).problem(t, 400, "invalid")
	// The page size may change while paging.
	if a := c.get("/api/v1/tokens?limit=5&cursor="+firstNext, bearer(admin)...); a.status != 200 {
		t.Errorf("changing limit with a cursor: %d %s", a.status, a.body)
	}
	for _, l := range []string{"0", "101", "-3", "ten", "1e3", "3.5"} {
		c.get("/api/v1/tokens?limit="+l, bearer(admin)...).problem(t, 400, "invalid")
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

// TestBadBodies sends every kind of broken body to a write endpoint: each
// is a 4xx problem, and none creates a token.
func TestBadBodies(t *testing.T) {
	c, a := newClient(t, Config{MaxBody: 1024})
	_ = a
	admin, _ := newToken(t, token.Admin)
	count := func() int {
		var n int
		if err := db.QueryRow(context.Background(), `SELECT count(*) FROM api_token`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
		field      string
	}{
		{"malformed", `{"name": "x", "scope": `, 400, "invalid", ""},
		{"syntax", `{"name": "x" "scope": "read"}`, 400, "invalid", ""},
		{"not an object", `["name"]`, 400, "invalid", ""},
		{"unknown field", `{"name": "x", "scope": "read", "admin": true}`, 400, "invalid", "admin"},
		{"wrong type name", `{"name": 12, "scope": "read"}`, 400, "invalid", "name"},
		{"wrong type scope", `{"name": "x", "scope": ["read"]}`, 400, "invalid", "scope"},
		{"bad date", `{"name": "x", "scope": "read", "expires_at": "tomorrow"}`, 400, "invalid", ""},
		{"past date", `{"name": "x", "scope": "read", "expires_at": "2001-01-01T00:00:00Z"}`, 400, "invalid", "expires_at"},
		{"bad scope", `{"name": "x", "scope": "root"}`, 400, "invalid", "scope"},
		{"empty name", `{"name": "  ", "scope": "read"}`, 400, "invalid", "name"},
		{"control chars", `{"name": "a\u0000b", "scope": "read"}`, 400, "invalid", "name"},
		{"two objects", `{"name": "x", "scope": "read"} {"name": "y", "scope": "read"}`, 400, "invalid", ""},
		{"over the limit", `{"name": "` + strings.Repeat("x", 2000) + `", "scope": "read"}`, 413, "too_large", ""},
		{"over the limit after a valid object", `{"name": "x", "scope": "read"}` + strings.Repeat(" ", 2000), 413, "too_large", ""},
		{"injection", `{"name": "x'); DROP TABLE api_token; --", "scope": "read' OR '1'='1"}`, 400, "invalid", "scope"},
	} {
		p := c.do("POST", "/api/v1/tokens", tc.body, bearer(admin)...).problem(t, tc.status, tc.code)
		if tc.field != "" {
			errs, _ := p["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["field"] != tc.field {
				t.Errorf("%s: errors %v do not name %s", tc.name, p["errors"], tc.field)
			}
		}
	}
	// An empty body, and a body that is not JSON.
	c.do("POST", "/api/v1/tokens", "", bearer(admin)...).problem(t, 400, "invalid")
	c.do("POST", "/api/v1/tokens", "name=x", append(bearer(admin), "Content-Type", "application/x-www-form-urlencoded")...).problem(t, 400, "invalid")
	if after := count(); after != before {
		t.Errorf("bad bodies created %d tokens", after-before)
	}
	// And a good body still works.
	if g := c.do("POST", "/api/v1/tokens", `{"name": "x'); DROP TABLE api_token; --", "scope": "read"}`, bearer(admin)...); g.status != 201 || g.json(t)["name"] != "x'); DROP TABLE api_token; --" {
		t.Errorf("a good body with a hostile name: %d %s", g.status, g.body)
	}
}
