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

// TestConcurrentSearchesDuringWrites runs searches from several goroutines
// while another engine writes; with -race it checks that sharing one
// snapshot between searches is safe, and every answer stays consistent.
func TestConcurrentSearchesDuringWrites(t *testing.T) {
	ctx := context.Background()
	reader, writer := pg.New(db), pg.New(db)
	done := make(chan struct{})
	errs := make(chan error, 16)
	for g := 0; g < 4; g++ {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				r, err := reader.Search(ctx, search.Query{Text: "concurrentia", Facets: true, Sort: search.SortName})
				if err != nil {
					errs <- err
					return
				}
				if n := r.Count("type", "tool"); n != r.Total {
					t.Errorf("facet count %d, total %d", n, r.Total)
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		d := search.Document{ID: search.DocID(search.TypeTool, int64(800000+i)), Type: search.TypeTool, EntityID: int64(800000 + i),
			Slug: "c", Name: "Concurrentia", UpdatedAt: time.Now(), Facets: map[string][]string{"type": {"tool"}}}
		b := search.Batch{Upserts: []search.Document{d}}
		if i%3 == 2 {
			b = search.Batch{Deletes: []string{search.DocID(search.TypeTool, int64(800000+i-1))}}
		}
		if err := writer.Apply(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	r, err := reader.Search(ctx, search.Query{Text: "concurrentia"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 20-2*6 {
		t.Errorf("after the writes: %d documents, want %d", r.Total, 20-2*6)
	}
}

// TestTextMatchesFollowRenames checks that the in-memory text indexes
// follow the table: a renamed document is found by its new name (whole,
// as a prefix, with a typo) and no longer by its old one, through the
// small delta of recent writes and through a full reload when a batch is
// too large for the delta.
func TestTextMatchesFollowRenames(t *testing.T) {
	ctx := context.Background()
	reader, writer := pg.New(db), pg.New(db)
	total := func(text string) int {
		t.Helper()
		r, err := reader.Search(ctx, search.Query{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return r.Total
	}
	doc := search.Document{ID: "tool-999801", Type: search.TypeTool, EntityID: 999801, Slug: "q", Name: "Quorvaxine",
		Summary: "Un outil de dialogue", UpdatedAt: time.Now(), Facets: map[string][]string{"type": {"tool"}}}
	if err := writer.Apply(ctx, search.Batch{Upserts: []search.Document{doc}}); err != nil {
		t.Fatal(err)
	}
	if n := total("quorvaxine"); n != 1 {
		t.Fatalf("quorvaxine after upsert: %d", n)
	}
	doc.Name = "Blentrofique"
	if err := writer.Apply(ctx, search.Batch{Upserts: []search.Document{doc}}); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]int{"quorvaxine": 0, "blentrofique": 1, "blentro": 1, "blentrofiqe": 1} {
		if n := total(text); n != want {
			t.Errorf("%q after the rename: %d, want %d", text, n, want)
		}
	}
	// More documents than a delta takes: the snapshot reloads.
	var many []search.Document
	for i := range 1100 {
		d := doc
		d.ID, d.EntityID, d.Name = search.DocID(search.TypeTool, int64(999900+i)), int64(999900+i), "Plimsarde"
		many = append(many, d)
	}
	doc.Name = "Vortagune"
	many = append(many, doc)
	if err := writer.Apply(ctx, search.Batch{Upserts: many}); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]int{"blentrofique": 0, "vortagune": 1, "plimsarde": 1100, "plimsard": 1100} {
		if n := total(text); n != want {
			t.Errorf("%q after the large batch: %d, want %d", text, n, want)
		}
	}
	var ids []string
	for _, d := range many {
		ids = append(ids, d.ID)
	}
	if err := writer.Apply(ctx, search.Batch{Deletes: ids}); err != nil {
		t.Fatal(err)
	}
	if n := total("vortagune") + total("plimsarde"); n != 0 {
		t.Errorf("after the deletes: %d", n)
	}
}
