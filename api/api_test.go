package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/api/token"
	"github.com/civiscope/civiscope/directory/directorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "api", directorytest.Template, &db) }

// client sends requests to a test server and decodes answers.
type client struct {
	t    testing.TB
	base string
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, a.body)
	}
	return v
}

// problem asserts a problem+json answer with the given status and code.
func (a answer) problem(t testing.TB, status int, code string) map[string]any {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d; body %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	p := a.json(t)
	if p["code"] != code || p["status"] != float64(status) || p["detail"] == "" {
		t.Fatalf("problem %v, want code %s", p, code)
	}
	return p
}

func (c client) do(method, path, body string, header ...string) answer {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

func (c client) get(path string, header ...string) answer { return c.do("GET", path, "", header...) }

// newClient starts the whole server with cfg (generous limits unless set).
func newClient(t testing.TB, cfg Config) (client, *API) {
	return newClientAt(t, cfg, nil)
}

// newClientAt is newClient with a clock for the limits and the cache.
func newClientAt(t testing.TB, cfg Config, now func() time.Time) (client, *API) {
	if cfg.IPRate == 0 {
		cfg.IPRate, cfg.IPBurst = 1e6, 1e6
	}
	if cfg.TokenRate == 0 {
		cfg.TokenRate, cfg.TokenBurst = 1e6, 1e6
	}
	srv, a := newTestServer(t, cfg, now)
	return client{t: t, base: srv.URL}, a
}

// clock is a time source the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newToken(t testing.TB, scope token.Scope) (string, *token.Token) {
	t.Helper()
	tok, secret, err := token.Create(context.Background(), db, token.NewToken{Name: "test " + string(scope), Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	return secret, tok
}

func bearer(secret string) []string { return []string{"Authorization", "Bearer " + secret} }

func TestTerritory(t *testing.T) {
	c, _ := newClient(t, Config{})
	for _, tc := range []struct {
		path, kind, code, name string
	}{
		{"/api/v1/territories/75056", "commune", "75056", "Paris"},
		{"/api/v1/territories/2a004", "commune", "2A004", "Ajaccio"},
		{"/api/v1/territories/84?kind=departement", "departement", "84", "Vaucluse"},
		{"/api/v1/territories/84?kind=region", "region", "84", "Auvergne-Rhône-Alpes"},
		{"/api/v1/territories/971", "departement", "971", "Guadeloupe"},
		{"/api/v1/territories/2B", "departement", "2B", "Haute-Corse"},
		{"/api/v1/territories/200054781", "epci", "200054781", "Métropole du Grand Paris"},
	} {
		a := c.get(tc.path)
		if a.status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", tc.path, a.status, a.body)
		}
		v := a.json(t)
		if v["kind"] != tc.kind || v["code"] != tc.code || v["name"] != tc.name {
			t.Errorf("%s: got %v %v %v, want %s %s %s", tc.path, v["kind"], v["code"], v["name"], tc.kind, tc.code, tc.name)
		}
		self := v["links"].(map[string]any)["self"].(string)
		if !strings.Contains(self, "kind="+tc.kind) {
			t.Errorf("%s: self link %q does not carry the kind", tc.path, self)
		}
	}

	// A commune links to its département, région and EPCI.
	v := c.get("/api/v1/territories/84007").json(t) // Avignon
	links := v["links"].(map[string]any)
	if links["departement"] != "/api/v1/territories/84?kind=departement" || links["region"] != "/api/v1/territories/93?kind=region" || links["epci"] == nil {
		t.Errorf("Avignon links = %v", links)
	}
	if d := c.get(links["departement"].(string)).json(t); d["name"] != "Vaucluse" {
		t.Errorf("following the département link gave %v", d["name"])
	}
}

func TestTerritoryAmbiguousAndBad(t *testing.T) {
	c, _ := newClient(t, Config{})
	p := c.get("/api/v1/territories/84").problem(t, 400, "invalid")
	msg := p["errors"].([]any)[0].(map[string]any)["message"].(string)
	if !strings.Contains(msg, "Vaucluse") || !strings.Contains(msg, "Auvergne-Rhône-Alpes") {
		t.Errorf("ambiguity message does not name both candidates: %s", msg)
	}
	c.get("/api/v1/territories/99999").problem(t, 404, "not_found")
	c.get("/api/v1/territories/84?kind=commune").problem(t, 404, "not_found")
	c.get("/api/v1/territories/84?kind=canton").problem(t, 400, "invalid")
	c.get("/api/v1/territories/84?knd=region").problem(t, 400, "invalid")
	for _, bad := range []string{
		"1'%20OR%20'1'='1", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "75056;DROP%20TABLE%20territory",
		"x", "1234567890", "%00", strings.Repeat("9", 300),
	} {
		c.get("/api/v1/territories/"+bad).problem(t, 400, "invalid")
	}
	// The register survived the injection attempts.
	if v := c.get("/api/v1/territories/75056").json(t); v["name"] != "Paris" {
		t.Fatalf("Paris is gone: %v", v)
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	c, _ := newClient(t, Config{})
	c.get("/api/v1/nothing-here").problem(t, 404, "not_found")
	a := c.do("DELETE", "/api/v1/territories/75056", "")
	a.problem(t, 405, "method_not_allowed")
}

func TestETagAndCacheControl(t *testing.T) {
	c, _ := newClient(t, Config{})
	a := c.get("/api/v1/territories/75056")
	etag := a.header.Get("ETag")
	if etag == "" || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag = %q", etag)
	}
	if cc := a.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control = %q", cc)
	}
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		b := c.get("/api/v1/territories/75056", "If-None-Match", inm)
		if b.status != http.StatusNotModified || len(b.body) != 0 || b.header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: status %d, %d bytes, ETag %q", inm, b.status, len(b.body), b.header.Get("ETag"))
		}
	}
	if b := c.get("/api/v1/territories/75056", "If-None-Match", `"stale"`); b.status != http.StatusOK || len(b.body) == 0 {
		t.Errorf("stale ETag: status %d", b.status)
	}
	if other := c.get("/api/v1/territories/13055").header.Get("ETag"); other == etag {
		t.Errorf("Paris and Marseille share ETag %s", etag)
	}
	// Errors are never cached.
	if cc := c.get("/api/v1/territories/99999").header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("404 Cache-Control = %q", cc)
	}
}

func TestCORS(t *testing.T) {
	c, _ := newClient(t, Config{})
	a := c.get("/api/v1/territories/75056", "Origin", "https://example.org")
	if a.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(a.header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("GET CORS headers: %v", a.header)
	}
	pre := c.do("OPTIONS", "/api/v1/territories/75056", "", "Origin", "https://example.org",
		"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")
	if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Methods") != "GET, HEAD" ||
		!strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", pre.status, pre.header)
	}
	// Writes are not offered cross-origin.
	secret, _ := newToken(t, token.Admin)
	w := c.do("POST", "/api/v1/tokens", `{"name":"x","scope":"read"}`, append(bearer(secret), "Origin", "https://evil.example")...)
	if w.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("POST answered with CORS headers: %v", w.header)
	}
}

func TestOpenAPIAndDocs(t *testing.T) {
	c, _ := newClient(t, Config{})
	a := c.get("/api/openapi.json")
	if a.status != 200 || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("openapi.json: %d %s", a.status, a.header.Get("Content-Type"))
	}
	if v := a.json(t); v["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", v["openapi"])
	}
	d := c.get("/api/docs")
	html := string(d.body)
	if d.status != 200 || !strings.HasPrefix(d.header.Get("Content-Type"), "text/html") {
		t.Fatalf("docs: %d %s", d.status, d.header.Get("Content-Type"))
	}
	for _, want := range []string{
		`<html lang="fr">`, "/api/v1/territories/{code}", `id="problem-invalid"`, `id="schema-Territory"`,
		`id="getTerritory"`, "Retry-After", "kind=region",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("docs page lacks %q", want)
		}
	}
	for _, banned := range []string{"<script", "https://cdn", "http://cdn", "unpkg.com", "jsdelivr"} {
		if strings.Contains(html, banned) {
			t.Errorf("docs page uses %q; it must work offline and without JavaScript", banned)
		}
	}
	if r := c.get("/api"); r.status != 200 || !strings.Contains(string(r.body), "Civiscope API") {
		t.Errorf("/api does not lead to the docs: %d", r.status)
	}
}

// TestProblemTypesDocumented: every problem's type points to an anchor of
// the docs page.
func TestProblemTypesDocumented(t *testing.T) {
	c, _ := newClient(t, Config{})
	html := string(c.get("/api/docs").body)
	for _, code := range []string{"invalid", "not_found", "unauthorized", "forbidden", "too_many", "too_large", "internal", "unavailable", "method_not_allowed", "conflict"} {
		if !strings.Contains(html, `id="problem-`+code+`"`) {
			t.Errorf("docs page has no anchor for problem %s", code)
		}
	}
}

// TestContractCatchesBadResponses proves the response check is not
// vacuous: responses that break the document are reported.
func TestContractCatchesBadResponses(t *testing.T) {
	doc := testContract.load(t)
	req := httptest.NewRequest("GET", "/api/v1/territories/75056", nil)
	h := http.Header{"Content-Type": {"application/json"}, "Etag": {`"abc"`}, "Cache-Control": {"public"}}
	good := c75056(t)
	if err := checkResponse(doc, req, "/api/v1/territories/{code}", map[string]string{"code": "75056"}, 200, h, good); err != nil {
		t.Fatalf("a real answer fails the check: %v", err)
	}
	for name, body := range map[string]string{
		"missing name":     strings.Replace(string(good), `"name":"Paris",`, "", 1),
		"wrong type":       strings.Replace(string(good), `"historic":false`, `"historic":"no"`, 1),
		"unknown field":    strings.Replace(string(good), `"historic":false`, `"historic":false,"extra":1`, 1),
		"null not allowed": strings.Replace(string(good), `"name":"Paris"`, `"name":null`, 1),
		"bad enum":         strings.Replace(string(good), `"kind":"commune"`, `"kind":"village"`, 1),
	} {
		if body == string(good) {
			t.Fatalf("%s: the mutation did not apply", name)
		}
		if err := checkResponse(doc, req, "/api/v1/territories/{code}", map[string]string{"code": "75056"}, 200, h, []byte(body)); err == nil {
			t.Errorf("%s: the check accepted %s", name, body)
		}
	}
	noETag := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"public"}}
	if err := checkResponse(doc, req, "/api/v1/territories/{code}", nil, 200, noETag, good); err == nil {
		t.Error("a 200 without ETag passed the check")
	}
	if err := checkResponse(doc, req, "/api/v1/territories/{code}", nil, 418, h, good); err == nil {
		t.Error("an undocumented status passed the check")
	}
}

func c75056(t *testing.T) []byte {
	c, _ := newClient(t, Config{})
	a := c.get("/api/v1/territories/75056")
	if a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	return a.body
}

func TestHead(t *testing.T) {
	c, _ := newClient(t, Config{})
	get := c.get("/api/v1/territories/75056")
	head := c.do("HEAD", "/api/v1/territories/75056", "")
	if head.status != 200 || len(head.body) != 0 || head.header.Get("ETag") != get.header.Get("ETag") ||
		head.header.Get("Content-Length") != get.header.Get("Content-Length") {
		t.Errorf("HEAD: %d, %d bytes, ETag %q vs %q", head.status, len(head.body), head.header.Get("ETag"), get.header.Get("ETag"))
	}
}
