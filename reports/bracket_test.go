package reports_test

import (
	"context"
	"testing"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/reports"
)

// The reports' materialised views band collectivités with the SQL function
// population_bracket (migration 00608); the barometer and the Go side of
// the reports with reports.BracketOf; peers, search and tool pages with
// territory.BracketOf. All three must put every population of every kind
// in the same band: this fails as soon as one scheme moves without the
// others.
func TestBracketsFollowTheOneScheme(t *testing.T) {
	ctx := context.Background()
	bs := reports.Brackets()
	if len(bs) != len(territory.AllBrackets())+1 {
		t.Fatalf("reports has %d bands, the scheme %d (+1 for unknown)", len(bs)-1, len(territory.AllBrackets()))
	}
	for _, b := range territory.AllBrackets() {
		pops := []int{b.Min, b.Min + 1}
		if b.Max > 0 {
			pops = append(pops, b.Max-1, b.Max)
		} else {
			pops = append(pops, b.Min*10+1)
		}
		if b.Min > 0 {
			pops = append(pops, b.Min-1)
		}
		for _, pop := range pops {
			want := territory.BracketOf(b.Kind, pop)
			id := reports.BracketOf(b.Kind, pop)
			if got := bs[id]; got.Kind != string(want.Kind) || got.Min != want.Min || got.Max != want.Max {
				t.Errorf("%s of %d: reports band %d (%s %d–%d), the scheme says %s", b.Kind, pop, id, got.Kind, got.Min, got.Max, want.Value())
			}
			var sqlID int
			if err := db.QueryRow(ctx, `SELECT population_bracket($1, $2)`, string(b.Kind), pop).Scan(&sqlID); err != nil {
				t.Fatal(err)
			}
			if sqlID != id {
				t.Errorf("%s of %d: SQL band %d, Go band %d (%s)", b.Kind, pop, sqlID, id, want.Value())
			}
		}
	}
	var unknown, organisation int
	if err := db.QueryRow(ctx, `SELECT population_bracket('commune', NULL), population_bracket(NULL, 5000)`).Scan(&unknown, &organisation); err != nil {
		t.Fatal(err)
	}
	if unknown != 0 || organisation != 0 || reports.BracketOf("organisation", 5000) != 0 {
		t.Errorf("unknown population or kind: SQL %d and %d, Go %d; want 0", unknown, organisation, reports.BracketOf("organisation", 5000))
	}
}
