package pg_test

import (
	"context"
	"testing"
	"time"

	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
	"github.com/civiscope/civiscope/search/searchtest"
)

// TestTypoCandidatesFollowTheIndex checks that the vocabulary an engine
// keeps in memory for typo candidates follows the index: a word that had
// no near vocabulary word finds the document that brings one.
func TestTypoCandidatesFollowTheIndex(t *testing.T) {
	ctx := context.Background()
	// A database of its own: the contract's documents already hold words.
	pool := searchtest.RelevanceDB(t, "searchpgtypos")
	e := pg.New(pool)
	search1 := func() int {
		r, err := e.Search(ctx, search.Query{Text: "zelkovarix", Filters: map[string][]string{"type": {"tool"}}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Total
	}
	if n := search1(); n != 0 {
		t.Fatalf("zelkovarix before any tool holds a near word: %d hits", n)
	}
	doc := search.Document{ID: search.DocID(search.TypeTool, 990001), Type: search.TypeTool, EntityID: 990001,
		Slug: "zelkovaria", Name: "Zelkovaria", Summary: "Un outil de consultation", UpdatedAt: time.Now(),
		Facets: map[string][]string{search.FacetType: {string(search.TypeTool)}}}
	if err := e.Apply(ctx, search.Batch{Upserts: []search.Document{doc}, Cursor: 1}); err != nil {
		t.Fatal(err)
	}
	if n := search1(); n != 1 {
		t.Errorf("zelkovarix (one typo) after Zelkovaria was indexed: %d hits, want 1", n)
	}
}
