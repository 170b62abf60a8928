package meili

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/civiscope/civiscope/search"
)

func TestDocumentMapping(t *testing.T) {
	d := search.Document{ID: "tool-7", Type: search.TypeTool, EntityID: 7, Slug: "agora", Name: "Agora Démocratie",
		Summary: "Plateforme", Adopters: 3, UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Facets: map[string][]string{"type": {"tool"}, "category": {"consultation", "voting"}, "open_source": {"yes"}}}
	m := document(d)
	if m["id"] != "tool-7" || m["name_sort"] != "agora democratie" || m["updated_at"] != int64(1767323045) || m["adopters"] != 3 {
		t.Errorf("document: %v", m)
	}
	if m["name_forms"] != "agora democratie agorademocratie" {
		t.Errorf("name forms: %v", m["name_forms"])
	}
	if p := m["practices"].(string); !strings.Contains(p, "concertation") || !strings.Contains(p, "sondage") {
		t.Errorf("practices of consultation and voting: %q", p)
	}
	if got := m["category"].([]string); !slices.Equal(got, []string{"consultation", "voting"}) {
		t.Errorf("category: %v", got)
	}
	if got := m["type"].([]string); !slices.Equal(got, []string{"tool"}) {
		t.Errorf("type: %v", got)
	}
	// Facets the document lacks are empty lists, never missing.
	for _, f := range search.FacetNames() {
		if _, ok := m[f].([]string); !ok {
			t.Errorf("facet %s missing from the document", f)
		}
	}
	if _, err := json.Marshal(m); err != nil {
		t.Fatal(err)
	}
}

func TestSettings(t *testing.T) {
	s := Settings()
	if !slices.Equal(s.FilterableAttributes, append(search.FacetNames(), search.FacetAdopter)) {
		t.Errorf("filterable: %v", s.FilterableAttributes)
	}
	if !slices.Equal(s.SortableAttributes, []string{"adopters", "name_sort", "updated_at"}) {
		t.Errorf("sortable: %v", s.SortableAttributes)
	}
	if s.SearchableAttributes[0] != "name" {
		t.Errorf("the name must rank first: %v", s.SearchableAttributes)
	}
	if !slices.Contains(s.RankingRules, "population:desc") || !s.TypoTolerance.DisableOnNumbers {
		t.Errorf("places must rank by population and codes take no typo: %v %+v", s.RankingRules, s.TypoTolerance)
	}
	if tt := s.TypoTolerance; !tt.Enabled || tt.MinWordSizeForTypos.OneTypo != 5 || tt.MinWordSizeForTypos.TwoTypos != 9 {
		t.Errorf("typo tolerance: %+v", tt)
	}
	for a, b := range map[string]string{"bp": "budget participatif", "budget participatif": "bp",
		"signalement": "issue reporting", "issue reporting": "signalement", "pétition": "petition", "petition": "pétition",
		"grand lyon": "métropole de lyon", "mel": "métropole européenne de lille"} {
		if !slices.Contains(s.Synonyms[a], b) {
			t.Errorf("synonyms of %q: %v, want %q", a, s.Synonyms[a], b)
		}
	}
	if !sameSettings(s, Settings()) {
		t.Error("settings differ from themselves")
	}
	other := Settings()
	other.Synonyms["bp"] = []string{"banque"}
	if sameSettings(s, other) {
		t.Error("a changed synonym went unnoticed")
	}
}

func TestRequestIsPlainText(t *testing.T) {
	q := search.Query{Text: `"budget" -d'investissement & (vote)*`, Facets: true, Sort: search.SortName,
		Filters: map[string][]string{"category": {"voting", "petitions"}, "open_source": {"yes"}}}
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	r := request(q)
	if r.Query != "budget investissement vote" {
		t.Errorf("query %q still carries syntax", r.Query)
	}
	want := []any{[]string{`category = "petitions"`, `category = "voting"`}, []string{`open_source = "yes"`}}
	got, _ := json.Marshal(r.Filter)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("filter %s, want %s", got, wantJSON)
	}
	if !slices.Equal(r.Sort, []string{"name_sort:asc"}) || *r.HitsPerPage != 20 || r.Page != 1 || len(r.Facets) != len(search.FacetNames()) {
		t.Errorf("request: %+v", r)
	}
	if r.MatchingStrategy != meilisearch.All {
		t.Errorf("matching strategy %q: every word must match, as in PostgreSQL", r.MatchingStrategy)
	}
	if quote(`a"b\c`) != `"a\"b\\c"` {
		t.Errorf("quote: %s", quote(`a"b\c`))
	}
}

func TestResultsParsing(t *testing.T) {
	raw := `{"hits":[{"id":"tool-3","slug":"agora","name":"Agora Démocratie","summary":"Plateforme","adopters":4,
		"updated_at":1767323045,"_formatted":{"name":"Agora ` + preTag + `Démocratie` + postTag + `","summary":"Plateforme",
		"description":"…les ` + preTag + `démocraties` + postTag + ` locales…"}}],
		"totalHits":41,"totalPages":3,"page":1,"hitsPerPage":20,
		"facetDistribution":{"category":{"consultation":30,"voting":11},"type":{"tool":41}}}`
	var resp meilisearch.SearchResponse
	if err := json.Unmarshal([]byte(raw), &resp); err != nil {
		t.Fatal(err)
	}
	q := search.Query{Text: "democratie", Facets: true, Filters: map[string][]string{"adopter_type": {"region"}}}
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	res, err := results(q, &resp)
	if err != nil {
		t.Fatal(err)
	}
	h := res.Hits[0]
	if res.Total != 41 || res.Pages != 3 || h.Type != search.TypeTool || h.EntityID != 3 || h.Adopters != 4 {
		t.Errorf("results: %+v", res)
	}
	if !slices.Equal(h.Highlighted.Matches(), []string{"Démocratie"}) || h.Highlighted.String() != "Agora Démocratie" {
		t.Errorf("name highlight: %+v", h.Highlighted)
	}
	if !slices.Equal(h.Snippet.Matches(), []string{"démocraties"}) {
		t.Errorf("snippet: %+v", h.Snippet)
	}
	if res.Count("category", "voting") != 11 || res.Count("type", "tool") != 41 {
		t.Errorf("facets: %+v", res.Facets)
	}
	// A selected value with no result still shows, selected, at 0.
	for _, f := range res.Facets {
		if f.Name == "adopter_type" && (len(f.Values) != 1 || !f.Values[0].Selected || f.Values[0].Count != 0) {
			t.Errorf("selected facet value: %+v", f.Values)
		}
	}
}
