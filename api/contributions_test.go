package api

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/api/token"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/moderation"
)

// newContributor makes a user account and a write token acting for it.
func newContributor(t *testing.T, name string) (string, *account.User) {
	t.Helper()
	ctx := context.Background()
	u, err := account.Create(ctx, db, account.NewUser{Email: name + "@example.org", DisplayName: name, Password: "correct horse battery staple " + name})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := token.Create(ctx, db, token.NewToken{Name: name + "'s script", Scope: token.Write, UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	return secret, u
}

func TestWriteTokensNeedAUser(t *testing.T) {
	c, _ := newClient(t, Config{})
	admin, _ := newToken(t, token.Admin)
	c.do("POST", "/api/v1/tokens", `{"name":"bot","scope":"write"}`, bearer(admin)...).problem(t, 400, "invalid")
	c.do("POST", "/api/v1/tokens", `{"name":"bot","scope":"write","user_email":"nobody@example.org"}`, bearer(admin)...).problem(t, 400, "invalid")
	_, u := newContributor(t, "ines")
	a := c.do("POST", "/api/v1/tokens", `{"name":"bot","scope":"write","user_email":"ines@example.org"}`, bearer(admin)...)
	if a.status != 201 || a.json(t)["user_id"] != float64(u.ID) {
		t.Fatalf("write token for a user: %d %s", a.status, a.body)
	}
	// The database refuses a write token without a user even past the Go check.
	if _, err := db.Exec(context.Background(), `INSERT INTO api_token (name, scope, prefix, hash) VALUES ('x', 'write', 'abcdefgh', sha256('x'))`); err == nil {
		t.Error("the database accepted a write token without a user")
	}
}

func TestProposeTool(t *testing.T) {
	c, _ := newClient(t, Config{})
	ctx := context.Background()
	secret, _ := newContributor(t, "amelie")
	body := `{"name":"Outil d'essai API","website":"https://example.org/outil-essai","categories":["consultation"],
		"tagline_fr":"Un outil de démonstration des tests","note":"test fixture"}`

	// Who may propose.
	c.do("POST", "/api/v1/tools", body).problem(t, 401, "unauthorized")
	reader, _ := newToken(t, token.Read)
	c.do("POST", "/api/v1/tools", body, bearer(reader)...).problem(t, 403, "forbidden")
	admin, _ := newToken(t, token.Admin)
	c.do("POST", "/api/v1/tools", body, bearer(admin)...).problem(t, 403, "forbidden") // acts for no user

	a := c.do("POST", "/api/v1/tools", body, bearer(secret)...)
	if a.status != 202 {
		t.Fatalf("propose: %d %s", a.status, a.body)
	}
	p := a.json(t)
	if p["status"] != "pending" || p["kind"] != "new-tool" || a.header.Get("Location") != p["links"].(map[string]any)["self"] {
		t.Errorf("proposal %v, Location %q", p, a.header.Get("Location"))
	}
	// Nothing reached the directory.
	if _, err := directory.GetTool(ctx, db, "outil-d-essai-api"); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Errorf("the proposed tool is already listed (%v)", err)
	}
	// The submitter and admins follow it; others do not see it.
	self := a.header.Get("Location")
	if g := c.get(self, bearer(secret)...); g.status != 200 || g.json(t)["id"] != p["id"] {
		t.Errorf("submitter reads its proposal: %d %s", g.status, g.body)
	}
	if g := c.get(self, bearer(admin)...); g.status != 200 {
		t.Errorf("admin reads the proposal: %d", g.status)
	}
	other, _ := newContributor(t, "bruno")
	c.get(self, bearer(other)...).problem(t, 404, "not_found")
	c.get(self).problem(t, 401, "unauthorized")
	c.get("/api/v1/proposals/abc", bearer(secret)...).problem(t, 400, "invalid")

	// A likely duplicate is refused with the listing it resembles, then
	// accepted once confirmed.
	dup := `{"name":"Decidim","website":"https://decidim.org/","categories":["consultation"]}`
	d := c.do("POST", "/api/v1/tools", dup, bearer(secret)...).problem(t, 409, "conflict")
	if !strings.Contains(fmt.Sprint(d["errors"]), "/api/v1/tools/decidim") {
		t.Errorf("duplicate problem does not name decidim: %v", d["errors"])
	}
	confirmed := strings.Replace(dup, `}`, `,"not_duplicate":true}`, 1)
	if r := c.do("POST", "/api/v1/tools", confirmed, bearer(secret)...); r.status != 202 {
		t.Errorf("confirmed non-duplicate: %d %s", r.status, r.body)
	}

	// Bad bodies.
	for name, tc := range map[string]struct {
		body, field string
	}{
		"no website":     {`{"name":"X Y Z","categories":["consultation"]}`, "website"},
		"bad category":   {`{"name":"X Y Z","website":"https://example.org/x","categories":["nope"]}`, "categories"},
		"unknown field":  {`{"name":"X Y Z","website":"https://example.org/x","categories":["consultation"],"slug":"x"}`, "slug"},
		"wrong type":     {`{"name":"X Y Z","website":"https://example.org/x","categories":"consultation"}`, "categories"},
		"script website": {`{"name":"X Y Z","website":"javascript:alert(1)","categories":["consultation"]}`, "website"},
	} {
		pr := c.do("POST", "/api/v1/tools", tc.body, bearer(secret)...).problem(t, 400, "invalid")
		if !strings.Contains(fmt.Sprint(pr["errors"]), "field:"+tc.field) {
			t.Errorf("%s: errors %v do not name %s", name, pr["errors"], tc.field)
		}
	}
	c.do("POST", "/api/v1/tools", `{"name":`, bearer(secret)...).problem(t, 400, "invalid")
	c.do("POST", "/api/v1/tools", `{"name":"`+strings.Repeat("x", 70000)+`"}`, bearer(secret)...).problem(t, 413, "too_large")
}

func TestProposeEdit(t *testing.T) {
	c, _ := newClient(t, Config{})
	ctx := context.Background()
	secret, _ := newContributor(t, "chloe")
	before, err := directory.GetTool(ctx, db, "loomio")
	if err != nil {
		t.Fatal(err)
	}
	a := c.do("POST", "/api/v1/tools/loomio/edits", `{"tagline_en":"Decide together, online","note":"from their site"}`, bearer(secret)...)
	if a.status != 202 {
		t.Fatalf("edit: %d %s", a.status, a.body)
	}
	p := a.json(t)
	payload := p["payload"].(map[string]any)
	if p["kind"] != "tool-edit" || payload["tagline_en"] != "Decide together, online" || len(payload) != 1 ||
		p["base"].(map[string]any)["tagline_en"] != before.TaglineEN {
		t.Errorf("edit proposal %v", p)
	}
	after, err := directory.GetTool(ctx, db, "loomio")
	if err != nil || after.TaglineEN != before.TaglineEN {
		t.Errorf("the edit reached the directory before moderation: %q", after.TaglineEN)
	}
	c.do("POST", "/api/v1/tools/loomio/edits", `{"note":"nothing"}`, bearer(secret)...).problem(t, 400, "invalid")
	c.do("POST", "/api/v1/tools/loomio/edits", `{"lifecycle":"zombie"}`, bearer(secret)...).problem(t, 400, "invalid")
	c.do("POST", "/api/v1/tools/loomio/edits", `{"lifecycle_since":"last year"}`, bearer(secret)...).problem(t, 400, "invalid")
	c.do("POST", "/api/v1/tools/loomio/edits", `{"founded_year":"1999"}`, bearer(secret)...).problem(t, 400, "invalid")
	c.do("POST", "/api/v1/tools/loomio/edits", `{"slug":"hijack"}`, bearer(secret)...).problem(t, 400, "invalid")
	c.do("POST", "/api/v1/tools/no-such-tool/edits", `{"name":"x"}`, bearer(secret)...).problem(t, 404, "not_found")
	c.do("PUT", "/api/v1/tools/loomio/edits", `{"name":"x"}`, bearer(secret)...).problem(t, 405, "method_not_allowed")
}

func TestDeclareAdoption(t *testing.T) {
	c, _ := newClient(t, Config{})
	secret, _ := newContributor(t, "damien")
	a := c.do("POST", "/api/v1/adoptions", `{"tool":"decidim","territory":"75056","instance_url":"https://example.org/participer","since":"2024-03"}`, bearer(secret)...)
	if a.status != 202 {
		t.Fatalf("declare: %d %s", a.status, a.body)
	}
	p := a.json(t)
	if p["kind"] != "adoption" || p["status"] != "pending" || p["payload"].(map[string]any)["territory"] != "Paris" {
		t.Errorf("declaration %v", p)
	}
	// The public list of Paris's adoptions is unchanged.
	if n := len(c.get("/api/v1/adoptions?territory=75056").json(t)["data"].([]any)); n != 0 {
		t.Errorf("Paris has %d published adoptions after a pending declaration", n)
	}
	for name, tc := range map[string]struct{ body, field string }{
		"ambiguous code": {`{"tool":"decidim","territory":"84","instance_url":"https://example.org/p"}`, "territory_kind"},
		"unknown tool":   {`{"tool":"no-such-tool","territory":"75056","instance_url":"https://example.org/p"}`, "tool"},
		"no territory":   {`{"tool":"decidim","instance_url":"https://example.org/p"}`, "territory"},
		"no url":         {`{"tool":"decidim","territory":"75056"}`, "instance_url"},
		"bad month":      {`{"tool":"decidim","territory":"75056","instance_url":"https://example.org/p","since":"March"}`, "since"},
		"injection":      {`{"tool":"decidim","territory":"75056' OR '1'='1","instance_url":"https://example.org/p"}`, "territory"},
	} {
		pr := c.do("POST", "/api/v1/adoptions", tc.body, bearer(secret)...).problem(t, 400, "invalid")
		if !strings.Contains(fmt.Sprint(pr["errors"]), "field:"+tc.field+" ") {
			t.Errorf("%s: errors %v do not name %s", name, pr["errors"], tc.field)
		}
	}
}

// TestContributionCap: the moderation caps apply to API contributions and
// answer 429 with Retry-After.
func TestContributionCap(t *testing.T) {
	c, _ := newClient(t, Config{})
	secret, _ := newContributor(t, "emile")
	var last answer
	for i := range 12 {
		last = c.do("POST", "/api/v1/adoptions", fmt.Sprintf(`{"tool":"decidim","territory":"75056","instance_url":"https://example.org/p%d"}`, i), bearer(secret)...)
		if last.status == 429 {
			break
		}
		if last.status != 202 {
			t.Fatalf("declaration %d: %d %s", i, last.status, last.body)
		}
	}
	last.problem(t, 429, "too_many")
	if s, err := strconv.Atoi(last.header.Get("Retry-After")); err != nil || s < 1 || s > 3600 {
		t.Errorf("Retry-After %q", last.header.Get("Retry-After"))
	}
}

// TestNULCharacters: PostgreSQL text cannot hold U+0000, so a NUL anywhere
// in a query or a body is the client's mistake (400), never a 500.
func TestNULCharacters(t *testing.T) {
	c, _ := newClient(t, Config{})
	secret, _ := newContributor(t, "nul")
	for _, tc := range []struct{ method, path, body, field string }{
		{"GET", "/api/v1/search?q=a%00b", "", "q"},
		{"GET", "/api/v1/tools?licence=MIT%00", "", "licence"},
		{"GET", "/api/v1/adoptions?tool=decidim%00", "", "tool"},
		{"GET", "/api/v1/tools/decidim%00", "", "slug"},
		{"POST", "/api/v1/tools", `{"name":"Nul tool","website":"https://example.org/nul","categories":["consultation"],"note":"a\u0000b"}`, "note"},
		{"POST", "/api/v1/tools", `{"name":"Nul tool","website":"https://example.org/nul","categories":["consul\u0000tation"]}`, "categories"},
		{"POST", "/api/v1/tools/loomio/edits", `{"tagline_en":"x\u0000y"}`, "tagline_en"},
		{"POST", "/api/v1/adoptions", `{"tool":"decidim","territory":"75056","instance_url":"https://example.org/p","note":"\u0000"}`, "note"},
	} {
		p := c.do(tc.method, tc.path, tc.body, bearer(secret)...).problem(t, 400, "invalid")
		if !strings.Contains(fmt.Sprint(p["errors"]), "field:"+tc.field+" ") {
			t.Errorf("%s %s: errors %v do not name %s", tc.method, tc.path, p["errors"], tc.field)
		}
	}
}

// 30 proposals at once with one token against a cap of 10 an hour: the cap
// is decided in the database, so exactly 10 get in (issue 18).
func TestContributionCapHoldsUnderConcurrency(t *testing.T) {
	c, _ := newClient(t, Config{})
	secret, _ := newContributor(t, "racer")
	codes := make(chan int, 30)
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Names and domains far apart, so that none is a duplicate.
			name := strings.Map(func(r rune) rune { return 'a' + (r-'a'+rune(7*i))%26 }, []string{"kestrelmarble", "quokkavelvet"}[i/26])
			body := fmt.Sprintf(`{"name":"%s","website":"https://%s.example","categories":["consultation"]}`, name, name)
			codes <- c.do("POST", "/api/v1/tools", body, bearer(secret)...).status
		}()
	}
	wg.Wait()
	close(codes)
	n := map[int]int{}
	for code := range codes {
		n[code]++
	}
	if n[202] != moderation.MaxPerHour || n[429] != 30-moderation.MaxPerHour {
		t.Errorf("30 concurrent proposals: %v; want %d accepted and the rest 429", n, moderation.MaxPerHour)
	}
}
