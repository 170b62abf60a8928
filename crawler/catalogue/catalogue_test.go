package catalogue

import (
	"os"
	"strings"
	"testing"

	"github.com/civiscope/civiscope"
)

func TestEmbeddedSources(t *testing.T) {
	srcs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) == 0 || srcs[0].Name != "decidim-installations" || srcs[0].Verified == "" || srcs[0].Attribution == "" {
		t.Fatalf("sources %+v", srcs)
	}
}

func TestDecidimInstallationsExtraction(t *testing.T) {
	srcs, _ := Embedded()
	body, _ := os.ReadFile("testdata/installations.html")
	items, links := srcs[0].Extract("https://decidim.org/installations/", body)
	if len(links) != 0 {
		t.Errorf("links %v", links)
	}
	// Only the "all" panel, and only items with a title and a web URL.
	if len(items) != 2 {
		t.Fatalf("items %+v", items)
	}
	a := items[0]
	if a.Kind != "adoption" || a.Mapped["tool"] != "decidim" || a.Mapped["adopter"] != "Ville Une" ||
		a.Mapped["instance_url"] != "https://participez.ville-une.test/" || a.Key != "https://participez.ville-une.test/" {
		t.Errorf("item %+v", a)
	}
	if items[1].Mapped["adopter"] != "Région Deux" {
		t.Errorf("item %+v", items[1])
	}
}

func TestVendorPageWithPagination(t *testing.T) {
	b, _ := os.ReadFile("testdata/vendor-references.yaml")
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	page := `<ul class="clients">
		<li><span class="nom">Commune A</span> <a href="https://jeparticipe.a.test">site</a> <span class="annee">depuis 2021</span></li>
		<li><span class="nom">Commune B</span></li>
		<li><a href="/x">pas de nom</a></li></ul>
		<a href="?page=2">suivante</a> <a href="/contact">contact</a> <a href="https://editeur.test/references?page=2#top">2</a>`
	items, links := s.Extract("https://editeur.test/references", []byte(page))
	if len(items) != 2 || items[0].Mapped["since"] != "2021" || items[0].Mapped["instance_url"] != "https://jeparticipe.a.test" {
		t.Errorf("items %+v", items)
	}
	if items[1].Key != "commune b" {
		t.Errorf("an item without URL is keyed by its adopter: %+v", items[1])
	}
	if len(links) != 1 || links[0] != "https://editeur.test/references?page=2" {
		t.Errorf("links %v", links)
	}
}

func TestBadDefinitionsAreExplained(t *testing.T) {
	_, err := Parse([]byte(`name: Bad Name
start_urls: [ftp://x]
follow: ['(']
items: {selector: 'a[', fields: {x: {selector: 'b[', regex: '('}}}
map: {kind: adoption, tool: t, adopter: "{{nope}}"}
`))
	fields := map[string]bool{}
	for _, f := range civiscope.ErrorFields(err) {
		fields[f.Field] = true
	}
	for _, want := range []string{"name", "title", "licence", "start_urls[0]", "follow[0]", "items.selector", "items.fields.x.selector", "items.fields.x.regex", "map"} {
		if !fields[want] {
			t.Errorf("no error for %s; got %v", want, err)
		}
	}
	if _, err := Parse([]byte("name: x\nunknown_key: 1\n")); err == nil || !strings.Contains(err.Error(), "unknown_key") {
		t.Errorf("unknown keys must be refused: %v", err)
	}
}

func TestExtractProfile(t *testing.T) {
	page := `<html><head><title>Accueil | Exemple</title>
	<meta name="description" content="Meta description">
	<meta property="og:title" content="OG titre"><meta property="og:description" content="OG description">
	<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
	 {"@type":"Organization","name":"Exemple SAS","logo":{"@type":"ImageObject","url":"https://exemple.test/logo.png"},"sameAs":["https://github.com/exemple"]},
	 {"@type":["SoftwareApplication"],"name":"Exemple Participation","applicationCategory":"GovernmentApplication",
	  "description":"Plateforme de consultation","license":"https://www.gnu.org/licenses/agpl-3.0","operatingSystem":"Web"}]}</script>
	<script type="application/ld+json">{ broken json</script></head><body></body></html>`
	p := ExtractProfile("https://exemple.test/", []byte(page))
	if p.Name != "Exemple Participation" || p.Description != "Plateforme de consultation" || p.Organisation != "Exemple SAS" ||
		p.Logo != "https://exemple.test/logo.png" || p.Licence == "" || p.Sources["name"] != "jsonld" || len(p.SameAs) != 1 {
		t.Errorf("profile %+v", p)
	}
	p = ExtractProfile("https://x.test/", []byte(`<title>Seul titre</title><meta property="og:description" content="Desc OG">`))
	if p.Name != "Seul titre" || p.Description != "Desc OG" || p.Sources["name"] != "meta" || p.Sources["description"] != "og" {
		t.Errorf("fallback profile %+v", p)
	}
	if !ExtractProfile("https://x.test/", []byte("<p>rien</p>")).Empty() {
		t.Error("empty page gave a profile")
	}
}

func FuzzExtractProfile(f *testing.F) {
	f.Add([]byte(`<script type="application/ld+json">{"@type":"SoftwareApplication","name":{"@value":"x"},"publisher":{"name":3}}</script>`))
	f.Add([]byte(`<script type="application/ld+json">[[[[[{"@graph":[{"@graph":{}}]}]]]]]</script><meta property="og:title">`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p := ExtractProfile("https://x.test/", body)
		if len(p.Name) > 2000 || len(p.Description) > 2000 {
			t.Fatalf("unbounded field")
		}
	})
}

func FuzzCatalogueExtract(f *testing.F) {
	b, _ := os.ReadFile("testdata/installations.html")
	f.Add(b)
	f.Add([]byte(`<div id="used-by-panel-f0"><a data-filter-target href="%zz"><img alt="x"></a></div>`))
	srcs, err := Embedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, _ := srcs[0].Extract("https://decidim.org/installations/", body)
		for _, it := range items {
			if it.Key == "" || !strings.HasPrefix(it.Mapped["instance_url"], "http") {
				t.Fatalf("bad item %+v", it)
			}
		}
	})
}
