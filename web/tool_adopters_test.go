package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/civiscope/civiscope/directory/directorytest"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/search"
)

// A tool's adopters: French collectivités first, largest first, narrowed
// from the URL without script; organisations after; the map's table links
// to the list narrowed to a département.
func TestToolAdoptersFiltersAndSorts(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/outils/decidim")
	mustContain(t, "decidim", r.body, `id="french"`, `<form method="get" action="/outils/decidim#adopters"`,
		`name="tranche"`, `value="commune-20000-49999"`, "communes de 50\u202f000 à 99\u202f999 hab.",
		`href="/outils/decidim?departement=44#adopters">Loire-Atlantique</a>`, `id="organisations"`)
	french := r.body[strings.Index(r.body, `id="french"`):strings.Index(r.body, `id="organisations"`)]
	if i, j := strings.Index(french, ">Bordeaux<"), strings.Index(french, ">Nanterre<"); i < 0 || j < 0 || i > j {
		t.Errorf("Bordeaux (261,000) must come before Nanterre (97,000) in the French section")
	}
	// Île-de-France communes of 20,000–49,999: Arcueil, not Nanterre.
	r = get(t, srv, "/outils/decidim?region=11&tranche=commune-20000-49999")
	french = r.body[strings.Index(r.body, `id="french"`):strings.Index(r.body, `id="organisations"`)]
	if !strings.Contains(french, ">Arcueil<") || strings.Contains(french, ">Nanterre<") || strings.Contains(french, ">Bordeaux<") {
		t.Errorf("IDF 20,000–49,999 lists the wrong communes")
	}
	mustContain(t, "decidim filtered", r.body, "Retirer les filtres", `<option value="11" selected>`)
	// Communes only, by name.
	r = get(t, srv, "/outils/decidim?tri=nom&type=commune")
	french = r.body[strings.Index(r.body, `id="french"`):strings.Index(r.body, `id="organisations"`)]
	if i, j := strings.Index(french, ">Arcueil<"), strings.Index(french, ">Villeurbanne<"); i < 0 || j < 0 || i > j {
		t.Errorf("by name, Arcueil comes before Villeurbanne")
	}
	if strings.Contains(french, ">Loire-Atlantique<") {
		t.Error("type=commune still lists a département")
	}
	untranslated(t, "decidim?lang=en", get(t, srv, "/outils/decidim?lang=en&tri=nom").body)
	// Attested in a year, attested for longest first: the form keeps both.
	r = get(t, srv, "/outils/decidim?attestee=2022&tri=attestation")
	if r.status != http.StatusOK {
		t.Fatalf("attested filter: %d", r.status)
	}
	mustContain(t, "decidim attested", r.body, `<option value="attestation" selected>`, `name="attestee" type="number"`, `value="2022"`, "Retirer les filtres")
	for _, bad := range []string{"tranche=commune-20000-50000", "type=canton", "tri=prix", "statut=maybe", "region=xx", "type=epci&tranche=commune-0-999", "page=0", "attestee=1800", "attestee=deux"} {
		if r := get(t, srv, "/outils/decidim?"+bad); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.status)
		}
	}
}

// A search's "used by" filters follow a click on a tool: its page lists
// those adopters.
func TestSearchResultKeepsAdopterFilters(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/recherche?q=decidim&adopter_region=11&adopter_type=commune")
	mustContain(t, "search used by", r.body, `href="/outils/decidim?region=11&amp;type=commune#adopters"`)
	r = get(t, srv, "/recherche?q=decidim")
	mustContain(t, "search", r.body, `href="/outils/decidim"`)
}

// "Collectivités like mine" names which peers use which tool, with the
// evidence one click away; so does a territory page.
func TestPeerMatrix(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/comme-ma-collectivite?code=92007")
	if r.status != 200 {
		t.Fatalf("peers: %d", r.status)
	}
	mustContain(t, "peers of Bagneux", r.body, `id="peer-matrix"`, `<a href="/outils/decidim">Decidim</a>`,
		`>Bagneux</a> <span class="tag">vous</span>`, `<a href="/territoires/commune/94003#tools" title="Decidim : voir l’adoption et ses preuves">✓ utilise</a>`)
	// Bagneux's own row, and only peers that use one of the tools: the
	// others are left out.
	rows := parse(t, r.body).Find(`section[aria-labelledby="peer-matrix"] table tbody tr`)
	if self := rows.Filter(".self"); self.Length() != 1 || !strings.Contains(self.Find("th").Text(), "Bagneux") {
		t.Errorf("matrix: Bagneux's row %q", self.Text())
	}
	rows.Not(".self").Each(func(_ int, tr *goquery.Selection) {
		if tr.Find("td a[title]").Length() == 0 {
			t.Errorf("a peer without any of the tools is listed: %q", strings.Join(strings.Fields(tr.Text()), " "))
		}
	})
	if rows.Find(`a[href="/territoires/commune/94003#tools"]`).Length() != 1 {
		t.Error("Arcueil, a Decidim user, is not in the matrix")
	}
	r = get(t, srv, "/comme-ma-collectivite?code=92007&tri=decidim")
	mustContain(t, "sorted by Decidim", r.body, `aria-current="true">trier<span class="visually-hidden"> Decidim</span>`)
	if r := get(t, srv, "/comme-ma-collectivite?code=92007&tri=prix"); r.status != http.StatusBadRequest {
		t.Errorf("unknown sort: %d", r.status)
	}
	untranslated(t, "peers en", get(t, srv, "/comme-ma-collectivite?code=92007&lang=en").body)
	r = get(t, srv, "/territoires/commune/92007")
	mustContain(t, "Bagneux page", r.body, `id="peer-matrix"`, `href="/territoires/commune/94003#tools"`)
}

// A département's page lists what its communes use: the map's
// "Hauts-de-Seine" no longer leads to "no adoption".
func TestDepartementListsCommunesTools(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/territoires/departement/92")
	mustContain(t, "Hauts-de-Seine", r.body, `id="commune-tools"`, `href="/territoires/commune/92050">Nanterre</a>`, `href="/outils/decidim">Decidim</a>`)
	untranslated(t, "Hauts-de-Seine en", get(t, srv, "/territoires/departement/92?lang=en").body)
}

// A comparison counts collectivités by the one band scheme and says where
// each count comes from.
func TestCompareSaysWhereCountsComeFrom(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/comparer?outil=decidim&outil=consul")
	mustContain(t, "compare", r.body, "Adoptions par source des preuves", fmt.Sprintf("decidim.org installations : %d", directorytest.DecidimAdoptions()),
		"Collectivités adoptantes : communes de 100\u202f000 hab. et plus", "Adoptions documentées (tous adoptants")
	untranslated(t, "compare en", get(t, srv, "/comparer?outil=decidim&outil=consul&lang=en").body)
}

// The peers that use these tools are placed on a map of départements, with
// the table that says the same without the picture; both pages show it.
func TestPeerMap(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/comme-ma-collectivite?code=92007", "/territoires/commune/92007"} {
		r := get(t, srv, path)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		fig := doc.Find(`#peer-map ~ figure svg.choropleth[role="img"]`)
		if fig.Length() != 1 || fig.Find("title#peer-map-svg-t").Text() == "" {
			t.Errorf("%s: no accessible peers map", path)
		}
		// Arcueil and Cachan (Val-de-Marne) are Bagneux's peers using
		// Decidim in the shared fixture (directorytest).
		row := doc.Find(`#peer-map ~ .table-scroll table caption:contains("par département")`).Parent().Find(`a[href="/territoires/departement/94"]`).Closest("tr")
		if row.Length() != 1 || strings.TrimSpace(row.Find("td.num").Text()) != "2" {
			t.Errorf("%s: Val-de-Marne row %q", path, row.Text())
		}
		shade := doc.Find(`svg path`).FilterFunction(func(_ int, p *goquery.Selection) bool {
			return strings.HasPrefix(p.Find("title").Text(), "Val-de-Marne (94)")
		})
		if c, _ := shade.Attr("class"); shade.Length() != 1 || c == "" || c == "q0" {
			t.Errorf("%s: Val-de-Marne is not shaded (class %q)", path, c)
		}
	}
	untranslated(t, "peer map en", get(t, srv, "/comme-ma-collectivite?code=92007&lang=en").body)
}

// Every "used by" value the search offers is one the tool page's adopter
// filters accept, with the same meaning: an EPT is an EPT on both, banded
// among EPT, so that following a result keeps the same adopters.
func TestSearchAdopterFacetsAreToolPageFilters(t *testing.T) {
	srv := newServer(t)
	for _, o := range search.FacetOptions(search.FacetAdopterType) {
		r := get(t, srv, "/outils/decidim?type="+o.Value)
		if r.status != http.StatusOK {
			t.Errorf("adopter_type=%s is not a tool page filter: %d", o.Value, r.status)
		}
	}
	for _, o := range search.FacetOptions(search.FacetAdopterPopulation) {
		b, ok := territory.ParseBracket(o.Value)
		if !ok {
			t.Errorf("adopter_population=%s is not a band of the scheme", o.Value)
			continue
		}
		r := get(t, srv, "/outils/decidim?type="+string(b.Kind)+"&tranche="+o.Value)
		if r.status != http.StatusOK {
			t.Errorf("adopter_population=%s is not a tool page filter: %d", o.Value, r.status)
		}
	}
	r := get(t, srv, "/recherche?q=decidim&adopter_type=epci&adopter_population=epci-300000-plus")
	mustContain(t, "search used by EPCI", r.body, `href="/outils/decidim?tranche=epci-300000-plus&amp;type=epci#adopters"`)
	if r := get(t, srv, "/recherche?q=decidim&adopter_type=ept"); strings.Contains(r.body, `href="/outils/decidim?type=ept#adopters"`) {
		t.Error("Decidim has no EPT adopter, yet the search finds it used by an EPT")
	}
	// Bordeaux Métropole is an EPCI of 300,000 and more; an EPT filter
	// does not list it, an EPCI one does.
	r = get(t, srv, "/outils/decidim?type=ept&tranche=ept-300000-plus")
	if strings.Contains(r.body, `href="/territoires/epci/243300316"`) {
		t.Error("an EPCI is listed under the EPT filter")
	}
	r = get(t, srv, "/outils/decidim?type=epci&tranche=epci-300000-plus")
	mustContain(t, "EPCI filter", r.body, `href="/territoires/epci/243300316"`)
}
