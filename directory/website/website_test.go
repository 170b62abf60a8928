package website_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/directory/website"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "website", territorytest.Template, &db) }

func importShipped(t *testing.T) (website.ImportStats, territory.Lineage) {
	t.Helper()
	reg, err := territory.ReadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	listings, bad, err := website.ReadShipped(data.WebsitesFS())
	if err != nil {
		t.Fatal(err)
	}
	domains, dbad, err := website.ReadShippedDomains(data.WebsitesFS())
	if err != nil {
		t.Fatal(err)
	}
	st, err := website.Import(context.Background(), db, reg.Lineage, listings, domains, append(bad, dbad...))
	if err != nil {
		t.Fatal(err)
	}
	return st, reg.Lineage
}

type siteRow struct {
	URL, Status, Source, Note, Code string
}

func sitesOf(t *testing.T, kind, code string) []siteRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT w.url, w.status, w.source, w.note, w.listed_code
		FROM territory_website w JOIN territory t ON t.id = w.territory_id WHERE t.kind = $1 AND t.code = $2
		ORDER BY w.status, w.url`, kind, code)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []siteRow
	for rows.Next() {
		var r siteRow
		if err := rows.Scan(&r.URL, &r.Status, &r.Source, &r.Note, &r.Code); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func current(rs []siteRow) *siteRow {
	for i := range rs {
		if rs[i].Status == "current" {
			return &rs[i]
		}
	}
	return nil
}

func TestImportShippedLists(t *testing.T) {
	ctx := context.Background()
	st, lineage := importShipped(t)
	var communes int
	if err := db.QueryRow(ctx, `SELECT count(DISTINCT w.territory_id) FROM territory_website w JOIN territory t ON t.id = w.territory_id
		WHERE w.status = 'current' AND t.kind = 'commune' AND NOT t.historic`).Scan(&communes); err != nil {
		t.Fatal(err)
	}
	if communes < 18000 {
		t.Errorf("%d communes have an official website, want at least 18,000", communes)
	}

	// Big cities, councils filed under their seat commune.
	for _, c := range []struct{ kind, code, url string }{
		{"commune", "75056", "http://www.paris.fr/"},
		{"commune", "13055", "http://www.marseille.fr/"},
		{"commune", "69123", "http://www.lyon.fr/"},
		{"departement", "01", "http://www.ain.fr/"},    // cg-01053-01: Bourg-en-Bresse
		{"departement", "69", "http://www.rhone.fr/"},  // cg-69383-01: Lyon 3e arrondissement
		{"region", "11", "http://www.iledefrance.fr/"}, // cr-75107-01: Paris 7e
		{"region", "53", "http://www.bretagne.bzh/"},   // cr-35238-01: Rennes
	} {
		cur := current(sitesOf(t, c.kind, c.code))
		if cur == nil || cur.URL != c.url {
			t.Errorf("%s %s: current site %+v, want %s", c.kind, c.code, cur, c.url)
		}
	}
	// An arrondissement mairie's site stays with the city, not as its own.
	var arr bool
	for _, r := range sitesOf(t, "commune", "69123") {
		arr = arr || (r.URL == "http://www.mairie1.lyon.fr/" && r.Status == "former" && strings.Contains(r.Note, "arrondissement"))
	}
	if !arr {
		t.Error("Lyon should keep mairie1.lyon.fr as an arrondissement mairie's site")
	}

	// A merged commune's 2019 site belongs to the commune nouvelle, as former.
	var oldCode, newCode, url string
	err := db.QueryRow(ctx, `SELECT w.listed_code, t.code, w.url FROM territory_website w JOIN territory t ON t.id = w.territory_id
		WHERE w.note LIKE 'site of the former commune%' AND w.source = 'annuaire-2019' ORDER BY w.listed_code LIMIT 1`).Scan(&oldCode, &newCode, &url)
	if err != nil {
		t.Fatalf("no merged commune's site was kept: %v", err)
	}
	if to, merged := lineage.Current(oldCode); to != newCode || !merged {
		t.Errorf("%s went to %s, but the register says %s (merged %v)", oldCode, newCode, to, merged)
	}

	// 2019 wins over 2016, and the 2016 host stays as dated history.
	var code, url2019, url2016 string
	err = db.QueryRow(ctx, `SELECT t.code, n.url, o.url FROM territory_website n
		JOIN territory_website o ON o.territory_id = n.territory_id AND o.status = 'former' AND o.source = 'annuaire-2016' AND o.note LIKE 'replaced by %'
		JOIN territory t ON t.id = n.territory_id
		WHERE n.status = 'current' AND n.source = 'annuaire-2019' AND o.last_listed < n.last_listed LIMIT 1`).Scan(&code, &url2019, &url2016)
	if err != nil {
		t.Fatalf("no 2016 host kept as history of a changed one: %v", err)
	}

	// Bad rows are recorded with their reason, not fatal.
	var reason string
	if err := db.QueryRow(ctx, `SELECT reason FROM website_unlinked WHERE source = 'annuaire-2016' AND record = 'epci-14126-01'`).Scan(&reason); err != nil {
		t.Fatalf("the 2016 row whose website is just \"http\" is not recorded: %v", err)
	}

	// Importing again changes nothing.
	again, _ := importShipped(t)
	if again.Current != st.Current || again.Former != st.Former || again.Unlinked != st.Unlinked {
		t.Errorf("second import: %+v, first %+v", again, st)
	}
}

func TestReadAnnuaireKeepsGoingPastBadRows(t *testing.T) {
	in := "source_id,kind,insee_code,home_page\n" +
		"mairie-54003-01,mairie,54003,http://www.aboncourt.mairie54.fr\n" +
		"not-an-id,mairie,54003,http://x.fr\n" +
		"mairie-57001-01,mairie,57001,\n" +
		"mairie-02010-01,mairie,02010,www.allemant.fr\n"
	ls, bad, err := website.ReadAnnuaire(&website.Annuaire2019, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || len(bad) != 1 || bad[0].Record != "line 3" {
		t.Errorf("got %d listings and rejected %+v; want 2 and line 3", len(ls), bad)
	}
}

func TestDomainsAttachOnlyWhenUnambiguous(t *testing.T) {
	names := website.Names{}
	names.Add(territory.Commune, "Arches", 1)
	names.Add(territory.Commune, "Arches", 2)
	names.Add(territory.Commune, "Saint-Étienne", 3)
	names.Add(territory.Commune, "Bischheim", 4)
	ds := []website.Domain{
		{List: website.DomainLists[0], Host: "arches.fr"},
		{List: website.DomainLists[0], Host: "ville-saint-etienne.fr"},
		{List: website.DomainLists[0], Host: "bischheim.alsace"},
		{List: website.DomainLists[0], Host: "nowhere.fr"},
		{List: website.DomainLists[0], Host: "known.fr"},
	}
	rows, unlinked := names.MatchDomains(ds, map[string]bool{"known.fr": true}, map[int64]bool{4: true})
	if len(rows) != 1 || rows[0].TerritoryID != 3 {
		t.Fatalf("attached %+v, want only ville-saint-etienne.fr to commune 3", rows)
	}
	want := map[string]string{"arches.fr": "2 communes", "bischheim.alsace": "already has a website", "nowhere.fr": "no commune"}
	if len(unlinked) != len(want) {
		t.Fatalf("unlinked %+v", unlinked)
	}
	for _, u := range unlinked {
		if !strings.Contains(u.Reason, want[u.Value]) {
			t.Errorf("%s: reason %q, want it to say %q", u.Value, u.Reason, want[u.Value])
		}
	}
}

func TestCorrectionOutlivesImports(t *testing.T) {
	ctx := context.Background()
	importShipped(t)
	var id int64
	if err := db.QueryRow(ctx, `SELECT id FROM territory WHERE kind = 'commune' AND code = '13055'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := website.Correct(ctx, tx, website.Correction{TerritoryID: id, URL: "not a url", Reason: "x"}); err == nil {
		t.Error("a bad address and no reason were accepted")
	}
	tx.Rollback(ctx)
	tx, _ = db.Begin(ctx)
	if err := website.Correct(ctx, tx, website.Correction{TerritoryID: id, URL: "https://www.marseille.fr/", Reason: "the city moved to https", By: directory.By{Actor: "user:1", Source: "test"}}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		cur := current(sitesOf(t, "commune", "13055"))
		if cur == nil || cur.URL != "https://www.marseille.fr/" || cur.Source != "contribution" {
			t.Errorf("%s: current %+v, want the correction", when, cur)
		}
	}
	check("after the correction")
	revs, err := directory.ListRevisions(ctx, db, directory.EntityTerritory, id, 5)
	if err != nil || len(revs) != 1 || revs[0].Changes["website"].New != "https://www.marseille.fr/" {
		t.Errorf("the correction's revision: %+v, %v; want one revision of the territory naming the new site", revs, err)
	}
	importShipped(t)
	check("after a new import")
}
