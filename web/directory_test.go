package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/directorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
)

func TestHomeShowsKeyFigures(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/")
	if r.status != 200 {
		t.Fatalf("home: %d", r.status)
	}
	// The fixture's Decidim adoptions: n collectivités and the Assemblée
	// nationale; the seed's tools are listed. The category chart counts
	// adoptions by their own category: the collectivités' do not state one
	// (Decidim serves six), so none is counted.
	n := len(directorytest.Decidim())
	mustContain(t, "/", r.body, fmt.Sprintf(`<strong>%d</strong> adoptions documentées`, directorytest.DecidimAdoptions()),
		fmt.Sprintf(`<strong>%d</strong> collectivités`, n), `action="/recherche"`,
		"Adoptions par des collectivités françaises, selon leur catégorie", fmt.Sprintf("%d autres adoptions de collectivités ne disent pas leur catégorie", n),
		fmt.Sprintf("(%d par des collectivités françaises, 1 par des organisations ou à l’étranger)", n))
	untranslated(t, "/", r.body)
}

func TestToolPage(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/outils/decidim")
	if r.status != 200 {
		t.Fatalf("tool: %d", r.status)
	}
	mustContain(t, "decidim", r.body,
		"<h1>Decidim</h1>",
		`href="/territoires/commune/92050">Nanterre</a>`,
		`https://github.com/decidim/decidim.org/blob/115e36b5c57a08854ab5d51bc02f363a0637557a/data/installations/nanterre.yml`,
		"AGPL-3.0",
		`<svg class="choropleth"`, `class="q1"`, // the map, with shaded départements
		`<a href="/territoires/departement/44">Loire-Atlantique</a>`, // and its table
		"Historique des modifications", "seed",
		`href="/contribuer/outils/decidim/modifier"`, `href="/editeurs/`)
	untranslated(t, "decidim", r.body)
	if en := get(t, srv, "/outils/decidim?lang=en"); !strings.Contains(en.body, "Revision history") {
		t.Error("English tool page lacks its headings")
	}
	if r := get(t, srv, "/outils/nope"); r.status != http.StatusNotFound {
		t.Errorf("unknown tool: %d", r.status)
	}
	if r := get(t, srv, "/outils/decidim?apres=x"); r.status != http.StatusBadRequest {
		t.Errorf("bad cursor: %d", r.status)
	}
}

func TestTerritoryToolsAndPeers(t *testing.T) {
	srv := newServer(t)
	// Bordeaux uses Decidim, and so does its métropole.
	r := get(t, srv, "/territoires/commune/33063")
	mustContain(t, "bordeaux", r.body, `href="/outils/decidim"`, "https://participation.bordeaux.fr/", "Outils de son intercommunalité et de son département", "https://participation.bordeaux-metropole.fr/")
	// A commune of Loire-Atlantique sees its département's tool.
	r = get(t, srv, "/territoires/commune/44109")
	mustContain(t, "nantes", r.body, "https://participer.loire-atlantique.fr/")
	// Bagneux's peers include Arcueil and Cachan, Decidim users: ranked
	// peer tools.
	r = get(t, srv, "/comme-ma-collectivite?nom=Bagneux+92")
	mustContain(t, "bagneux", r.body, `<a href="/outils/decidim">Decidim</a></th><td class="num">2</td>`)
}

func TestVendorAndCompare(t *testing.T) {
	srv := newServer(t)
	tool := get(t, srv, "/outils/decidim").body
	i := strings.Index(tool, `href="/editeurs/`)
	if i < 0 {
		t.Fatal("decidim has no vendor link")
	}
	href := tool[i+6 : i+6+strings.Index(tool[i+6:], `"`)]
	v := get(t, srv, href)
	if v.status != 200 || !strings.Contains(v.body, `href="/outils/decidim"`) {
		t.Errorf("vendor %s: %d, lists decidim: %v", href, v.status, strings.Contains(v.body, "decidim"))
	}
	c := get(t, srv, "/comparer?outil=decidim&outil=consul")
	mustContain(t, "compare", c.body, "Comparaison de Decidim, CONSUL", "AGPL-3.0", "Collectivités adoptantes : communes de 100")
	untranslated(t, "compare", c.body)
	if r := get(t, srv, "/comparer?outil=decidim"); !strings.Contains(r.body, "au moins deux") {
		t.Error("one tool: no hint to pick another")
	}
	if r := get(t, srv, "/comparer?outil=a&outil=b&outil=c&outil=d&outil=e"); r.status != http.StatusBadRequest {
		t.Errorf("five tools: %d", r.status)
	}
	if r := get(t, srv, "/comparer?outil=decidim&outil=nope"); r.status != http.StatusNotFound {
		t.Errorf("unknown tool: %d", r.status)
	}
}

func TestSearchPage(t *testing.T) {
	srv := newServer(t)
	r := get(t, srv, "/recherche?q=decidim")
	if r.status != 200 {
		t.Fatalf("search: %d %s", r.status, r.body)
	}
	mustContain(t, "q=decidim", r.body, `href="/outils/decidim"`, "Filtres", `type=tool`)
	untranslated(t, "search", r.body)
	// A filter is in the URL, shows as active with a removal link.
	r = get(t, srv, "/recherche?q=decidim&type=tool")
	mustContain(t, "filtered", r.body, `aria-current="true"`, `href="/recherche?q=decidim"`)
	// Nothing matches: the page says which filter to drop.
	r = get(t, srv, "/recherche?q=decidim&type=vendor&type=tool&category=petitions&lifecycle=defunct")
	if r.status != 200 {
		t.Fatalf("empty search: %d", r.status)
	}
	if strings.Contains(r.body, `class="results"`) {
		t.Fatalf("a combination that matches no fixture returned results: filters are not applied\n%s", r.body)
	}
	mustContain(t, "empty", r.body, "Aucun résultat", "Essayez sans le filtre")
	// A typo in a facet name is the user's mistake, not a silent match-all.
	if r := get(t, srv, "/recherche?categorie=x"); r.status != http.StatusBadRequest {
		t.Errorf("unknown parameter: %d", r.status)
	}
	if r := get(t, srv, "/recherche?q=decidim&lang=en"); r.status != 200 || !strings.Contains(r.body, "Filters") {
		t.Errorf("English search: %d", r.status)
	}
}

// The tool page is cached until the next directory revision: a change must
// show on the very next request.
func TestToolPageCacheFollowsRevisions(t *testing.T) {
	srv := newServer(t)
	ctx := context.Background()
	before := get(t, srv, "/outils/loomio?lang=en")
	if before.status != 200 {
		t.Fatalf("loomio: %d", before.status)
	}
	if again := get(t, srv, "/outils/loomio?lang=en"); again.body != before.body {
		t.Fatal("two requests without a change gave different pages")
	}
	tool, err := directory.GetTool(ctx, db, "loomio")
	if err != nil {
		t.Fatal(err)
	}
	tool.TaglineEN = "Group decisions, tested by the web cache test zebracache"
	if err := directory.UpdateTool(ctx, db, tool, directory.By{Actor: "curator:test", Source: "web cache test"}); err != nil {
		t.Fatal(err)
	}
	after := get(t, srv, "/outils/loomio?lang=en")
	mustContain(t, "after update", after.body, "tested by the web cache test", "curator:test")

	// The search page is cached by the index's cursor: once the indexer has
	// applied the change, the next search sees it.
	const path = "/recherche?q=zebracache&lang=en"
	if strings.Contains(get(t, srv, path).body, `href="/outils/loomio"`) {
		t.Fatal("the index found the new word before the indexer ran")
	}
	if _, err := search.NewIndexer(db, pg.New(db), newTestLog()).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "search after indexing", get(t, srv, path).body, `href="/outils/loomio"`)
}

func TestCachedPagesAnswer304(t *testing.T) {
	srv := newServer(t)
	first := get(t, srv, "/outils/decidim")
	etag := first.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on the tool page")
	}
	req := pgtest.Must(http.NewRequest(http.MethodGet, srv.URL+"/outils/decidim", nil))(t)
	req.Header.Set("If-None-Match", etag)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d", res.StatusCode)
	}
	// Another language is another representation.
	if en := get(t, srv, "/outils/decidim?lang=en"); en.header.Get("ETag") == etag {
		t.Error("French and English pages share an ETag")
	}
	// Errors carry no validator.
	if r := get(t, srv, "/outils/nope"); r.header.Get("ETag") != "" || r.status != 404 {
		t.Errorf("404 with ETag %q", r.header.Get("ETag"))
	}
}
