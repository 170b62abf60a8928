package territory_test

import (
	"context"
	"testing"

	"github.com/civiscope/civiscope/directory/territory"
)

func TestPopulationBracket(t *testing.T) {
	cases := []struct{ pop, min, max int }{{0, 0, 500}, {499, 0, 500}, {500, 500, 2000}, {44572, 20000, 50000}, {2103778, 100000, 0}}
	for _, c := range cases {
		b := territory.PopulationBracket(c.pop)
		if b.Min != c.min || b.Max != c.max || !b.Contains(c.pop) {
			t.Errorf("PopulationBracket(%d) = %+v, want [%d, %d)", c.pop, b, c.min, c.max)
		}
	}
}

// The in-memory peers (used by the web) and the SQL ones must agree.
func TestPeersInMemoryMatchSQL(t *testing.T) {
	ctx := context.Background()
	ix, err := territory.LoadIndex(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kind territory.Kind
		code string
	}{{territory.Commune, "92007"}, {territory.Commune, "75056"}, {territory.Commune, "01001"}, {territory.EPCI, "243300316"}, {territory.Departement, "33"}} {
		tt, err := territory.Get(ctx, db, c.kind, c.code)
		if err != nil {
			t.Fatal(err)
		}
		sql, b1, err := territory.PeersOf(ctx, db, tt, 5000, 0)
		if err != nil {
			t.Fatal(err)
		}
		mem, b2 := ix.Peers(tt, 5000, 0)
		if b1 != b2 || sql.Total != mem.Total || len(sql.Items) != len(mem.Items) {
			t.Fatalf("%s %s: SQL %d peers in %+v, memory %d in %+v", c.kind, c.code, sql.Total, b1, mem.Total, b2)
		}
		for i := range sql.Items {
			if sql.Items[i].ID != mem.Items[i].ID {
				t.Fatalf("%s %s: peer %d differs: %s vs %s", c.kind, c.code, i, sql.Items[i].Name, mem.Items[i].Name)
			}
		}
		if c.code == "92007" && (sql.Total < 50 || sql.Items[0].Population == nil || *sql.Items[0].Population >= 50000) {
			t.Errorf("Bagneux: %d peers, first %+v", sql.Total, sql.Items[0])
		}
	}
	// Members: an EPCI lists its communes, a région its départements.
	bm, _ := territory.Get(ctx, db, territory.EPCI, "243300316")
	m, err := territory.MembersOf(ctx, db, bm, 100, 0)
	if err != nil || m.Total != 28 {
		t.Errorf("Bordeaux Métropole has %d members (%v), want 28", m.Total, err)
	}
}
