package directory_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "directory", territorytest.Template, &db) }

var curator = directory.By{Actor: "curator:test", Source: "store_test.go"}

func newTool(slug string) *directory.Tool {
	yes := true
	return &directory.Tool{
		Slug: slug, Name: "Tool " + slug, TaglineFR: "Un outil", TaglineEN: "A tool",
		Categories: []string{"consultation", "participatory-budgeting"},
		Website:    "https://example.org/" + slug, Licence: "agpl-3.0-only", OpenSource: &yes,
		BusinessModel: directory.ModelServices, Languages: []string{"fr", "en"},
		Sources: []directory.Source{{Kind: directory.SourceCurator, Name: "test", URL: "https://example.org"}},
	}
}

func countRevisions(t *testing.T, e directory.Entity, id int64) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM revision WHERE entity = $1 AND entity_id = $2`, e, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func tableCount(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestToolCreateGetUpdateRevisions(t *testing.T) {
	ctx := context.Background()
	v := &directory.Vendor{Slug: "acme-civic", Name: "Acme Civic", Kind: directory.VendorCompany, Country: "fr"}
	if err := directory.CreateVendor(ctx, db, v, curator); err != nil {
		t.Fatal(err)
	}
	tool := newTool("roundtrip")
	tool.VendorID = v.ID
	if err := directory.CreateTool(ctx, db, tool, curator); err != nil {
		t.Fatal(err)
	}
	got, err := directory.GetTool(ctx, db, "roundtrip")
	if err != nil {
		t.Fatal(err)
	}
	if got.Licence != "AGPL-3.0-only" || got.Vendor == nil || got.Vendor.Slug != "acme-civic" ||
		len(got.Categories) != 2 || len(got.Sources) != 1 || *got.OpenSource != true {
		t.Fatalf("round trip lost data: %+v", got)
	}
	if n := countRevisions(t, directory.EntityTool, tool.ID); n != 1 {
		t.Fatalf("want 1 revision after create, got %d", n)
	}
	got.Name = "Renamed"
	got.Categories = []string{"petitions"}
	if err := directory.UpdateTool(ctx, db, got, directory.By{Actor: "curator:other"}); err != nil {
		t.Fatal(err)
	}
	revs, err := directory.ListRevisions(ctx, db, directory.EntityTool, tool.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Action != "update" || revs[0].Actor != "curator:other" {
		t.Fatalf("revisions: %+v", revs)
	}
	ch := revs[0].Changes
	if ch["name"].Old != "Tool roundtrip" || ch["name"].New != "Renamed" || len(ch) != 2 {
		t.Fatalf("update revision should hold name and categories old → new, got %+v", ch)
	}
	// An update that changes nothing records nothing.
	if err := directory.UpdateTool(ctx, db, got, curator); err != nil {
		t.Fatal(err)
	}
	if n := countRevisions(t, directory.EntityTool, tool.ID); n != 2 {
		t.Fatalf("no-op update wrote a revision: %d", n)
	}
}

func TestToolValidationPersistsNothing(t *testing.T) {
	ctx := context.Background()
	before := tableCount(t, "tool")
	revBefore := tableCount(t, "revision")
	bad := newTool("Bad Slug")
	bad.Website = "javascript:alert(1)"
	bad.SourceRepo = "ftp://example.org/x"
	bad.Licence = "GPL-4.0"
	bad.Categories = []string{"consultation", "astrology"}
	bad.Name = strings.Repeat("x", 201)
	bad.FoundedYear = 1900
	since := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	bad.LifecycleSince = &since
	err := directory.CreateTool(ctx, db, bad, curator)
	if civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("want EINVALID, got %v", err)
	}
	fields := map[string]string{}
	for _, f := range civiscope.ErrorFields(err) {
		fields[f.Field] = f.Message
	}
	for _, want := range []string{"slug", "website", "source_repo", "licence", "categories", "name", "founded_year"} {
		if fields[want] == "" {
			t.Errorf("no error for %s; got %v", want, fields)
		}
	}
	if !strings.Contains(fields["categories"], "astrology") {
		t.Errorf("category message should name the unknown slug: %q", fields["categories"])
	}
	if tableCount(t, "tool") != before || tableCount(t, "revision") != revBefore {
		t.Fatal("a rejected tool left rows behind")
	}
}

func TestDuplicateSlugIsConflict(t *testing.T) {
	ctx := context.Background()
	if err := directory.CreateTool(ctx, db, newTool("dup"), curator); err != nil {
		t.Fatal(err)
	}
	revBefore := tableCount(t, "revision")
	err := directory.CreateTool(ctx, db, newTool("dup"), curator)
	if civiscope.ErrorCode(err) != civiscope.ECONFLICT {
		t.Fatalf("want ECONFLICT, got %v", err)
	}
	if tableCount(t, "revision") != revBefore {
		t.Fatal("failed create wrote a revision")
	}
}

func TestConstraintsBackValidation(t *testing.T) {
	ctx := context.Background()
	for name, sql := range map[string]string{
		"unknown category":   `INSERT INTO tool_category (tool_id, category) SELECT id, 'astrology' FROM tool LIMIT 1`,
		"javascript url":     `INSERT INTO tool (slug, name, website) VALUES ('js', 'JS', 'javascript:x')`,
		"two adopters":       `INSERT INTO adoption (tool_id, territory_id, organisation_id) SELECT t.id, te.id, NULL FROM tool t, territory te LIMIT 0`,
		"no adopter":         `INSERT INTO adoption (tool_id) SELECT id FROM tool LIMIT 1`,
		"ended before start": `INSERT INTO adoption (tool_id, territory_id, started_on, ended_on, status) SELECT t.id, (SELECT id FROM territory LIMIT 1), '2020-02-01', '2019-01-01', 'ended' FROM tool t LIMIT 1`,
		"mid-month date":     `INSERT INTO adoption (tool_id, territory_id, started_on) SELECT t.id, (SELECT id FROM territory LIMIT 1), '2020-02-15' FROM tool t LIMIT 1`,
		"revision update":    `UPDATE revision SET actor = 'x'`,
		"revision delete":    `DELETE FROM revision`,
		"bad vendor kind":    `INSERT INTO vendor (slug, name, kind) VALUES ('v', 'V', 'cartel')`,
	} {
		if name == "two adopters" {
			continue // covered by "no adopter": the same CHECK
		}
		if _, err := db.Exec(ctx, sql); err == nil {
			t.Errorf("%s: the database accepted it", name)
		}
	}
	if err := directory.CreateTool(ctx, db, newTool("constraint-probe"), curator); err != nil {
		t.Fatal(err)
	}
	if tableCount(t, "revision") == 0 {
		t.Fatal("revisions vanished")
	}
}

func TestCategoriesMatchDatabase(t *testing.T) {
	rows, err := db.Query(context.Background(), `SELECT slug FROM category ORDER BY position`)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		slugs = append(slugs, s)
	}
	cats := directory.Categories()
	if len(cats) != len(slugs) {
		t.Fatalf("Go has %d categories, the database %d", len(cats), len(slugs))
	}
	for i, c := range cats {
		if c.Slug != slugs[i] || c.Label.FR == "" || c.Label.EN == "" {
			t.Errorf("category %d: Go %+v, database %s", i, c, slugs[i])
		}
	}
}

func TestListToolsKeyset(t *testing.T) {
	ctx := context.Background()
	pv := &directory.Vendor{Slug: "page-vendor", Name: "Pager"}
	if err := directory.CreateVendor(ctx, db, pv, curator); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"page-a", "page-b", "page-c", "page-d", "page-e"} {
		tl := newTool(s)
		tl.Categories = []string{"civic-crowdfunding"}
		tl.VendorID = pv.ID
		if err := directory.CreateTool(ctx, db, tl, curator); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	f := directory.ToolFilter{Category: "civic-crowdfunding", VendorSlug: "page-vendor", Limit: 2}
	for i := 0; i < 10; i++ {
		p, err := directory.ListTools(ctx, db, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tl := range p.Tools {
			seen = append(seen, tl.Slug)
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	if strings.Join(seen, ",") != "page-a,page-b,page-c,page-d,page-e" {
		t.Fatalf("pages: %v", seen)
	}
	if _, err := directory.ListTools(ctx, db, directory.ToolFilter{Category: "nope"}); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("unknown category filter: %v", err)
	}
}

func TestAdoptionUpsertEvidenceAndRevisions(t *testing.T) {
	ctx := context.Background()
	tool := newTool("adopted")
	if err := directory.CreateTool(ctx, db, tool, curator); err != nil {
		t.Fatal(err)
	}
	nanterre, err := territory.Get(ctx, db, territory.Commune, "92050")
	if err != nil {
		t.Fatal(err)
	}
	obs := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	mk := func(url, fp string, status directory.AdoptionStatus) *directory.Adoption {
		return &directory.Adoption{ToolID: tool.ID, TerritoryID: nanterre.ID, InstanceURL: url,
			Status: status, Confidence: 0.9, Evidence: []directory.Evidence{{
				SourceKind: directory.SourceVendorList, SourceName: "test list", SourceURL: "https://example.org/list",
				SourceLicence: "MIT", ObservedAt: obs, Fingerprint: fp}}}
	}
	r1, err := directory.UpsertAdoption(ctx, db, mk("https://participez.nanterre.fr/", "a", directory.StatusCurrent), curator)
	if err != nil || !r1.Created || r1.EvidenceAdded != 1 {
		t.Fatalf("first upsert: %+v %v", r1, err)
	}
	// Same site, other spelling, same evidence: nothing new.
	r2, err := directory.UpsertAdoption(ctx, db, mk("http://www.participez.nanterre.fr", "a", directory.StatusCurrent), curator)
	if err != nil || r2.Created || r2.Updated || r2.EvidenceAdded != 0 || r2.AdoptionID != r1.AdoptionID {
		t.Fatalf("repeat upsert: %+v %v", r2, err)
	}
	// A second source: evidence accumulates, and the archived copy ends it.
	r3, err := directory.UpsertAdoption(ctx, db, mk("https://web.archive.org/web/2024/https://participez.nanterre.fr/", "b", directory.StatusEnded), curator)
	if err != nil || r3.Created || !r3.Updated || r3.EvidenceAdded != 1 {
		t.Fatalf("archived upsert: %+v %v", r3, err)
	}
	a, err := directory.GetAdoption(ctx, db, r1.AdoptionID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != directory.StatusEnded || len(a.Evidence) != 2 || a.Territory.Code != "92050" {
		t.Fatalf("adoption: %+v", a)
	}
	if n := countRevisions(t, directory.EntityAdoption, a.ID); n != 2 {
		t.Fatalf("adoption revisions: %d, want create + update", n)
	}
	for _, e := range a.Evidence {
		if n := countRevisions(t, directory.EntityEvidence, e.ID); n != 1 {
			t.Fatalf("evidence %d has %d revisions", e.ID, n)
		}
	}
	page, err := directory.ListAdoptions(ctx, db, directory.AdoptionFilter{TerritoryID: nanterre.ID})
	if err != nil || len(page.Adoptions) != 1 || len(page.Adoptions[0].Evidence) != 2 {
		t.Fatalf("list by territory: %+v %v", page, err)
	}
	// Bad adoption: nothing persisted.
	before := tableCount(t, "adoption")
	bad := mk("mailto:x@example.org", "c", directory.StatusCurrent)
	end := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	bad.StartedOn, bad.EndedOn = &start, &end
	bad.Category = "astrology"
	_, err = directory.UpsertAdoption(ctx, db, bad, curator)
	fields := map[string]bool{}
	for _, f := range civiscope.ErrorFields(err) {
		fields[f.Field] = true
	}
	if !fields["instance_url"] || !fields["ended_on"] || !fields["category"] {
		t.Fatalf("want instance_url, ended_on, category errors, got %v", err)
	}
	if tableCount(t, "adoption") != before {
		t.Fatal("invalid adoption persisted")
	}
}

func TestRevisionsAfterIsAnOrderedOutbox(t *testing.T) {
	ctx := context.Background()
	last, err := directory.LatestRevisionID(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := directory.CreateVendor(ctx, db, &directory.Vendor{Slug: "outbox-vendor", Name: "O"}, curator); err != nil {
		t.Fatal(err)
	}
	if err := directory.CreateTool(ctx, db, newTool("outbox-tool"), curator); err != nil {
		t.Fatal(err)
	}
	revs, err := directory.RevisionsAfter(ctx, db, last, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Entity != directory.EntityVendor || revs[1].Entity != directory.EntityTool || revs[0].ID >= revs[1].ID {
		t.Fatalf("outbox: %+v", revs)
	}
}

func TestLicenceChecks(t *testing.T) {
	for in, want := range map[string]string{
		"mit": "MIT", "AGPL-3.0-or-later": "AGPL-3.0-or-later", "gpl-2.0-only OR mit": "GPL-2.0-only OR MIT",
		"LicenseRef-Proprietary": "LicenseRef-Proprietary", "(MIT AND apache-2.0)": "(MIT AND Apache-2.0)",
	} {
		got, why := directory.CheckLicence(in)
		if why != "" || got != want {
			t.Errorf("CheckLicence(%q) = %q, %q; want %q", in, got, why, want)
		}
	}
	for _, bad := range []string{"GPL", "Propriétaire", "MIT;DROP"} {
		if _, why := directory.CheckLicence(bad); why == "" {
			t.Errorf("CheckLicence(%q) accepted", bad)
		}
	}
}

func TestVendorAndAdoptionUpdatesRecordRevisions(t *testing.T) {
	ctx := context.Background()
	v := &directory.Vendor{Slug: "rev-vendor", Name: "Rev", Kind: directory.VendorStartup}
	if err := directory.CreateVendor(ctx, db, v, curator); err != nil {
		t.Fatal(err)
	}
	v.Kind, v.Country = directory.VendorCooperative, "FR"
	if err := directory.UpdateVendor(ctx, db, v, directory.By{Actor: "vendor:rev"}); err != nil {
		t.Fatal(err)
	}
	revs, err := directory.ListRevisions(ctx, db, directory.EntityVendor, v.ID, 10)
	if err != nil || len(revs) != 2 || revs[0].Changes["kind"].Old != "startup" || revs[0].Changes["kind"].New != "cooperative" {
		t.Fatalf("vendor revisions: %+v %v", revs, err)
	}
	// A SIREN with a wrong check digit is refused with a field error.
	v.SIREN = "123456789"
	if err := directory.UpdateVendor(ctx, db, v, curator); civiscope.ErrorCode(err) != civiscope.EINVALID || civiscope.ErrorFields(err)[0].Field != "siren" {
		t.Fatalf("bad SIREN: %v", err)
	}

	tool := newTool("rev-tool")
	if err := directory.CreateTool(ctx, db, tool, curator); err != nil {
		t.Fatal(err)
	}
	angers, err := territory.Get(ctx, db, territory.Commune, "49007")
	if err != nil {
		t.Fatal(err)
	}
	res, err := directory.UpsertAdoption(ctx, db, &directory.Adoption{ToolID: tool.ID, TerritoryID: angers.ID,
		InstanceURL: "https://ecrivons.angers.fr", Status: directory.StatusCurrent, Confidence: 0.9}, curator)
	if err != nil {
		t.Fatal(err)
	}
	a, err := directory.GetAdoption(ctx, db, res.AdoptionID)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2023, 6, 17, 0, 0, 0, 0, time.UTC)
	a.Status, a.EndedOn = directory.StatusEnded, &end
	if err := directory.UpdateAdoption(ctx, db, a, curator); err != nil {
		t.Fatal(err)
	}
	got, _ := directory.GetAdoption(ctx, db, a.ID)
	if got.Status != directory.StatusEnded || got.EndedOn == nil || got.EndedOn.Day() != 1 {
		t.Fatalf("update: %+v (dates are kept to the month)", got)
	}
	revs, _ = directory.ListRevisions(ctx, db, directory.EntityAdoption, a.ID, 10)
	if len(revs) != 2 || revs[0].Changes["status"].New != "ended" || revs[0].Changes["ended_on"].New != "2023-06-01" {
		t.Fatalf("adoption revisions: %+v", revs)
	}
	// The adopter of an adoption never changes.
	got.TerritoryID = angers.ID + 1
	if err := directory.UpdateAdoption(ctx, db, got, curator); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("changing the adopter: %v", err)
	}
	// Evidence: added once, then recognised.
	e := directory.Evidence{SourceKind: directory.SourceCurator, SourceName: "phone call", ObservedAt: time.Now().Add(-time.Hour), Fingerprint: "call-1"}
	for i, want := range []bool{true, false} {
		ev := e
		added, err := directory.AddEvidence(ctx, db, a.ID, &ev, curator)
		if err != nil || added != want {
			t.Fatalf("AddEvidence #%d: %v %v", i, added, err)
		}
	}
	if _, err := directory.AddEvidence(ctx, db, a.ID, &directory.Evidence{SourceKind: "rumour", SourceName: "x", ObservedAt: time.Now(), Fingerprint: "y"}, curator); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("unknown source kind: %v", err)
	}
	if _, err := directory.AddEvidence(ctx, db, 987654321, &e, curator); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Fatalf("evidence for a missing adoption: %v", err)
	}
}
