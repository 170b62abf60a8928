package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/api"
	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/claim"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/outbound"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/web"
)

// cdb is the contributions tests' database: the register only, no seeded
// directory, so that their counts start from nothing (TestMain in web_test.go).
var cdb *pgxpool.Pool

var seq atomic.Int64

// site is the whole server (the public site and the contributors' pages) on
// a local port, as `civiscope serve` assembles it.
type site struct {
	URL string
}

func startSite(t *testing.T, d app.Deps) *site {
	t.Helper()
	srv := httptest.NewServer(contribHandler(t, d))
	t.Cleanup(srv.Close)
	return &site{URL: srv.URL}
}

// contribHandler is the whole site on the contributions' database, whose
// claims may fetch from local test servers.
func contribHandler(t *testing.T, d app.Deps) http.Handler {
	t.Helper()
	if d.Web.Pool == nil {
		d.Web.Pool = cdb
	}
	if d.Web.Log == nil {
		d.Web.Log = slog.New(slog.DiscardHandler)
	}
	if d.Web.Claims == nil {
		d.Web.Claims = &claim.Checker{Fetch: claim.CrawlerFetcher{F: fetch.New(fetch.Config{UserAgent: "test", Retries: 0, Timeout: 5 * time.Second, Outbound: outbound.New(outbound.AllowLoopback())}, nil)}}
	}
	return siteHandler(t, d)
}

// client is one visitor with a cookie jar, like a browser.
type client struct {
	email string // set by signup
	t     *testing.T
	site  *site
	http  *http.Client
}

func (s *site) visitor(t *testing.T) *client {
	jar := pgtest.Must(cookiejar.New(nil))(t)
	return &client{t: t, site: s, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

type page struct {
	Status int
	Body   string
	URL    string
	Header http.Header
}

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b := pgtest.Must(io.ReadAll(resp.Body))(c.t)
	return page{Status: resp.StatusCode, Body: string(b), URL: resp.Request.URL.Path + "?" + resp.Request.URL.RawQuery, Header: resp.Header}
}

func (c *client) get(path string) page {
	c.t.Helper()
	req := pgtest.Must(http.NewRequest(http.MethodGet, c.site.URL+path, nil))(c.t)
	return c.do(req)
}

// csrf is the token a form on the page would carry.
func (c *client) csrf() string {
	u := pgtest.Must(url.Parse(c.site.URL))(c.t)
	for _, k := range c.http.Jar.Cookies(u) {
		if k.Name == "csrf" {
			return k.Value
		}
	}
	return ""
}

// post submits a form the way the page's form would: after loading a page
// (for the CSRF cookie) and with the token.
func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	if c.csrf() == "" {
		c.get("/compte/connexion")
	}
	form.Set("csrf", c.csrf())
	return c.postRaw(path, form)
}

func (c *client) postRaw(path string, form url.Values) page {
	c.t.Helper()
	req := pgtest.Must(http.NewRequest(http.MethodPost, c.site.URL+path, strings.NewReader(form.Encode())))(c.t)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) signup(email string) {
	c.t.Helper()
	c.email = email
	p := c.post("/compte/inscription", url.Values{"email": {email}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}})
	if p.Status != 200 {
		c.t.Fatalf("sign-up of %s: %d at %s\n%s", email, p.Status, p.URL, p.Body)
	}
	c.confirm(email)
}

// confirm opens the confirmation link mailed to email.
func (c *client) confirm(email string) {
	c.t.Helper()
	link := confirmationLink(c.t, email)
	u := pgtest.Must(url.Parse(link))(c.t)
	if p := c.get(u.RequestURI()); p.Status != 200 || !strings.Contains(p.URL, "/compte") || !strings.Contains(p.Body, email) {
		c.t.Fatalf("confirmation of %s: %d at %s\n%s", email, p.Status, p.URL, p.Body)
	}
}

// confirmationLink reads the link of the last confirmation mail to email.
func confirmationLink(t *testing.T, email string) string {
	t.Helper()
	var body string
	if err := cdb.QueryRow(context.Background(), `SELECT body FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, email).Scan(&body); err != nil {
		t.Fatalf("no mail to %s: %v", email, err)
	}
	m := regexp.MustCompile(`\S*/compte/confirmer\?jeton=\S+`).FindString(body)
	if m == "" {
		t.Fatalf("no confirmation link in the mail to %s:\n%s", email, body)
	}
	return m
}

func (c *client) login(email, password string) page {
	c.t.Helper()
	return c.post("/compte/connexion", url.Values{"email": {email}, "password": {password}})
}

func uniq(prefix string) string {
	return fmt.Sprintf("%s%d-%d", prefix, seq.Add(1), time.Now().UnixNano()%1e6)
}

func newModerator(t *testing.T, s *site) *client {
	t.Helper()
	email := uniq("mod") + "@example.org"
	if _, err := account.Create(context.Background(), cdb, account.NewUser{Email: email, Password: "moderator password", Role: account.RoleModerator}); err != nil {
		t.Fatal(err)
	}
	m := s.visitor(t)
	if p := m.login(email, "moderator password"); p.Status != 200 {
		t.Fatalf("moderator login: %d", p.Status)
	}
	return m
}

const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`

func TestSignUpProposeApproveVisible(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	v := s.visitor(t)
	if p := v.get("/contribuer/outil"); !strings.Contains(p.URL, "/compte/connexion") {
		t.Fatalf("proposing needs an account, got %s", p.URL)
	}
	v.signup(uniq("alice") + "@example.org")
	name := uniq("Civic Agora ")
	form := url.Values{"name": {name}, "website": {"https://" + strings.ReplaceAll(strings.ToLower(name), " ", "-") + ".example/"},
		"tagline_fr": {"Consulter " + xss}, "description_fr": {xss}, "categories": {"consultation", "deliberation"},
		"business_model": {"saas"}, "hosting": {"france"}, "vendor_name": {name + " SAS"}, "note": {xss}}
	p := v.post("/contribuer/outil", form)
	if p.Status != 200 || !strings.Contains(p.URL, "envoye=") || !strings.Contains(p.Body, "en attente") {
		t.Fatalf("proposal: %d %s\n%s", p.Status, p.URL, p.Body)
	}
	slug := strings.ReplaceAll(strings.ToLower(name), " ", "-")
	if p := v.get("/outils/" + slug); p.Status != 404 {
		t.Fatalf("the tool is public before moderation: %d", p.Status)
	}
	// A contributor cannot reach the queue.
	if p := v.get("/moderation"); p.Status != 403 {
		t.Fatalf("contributor on the queue: %d", p.Status)
	}
	m := newModerator(t, s)
	q := m.get("/moderation")
	id := regexp.MustCompile(`/moderation/propositions/(\d+)">n° \d+ — ` + regexp.QuoteMeta(name)).FindStringSubmatch(q.Body)
	if q.Status != 200 || id == nil {
		t.Fatalf("queue does not list the proposal:\n%s", q.Body)
	}
	d := m.get("/moderation/propositions/" + id[1])
	if strings.Contains(d.Body, "<script>alert") || strings.Contains(d.Body, "<img src=x") {
		t.Fatal("script payload rendered live on the proposal page")
	}
	if !strings.Contains(d.Body, "&lt;script&gt;alert") || !strings.Contains(d.Body, `<th scope="row">Accroche en français</th>`) {
		t.Fatalf("the diff must show the payload as text, field by field:\n%s", d.Body)
	}
	// Rejecting needs a reason: the form comes back with the message.
	if p := m.post("/moderation/propositions/"+id[1]+"/decision", url.Values{"decision": {"reject"}}); p.Status != 400 || !strings.Contains(p.Body, "dites pourquoi") {
		t.Fatalf("reject without reason: %d", p.Status)
	}
	if p := m.post("/moderation/propositions/"+id[1]+"/decision", url.Values{"decision": {"approve"}, "reason": {"checked"}}); p.Status != 200 || !strings.Contains(p.URL, "/moderation") {
		t.Fatalf("approve: %d %s\n%s", p.Status, p.URL, p.Body)
	}
	tp := v.get("/outils/" + slug)
	if tp.Status != 200 || !strings.Contains(tp.Body, name) {
		t.Fatalf("approved tool not visible: %d\n%s", tp.Status, tp.Body)
	}
	if strings.Contains(tp.Body, "<script>alert") || strings.Contains(tp.Body, "<img src=x") {
		t.Fatal("script payload rendered live on the tool page")
	}
	var mail string
	if err := cdb.QueryRow(context.Background(), `SELECT subject FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, v.email).Scan(&mail); err != nil || !strings.Contains(mail, "acceptée") {
		t.Fatalf("the submitter must be told by mail: %q %v", mail, err)
	}
	mine := v.get("/contribuer/mes-propositions")
	if !strings.Contains(mine.Body, "acceptée") || strings.Contains(mine.Body, "<script>alert") {
		t.Fatalf("submitter's status page:\n%s", mine.Body)
	}
	// The revision page shows the creation, with the submitter's name.
	tool, err := directory.GetTool(context.Background(), cdb, slug)
	if err != nil {
		t.Fatal(err)
	}
	h := v.get(fmt.Sprintf("/historique/outil/%d", tool.ID))
	if h.Status != 200 || !strings.Contains(h.Body, "création") || strings.Contains(h.Body, "<script>alert") {
		t.Fatalf("history page: %d\n%s", h.Status, h.Body)
	}
}

func TestCSRFAndCookies(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	v := s.visitor(t)
	email := uniq("csrf") + "@example.org"
	v.signup(email)
	// No token at all.
	p := v.postRaw("/contribuer/outil", url.Values{"name": {"No token"}, "website": {"https://notoken.example"}, "categories": {"consultation"}})
	if p.Status != 403 || !strings.Contains(p.Body, "Action refusée") {
		t.Fatalf("CSRF-less POST: %d", p.Status)
	}
	// A wrong token.
	if p := v.postRaw("/compte/deconnexion", url.Values{"csrf": {"forged-forged-forged-forged-forged-forged"}}); p.Status != 403 {
		t.Fatalf("forged token: %d", p.Status)
	}
	if p := v.get("/compte"); p.Status != 200 || !strings.Contains(p.Body, email) {
		t.Fatal("the forged logout logged the user out")
	}
	// A browser's cross-site POST, even carrying the token, is refused.
	req := pgtest.Must(http.NewRequest(http.MethodPost, s.URL+"/compte/deconnexion", strings.NewReader(url.Values{"csrf": {v.csrf()}}.Encode())))(t)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if p := v.do(req); p.Status != 403 {
		t.Fatalf("cross-site POST: %d", p.Status)
	}
	// Cookie attributes.
	resp, err := http.Get(s.URL + "/compte/connexion")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sc := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") || strings.Contains(sc, "Secure") {
		t.Fatalf("cookies over http: %s", sc)
	}
	https := startSite(t, app.Deps{Web: web.Deps{PublicURL: "https://civiscope.example"}})
	resp, err = http.Get(https.URL + "/compte/connexion")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sc = strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	if !strings.Contains(sc, "__Host-csrf=") || !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") {
		t.Fatalf("cookies behind https: %s", sc)
	}
}

func TestLoginThrottledWith429(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	v := s.visitor(t)
	email := uniq("thr") + "@example.org"
	v.signup(email)
	w := s.visitor(t)
	for i := 0; i < account.MaxPairFailures; i++ {
		if p := w.login(email, "wrong password!"); p.Status != 401 || !strings.Contains(p.Body, "Adresse électronique ou mot de passe incorrect") {
			t.Fatalf("failure %d: %d", i, p.Status)
		}
	}
	p := w.login(email, "correct horse battery")
	if p.Status != 429 || p.Header.Get("Retry-After") == "" {
		t.Fatalf("throttled login: %d, Retry-After %q", p.Status, p.Header.Get("Retry-After"))
	}
}

func TestPasswordResetByOutbox(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	v := s.visitor(t)
	email := uniq("reset") + "@example.org"
	v.signup(email)
	anon := s.visitor(t)
	if p := anon.post("/compte/mot-de-passe-oublie", url.Values{"email": {email}}); p.Status != 200 || !strings.Contains(p.Body, "Si un compte existe") {
		t.Fatalf("reset request: %d", p.Status)
	}
	var body string
	if err := cdb.QueryRow(context.Background(), `SELECT body FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, email).Scan(&body); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/compte/reinitialiser\?jeton=([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in %q", body)
	}
	if p := anon.get("/compte/reinitialiser?jeton=" + m[1]); p.Status != 200 || !strings.Contains(p.Body, m[1]) {
		t.Fatalf("reset page: %d", p.Status)
	}
	p := anon.post("/compte/reinitialiser", url.Values{"jeton": {m[1]}, "password": {"a new long password"}, "password2": {"a new long password"}})
	if p.Status != 200 || !strings.Contains(p.Body, email) {
		t.Fatalf("reset: %d %s", p.Status, p.URL)
	}
	again := s.visitor(t).post("/compte/reinitialiser", url.Values{"jeton": {m[1]}, "password": {"another password!"}, "password2": {"another password!"}})
	if again.Status != 400 || !strings.Contains(again.Body, "n’est plus valable") {
		t.Fatalf("reused token: %d", again.Status)
	}
	// The admin reads the outbox; a moderator may not.
	admin := uniq("admin") + "@example.org"
	if _, err := account.Create(context.Background(), cdb, account.NewUser{Email: admin, Password: "admin password!", Role: account.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	a := s.visitor(t)
	a.login(admin, "admin password!")
	if p := a.get("/moderation/courriels"); p.Status != 200 || !strings.Contains(p.Body, email) {
		t.Fatalf("outbox page: %d", p.Status)
	}
	if p := newModerator(t, s).get("/moderation/courriels"); p.Status != 403 {
		t.Fatalf("outbox for a moderator: %d", p.Status)
	}
}

func TestBadInputIsExplained(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	v := s.visitor(t)
	v.signup(uniq("bad") + "@example.org")
	long := strings.Repeat("é", 201)
	p := v.post("/contribuer/outil", url.Values{"name": {"Bad input tool"}, "website": {"javascript:alert(1)"},
		"tagline_fr": {long}, "categories": {"consultation"}, "description_fr": {"kept text"}})
	if p.Status != 400 || !strings.Contains(p.Body, "doit être une adresse web complète") || !strings.Contains(p.Body, "trop long : 201 caractères, 200 au plus") {
		t.Fatalf("bad input: %d\n%s", p.Status, p.Body)
	}
	if !strings.Contains(p.Body, ">kept text</textarea>") {
		t.Fatal("the form lost what was typed")
	}
	// A body over the limit.
	p = v.post("/contribuer/outil", url.Values{"description_fr": {strings.Repeat("x", 70<<10)}})
	if p.Status != 413 {
		t.Fatalf("oversize body: %d", p.Status)
	}
	// The honeypot.
	p = v.post("/contribuer/outil", url.Values{"name": {"Bot tool"}, "website": {"https://bot.example"}, "categories": {"consultation"}, "site_web": {"http://spam.example"}})
	if p.Status != 400 {
		t.Fatalf("honeypot: %d", p.Status)
	}
	var n int
	pgtest.QueryRow(t, cdb, `SELECT count(*) FROM proposal WHERE title = 'Bot tool'`).Scan(&n)
	if n != 0 {
		t.Fatal("a bot's proposal was stored")
	}
	// Duplicates suggest the listing.
	existing := &directory.Tool{Slug: uniq("dup-tool-"), Name: uniq("Dup Tool "), Categories: []string{"consultation"}, Website: "https://" + uniq("dup") + ".example"}
	if err := directory.CreateTool(context.Background(), cdb, existing, directory.By{Actor: "curator:test"}); err != nil {
		t.Fatal(err)
	}
	p = v.post("/contribuer/outil", url.Values{"name": {strings.ToUpper(existing.Name)}, "website": {"https://else.example"}, "categories": {"consultation"}})
	if p.Status != 409 || !strings.Contains(p.Body, `href="/outils/`+existing.Slug+`"`) || !strings.Contains(p.Body, "not_duplicate") {
		t.Fatalf("duplicate: %d\n%s", p.Status, p.Body)
	}
}

func TestRateLimitPerIP(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{Web: web.Deps{IPLimit: 0.01, IPBurst: 3}})
	v := s.visitor(t)
	var last page
	for i := 0; i < 4; i++ {
		last = v.post("/compte/connexion", url.Values{"email": {"x@example.org"}, "password": {"whatever123"}})
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("4th POST with a burst of 3: %d, Retry-After %q", last.Status, last.Header.Get("Retry-After"))
	}
	// A moderator on the same address is checked by a bucket of their own,
	// more generous (decisions come in bursts, and are audited), and does
	// not use up the address's. (Logging in is a POST like any other, so
	// the session is opened directly.)
	s = startSite(t, app.Deps{Web: web.Deps{IPLimit: 0.01, IPBurst: 3}})
	m := newModerator(t, s)
	for i := 0; i < 5; i++ {
		// An agent decision naming nobody: refused as invalid, never as 429.
		if p := m.post("/moderation/agents", url.Values{"decision": {"approve"}}); p.Status != 400 {
			t.Fatalf("moderator's POST %d: %d", i, p.Status)
		}
	}
	if p := s.visitor(t).post("/compte/connexion", url.Values{"email": {"x@example.org"}, "password": {"whatever123"}}); p.Status == 429 {
		t.Fatalf("a moderator's requests used up the address's bucket: %d", p.Status)
	}
}

// Behind a reverse proxy (API_TRUST_PROXY) every visitor arrives from the
// proxy's address: the form throttle must count the address the proxy saw,
// as the API does, or one visitor's mistakes block everyone.
func TestFormThrottleTrustsTheProxy(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{Web: web.Deps{IPLimit: 0.01, IPBurst: 3}, API: api.Config{TrustProxy: true}})
	from := func(ip string) page {
		v := s.visitor(t)
		v.get("/compte/connexion")
		form := url.Values{"email": {"x@example.org"}, "password": {"whatever123"}, "csrf": {v.csrf()}}
		req := pgtest.Must(http.NewRequest(http.MethodPost, s.URL+"/compte/connexion", strings.NewReader(form.Encode())))(t)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		return v.do(req)
	}
	for i := 0; i < 4; i++ {
		from("203.0.113.10")
	}
	if p := from("203.0.113.10"); p.Status != 429 {
		t.Errorf("the noisy client behind the proxy: %d, want 429", p.Status)
	}
	if p := from("198.51.100.20"); p.Status == 429 {
		t.Errorf("another client behind the same proxy was throttled: %d", p.Status)
	}
}

func TestClaimByMetaTagOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var meta atomic.Value
	meta.Store("")
	vendorSite := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<html><head>%s</head><body>vendor</body></html>", meta.Load())
	}))
	defer vendorSite.Close()
	vd := &directory.Vendor{Slug: uniq("claim-vendor-"), Name: "Claim Vendor"}
	by := directory.By{Actor: "curator:test"}
	if err := directory.CreateVendor(ctx, cdb, vd, by); err != nil {
		t.Fatal(err)
	}
	tool := &directory.Tool{Slug: uniq("claimed-"), Name: uniq("Claimed "), Categories: []string{"consultation"}, Website: vendorSite.URL + "/", VendorID: vd.ID}
	if err := directory.CreateTool(ctx, cdb, tool, by); err != nil {
		t.Fatal(err)
	}
	s := startSite(t, app.Deps{})
	v := s.visitor(t)
	v.signup(uniq("vendor") + "@example.org")
	p := v.post("/contribuer/outils/"+tool.Slug+"/revendiquer", url.Values{})
	code := regexp.MustCompile(`content=&#34;([A-Za-z0-9_-]{20,})&#34;`).FindStringSubmatch(p.Body)
	if p.Status != 200 || code == nil {
		t.Fatalf("claim page: %d\n%s", p.Status, p.Body)
	}
	action := regexp.MustCompile(`action="(/revendications/\d+/verifier)"`).FindStringSubmatch(p.Body)
	if f := v.post(action[1], url.Values{}); f.Status != 400 || !strings.Contains(f.Body, "aucune balise meta civiscope-verification") {
		t.Fatalf("check without the tag: %d\n%s", f.Status, f.Body)
	}
	meta.Store(`<meta name="civiscope-verification" content="` + code[1] + `">`)
	if _, err := cdb.Exec(ctx, `UPDATE listing_claim SET checked_at = NULL`); err != nil {
		t.Fatal(err)
	}
	ok := v.post(action[1], url.Values{})
	if ok.Status != 200 || !strings.Contains(ok.Body, "Fiche revendiquée") {
		t.Fatalf("check with the tag: %d\n%s", ok.Status, ok.Body)
	}
	acc := v.get("/compte")
	if !strings.Contains(acc.Body, "Claim Vendor") {
		t.Fatal("the account page does not show the vendor membership")
	}
}

func TestRevertFromHistoryAndDeleteAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startSite(t, app.Deps{})
	v := s.visitor(t)
	email := uniq("editor") + "@example.org"
	v.signup(email)
	tool := &directory.Tool{Slug: uniq("hist-"), Name: uniq("Hist "), TaglineFR: "Avant", Categories: []string{"consultation"}}
	if err := directory.CreateTool(ctx, cdb, tool, directory.By{Actor: "curator:test"}); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"name": {tool.Name}, "tagline_fr": {"Après " + xss}, "categories": {"consultation"},
		"business_model": {"unknown"}, "hosting": {"unknown"}, "lifecycle": {"unknown"}}
	if p := v.post("/contribuer/outils/"+tool.Slug+"/modifier", form); p.Status != 200 || !strings.Contains(p.URL, "envoye=") {
		t.Fatalf("edit proposal: %d\n%s", p.Status, p.Body)
	}
	m := newModerator(t, s)
	q := m.get("/moderation?type=tool-edit")
	id := regexp.MustCompile(`/moderation/propositions/(\d+)">n° \d+ — ` + regexp.QuoteMeta(tool.Name)).FindStringSubmatch(q.Body)
	if id == nil {
		t.Fatalf("edit not queued:\n%s", q.Body)
	}
	d := m.get("/moderation/propositions/" + id[1])
	if !strings.Contains(d.Body, "<del>Avant</del>") || strings.Contains(d.Body, "<script>alert") {
		t.Fatalf("edit diff:\n%s", d.Body)
	}
	m.post("/moderation/propositions/"+id[1]+"/decision", url.Values{"decision": {"approve"}})
	h := m.get(fmt.Sprintf("/historique/outil/%d", tool.ID))
	rev := regexp.MustCompile(`action="(/historique/revisions/\d+/annuler)"`).FindStringSubmatch(h.Body)
	if rev == nil || strings.Contains(h.Body, "<script>alert") {
		t.Fatalf("history for a moderator:\n%s", h.Body)
	}
	if p := m.post(rev[1], url.Values{}); p.Status != 400 || !strings.Contains(p.Body, "dites pourquoi") {
		t.Fatalf("revert without reason: %d", p.Status)
	}
	if p := m.post(rev[1], url.Values{"reason": {"not better"}}); p.Status != 200 {
		t.Fatalf("revert: %d", p.Status)
	}
	after := pgtest.Must(directory.GetTool(ctx, cdb, tool.Slug))(t)
	if after.TaglineFR != "Avant" {
		t.Fatalf("after revert: %q", after.TaglineFR)
	}
	// Contributors see the history but no revert button.
	if hv := v.get(fmt.Sprintf("/historique/outil/%d", tool.ID)); strings.Contains(hv.Body, "/annuler") {
		t.Fatal("a contributor is offered the revert")
	}
	// GDPR deletion from the account page.
	if p := v.post("/compte/supprimer", url.Values{"confirm": {"someone@else.org"}}); p.Status != 400 {
		t.Fatalf("deletion without the right confirmation: %d", p.Status)
	}
	if p := v.post("/compte/supprimer", url.Values{"confirm": {email}}); p.Status != 200 {
		t.Fatalf("deletion: %d", p.Status)
	}
	if p := v.get("/compte"); !strings.Contains(p.URL, "/compte/connexion") {
		t.Fatal("still logged in after deletion")
	}
	hv := m.get(fmt.Sprintf("/historique/outil/%d", tool.ID))
	if !strings.Contains(hv.Body, "utilisateur supprimé") {
		t.Fatalf("the deleted user's revision is not shown as such:\n%s", hv.Body)
	}
}

func TestAgentsAndAdoptionDeclaration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startSite(t, app.Deps{})
	tool := &directory.Tool{Slug: uniq("declared-"), Name: uniq("Declared Tool "), Categories: []string{"participatory-budgeting"}}
	if err := directory.CreateTool(ctx, cdb, tool, directory.By{Actor: "curator:test"}); err != nil {
		t.Fatal(err)
	}
	// A clerk whose address is not (yet) known to belong to Lyon.
	clerk := s.visitor(t)
	domain := uniq("mairie") + ".example"
	clerk.signup("clerk@" + domain)
	p := clerk.post("/compte/agent", url.Values{"territory": {"Saint-Denis"}})
	if p.Status != 400 || !strings.Contains(p.Body, `name="territory_id"`) {
		t.Fatalf("homonyms must be offered as a choice: %d\n%s", p.Status, p.Body)
	}
	if p := clerk.post("/compte/agent", url.Values{"territory": {"Lyon"}}); p.Status != 200 || !strings.Contains(p.Body, "Lyon (commune 69123) : en attente") {
		t.Fatalf("agent request: %d\n%s", p.Status, p.Body)
	}
	m := newModerator(t, s)
	ag := m.get("/moderation/agents")
	if !strings.Contains(ag.Body, "clerk@"+domain) {
		t.Fatalf("pending agents page:\n%s", ag.Body)
	}
	var lyon int64
	if err := cdb.QueryRow(ctx, `SELECT id FROM territory WHERE kind = 'commune' AND code = '69123'`).Scan(&lyon); err != nil {
		t.Fatal(err)
	}
	clerkID := mustUser(t, "clerk@"+domain)
	if p := m.post("/moderation/agents", url.Values{"user_id": {fmt.Sprint(clerkID)}, "territory_id": {fmt.Sprint(lyon)},
		"decision": {"approve"}, "remember_domain": {"1"}}); p.Status != 200 {
		t.Fatalf("approve agent: %d", p.Status)
	}
	// A colleague on the same domain is approved at once.
	colleague := s.visitor(t)
	colleague.signup("colleague@" + domain)
	if p := colleague.post("/compte/agent", url.Values{"territory": {"Lyon"}}); !strings.Contains(p.Body, "Lyon (commune 69123) : acceptée") {
		t.Fatalf("colleague on the known domain:\n%s", p.Body)
	}
	// The approved agent declares an adoption; a moderator publishes it.
	p = clerk.post("/contribuer/adoption", url.Values{"tool": {strings.ToLower(tool.Name)}, "territory": {"Lyon"},
		"instance_url": {"https://budget.lyon.example/"}, "since": {"2022-05"}, "note": {xss}})
	if p.Status != 200 || !strings.Contains(p.URL, "envoye=") {
		t.Fatalf("declaration: %d\n%s", p.Status, p.Body)
	}
	bad := clerk.post("/contribuer/adoption", url.Values{"tool": {"No such tool at all"}, "territory": {"Lyon"}, "instance_url": {"ftp://x"}})
	if bad.Status != 400 || !strings.Contains(bad.Body, "proposez d’abord l’outil") {
		t.Fatalf("unknown tool: %d", bad.Status)
	}
	q := m.get("/moderation?type=adoption")
	id := regexp.MustCompile(`/moderation/propositions/(\d+)">n° \d+ — Lyon → ` + regexp.QuoteMeta(tool.Name)).FindStringSubmatch(q.Body)
	if id == nil {
		t.Fatalf("declaration not queued:\n%s", q.Body)
	}
	d := m.get("/moderation/propositions/" + id[1])
	if !strings.Contains(d.Body, "Déclarée par un agent de la collectivité") || strings.Contains(d.Body, "<script>alert") {
		t.Fatalf("declaration page:\n%s", d.Body)
	}
	m.post("/moderation/propositions/"+id[1]+"/decision", url.Values{"decision": {"approve"}})
	var n int
	if err := cdb.QueryRow(ctx, `SELECT count(*) FROM adoption WHERE tool_id = $1 AND territory_id = $2 AND started_on = '2022-05-01'`, tool.ID, lyon).Scan(&n); err != nil || n != 1 {
		t.Fatalf("adoption after approval: %d %v", n, err)
	}
	log := m.get("/moderation/journal")
	if !strings.Contains(log.Body, "agent de collectivité accepté") || !strings.Contains(log.Body, "n° "+id[1]) {
		t.Fatalf("audit log page:\n%s", log.Body)
	}
}

func TestRateLimitPerAccount(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{Web: web.Deps{IPBurst: 100}})
	v := s.visitor(t)
	v.signup(uniq("flood") + "@example.org")
	var last page
	for i := 0; i <= moderation.MaxPerHour; i++ {
		n := uniq("Flood ")
		last = v.post("/contribuer/outil", url.Values{"name": {n}, "website": {"https://" + strings.ReplaceAll(strings.ToLower(n), " ", "-") + ".example"}, "categories": {"consultation"}})
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" || !strings.Contains(last.Body, "la limite") {
		t.Fatalf("proposal %d within the hour: %d, Retry-After %q", moderation.MaxPerHour+1, last.Status, last.Header.Get("Retry-After"))
	}
}

// Signing up with an address that has an account answers exactly as with a
// new one, so the form does not tell who is registered (issue 18): both get
// the same page and no session; the mailbox gets either a confirmation link
// or a notice for the owner.
func TestSignUpRevealsNoAccount(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	taken := uniq("taken") + "@example.org"
	s.visitor(t).signup(taken)
	answer := func(email string) page {
		v := s.visitor(t)
		p := v.post("/compte/inscription", url.Values{"email": {email}, "password": {"another horse battery"}, "password2": {"another horse battery"}})
		if cookie := p.Header.Get("Set-Cookie"); strings.Contains(cookie, "session=") {
			t.Errorf("sign-up of %s opened a session before the address was confirmed", email)
		}
		return p
	}
	fresh := uniq("fresh") + "@example.org"
	a, b := answer(taken), answer(fresh)
	norm := func(p page, email string) string { return strings.ReplaceAll(p.Body, email, "EMAIL") }
	if a.Status != b.Status || a.URL != b.URL || norm(a, taken) != norm(b, fresh) {
		t.Fatalf("sign-up answers differ: taken %d at %s, fresh %d at %s", a.Status, a.URL, b.Status, b.URL)
	}
	var notice string
	if err := cdb.QueryRow(context.Background(), `SELECT body FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, taken).Scan(&notice); err != nil || !strings.Contains(notice, "/compte/mot-de-passe-oublie") {
		t.Errorf("the owner of the taken address must be told, with the way to reset: %q %v", notice, err)
	}
	// The new address logs in only through its confirmation link.
	if p := s.visitor(t).login(fresh, "another horse battery"); p.Status != 401 {
		t.Errorf("login before confirmation: %d", p.Status)
	}
	v := s.visitor(t)
	v.confirm(fresh)
	if p := v.get("/compte"); p.Status != 200 || !strings.Contains(p.Body, fresh) {
		t.Errorf("after the confirmation link: %d", p.Status)
	}
	if p := s.visitor(t).login(fresh, "another horse battery"); p.Status != 200 {
		t.Errorf("login after confirmation: %d", p.Status)
	}
}

// After login, ?retour= may only lead to a page of this site (issue 18:
// "/%09/evil.example" reached the Location header, and browsers drop tabs).
func TestLoginReturnStaysOnSite(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	email := uniq("retour") + "@example.org"
	s.visitor(t).signup(email)
	for _, evil := range []string{"/\t/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"} {
		v := s.visitor(t)
		v.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		p := v.post("/compte/connexion", url.Values{"email": {email}, "password": {"correct horse battery"}, "retour": {evil}})
		if loc := p.Header.Get("Location"); p.Status != http.StatusSeeOther || loc != "/compte" {
			t.Errorf("retour %q: %d to %q, want /compte", evil, p.Status, loc)
		}
	}
}
