package territory_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

func TestReimportIsIdempotentAndKeepsIDs(t *testing.T) {
	ctx := context.Background()
	before, err := territory.Get(ctx, db, territory.Commune, "42218")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := territory.ReadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	st, err := territory.Import(ctx, db, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted != 0 || st.Updated != 0 || st.Historic != 0 || st.Unchanged != len(reg.Territories) {
		t.Errorf("re-import changed things: %+v", st)
	}
	after, err := territory.Get(ctx, db, territory.Commune, "42218")
	if err != nil {
		t.Fatal(err)
	}
	if after.ID != before.ID {
		t.Errorf("id changed from %d to %d", before.ID, after.ID)
	}
}

func TestVanishedCommuneBecomesHistoricThenReturns(t *testing.T) {
	ctx := context.Background()
	reg, err := territory.ReadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	full := reg.Territories
	var without []territory.Territory
	for _, tt := range full {
		if !(tt.Kind == territory.Commune && tt.Code == "01001") {
			if tt.Kind == territory.Commune && tt.Code == "01002" {
				tt.Name = "L'Abergement-de-Varey (renamed)"
			}
			without = append(without, tt)
		}
	}
	st, err := territory.Import(ctx, db, &territory.Register{Source: "test", Territories: without}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Historic != 1 || st.Updated != 1 {
		t.Errorf("stats = %+v, want 1 historic and 1 updated", st)
	}
	gone, err := territory.Get(ctx, db, territory.Commune, "01001")
	if err != nil {
		t.Fatal(err)
	}
	if !gone.Historic {
		t.Error("01001 should be historic once it leaves the register")
	}
	if ms, _ := territory.Find(ctx, db, "L'Abergement-Clémenciat", territory.FindOptions{}); len(ms) > 0 && ms[0].Code == "01001" {
		t.Error("a historic commune is found without asking for historic ones")
	}
	st, err = territory.Import(ctx, db, &territory.Register{Source: "test", Territories: full}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Restored != 1 || st.Updated != 1 || st.Historic != 0 {
		t.Errorf("restore stats = %+v, want 1 restored and 1 updated", st)
	}
	back, err := territory.Get(ctx, db, territory.Commune, "01001")
	if err != nil {
		t.Fatal(err)
	}
	if back.Historic || back.ID != gone.ID {
		t.Errorf("restored commune: historic=%v id %d→%d", back.Historic, gone.ID, back.ID)
	}
}

// A register that passes parsing but breaks a database constraint half-way
// must leave the table exactly as it was.
func TestFailedImportLeavesDatabaseUntouched(t *testing.T) {
	ctx := context.Background()
	snapshot := func() string {
		var s string
		err := db.QueryRow(ctx, `SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM territory t`).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	reg, err := territory.ReadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]territory.Territory(nil), reg.Territories...)
	bad[0].Name = "Renamed first"                   // would be updated…
	bad[len(bad)-1].Name = strings.Repeat("x", 300) // …but this breaks the length check
	if _, err := territory.Import(ctx, db, &territory.Register{Source: "test", Territories: bad}, nil); err == nil {
		t.Fatal("import of an over-long name succeeded")
	}
	if after := snapshot(); after != before {
		t.Error("a failed import changed the territory table")
	}
}

func TestFreshImportIntoEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx, "territoryfresh", pgtest.Empty)
	if err != nil {
		t.Fatal(err)
	}
	defer drop()
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	reg, err := territory.ReadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	st, err := territory.Import(ctx, pool, reg, func(stage string, done, total int) {
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted != len(reg.Territories) {
		t.Errorf("inserted %d of %d", st.Inserted, len(reg.Territories))
	}
	if strings.Join(stages, ",") != "copy,merge" {
		t.Errorf("progress stages = %v", stages)
	}
}

const (
	okRegions = `[{"code":"84","nom":"Auvergne-Rhône-Alpes","zone":"metro"}]`
	okDepts   = `[{"code":"42","region":"84","nom":"Loire","zone":"metro"}]`
	okEPT     = `[{"code":"200057867","nom":"Plaine Commune","type":"EPT","membres":[]}]`
	okEPCI    = `[{"code":"244200770","nom":"Saint-Étienne Métropole","type":"METRO","membres":[{"code":"42218"}]}]`
	okComm    = `[{"code":"42218","nom":"Saint-Étienne","type":"commune-actuelle","departement":"42","region":"84","zone":"metro","siren":"214202186","population":173136},
	             {"code":"42005","nom":"Andrézieux-Bouthéon","type":"commune-actuelle","departement":"42","region":"84","zone":"metro"}]`
)

func files(over map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, body := range map[string]string{"regions.json": okRegions, "departements.json": okDepts,
		"ept.json": okEPT, "epci.json": okEPCI, "communes.json": okComm} {
		if b, ok := over[name]; ok {
			body = b
		}
		if body != "<missing>" {
			m[name] = &fstest.MapFile{Data: []byte(body)}
		}
	}
	return m
}

func TestBadSourceFilesNameFileAndRecord(t *testing.T) {
	if _, err := territory.ReadFS("ok", files(nil)); err != nil {
		t.Fatalf("the valid sample is rejected: %v", err)
	}
	cases := map[string]struct {
		over map[string]string
		want []string
	}{
		"malformed": {map[string]string{"communes.json": `[{"code": "42218",,}]`}, []string{"communes.json", "malformed JSON"}},
		"truncated": {map[string]string{"communes.json": okComm[:60]}, []string{"communes.json", "truncated"}},
		"missing":   {map[string]string{"epci.json": "<missing>"}, []string{"epci.json", "missing"}},
		"duplicate": {map[string]string{"communes.json": `[{"code":"42218","nom":"A","type":"commune-actuelle","departement":"42","region":"84"},{"code":"42218","nom":"B","type":"commune-actuelle","departement":"42","region":"84"}]`},
			[]string{"communes.json record 2", `"42218"`, "duplicate code"}},
		"unknown département": {map[string]string{"communes.json": `[{"code":"99001","nom":"Nulle-part","type":"commune-actuelle","departement":"99","region":"84"}]`},
			[]string{"communes.json record 1", `"99001"`, `unknown département "99"`}},
		"unknown member": {map[string]string{"epci.json": `[{"code":"244200770","nom":"X","type":"CA","membres":[{"code":"01001"}]}]`},
			[]string{"epci.json record 1", `member commune "01001"`}},
		"bad code": {map[string]string{"communes.json": `[{"code":"4218","nom":"A","type":"commune-actuelle","departement":"42","region":"84"}]`},
			[]string{"communes.json record 1", "malformed commune code"}},
	}
	for name, c := range cases {
		_, err := territory.ReadFS("sample", files(c.over))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", name, err, w)
			}
		}
	}
}

func TestTruncatedSnapshotIsRejected(t *testing.T) {
	if _, err := territory.ReadSnapshot("cut.tgz", strings.NewReader("\x1f\x8b\x08\x00garbage")); err == nil {
		t.Error("a corrupt tarball was accepted")
	}
}
