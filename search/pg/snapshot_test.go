package pg_test

import (
	"context"
	"testing"
	"time"

	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
)

// TestSnapshotFollowsUpsertsAndDeletes checks that facet counts and results,
// which come from the in-memory snapshot, follow every write to the table,
// including one made through another Engine (another process).
func TestSnapshotFollowsUpsertsAndDeletes(t *testing.T) {
	ctx := context.Background()
	reader, writer := pg.New(db), pg.New(db)
	count := func(text string) int {
		t.Helper()
		r, err := reader.Search(ctx, search.Query{Text: text, Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		if n := r.Count("type", "tool"); n != r.Total {
			t.Errorf("%q: facet count %d, total %d", text, n, r.Total)
		}
		return r.Total
	}
	if n := count("zyxwvutopia"); n != 0 {
		t.Fatalf("found %d before any write", n)
	}
	doc := search.Document{ID: "tool-999999", Type: search.TypeTool, EntityID: 999999, Slug: "zyx", Name: "Zyxwvutopia",
		UpdatedAt: time.Now(), Facets: map[string][]string{"type": {"tool"}, "category": {"voting"}}}
	if err := writer.Apply(ctx, search.Batch{Upserts: []search.Document{doc}}); err != nil {
		t.Fatal(err)
	}
	if n := count("zyxwvutopia"); n != 1 {
		t.Fatalf("after upsert: %d", n)
	}
	doc.Facets["category"] = []string{"petitions"}
	if err := writer.Apply(ctx, search.Batch{Upserts: []search.Document{doc}}); err != nil {
		t.Fatal(err)
	}
	r, err := reader.Search(ctx, search.Query{Text: "zyxwvutopia", Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Count("category", "petitions") != 1 || r.Count("category", "voting") != 0 {
		t.Errorf("after update, facets: %+v", r.Facets[1])
	}
	if err := writer.Apply(ctx, search.Batch{Deletes: []string{doc.ID}}); err != nil {
		t.Fatal(err)
	}
	if n := count("zyxwvutopia"); n != 0 {
		t.Fatalf("after delete: %d", n)
	}
}
