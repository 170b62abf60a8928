// Package meili is the Meilisearch search backend, used when MEILI_URL and
// MEILI_API_KEY are set. It indexes the same documents as search/pg (built by
// search.LoadDocuments), applies its index settings idempotently at start,
// is fed by the search.Indexer from the revision outbox (a batch is only
// acknowledged once Meilisearch reports its tasks succeeded), and rebuilds
// into a fresh index that it swaps in atomically.
//
//	engine, err := meili.Open(ctx, pool, meili.Config{URL: ..., APIKey: ...})
//	res, err := engine.Search(ctx, q)   // see package search
package meili

import (
	"slices"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"github.com/civiscope/civiscope/search"
)

// Highlight markers: private-use characters that no document contains, so
// that highlighting never depends on escaping HTML.
const (
	preTag  = "\uE000"
	postTag = "\uE001"
)

// searchable lists the searched attributes, most important first: the
// attribute ranking rule prefers matches in the name.
// name_forms holds the name split at punctuation and run together, so that
// "capcollectif" and "make org" find their tool; practices, the words of a
// tool's categories, so that a practice finds its tools before the places
// whose names share a word.
func searchable() []string {
	return []string{"name", "name_forms", "practices", "summary", "keywords", "description"}
}

func sortable() []string { return []string{"adopters", "name_sort", "updated_at"} }

// Settings are the index settings: what is searched, filtered and sorted,
// the shared synonyms, and the typo budget of the contract (one typo from
// 5 letters, two from 9).
func Settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: searchable(),
		FilterableAttributes: append(search.FacetNames(), search.FacetAdopter),
		SortableAttributes:   sortable(),
		// The defaults, then the most adopted and the most populous first
		// among equals.
		RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness", "adopters:desc", "population:desc"},
		Synonyms:     synonyms(),
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
			// Codes are exact: 92000 is not 92002.
			DisableOnNumbers: true,
		},
		// Exact totals and facet counts up to the whole directory.
		Pagination: &meilisearch.Pagination{MaxTotalHits: 100000},
		Faceting:   &meilisearch.Faceting{MaxValuesPerFacet: 1000},
	}
}

// synonyms turns search.Synonyms into Meilisearch's form: each phrase
// lists every other phrase of its group, in its written and folded forms.
func synonyms() map[string][]string {
	out := map[string][]string{}
	for _, group := range search.Synonyms() {
		var forms []string
		for _, p := range group {
			for _, f := range []string{p, search.SortKey(p)} {
				if !slices.Contains(forms, f) {
					forms = append(forms, f)
				}
			}
		}
		for _, f := range forms {
			for _, g := range forms {
				if g != f && !slices.Contains(out[f], g) {
					out[f] = append(out[f], g)
				}
			}
		}
	}
	return out
}

// sameSettings reports whether got already holds every setting of want, so
// that starting the server does not make Meilisearch re-index for nothing.
func sameSettings(want, got *meilisearch.Settings) bool {
	if got == nil {
		return false
	}
	eq := func(a, b []string) bool { return slices.Equal(a, b) }
	sameSet := func(a, b []string) bool {
		a, b = slices.Clone(a), slices.Clone(b)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b)
	}
	if !eq(want.SearchableAttributes, got.SearchableAttributes) || !sameSet(want.FilterableAttributes, got.FilterableAttributes) ||
		!sameSet(want.SortableAttributes, got.SortableAttributes) || !eq(want.RankingRules, got.RankingRules) {
		return false
	}
	if len(want.Synonyms) != len(got.Synonyms) {
		return false
	}
	for k, v := range want.Synonyms {
		if !sameSet(v, got.Synonyms[k]) {
			return false
		}
	}
	wt, gt := want.TypoTolerance, got.TypoTolerance
	if gt == nil || wt.Enabled != gt.Enabled || wt.MinWordSizeForTypos != gt.MinWordSizeForTypos || wt.DisableOnNumbers != gt.DisableOnNumbers {
		return false
	}
	if got.Pagination == nil || got.Pagination.MaxTotalHits != want.Pagination.MaxTotalHits {
		return false
	}
	return got.Faceting != nil && got.Faceting.MaxValuesPerFacet == want.Faceting.MaxValuesPerFacet
}

// document is the JSON form of a search.Document in Meilisearch: the text,
// the sort keys, and one attribute per facet (the "type" facet included) (an empty list when the
// document has no value, so that filters never fail on a missing field).
func document(d search.Document) map[string]any {
	m := map[string]any{
		"id": d.ID, "entity_id": d.EntityID, "slug": d.Slug,
		"name": d.Name, "name_sort": search.SortKey(d.Name), "summary": d.Summary,
		"description": d.Description, "keywords": d.Keywords, "adopters": d.Adopters,
		"population": d.Population, "updated_at": d.UpdatedAt.Unix(),
		"name_forms": search.NameForms(d.Name),
	}
	var practices []string
	for _, c := range d.Facets[search.FacetCategory] {
		practices = append(practices, search.PracticeWords(c)...)
	}
	m["practices"] = strings.Join(practices, "\n")
	for _, f := range append(search.FacetNames(), search.FacetAdopter) {
		vals := d.Facets[f]
		if vals == nil {
			vals = []string{}
		}
		m[f] = vals
	}
	return m
}
