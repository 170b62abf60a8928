package territory_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "territory", territorytest.Template, &db) }

func TestRegisterCounts(t *testing.T) {
	ctx := context.Background()
	want := map[territory.Kind]int{
		territory.Commune: 34969, territory.EPCI: 1255, territory.EPT: 11,
		territory.Departement: 109, territory.Region: 26,
	}
	for kind, n := range want {
		got, err := territory.Count(ctx, db, kind)
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Errorf("%s: %d in the register, want %d", kind, got, n)
		}
	}
}

func TestCodesKeepLeadingZerosAndCorsica(t *testing.T) {
	ctx := context.Background()
	c, err := territory.Get(ctx, db, territory.Commune, "01001")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "L'Abergement-Clémenciat" || c.Departement != "01" || c.Region != "84" {
		t.Errorf("01001 = %+v", c)
	}
	if c.EPCI == "" {
		t.Error("01001 has no EPCI; every metropolitan commune but a few islands has one")
	}
	ajaccio, err := territory.Get(ctx, db, territory.Commune, "2A004")
	if err != nil {
		t.Fatal(err)
	}
	if ajaccio.Name != "Ajaccio" || ajaccio.Departement != "2A" {
		t.Errorf("2A004 = %+v", ajaccio)
	}
	// Plaine Commune is an EPT; Saint-Denis (93066) belongs to it.
	sd, err := territory.Get(ctx, db, territory.Commune, "93066")
	if err != nil {
		t.Fatal(err)
	}
	if sd.EPT != "200057867" {
		t.Errorf("Saint-Denis EPT = %q, want Plaine Commune 200057867", sd.EPT)
	}
	dep, err := territory.Get(ctx, db, territory.Departement, "42")
	if err != nil {
		t.Fatal(err)
	}
	if dep.Population == nil || *dep.Population < 700000 {
		t.Errorf("Loire population = %v, want the sum of its communes", dep.Population)
	}
}

func TestFindSaintEtienneFirst(t *testing.T) {
	ix := index(t)
	for _, q := range []string{"saint etienne", "Saint-Étienne", "ST ETIENNE", "saint-etienne"} {
		ms, err := ix.Find(q, territory.FindOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || ms[0].Code != "42218" {
			t.Fatalf("%q: first match %+v, want Saint-Étienne 42218", q, first(ms))
		}
		if ms[0].Rank != territory.Exact {
			t.Errorf("%q: rank %v, want exact", q, ms[0].Rank)
		}
	}
}

func TestFindRanksPrefixThenFuzzy(t *testing.T) {
	ms, err := index(t).Find("villeurban", territory.FindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].Code != "69266" || ms[0].Rank != territory.Prefix {
		t.Fatalf("prefix: got %+v, want Villeurbanne 69266 as a prefix match", first(ms))
	}
	ms, err = index(t).Find("Villeurbane", territory.FindOptions{Kinds: []territory.Kind{territory.Commune}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].Code != "69266" || ms[0].Rank != territory.Fuzzy {
		t.Fatalf("typo: got %+v, want Villeurbanne 69266 as a fuzzy match", first(ms))
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Rank < ms[i-1].Rank {
			t.Errorf("results out of rank order at %d: %v after %v", i, ms[i].Rank, ms[i-1].Rank)
		}
	}
}

func TestFindHomonymsByDepartement(t *testing.T) {
	ms, err := index(t).Find("Saint-Denis", territory.FindOptions{Kinds: []territory.Kind{territory.Commune}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	exact := 0
	for _, m := range ms {
		if m.Rank == territory.Exact {
			exact++
			if m.DepartementName == "" {
				t.Errorf("%s has no département name to tell it apart", m.Code)
			}
		}
	}
	if exact < 3 {
		t.Fatalf("found %d communes named exactly Saint-Denis, want several", exact)
	}
	for q, want := range map[string]string{"Saint-Denis 93": "93066", "Saint-Denis (974)": "97411", "Bagneux 92220": "92007"} {
		ms, err := index(t).Find(q, territory.FindOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || ms[0].Code != want {
			t.Errorf("%q: first %+v, want %s", q, first(ms), want)
		}
	}
	ms, err = index(t).Find("Bagneux", territory.FindOptions{Departement: "51"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].Departement != "51" {
		t.Errorf("Bagneux in 51: %+v", first(ms))
	}
}

func TestFindRejectsBadQueries(t *testing.T) {
	ctx := context.Background()
	for _, q := range []string{"", "  ' - ", string(make([]byte, 300))} {
		if _, err := territory.Find(ctx, db, q, territory.FindOptions{}); err == nil {
			t.Errorf("Find(%q) succeeded, want an error", q)
		}
	}
	if _, err := index(t).Find("paris", territory.FindOptions{Kinds: []territory.Kind{"canton"}}); err == nil {
		t.Error("unknown kind accepted")
	}
	// Characters that mean something to LIKE are searched as text.
	if _, err := index(t).Find(`50% _ \`, territory.FindOptions{}); err != nil {
		t.Errorf("LIKE metacharacters: %v", err)
	}
}

// index loads the name index once per test.
func index(t *testing.T) *territory.Index {
	t.Helper()
	ix, err := territory.LoadIndex(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func first(ms []territory.Match) any {
	if len(ms) == 0 {
		return "nothing"
	}
	return ms[0]
}

func TestIndexRefreshSeesReimport(t *testing.T) {
	ctx := context.Background()
	ix := index(t)
	if changed, err := ix.Refresh(ctx, db); err != nil || changed {
		t.Fatalf("refresh of an unchanged register: changed=%v err=%v", changed, err)
	}
	if _, err := db.Exec(ctx, `UPDATE territory SET name = 'Saint-Étienne-Test', name_norm = 'saint etienne test', updated_at = now() WHERE kind = 'commune' AND code = '42005'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := territory.Import(ctx, db, mustEmbedded(t), nil); err != nil {
			t.Error(err)
		}
	})
	if changed, err := ix.Refresh(ctx, db); err != nil || !changed {
		t.Fatalf("refresh after a change: changed=%v err=%v", changed, err)
	}
	ms, err := ix.Find("saint etienne test", territory.FindOptions{})
	if err != nil || len(ms) == 0 || ms[0].Code != "42005" {
		t.Errorf("after refresh: %+v %v", first(ms), err)
	}
}

func mustEmbedded(t *testing.T) *territory.Register {
	reg, err := territory.ReadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
