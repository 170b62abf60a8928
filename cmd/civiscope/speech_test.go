package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/civiscope/civiscope/account"
)

// Phrases that give away a message of the other language: the domain's
// English validator phrases and field ids, and the catalogue's French.
var (
	englishOnFrench = regexp.MustCompile(`(?i)\b(is required|fields? (are|is) invalid|invalid input|is too (long|short)|must be|is not an?|choose at least|unknown|not found|there is no|no such|whole number|not published|out of range|value refused|need correcting|the request has an error)\b`)
	fieldIDs        = regexp.MustCompile(`\b(name|website|categories|business_model|tagline_fr|tagline_en|description_fr|description_en|territory_id|tool_id|vendor_id|instance_url|password2|display_name|founded_year|started_on|from|to)\b`)
	frenchOnEnglish = regexp.MustCompile(`(?i)(obligatoire|à corriger|trop (long|court)|doit être|valeur (inconnue|refusée)|n[’']existe pas|n[’']est pas|rechargez|la demande contient|choisissez|aucune? |il n[’']y a pas)`)
)

// TestNoPageSpeaksTheOtherLanguage walks the main pages, their error pages
// and the forms with invalid input, through serve's wiring, in French and
// in English, and reads each page's visible text: a French page must show
// no English validator phrase and no internal field id, an English page no
// French message.
func TestNoPageSpeaksTheOtherLanguage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, _, _ := testApp("127.0.0.1:0")
	bg := newBackground(ctx, a.Log)
	defer bg.Wait()
	defer cancel()
	h, err := a.handler(ctx, db, nil, bg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	if _, err := db.Exec(ctx, `INSERT INTO tool (slug, name) VALUES ('parole-test', 'Parole Test') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("parole%d@example.org", time.Now().UnixNano())
	if _, err := account.Create(ctx, db, account.NewUser{Email: email, Password: "moderator password", Role: account.RoleModerator}); err != nil {
		t.Fatal(err)
	}

	pages := []string{
		"/", "/territoires", "/territoires/commune/69123", "/comme-ma-collectivite", "/comparer", "/outils/parole-test",
		"/recherche?q=participation", "/rapports/", "/rapports/adoptions/region", "/rapports/survie", "/rapports/parts",
		"/rapports/flux", "/rapports/donnees", "/compte/inscription", "/compte/connexion", "/compte/mot-de-passe-oublie",
		// Error pages of public pages, from the domain's own errors.
		"/rapports/barometre/2019", "/rapports/barometre/1850", "/rapports/barometre/deux", "/rapports/barometre/2030?par=colour",
		"/rapports/adoptions/colour", "/rapports/adoptions/year?from=soon&region=x&departement=y&kind=z",
		"/rapports/adoptions/year?from=2020&to=2010", "/rapports/adoptions/year?tool=inexistant", "/rapports/survie?cohorte=abc",
		"/rapports/survie?cohorte=90", "/rapports/parts?bracket=99", "/rapports/donnees/inexistant/latest/x.csv",
		"/territoires/planete/1", "/territoires/commune/00000", "/recherche?page=0", "/comme-ma-collectivite?tri=bogus",
		"/comparer?outil=a&outil=b&outil=c&outil=d&outil=e", "/outils/inexistant",
	}
	signedIn := []string{"/compte", "/contribuer/outil", "/contribuer/adoption", "/contribuer/mes-propositions",
		"/moderation", "/moderation/agents", "/moderation/journal", "/moderation?statut=bogus",
		"/moderation/barometre", "/moderation/barometre/2099/apercu/", "/moderation/barometre/deux/apercu/etape/1"}
	forms := []struct {
		path string
		form url.Values
	}{
		{"/contribuer/outil", url.Values{"website": {"ftp://files.example/"}, "tagline_fr": {strings.Repeat("é", 201)}, "business_model": {"bogus"}}},
		{"/contribuer/adoption", url.Values{"tool": {"Outil inexistant"}, "territory": {"Nulle-part-sur-mer"}, "instance_url": {"pas une adresse"}, "started_on": {"hier"}}},
		{"/compte/inscription", url.Values{"email": {"nobody"}, "password": {"short"}, "password2": {"other"}}},
		{"/compte/mot-de-passe-oublie", url.Values{"email": {""}}},
		{"/compte/connexion", url.Values{"email": {email}, "password": {"wrong password"}}},
	}

	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
			u, _ := url.Parse(srv.URL)
			jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
			get := func(path string) *goquery.Document {
				t.Helper()
				res, err := c.Get(srv.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				return readPage(t, "GET "+path, res)
			}
			post := func(path string, form url.Values) *goquery.Document {
				t.Helper()
				form.Set("csrf", csrfOf(jar, u))
				res, err := c.PostForm(srv.URL+path, form)
				if err != nil {
					t.Fatal(err)
				}
				return readPage(t, "POST "+path, res)
			}
			check := func(what string, d *goquery.Document) {
				t.Helper()
				if got := d.Find("html").AttrOr("lang", ""); got != lang {
					t.Errorf("%s: html lang %q", what, got)
				}
				text := visibleText(d, lang)
				if lang == "fr" {
					if m := englishOnFrench.FindString(text); m != "" {
						t.Errorf("%s: English %q on a French page:\n%s", what, m, excerpt(text, m))
					}
					if m := fieldIDs.FindString(text); m != "" {
						t.Errorf("%s: field id %q on a French page:\n%s", what, m, excerpt(text, m))
					}
				} else if m := frenchOnEnglish.FindString(text); m != "" {
					t.Errorf("%s: French %q on an English page:\n%s", what, m, excerpt(text, m))
				}
			}
			for _, p := range pages {
				check("GET "+p, get(p))
			}
			for _, f := range forms[2:] {
				check("POST "+f.path, post(f.path, f.form))
			}
			if d := post("/compte/connexion", url.Values{"email": {email}, "password": {"moderator password"}}); d.Find("form[action='/compte/deconnexion']").Length() == 0 {
				t.Fatalf("the moderator could not log in:\n%.600s", visibleText(d, lang))
			}
			for _, p := range signedIn {
				check("GET "+p, get(p))
			}
			for _, f := range forms[:2] {
				d := post(f.path, f.form)
				if d.Find("#problem, .error-summary, [role=alert]").Length() == 0 {
					t.Errorf("POST %s: no error summary for invalid input", f.path)
				}
				check("POST "+f.path, d)
			}
		})
	}
}

func readPage(t *testing.T, what string, res *http.Response) *goquery.Document {
	t.Helper()
	defer res.Body.Close()
	if res.StatusCode >= 500 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("%s: %d\n%.500s", what, res.StatusCode, b)
	}
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return d
}

func csrfOf(jar http.CookieJar, u *url.URL) string {
	for _, k := range jar.Cookies(u) {
		if k.Name == "csrf" {
			return k.Value
		}
	}
	return ""
}

// visibleText is the text a reader sees in the page's language: the body
// without scripts and styles, and without the parts marked as another
// language (the language switch, a quotation).
func visibleText(d *goquery.Document, lang string) string {
	body := d.Find("body").Clone()
	body.Find("script, style, template").Remove()
	body.Find("[lang]").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.AttrOr("lang", "") != lang
	}).Remove()
	body.Find("[hidden], [aria-hidden=true]").Remove()
	return strings.Join(strings.Fields(body.Text()), " ")
}

func excerpt(text, m string) string {
	i := strings.Index(text, m)
	lo, hi := max(0, i-150), min(len(text), i+len(m)+150)
	return "…" + text[lo:hi] + "…"
}
