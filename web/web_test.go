package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/directory/directorytest"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/web"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) {
	pgtest.MainDBs(m, pgtest.DB{Name: "web", Template: directorytest.Template, Pool: &db},
		pgtest.DB{Name: "webcontrib", Template: territorytest.Template, Pool: &cdb})
}

// newServer serves the whole site on the package's database.
func newServer(t testing.TB) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(siteHandler(t, app.Deps{Web: web.Deps{Pool: db}}))
	t.Cleanup(srv.Close)
	return srv
}

// siteHandler is the whole site as `civiscope serve` builds it
// (app.Handler: server middleware, API and web), on d.Web.Pool (the
// package's database when nil), with a test log.
func siteHandler(t testing.TB, d app.Deps) http.Handler {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if d.Web.Pool == nil {
		d.Web.Pool = db
	}
	if d.Web.Log == nil {
		d.Web.Log = newTestLog()
	}
	if d.Web.Territories == nil {
		d.Web.Territories = territoryIndex(t, d.Web.Pool)
	}
	h, err := app.Handler(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// indexes are the territory name indexes of the test databases, loaded
// once each: the register does not change during the tests.
var indexes = struct {
	sync.Mutex
	m map[*pgxpool.Pool]*territory.Index
}{m: map[*pgxpool.Pool]*territory.Index{}}

func territoryIndex(t testing.TB, pool *pgxpool.Pool) *territory.Index {
	t.Helper()
	indexes.Lock()
	defer indexes.Unlock()
	if ix := indexes.m[pool]; ix != nil {
		return ix
	}
	ix, err := territory.LoadIndex(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	indexes.m[pool] = ix
	return ix
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t testing.TB, srv *httptest.Server, path string, cookies ...*http.Cookie) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

func mustContain(t testing.TB, path, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: body lacks %q", path, w)
		}
	}
}

// parse reads a page as a document, for assertions on its structure
// rather than on its bytes.
func parse(t testing.TB, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// untranslated catches a key the catalogue does not know: T renders it as
// "[key]".
func untranslated(t testing.TB, path, body string) {
	t.Helper()
	if i := strings.Index(body, "[territory."); i >= 0 {
		t.Errorf("%s: untranslated key near %q", path, body[i:min(len(body), i+60)])
	}
	for _, prefix := range []string{"[layout.", "[kind.", "[error.", "[pager.", "[home.", "[search.", "[tool.", "[compare.", "[vendor.", "[peers.", "[form.", "[kinds."} {
		if i := strings.Index(body, prefix); i >= 0 {
			t.Errorf("%s: untranslated key near %q", path, body[i:min(len(body), i+60)])
		}
	}
}

func TestSecurityHeadersOnEveryPage(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/", "/territoires", "/does-not-exist", "/static/site.css"} {
		r := get(t, srv, path)
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
		if r.header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: no Referrer-Policy", path)
		}
		if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") || strings.Contains(r.body, " onclick=") {
			t.Errorf("%s: inline script or style", path)
		}
	}
}

func TestLanguageSwitchWithoutJavaScript(t *testing.T) {
	srv := newServer(t)
	fr := get(t, srv, "/territoires")
	mustContain(t, "fr", fr.body, `<html lang="fr">`, "Aller au contenu", `hreflang="en" lang="en"`, "/langue/en?retour=%2Fterritoires")
	if fr.header.Get("Content-Language") != "fr" {
		t.Errorf("Content-Language %q", fr.header.Get("Content-Language"))
	}
	sw := get(t, srv, "/langue/en?retour=%2Fterritoires%3Fq%3Dlyon%26lang%3Dfr")
	if sw.status != http.StatusSeeOther || sw.header.Get("Location") != "/territoires?q=lyon" {
		t.Fatalf("switch: %d to %q", sw.status, sw.header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: sw.header}).Cookies() {
		if c.Name == "lang" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "en" {
		t.Fatal("switch set no lang cookie")
	}
	en := get(t, srv, "/territoires?q=lyon", cookie)
	mustContain(t, "en", en.body, `<html lang="en">`, "Skip to content", `hreflang="fr" lang="fr"`, "Results for")
	untranslated(t, "en", en.body)
	// An explicit ?lang= wins over the cookie, so shared links keep theirs.
	mustContain(t, "?lang=fr", get(t, srv, "/territoires?lang=fr", cookie).body, `<html lang="fr">`)
	// The return address cannot leave the site.
	for _, evil := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "/%09/evil.example", "/%0D%0A/evil.example", "%2F%2Fevil.example"} {
		r := get(t, srv, "/langue/fr?retour="+evil)
		if loc := r.header.Get("Location"); loc != "/" {
			t.Errorf("retour %q redirected to %q", evil, loc)
		}
	}
	if r := get(t, srv, "/langue/de"); r.status != http.StatusNotFound {
		t.Errorf("unknown language: %d", r.status)
	}
}

func TestErrorPages(t *testing.T) {
	srv := newServer(t)
	cases := []struct {
		path   string
		status int
		want   string
	}{
		{"/no-such-page", 404, "Page introuvable"},
		{"/territoires/commune/99999", 404, "Page introuvable"},
		{"/territoires/planete/1", 404, "Page introuvable"},
		{"/territoires/departement/33?page=0", 400, "Requête invalide"},
		{"/territoires/departement/33?page=999", 404, "Page introuvable"},
		{"/territoires?type=planete", 400, "valeur inconnue : « planete »"},
		{"/territoires?q=" + strings.Repeat("a", 300), 400, "trop long"},
		{"/comme-ma-collectivite?code=00000", 404, "Page introuvable"},
	}
	for _, c := range cases {
		r := get(t, srv, c.path)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d", c.path, r.status, c.status)
		}
		mustContain(t, c.path, r.body, c.want, `<main id="contenu"`)
	}
}

func TestTerritoryPagesForEveryKind(t *testing.T) {
	srv := newServer(t)
	cases := []struct {
		path  string
		wants []string
	}{
		// Bordeaux: a commune with its métropole, département and région.
		{"/territoires/commune/33063", []string{"<h1>Bordeaux", "Bordeaux Métropole", `href="/territoires/departement/33"`, `href="/territoires/region/75"`, "Collectivités comparables", "33000"}},
		{"/territoires/epci/243300316", []string{"Bordeaux Métropole", "Métropole", "Communes membres", "Mérignac"}},
		{"/territoires/ept/200057982", []string{"Communes membres"}},
		{"/territoires/departement/33", []string{"<h1>Gironde", "Communes membres (534)", "Intercommunalités du département", "Page suivante"}},
		{"/territoires/region/75", []string{"Nouvelle-Aquitaine", "Départements de la région (12)", "Gironde"}},
		{"/territoires/departement/2A", []string{"Corse-du-Sud"}},
	}
	for _, c := range cases {
		r := get(t, srv, c.path)
		if r.status != 200 {
			t.Errorf("%s: %d", c.path, r.status)
			continue
		}
		mustContain(t, c.path, r.body, c.wants...)
		untranslated(t, c.path, r.body)
	}
	// Page 2 of Gironde's communes keeps working and links back.
	r := get(t, srv, "/territoires/departement/33?page=2")
	mustContain(t, "page 2", r.body, "Page précédente", `rel="prev"`, "Résultats 51 à 100 sur 534")
}

func TestPeersFinder(t *testing.T) {
	srv := newServer(t)
	// A unique name goes straight to its peers.
	r := get(t, srv, "/comme-ma-collectivite?nom=Bagneux+92")
	mustContain(t, "bagneux", r.body, "Collectivités comparables à Bagneux", "20\u202f000 à 49\u202f999 hab.", "Suresnes")
	// Homonyms ask which one.
	r = get(t, srv, "/comme-ma-collectivite?nom=Saint-Denis")
	mustContain(t, "saint-denis", r.body, "Plusieurs communes portent ce nom", "code=93066")
	// Nothing found: a helpful empty state, not an error.
	r = get(t, srv, "/comme-ma-collectivite?nom=zzzzqqqq")
	if r.status != 200 {
		t.Errorf("no match: %d", r.status)
	}
	mustContain(t, "none", r.body, "Aucune commune ne correspond")
}

func TestCatalogueRejectsHalfTranslations(t *testing.T) {
	if _, err := web.NewCatalogue([]web.Message{{Key: "a", FR: "x"}}); err == nil {
		t.Error("a message without English was accepted")
	}
	if _, err := web.NewCatalogue([]web.Message{{"a", "x", "y"}}, []web.Message{{"a", "x", "y"}}); err == nil {
		t.Error("a duplicate key was accepted")
	}
	// One catalogue holds every part's messages.
	rd, err := web.NewRenderer(nil)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"contrib.mine.claims": "My listing claims", "survey.rates.group": "Group", "site.name": "Civiscope"} {
		if got := rd.Catalogue().T(web.EN, key); got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
}

func TestPickFallsBackToTheOtherLanguage(t *testing.T) {
	if l := web.Pick(web.EN, "Bonjour", ""); l.Text != "Bonjour" || !l.Fallback || l.Lang != web.FR {
		t.Errorf("fallback: %+v", l)
	}
	if l := web.Pick(web.EN, "Bonjour", "Hello"); l.Text != "Hello" || l.Fallback {
		t.Errorf("no fallback needed: %+v", l)
	}
	if got := web.FormatInt(web.FR, 1234567); got != "1\u202f234\u202f567" {
		t.Errorf("FR number %q", got)
	}
	if got := web.FormatInt(web.EN, 1234567); got != "1,234,567" {
		t.Errorf("EN number %q", got)
	}
}

func TestSuggestionsJSON(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/territoires/suggestions?q=bagneu&type=commune")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" || !strings.Contains(r.body, `"Bagneux 92"`) {
		t.Errorf("suggestions: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if r := get(t, srv, "/territoires/suggestions?q=b"); strings.TrimSpace(r.body) != "[]" {
		t.Errorf("one letter: %s", r.body)
	}
	if r := get(t, srv, "/territoires/suggestions?q=bagneux&type=planete"); r.status != 400 {
		t.Errorf("bad type: %d", r.status)
	}
}

// Every kind of territory renders, including overseas communes, those of
// the COM without a région and historic communes: a sample of 150 plus the
// edge cases, none may be a 500.
func TestTerritorySweep(t *testing.T) {
	srv := newServer(t)
	rows, err := db.Query(context.Background(), `(SELECT kind, code FROM territory ORDER BY md5(code) LIMIT 150)
		UNION (SELECT kind, code FROM territory WHERE zone = 'com' LIMIT 10)
		UNION (SELECT kind, code FROM territory WHERE historic LIMIT 5)
		UNION (SELECT kind, code FROM territory WHERE kind IN ('ept', 'region'))
		UNION (SELECT kind, code FROM territory WHERE population IS NULL LIMIT 5)`)
	if err != nil {
		t.Fatal(err)
	}
	type kc struct{ kind, code string }
	var all []kc
	for rows.Next() {
		var x kc
		if err := rows.Scan(&x.kind, &x.code); err != nil {
			t.Fatal(err)
		}
		all = append(all, x)
	}
	if len(all) < 150 {
		t.Fatalf("sample of %d", len(all))
	}
	for _, x := range all {
		path := "/territoires/" + x.kind + "/" + x.code
		r := get(t, srv, path)
		if r.status != 200 {
			t.Errorf("%s: %d", path, r.status)
			continue
		}
		untranslated(t, path, r.body)
	}
}
