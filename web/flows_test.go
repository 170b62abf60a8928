package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/web/browsertest"
)

// TestBrowser drives the real site in Chromium: the flows people follow,
// with axe-core on every page type and a screenshot of each.
func TestBrowser(t *testing.T) {
	b := browsertest.Start(t, siteHandler(t, app.Deps{}))

	t.Run("AccessibilityOfEveryPageType", func(t *testing.T) {
		pages := []struct{ name, path string }{
			{"home", "/"},
			{"search", "/recherche?q=decidim"},
			{"search-filtered", "/recherche?type=tool&category=participatory-budgeting"},
			{"search-empty", "/recherche?q=decidim&type=vendor&category=petitions"},
			{"tool", "/outils/decidim"},
			{"tool-without-adopters", "/outils/consul"},
			{"compare", "/comparer?outil=decidim&outil=consul&outil=cap-collectif"},
			{"compare-empty", "/comparer"},
			{"territories", "/territoires"},
			{"territories-search", "/territoires?q=saint+denis"},
			{"commune", "/territoires/commune/33063"},
			{"epci", "/territoires/epci/243300316"},
			{"departement", "/territoires/departement/33"},
			{"region", "/territoires/region/75"},
			{"peers", "/comme-ma-collectivite?nom=Bagneux+92"},
			{"peers-choose", "/comme-ma-collectivite?nom=Saint-Denis"},
			{"not-found", "/nulle-part"},
			{"bad-request", "/territoires/departement/33?page=0"},
			{"english", "/territoires/commune/33063?lang=en"},
		}
		ctx := b.Tab(t, 5*time.Minute)
		for _, p := range pages {
			b.Open(t, ctx, p.path)
			b.CheckAxe(t, ctx, p.path)
			browsertest.Screenshot(t, ctx, "page-"+p.name)
		}
	})

	t.Run("AxeCatchesAViolation", func(t *testing.T) {
		// The check above is only worth something if it can fail.
		ctx := b.Tab(t, time.Minute)
		b.Open(t, ctx, "/territoires")
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("main").appendChild(document.createElement("input")) !== null`)); err != nil {
			t.Fatal(err)
		}
		if vs := b.AxeViolations(t, ctx, "unlabelled input"); len(vs) == 0 {
			t.Error("axe-core found nothing wrong with an unlabelled input")
		}
	})

	t.Run("SearchAndFilter", func(t *testing.T) {
		ctx := b.Tab(t, time.Minute)
		b.Open(t, ctx, "/")
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#hq"), "budget participatif")); err != nil {
			t.Fatal(err)
		}
		b.ClickTo(t, ctx, `form[action="/recherche"] button`, "/recherche?q=budget")
		before := browsertest.Text(t, ctx, "#results-title")
		// Filter on tools through the facet link; the URL carries it.
		b.ClickTo(t, ctx, `.facets a[href*="type=tool"]`, "type=tool")
		if loc := browsertest.Location(t, ctx); !strings.Contains(loc, "q=budget") {
			t.Errorf("the facet link dropped the keywords: %s", loc)
		}
		if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll(".results .tag").length`); n == 0 {
			t.Fatal("no result after filtering on tools")
		}
		tags := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll(".results .tag")].map(e => e.textContent).join("|")`)
		if strings.Contains(tags, "Éditeur") || strings.Contains(tags, "Collectivité") {
			t.Errorf("tool filter let other types through: %s", tags)
		}
		browsertest.Screenshot(t, ctx, "flow-search-filtered")
		// The back button returns to the unfiltered search.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`history.back(), true`)); err != nil {
			t.Fatal(err)
		}
		b.WaitFor(t, ctx, "/recherche?q=budget", `!location.search.includes("type=tool") && document.readyState === "complete"`)
		if browsertest.Text(t, ctx, "#results-title") != before {
			t.Errorf("back button: results %q, want %q", browsertest.Text(t, ctx, "#results-title"), before)
		}
	})

	t.Run("ToolThenAdopterTerritory", func(t *testing.T) {
		ctx := b.Tab(t, time.Minute)
		b.Open(t, ctx, "/recherche?q=decidim")
		b.ClickTo(t, ctx, `.results a[href="/outils/decidim"]`, "/outils/decidim")
		if h := browsertest.Text(t, ctx, "h1"); h != "Decidim" {
			t.Fatalf("tool page h1 %q", h)
		}
		if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll(".choropleth path.q1").length`); n == 0 {
			t.Error("the map shades no département")
		}
		browsertest.Screenshot(t, ctx, "flow-tool")
		b.ClickTo(t, ctx, `#adopters ~ .table-scroll a[href="/territoires/commune/92050"]`, "/territoires/commune/92050")
		if h := browsertest.Text(t, ctx, "h1"); !strings.HasPrefix(h, "Nanterre") {
			t.Errorf("adopter page h1 %q", h)
		}
		if n := browsertest.Eval[int](t, ctx, `document.querySelectorAll('#tools ~ .table-scroll a[href="/outils/decidim"]').length`); n == 0 {
			t.Error("the adopter's page does not list Decidim")
		}
		browsertest.Screenshot(t, ctx, "flow-adopter")
	})

	t.Run("CompareTwoTools", func(t *testing.T) {
		ctx := b.Tab(t, time.Minute)
		b.Open(t, ctx, "/outils/decidim")
		b.ClickTo(t, ctx, `a[href="/comparer?outil=decidim"]`, "/comparer?outil=decidim")
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#outil1"), "consul")); err != nil {
			t.Fatal(err)
		}
		b.ClickTo(t, ctx, `form[action="/comparer"] button`, "outil=consul")
		heads := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll("table.compare thead th")].map(e => e.textContent.trim()).join("|")`)
		if heads != "Critère|Decidim|CONSUL Democracy" {
			t.Errorf("comparison columns %q", heads)
		}
		browsertest.Screenshot(t, ctx, "flow-compare")
	})

	t.Run("SuggestionsWhileTyping", func(t *testing.T) {
		// JavaScript only enhances: the box gets a datalist of names.
		ctx := b.Tab(t, time.Minute)
		b.Open(t, ctx, "/comme-ma-collectivite")
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#pq"), "Bagneu")); err != nil {
			t.Fatal(err)
		}
		b.WaitFor(t, ctx, "/comme-ma-collectivite", `[...document.querySelectorAll("#pq-suggestions option")].some(o => o.value === "Bagneux 92")`)
	})

	t.Run("KeyboardSkipLink", func(t *testing.T) {
		ctx := b.Tab(t, time.Minute)
		b.Open(t, ctx, "/territoires")
		// The first Tab lands on the skip link; Enter moves focus to main.
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`))
		if err != nil || focused != "skip" {
			t.Fatalf("first Tab focuses %q (%v), want the skip link", focused, err)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
			t.Fatal(err)
		}
		b.WaitURL(t, ctx, "#contenu")
		focused, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		if err != nil || focused != "contenu" {
			t.Errorf("after the skip link, focus is on %q (%v)", focused, err)
		}
	})

	t.Run("SwitchLanguage", func(t *testing.T) {
		ctx := b.Tab(t, time.Minute)
		b.Open(t, ctx, "/territoires/commune/33063")
		if lang := browsertest.Eval[string](t, ctx, `document.documentElement.lang`); lang != "fr" {
			t.Fatalf("default language %q", lang)
		}
		b.ClickTo(t, ctx, ".lang-switch a", "/territoires/commune/33063")
		if lang := browsertest.Eval[string](t, ctx, `document.documentElement.lang`); lang != "en" {
			t.Fatalf("after the switch, lang=%q", lang)
		}
		if h := browsertest.Text(t, ctx, "#identity"); h != "Identity" {
			t.Errorf("heading %q after switching to English", h)
		}
		// The choice sticks: the next page is in English too.
		b.ClickTo(t, ctx, `nav[aria-label="Main menu"] a[href="/territoires"]`, "/territoires")
		if h := browsertest.Text(t, ctx, "h1"); h != "Territories" {
			t.Errorf("next page h1 %q", h)
		}
		browsertest.Screenshot(t, ctx, "flow-language-en")
		b.ClickTo(t, ctx, ".lang-switch a", "/territoires")
		if h := browsertest.Text(t, ctx, "h1"); h != "Territoires" {
			t.Errorf("back to French: h1 %q", h)
		}
	})

	t.Run("FindMyPeers", func(t *testing.T) {
		ctx := b.Tab(t, time.Minute)
		b.Open(t, ctx, "/comme-ma-collectivite")
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#pq"), "Saint-Denis")); err != nil {
			t.Fatal(err)
		}
		b.ClickTo(t, ctx, "form button", "nom=Saint-Denis")
		b.ClickTo(t, ctx, `.choices a[href$="code=93066"]`, "code=93066")
		if h := browsertest.Text(t, ctx, "h1"); !strings.Contains(h, "Saint-Denis") {
			t.Errorf("peers page h1 %q", h)
		}
		b.ClickTo(t, ctx, "#peer-list ~ table tbody a", "/territoires/commune/")
		browsertest.Screenshot(t, ctx, "flow-peer-territory")
	})
}
