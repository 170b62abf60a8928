package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func rules(t testing.TB) *Rules {
	t.Helper()
	rs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func page(t testing.TB, file, url string, header map[string][]string) Page {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return Page{URL: url, Header: header, Body: b}
}

func find(ds []Detection, name string) *Detection {
	for i := range ds {
		if ds[i].Platform == name {
			return &ds[i]
		}
	}
	return nil
}

func TestEmbeddedRulesCoverTheIssuePlatforms(t *testing.T) {
	rs := rules(t)
	for _, name := range []string{"Decidim", "CONSUL Democracy", "Cap Collectif", "Go Vocal", "Fluicity", "Make.org",
		"iD City", "Civocracy", "DemocracyOS", "Loomio", "Citizen Space", "EngagementHQ"} {
		p, ok := rs.Platform(name)
		if !ok {
			t.Errorf("no rule for %s", name)
			continue
		}
		if len(p.Sources) == 0 || p.Website == "" {
			t.Errorf("%s: every platform needs a website and its sources", name)
		}
	}
}

func TestDetectPlatforms(t *testing.T) {
	rs := rules(t)
	for _, c := range []struct {
		file, url string
		header    map[string][]string
		want      string
		minConf   int
		kinds     []string
	}{
		{"decidim.html", "https://participez.exemple.fr/processes/bp2026", map[string][]string{"Set-Cookie": {"decidim-consent=%7B%22essential%22%3Atrue%7D; path=/"}}, "Decidim", 100, []string{"scriptSrc", "html", "dom", "cookies", "url"}},
		{"consul.html", "https://decidons.exemple.fr/", map[string][]string{"Set-Cookie": {"_consul_session=abc123; path=/; HttpOnly"}}, "CONSUL Democracy", 100, []string{"cookies", "dom"}},
		{"capcollectif.html", "https://exemple.cap-collectif.com/projects", nil, "Cap Collectif", 100, []string{"html", "dom", "meta", "url"}},
		{"govocal.html", "https://participation.exemple.fr/fr/", nil, "Go Vocal", 100, []string{"html", "dom"}},
		{"loomio.html", "https://loomio.exemple.org/", nil, "Loomio", 100, []string{"html", "dom"}},
		{"democracyos.html", "https://democracyos.consultation.etalab.gouv.fr/strategieclouddeletat", nil, "DemocracyOS", 100, []string{"html", "scriptSrc", "url"}},
		{"makeorg.html", "https://www.exemple.fr/consultation", nil, "Make.org", 100, []string{"dom", "html"}},
		{"citizenspace.html", "https://consult.exemple.gov.uk/", nil, "Citizen Space", 100, []string{"dom", "scriptSrc"}},
		{"engagementhq.html", "https://haveyoursay.exemple.au/", nil, "EngagementHQ", 100, []string{"dom"}},
	} {
		t.Run(c.want, func(t *testing.T) {
			ds := rs.Detect(page(t, c.file, c.url, c.header))
			d := find(ds, c.want)
			if d == nil {
				t.Fatalf("%s not detected in %s; got %+v", c.want, c.file, ds)
			}
			if d.Confidence < c.minConf {
				t.Errorf("confidence %d, want ≥ %d", d.Confidence, c.minConf)
			}
			kinds := map[string]bool{}
			for _, m := range d.Matches {
				kinds[m.Kind] = true
				if m.Evidence == "" || m.Rule == "" {
					t.Errorf("match without rule or evidence: %+v", m)
				}
			}
			for _, k := range c.kinds {
				if !kinds[k] {
					t.Errorf("no %s marker matched; matches: %+v", k, d.Matches)
				}
			}
			if len(ds) > 1 && ds[1].Platform != "Ruby on Rails" && ds[1].Confidence >= 50 {
				t.Errorf("a second platform is detected with confidence %d: %+v", ds[1].Confidence, ds[1])
			}
		})
	}
}

func TestImpliesAndVerified(t *testing.T) {
	rs := rules(t)
	ds := rs.Detect(page(t, "decidim.html", "https://x.fr/", nil))
	rails := find(ds, "Ruby on Rails")
	if rails == nil || rails.ImpliedBy != "Decidim" || rails.Confidence != 100 {
		t.Errorf("Decidim must imply Ruby on Rails: %+v", rails)
	}
	ds = rs.Detect(Page{URL: "https://budget.id-city.fr/projets", Body: []byte("<p>x</p>")})
	d := find(ds, "iD City")
	if d == nil || d.Verified || d.Confidence >= 50 {
		t.Errorf("iD City is an unverified hint with low confidence: %+v", d)
	}
}

// A news article that links to vendors is not an adoption.
func TestLinksToVendorsAreNotAdoptions(t *testing.T) {
	rs := rules(t)
	for _, f := range []string{"news-decidim-link.html", "municipal.html"} {
		if ds := rs.Detect(page(t, f, "https://www.exemple.fr/actualites/outils", nil)); len(ds) != 0 {
			t.Errorf("%s: detected %+v", f, ds)
		}
	}
}

func TestBrokenHTMLStillDetected(t *testing.T) {
	ds := rules(t).Detect(page(t, "broken.html", "https://participez.exemple.fr/", nil))
	d := find(ds, "Decidim")
	if d == nil || d.Confidence != 100 {
		t.Fatalf("broken page: %+v", ds)
	}
	if ds := rules(t).Detect(Page{}); ds == nil || len(ds) != 0 {
		t.Errorf("empty page: %+v", ds)
	}
}

func TestVersionAndHeaders(t *testing.T) {
	rs, err := Parse([]byte(`{"technologies":{"Exemple":{"website":"https://x","sources":["test"],
		"headers":{"x-powered-by":"^Exemple/([0-9.]+)\\;version:\\1"},
		"meta":{"generator":"exemple\\;confidence:40"},
		"dom":{"a.brand":{"attributes":{"href":"exemple\\.org\\;confidence:30"}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	ds := rs.Detect(Page{URL: "https://y/", Header: map[string][]string{"X-Powered-By": {"Exemple/2.4.1"}},
		Body: []byte(`<meta name="Generator" content="Exemple CMS"><a class="brand" href="https://exemple.org">x</a>`)})
	if len(ds) != 1 || ds[0].Version != "2.4.1" || ds[0].Confidence != 100 || len(ds[0].Matches) != 3 {
		t.Fatalf("got %+v", ds)
	}
	ds = rs.Detect(Page{Body: []byte(`<meta name="generator" content="Exemple"><a class="brand" href="/autre">x</a>`)})
	if len(ds) != 1 || ds[0].Confidence != 40 {
		t.Errorf("meta only: %+v", ds)
	}
}

func TestParseRejectsBrokenRules(t *testing.T) {
	for _, bad := range []string{
		`{`,
		`{"technologies":{"X":{"html":"(unclosed"}}}`,
		`{"technologies":{"X":{"dom":["a[href"]}}}`,
		`{"technologies":{"X":{"html":"x\\;confidence:200"}}}`,
		`{"technologies":{"X":{"implies":"Nothing"}}}`,
		`{"technologies":{"X":{"html":42}}}`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%s) accepted a broken file", bad)
		}
	}
}

func TestExtractLinks(t *testing.T) {
	b, _ := os.ReadFile("testdata/news-decidim-link.html")
	doc := Extract(b)
	var inArticle, outside int
	for _, l := range doc.Links {
		if l.InArticle {
			inArticle++
		} else {
			outside++
		}
	}
	if inArticle != 4 || outside != 2 {
		t.Errorf("links in article %d, outside %d; want 4 and 2", inArticle, outside)
	}
	if !strings.HasPrefix(doc.Title, "Actualités") {
		t.Errorf("title %q", doc.Title)
	}
}

func TestRequiredLiterals(t *testing.T) {
	got := requiredLiterals(`<title>\s*Loomio\s*</title>`)
	if strings.Join(got, "|") != "<title>|loomio|</title>" {
		t.Errorf("got %q", got)
	}
	if got := requiredLiterals(`a|b`); len(got) != 0 {
		t.Errorf("alternation: %q", got)
	}
	if !lower([]byte("<TITLE> loomio </title>")).mayMatch(requiredLiterals(`<title>\s*Loomio\s*</title>`)) {
		t.Error("a real match was filtered out")
	}
	if lower([]byte("<title> loomio </tit")).mayMatch(requiredLiterals(`<title>\s*Loomio\s*</title>`)) {
		t.Error("a missing literal passed the filter")
	}
}

func TestRequiredLiteral(t *testing.T) {
	for in, want := range map[string]string{
		`Decidim\.config\.set\(`:                       "decidim.config.set(",
		`(?:href|src)=["'][^"']*/decidim-packs/`:       "/decidim-packs/",
		`window\._capco_execute(?:Analytic|Ads)Script`: "window._capco_executea", // Simplify factors the A out
		`<title>\s*Loomio\s*</title>`:                  "</title>",
		`a|b`:                                          "",
		`(x)?yy`:                                       "yy",
		`\bcs_embedded_content\b`:                      "cs_embedded_content",
	} {
		if got := requiredLiteral(in); got != want {
			t.Errorf("requiredLiteral(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDOMExistsConfidence(t *testing.T) {
	ds := rules(t).Detect(Page{Body: []byte(`<div class="app-loading-container"><div class="app-loading-spinner"></div></div>`)})
	if d := find(ds, "Go Vocal"); d == nil || d.Confidence != 25 {
		t.Errorf("weak dom marker alone: %+v", d)
	}
}

func TestSelectorLiterals(t *testing.T) {
	for in, want := range map[string]string{
		`iframe[src*='widget.make.org']`:                    "src|widget.make.org",
		`div.app-loading-container div.app-loading-spinner`: "app-loading-container|app-loading-spinner",
		`html[data-current-user-id]`:                        "data-current-user-id",
		`div#loading-placeholder`:                           "loading-placeholder",
		`a[rel~="decidim" i]`:                               "rel|decidim",
		`.capco-powered:not(.old-banner)`:                   "capco-powered",
		`a.x, .decidim-logo`:                                "",
		`a[href]`:                                           "href",
	} {
		if got := strings.Join(selectorLiterals(in), "|"); got != want {
			t.Errorf("selectorLiterals(%q) = %q, want %q", in, got, want)
		}
	}
	// Upper case in the source still matches: the body is searched lower-cased.
	if !lower([]byte(`<DIV ID="loading-placeholder">`)).mayMatch(selectorLiterals(`div#loading-placeholder`)) {
		t.Error("a real match was filtered out")
	}
}
