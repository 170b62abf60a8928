package directory_test

import (
	"context"
	"testing"
	"time"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// An adoption counts once, in its own category: not in every category of
// its tool.
func TestKeyFiguresCountAdoptionsByTheirCategory(t *testing.T) {
	ctx := context.Background()
	before, err := directory.KeyFigures(ctx, db, 1)
	if err != nil {
		t.Fatal(err)
	}
	two := newTool("figures-two") // consultation and participatory-budgeting
	one := newTool("figures-one")
	one.Categories = []string{"petitions"}
	for _, tool := range []*directory.Tool{two, one} {
		if err := directory.CreateTool(ctx, db, tool, curator); err != nil {
			t.Fatal(err)
		}
	}
	obs := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		tool     *directory.Tool
		code     string
		category string
	}{{two, "35238", "participatory-budgeting"}, {two, "44109", ""}, {one, "33063", ""}} {
		te, err := territory.Get(ctx, db, territory.Commune, c.code)
		if err != nil {
			t.Fatal(err)
		}
		a := &directory.Adoption{ToolID: c.tool.ID, TerritoryID: te.ID, Category: c.category, Status: directory.StatusCurrent,
			Confidence: 0.9, Evidence: []directory.Evidence{{SourceKind: directory.SourceCurator, SourceName: "test",
				ObservedAt: obs, Fingerprint: "figures-" + c.code}}}
		if _, err := directory.UpsertAdoption(ctx, db, a, curator); err != nil {
			t.Fatalf("adoption %d: %v", i, err)
		}
	}
	after, err := directory.KeyFigures(ctx, db, 1)
	if err != nil {
		t.Fatal(err)
	}
	count := func(f *directory.Figures, cat string) int {
		for _, c := range f.ByCategory {
			if c.Category == cat {
				return c.Count
			}
		}
		return 0
	}
	for cat, want := range map[string]int{"participatory-budgeting": 1, "consultation": 0, "petitions": 1} {
		if got := count(after, cat) - count(before, cat); got != want {
			t.Errorf("%s: +%d, want +%d", cat, got, want)
		}
	}
	if got := after.Uncategorised - before.Uncategorised; got != 1 {
		t.Errorf("uncategorised: +%d, want +1 (a tool of two categories, no category stated)", got)
	}
	if after.ByCollectivites-before.ByCollectivites != 3 || after.ByOrganisations != before.ByOrganisations {
		t.Errorf("split: %d/%d then %d/%d", before.ByCollectivites, before.ByOrganisations, after.ByCollectivites, after.ByOrganisations)
	}
}
