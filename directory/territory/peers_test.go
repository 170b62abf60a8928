package territory_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/directory/territory"
)

func TestBracketOf(t *testing.T) {
	cases := []struct {
		kind          territory.Kind
		pop, min, max int
	}{
		{territory.Commune, 0, 0, 1000}, {territory.Commune, 999, 0, 1000}, {territory.Commune, 3500, 3500, 10000},
		{territory.Commune, 44572, 20000, 50000}, {territory.Commune, 2103778, 100000, 0},
		{territory.EPCI, 44572, 30000, 50000}, {territory.EPCI, 1433613, 300000, 0},
		{territory.Departement, 1654712, 1000000, 0}, {territory.Region, 12463067, 0, 0},
	}
	for _, c := range cases {
		b := territory.BracketOf(c.kind, c.pop)
		if b.Kind != c.kind || b.Min != c.min || b.Max != c.max || !b.Contains(c.pop) {
			t.Errorf("BracketOf(%s, %d) = %+v, want [%d, %d)", c.kind, c.pop, b, c.min, c.max)
		}
		if got, ok := territory.ParseBracket(b.Value()); !ok || got != b {
			t.Errorf("ParseBracket(%q) = %+v, %v", b.Value(), got, ok)
		}
	}
	if v := territory.BracketOf(territory.Commune, 25000).Value(); v != "commune-20000-49999" {
		t.Errorf("value %q", v)
	}
	if l := territory.BracketOf(territory.Commune, 25000).KindLabel("fr"); l != "communes de 20\u202f000 à 49\u202f999 hab." {
		t.Errorf("label %q", l)
	}
	if _, ok := territory.ParseBracket("commune-20000-50000"); ok {
		t.Error("a band outside the scheme was accepted")
	}
}

// sqlPeers is the definition of peers written as a query, the oracle the
// in-memory answer is checked against: same kind and legal form, same
// région, same population band, current, largest first.
func sqlPeers(t *testing.T, tt *territory.Territory) ([]int64, territory.Bracket) {
	t.Helper()
	b := territory.BracketOf(tt.Kind, *tt.Population)
	upper := b.Max
	if upper == 0 {
		upper = 1 << 30
	}
	rows, err := db.Query(context.Background(), `SELECT id FROM territory
		WHERE kind = $1 AND region_code = $2 AND population >= $3 AND population < $4 AND id <> $5
		  AND coalesce(legal_form, '') = $6 AND NOT historic
		ORDER BY population DESC NULLS LAST, name, code`,
		tt.Kind, tt.Region, b.Min, upper, tt.ID, tt.LegalForm)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids, b
}

// The in-memory peers (used by the web) must match the SQL definition.
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
		sql, b1 := sqlPeers(t, tt)
		mem, b2 := ix.Peers(tt, 5000, 0)
		if b1 != b2 || len(sql) != mem.Total || len(sql) != len(mem.Items) {
			t.Fatalf("%s %s: SQL %d peers in %+v, memory %d in %+v", c.kind, c.code, len(sql), b1, mem.Total, b2)
		}
		for i := range sql {
			if sql[i] != mem.Items[i].ID {
				t.Fatalf("%s %s: peer %d differs: id %d vs %s", c.kind, c.code, i, sql[i], mem.Items[i].Name)
			}
		}
		if c.code == "92007" && (mem.Total < 50 || mem.Items[0].Population == nil || *mem.Items[0].Population >= 50000) {
			t.Errorf("Bagneux: %d peers, first %+v", mem.Total, mem.Items[0])
		}
	}
	// Members: an EPCI lists its communes, a région its départements.
	bm, _ := territory.Get(ctx, db, territory.EPCI, "243300316")
	m, err := territory.MembersOf(ctx, db, bm, 100, 0)
	if err != nil || m.Total != 28 {
		t.Errorf("Bordeaux Métropole has %d members (%v), want 28", m.Total, err)
	}
}
