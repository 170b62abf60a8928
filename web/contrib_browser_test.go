package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/web/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
)

// tab is one visitor's tab in the browser harness, bound to its test.
type tab struct {
	t   *testing.T
	ctx context.Context
	br  *browsertest.Browser
}

func newTab(t *testing.T, br *browsertest.Browser) *tab {
	return &tab{t: t, ctx: br.Tab(t, time.Minute), br: br}
}

func (b *tab) open(path string)       { b.br.Open(b.t, b.ctx, path) }
func (b *tab) fill(sel, value string) { browsertest.Fill(b.t, b.ctx, sel, value) }
func (b *tab) eval(js string) string  { return browsertest.Eval[string](b.t, b.ctx, js) }
func (b *tab) submit(sel string)      { b.br.ClickTo(b.t, b.ctx, sel, "") }
func (b *tab) main() string           { return b.eval(`document.querySelector("main").innerText`) }
func (b *tab) location() string       { return browsertest.Location(b.t, b.ctx) }
func (b *tab) checkAxe(label string)  { b.br.CheckAxe(b.t, b.ctx, label) }

func (b *tab) login(email, password string) {
	b.t.Helper()
	b.open("/compte/connexion")
	b.fill("#email", email)
	b.fill("#password", password)
	b.submit("main form button[type=submit]")
	if !strings.Contains(b.location(), "/compte") || strings.Contains(b.location(), "connexion") {
		b.t.Fatalf("login of %s ended on %s: %s", email, b.location(), b.main())
	}
}

// TestContribBrowser runs the contributors' flows in Chromium.
func TestContribBrowser(t *testing.T) {
	br := browsertest.Start(t, contribHandler(t, app.Deps{}))
	t.Run("SignUpProposeApproveVisible", func(t *testing.T) { signUpProposeApproveVisible(t, newTab(t, br)) })
	t.Run("ClaimByMetaTag", func(t *testing.T) { claimByMetaTag(t, newTab(t, br)) })
	t.Run("CSRFLessPostRefused", func(t *testing.T) { csrfLessPostRefused(t, newTab(t, br)) })
	t.Run("Accessibility", func(t *testing.T) { accessibility(t, newTab(t, br)) })
	t.Run("StaffPreview", func(t *testing.T) { staffPreview(t, newTab(t, br)) })
}

// staffPreview: a moderator opens an edition's preview from the list of
// editions and walks its first page in Chromium, a refused answer
// included, without any link from the command line.
func staffPreview(t *testing.T, b *tab) {
	newBarometerEdition(t, 2084, "kind,code\ncommune,59350\n", "")
	email := uniq("previewmod") + "@example.org"
	if _, err := account.Create(context.Background(), cdb, account.NewUser{Email: email, Password: "moderator password", Role: account.RoleModerator}); err != nil {
		t.Fatal(err)
	}
	b.login(email, "moderator password")
	b.open("/moderation/barometre")
	b.br.ClickTo(t, b.ctx, `a[href="/moderation/barometre/2084/apercu/"]`, "/moderation/barometre/2084/apercu/")
	if m := b.main(); !strings.Contains(m, "rien de ce que vous saisissez n'est enregistré") || !strings.Contains(m, "Retour aux éditions du baromètre") {
		t.Fatalf("preview start: %s", m)
	}
	b.br.ClickTo(t, b.ctx, "a.button", "/apercu/etape/1")
	click(t, b.ctx, "#q-fonction-5", "#q-elu_delegue-0", "#q-strategie-2")
	b.br.ClickTo(t, b.ctx, ".actions button[value=continuer]", "/apercu/etape/1")
	if n := count(t, b.ctx, "#q-fonction_autre"); n != 1 {
		t.Fatalf("the conditional question did not appear (%d): %s", n, b.main())
	}
	b.checkAxe("staff preview, a new question")
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS("#q-fonction_autre"), "Chargée d'aperçu")); err != nil {
		t.Fatal(err)
	}
	b.br.ClickTo(t, b.ctx, ".actions button[value=continuer]", "/apercu/etape/")
	if title := browsertest.Text(t, b.ctx, "title"); !strings.HasPrefix(title, "Étape 2 sur") {
		t.Errorf("after page 1: %q\n%s", title, b.main())
	}
	b.checkAxe("staff preview, page 2")
	var n int
	if err := cdb.QueryRow(context.Background(), `SELECT count(*) FROM survey_response r JOIN survey_edition e ON e.id = r.edition_id WHERE e.year = 2084`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the preview stored %d responses (%v)", n, err)
	}
}

// accessibility runs axe-core on every page type of the package, forms
// with their error messages included.
func accessibility(t *testing.T, b *tab) {
	ctx := context.Background()
	tool := &directory.Tool{Slug: uniq("axe-"), Name: uniq("Axe Tool "), TaglineFR: "Avant", Categories: []string{"consultation"},
		Website: "https://axe.example/"}
	if err := directory.CreateTool(ctx, cdb, tool, directory.By{Actor: "curator:test"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/compte/inscription", "/compte/connexion", "/compte/mot-de-passe-oublie", "/compte/reinitialiser?jeton=x"} {
		b.open(p)
		b.checkAxe(p)
	}
	b.open("/compte/inscription")
	b.fill("#email", "not an address")
	b.submit("main form button[type=submit]")
	b.checkAxe("sign-up with errors")
	email := uniq("axemod") + "@example.org"
	if _, err := account.Create(ctx, cdb, account.NewUser{Email: email, Password: "moderator password", Role: account.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	b.login(email, "moderator password")
	b.checkAxe("account")
	b.open("/contribuer/outil")
	b.fill("#name", tool.Name)
	b.fill("#website", "https://elsewhere.example")
	b.submit("main form button[type=submit]")
	b.checkAxe("proposal with duplicate suggestions")
	b.open("/contribuer/outils/" + tool.Slug + "/modifier")
	b.checkAxe("edit form")
	if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS("#tagline_fr"), "Après")); err != nil {
		t.Fatal(err)
	}
	b.submit("main form button[type=submit]")
	b.checkAxe("my proposals")
	newBarometerEdition(t, 2073, "kind,code\ncommune,38185\ndepartement,38\n", "kind,code\ncommune,13055\n")
	for _, p := range []string{"/contribuer/adoption", "/contribuer/outils/" + tool.Slug + "/revendiquer", "/moderation",
		"/moderation/journal", "/moderation/agents", "/moderation/courriels", fmt.Sprintf("/historique/outil/%d", tool.ID),
		"/moderation/barometre", "/moderation/barometre/2073", "/moderation/barometre/2073/apercu/",
		"/moderation/barometre/2073/apercu/etape/1", "/moderation/barometre/2073/apercu/etape/2?lang=en"} {
		b.open(p)
		b.checkAxe(p)
	}
	b.open("/moderation?type=tool-edit")
	link := b.eval(fmt.Sprintf(`[...document.querySelectorAll("main table a")].find(a => a.textContent.includes(%q)).getAttribute("href")`, tool.Name))
	b.open(link)
	b.checkAxe("proposal diff")
	// The checks above are worth something only if axe can fail here.
	b.eval(`document.querySelector("main").appendChild(document.createElement("input")); "ok"`)
	if len(b.br.AxeViolations(t, b.ctx, "unlabelled input")) == 0 {
		t.Error("axe-core found nothing wrong with an unlabelled input")
	}
}

func signUpProposeApproveVisible(t *testing.T, b *tab) {
	email := uniq("browser") + "@example.org"
	b.open("/compte/inscription")
	b.fill("#email", email)
	b.fill("#password", "correct horse battery")
	b.fill("#password2", "correct horse battery")
	b.submit("main form button[type=submit]")
	if !strings.Contains(b.main(), "boîte aux lettres") {
		t.Fatalf("after sign-up: %s", b.main())
	}
	confirmURL := pgtest.Must(url.Parse(confirmationLink(t, email)))(t)
	b.open(confirmURL.RequestURI())
	if !strings.Contains(b.main(), email) {
		t.Fatalf("after the confirmation link: %s", b.main())
	}
	name := uniq("Browser Agora ")
	slug := strings.ReplaceAll(strings.ToLower(name), " ", "-")
	b.open("/contribuer/outil")
	b.fill("#name", name)
	b.fill("#website", "https://"+slug+".example/")
	b.fill("#tagline_fr", `Consulter <script>document.title="pwned"</script>`)
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS("#cat-consultation"))); err != nil {
		t.Fatal(err)
	}
	b.submit("main form button[type=submit]")
	if !strings.Contains(b.location(), "/contribuer/mes-propositions") || !strings.Contains(b.main(), "en attente") {
		t.Fatalf("after proposing: %s\n%s", b.location(), b.main())
	}
	b.submit(`a[href="/compte"]`)
	b.submit(`form[action="/compte/deconnexion"] button`)

	modEmail := uniq("bmod") + "@example.org"
	if _, err := account.Create(context.Background(), cdb, account.NewUser{Email: modEmail, Password: "moderator password", Role: account.RoleModerator}); err != nil {
		t.Fatal(err)
	}
	b.login(modEmail, "moderator password")
	b.open("/moderation")
	link := b.eval(fmt.Sprintf(`[...document.querySelectorAll("main table a")].find(a => a.textContent.includes(%q)).getAttribute("href")`, name))
	b.open(link)
	if b.eval(`document.title`) == "pwned" || !strings.Contains(b.main(), `<script>document.title="pwned"</script>`) {
		t.Fatalf("the payload must show as text, inert: title %q\n%s", b.eval(`document.title`), b.main())
	}
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS("#approve"))); err != nil {
		t.Fatal(err)
	}
	b.submit("#decide")
	if !strings.Contains(b.location(), "/moderation") {
		t.Fatalf("after approving: %s\n%s", b.location(), b.main())
	}
	b.open("/outils/" + slug)
	if h1 := b.eval(`document.querySelector("h1").innerText`); !strings.Contains(h1, name) {
		t.Fatalf("the approved tool's page: h1 %q\n%s", h1, b.main())
	}
	if b.eval(`document.title`) == "pwned" {
		t.Fatal("the payload ran on the tool page")
	}
}

func claimByMetaTag(t *testing.T, b *tab) {
	ctx := context.Background()
	var meta atomic.Value
	meta.Store("")
	vendorSite := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>Vendor</title>%s</head><body>Vendor</body></html>", meta.Load())
	}))
	defer vendorSite.Close()
	by := directory.By{Actor: "curator:test"}
	vd := &directory.Vendor{Slug: uniq("bvendor-"), Name: "Browser Vendor"}
	if err := directory.CreateVendor(ctx, cdb, vd, by); err != nil {
		t.Fatal(err)
	}
	tool := &directory.Tool{Slug: uniq("bclaim-"), Name: uniq("Claimable "), Categories: []string{"consultation"}, Website: vendorSite.URL + "/produit", VendorID: vd.ID}
	if err := directory.CreateTool(ctx, cdb, tool, by); err != nil {
		t.Fatal(err)
	}
	email := uniq("bvendoruser") + "@example.org"
	if _, err := account.Create(ctx, cdb, account.NewUser{Email: email, Password: "vendor password!"}); err != nil {
		t.Fatal(err)
	}
	b.login(email, "vendor password!")
	b.open("/contribuer/outils/" + tool.Slug + "/revendiquer")
	b.submit("#start-claim")
	tag := b.eval(`document.querySelector("#meta-tag").innerText`)
	if !strings.HasPrefix(tag, `<meta name="civiscope-verification" content="`) {
		t.Fatalf("claim instructions: %q", tag)
	}
	meta.Store(tag) // the vendor pastes the tag into their home page
	b.submit("#verify")
	if !strings.Contains(b.main(), "Fiche revendiquée") {
		t.Fatalf("after checking: %s", b.main())
	}
	if ok := pgtest.Must(account.IsVendorMember(ctx, cdb, mustUser(t, email), vd.ID))(t); !ok {
		t.Fatal("the vendor role was not granted")
	}
}

func mustUser(t *testing.T, email string) int64 {
	u, err := account.ByEmail(context.Background(), cdb, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func csrfLessPostRefused(t *testing.T, b *tab) {
	email := uniq("bcsrf") + "@example.org"
	if _, err := account.Create(context.Background(), cdb, account.NewUser{Email: email, Password: "csrf password!"}); err != nil {
		t.Fatal(err)
	}
	b.login(email, "csrf password!")
	b.open("/contribuer/outil")
	b.fill("#name", "Tokenless")
	b.fill("#website", "https://tokenless.example")
	b.eval(`document.querySelector("input[name=csrf]").remove(); "ok"`)
	b.submit("main form button[type=submit]")
	if !strings.Contains(b.main(), "Action refusée") {
		t.Fatalf("a form without its token: %s", b.main())
	}
	var n int
	pgtest.QueryRow(t, cdb, `SELECT count(*) FROM proposal WHERE title = 'Tokenless'`).Scan(&n)
	if n != 0 {
		t.Fatal("the token-less proposal was stored")
	}
}
