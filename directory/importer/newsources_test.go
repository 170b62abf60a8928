package importer_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory/importer"
)

// TestInvalidRecordsChangeNothing: every invalid value is reported with
// its file and line, and the file imports nothing.
func TestInvalidRecordsChangeNothing(t *testing.T) {
	odf := "siren,nom,url_platform,id_datagouv,techno_platform\n" +
		"211401187,CAEN,https://data.caen.fr,,OpenDataSoft\n" +
		"21140118,TYPO,,,DataGouv\n" +
		"213500010,ACIGNE,not a url,,Martian Platform\n"
	_, err := importer.ReadPath(importer.OpenDataFr, fstest.MapFS{"odf.csv": {Data: []byte(odf)}}, "odf.csv")
	if civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("want EINVALID, got %v", err)
	}
	for _, want := range []string{"odf.csv:3: siren \"21140118\"", "odf.csv:4: url_platform", "odf.csv:4: unknown platform", "nothing was imported"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	dg := "organization_id,organization,datasets,archived_datasets,first_created_on,first_dataset_id,last_modified_on,datasets_created_before_2010\n" +
		"534fffa8a3a7292c64a780c8,Région Île-de-France,10,20,2012-13-01,59591af5a3a7291dcf9c811d,2026-01-16,0\n"
	_, err = importer.ReadPath(importer.Datagouv, fstest.MapFS{"dg.csv": {Data: []byte(dg)}}, "dg.csv")
	for _, want := range []string{"dg.csv:2: archived_datasets (20)", "dg.csv:2: first_created_on \"2012-13-01\""} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("datagouv error lacks %q: %v", want, err)
		}
	}
	census := fstest.MapFS{
		"c/instances.csv": {Data: []byte("id,url,source\n8,https://participez.nancy.fr,\n")},
		"c/platforms.csv": {Data: []byte("id,platform_url,platform_name,version\n")},
		"c/activity.csv": {Data: []byte("instance_id,host,year,first_day,last_day,days_answered,users_count,processes_count,proposals,comments_count\n" +
			"8,participez.nancy.fr,2022,2022-05-01,2022-04-01,3,10,1,2,x\n")},
	}
	_, err = importer.ReadPath(importer.DecidimCount, census, "c")
	for _, want := range []string{"activity.csv:2: comments_count \"x\"", "activity.csv:2: last_day is before first_day"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("census error lacks %q: %v", want, err)
		}
	}
}

// TestCensusSpanAndChangedSource: the census's first and last answers are
// the adoption's attested span, never its end; the same instance on
// decidim.org's list is one adoption; a later census run moves the last
// observation with a revision, and re-reading it adds nothing.
func TestCensusSpanAndChangedSource(t *testing.T) {
	ctx := context.Background()
	if _, err := importer.LoadSeeds(ctx, db); err != nil {
		t.Fatal(err)
	}
	r := newResolver(t)
	for _, src := range []importer.Source{importer.Decidim, importer.DecidimCount} {
		if _, err := importer.Run(ctx, db, r, src, shippedRecords(t, src), nil); err != nil {
			t.Fatal(err)
		}
	}
	// Nancy (54395): on decidim.org's list and in the census.
	q := `SELECT a.id, a.status, a.ended_on IS NULL, a.attested_first::text, a.attested_last::text,
		(SELECT count(*) FROM evidence e WHERE e.adoption_id = a.id),
		(SELECT count(*) FROM adoption b WHERE b.territory_id = a.territory_id AND b.tool_id = a.tool_id)
		FROM adoption a JOIN territory t ON t.id = a.territory_id WHERE t.kind = 'commune' AND t.code = '54395'`
	var id int64
	var status, first, last string
	var noEnd bool
	var evidence, adoptions int
	if err := db.QueryRow(ctx, q).Scan(&id, &status, &noEnd, &first, &last, &evidence, &adoptions); err != nil {
		t.Fatal(err)
	}
	if adoptions != 1 || evidence != 2 || !noEnd || first >= "2026" {
		t.Fatalf("Nancy: %d adoptions, %d evidence, no end %v, attested %s–%s", adoptions, evidence, noEnd, first, last)
	}
	// A later run: the instance answered again.
	recs := shippedRecords(t, importer.DecidimCount)
	for i := range recs {
		if strings.Contains(recs[i].InstanceURL, "participez.nancy.fr") {
			later := recs[i].Evidence.LastObserved().AddDate(0, 0, 30)
			recs[i].Evidence.ObservedUntil = &later
			recs[i].Evidence.Excerpt += " (later run)"
		}
	}
	revisions := count(t, `SELECT count(*) FROM revision WHERE entity = 'evidence' AND action = 'update'`)
	rep, err := importer.Run(ctx, db, r, importer.DecidimCount, recs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.EvidenceUpdated != 1 || rep.EvidenceAdded != 0 || rep.AdoptionsCreated != 0 {
		t.Fatalf("changed census: %s", rep.Summary())
	}
	if n := count(t, `SELECT count(*) FROM revision WHERE entity = 'evidence' AND action = 'update'`); n != revisions+1 {
		t.Fatalf("%d evidence update revisions, want %d", n, revisions+1)
	}
	var until string
	if err := db.QueryRow(ctx, `SELECT observed_until::date::text FROM evidence WHERE adoption_id = $1
		AND source_name = 'Decidim census (DigiDemLab)'`, id).Scan(&until); err != nil || until < "2022" {
		t.Fatalf("census evidence until %s (%v)", until, err)
	}
	rep, err = importer.Run(ctx, db, r, importer.DecidimCount, recs, nil)
	if err != nil || rep.EvidenceUpdated+rep.EvidenceAdded+rep.AdoptionsCreated != 0 {
		t.Fatalf("re-reading the same run changed things: %v %v", rep, err)
	}
}

// TestShippedDirectoryIsDated: after the whole shipped load, at least 900
// collectivités have an adoption, every adoption has an attested date,
// and every piece of evidence of the new sources names its file at a commit
// and its licence; no participatory-budget dataset is attached to a tool.
func TestShippedDirectoryIsDated(t *testing.T) {
	ctx := context.Background()
	if _, _, err := importer.LoadShipped(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if n := count(t, `SELECT count(DISTINCT territory_id) FROM adoption`); n < 900 {
		t.Fatalf("%d collectivités with an adoption, want ≥ 900", n)
	}
	total, dated := count(t, `SELECT count(*) FROM adoption`), count(t, `SELECT count(*) FROM adoption WHERE attested_first IS NOT NULL`)
	if float64(dated) < 0.95*float64(total) {
		t.Fatalf("%d of %d adoptions carry an attested date", dated, total)
	}
	if n := count(t, `SELECT count(*) FROM adoption a WHERE attested_first IS DISTINCT FROM
		(SELECT min(observed_at)::date FROM evidence e WHERE e.adoption_id = a.id)`); n != 0 {
		t.Fatalf("%d adoptions' attested_first is not their evidence's first date", n)
	}
	if n := count(t, `SELECT count(*) FROM evidence WHERE source_url !~ '/blob/[0-9a-f]{40}/' OR source_licence = ''`); n != 0 {
		t.Fatalf("%d pieces of evidence lack a file at a commit or a licence", n)
	}
	// The census never ends an adoption by itself.
	if n := count(t, `SELECT count(*) FROM adoption a WHERE a.status = 'ended' AND NOT EXISTS
		(SELECT 1 FROM evidence e WHERE e.adoption_id = a.id AND e.source_name <> 'Decidim census (DigiDemLab)')`); n != 0 {
		t.Fatalf("%d adoptions ended on the census's word alone", n)
	}
	if _, err := data.DirectoryFS().Open(data.PlatformSeed); err != nil {
		t.Fatal(err)
	}
}

// TestDuplicatesAreNotGuessed: two rows for one SIREN are both left for
// review, neither imported.
func TestDuplicatesAreNotGuessed(t *testing.T) {
	odf := "siren,nom,url_platform,id_datagouv,techno_platform\n" +
		"211401187,CAEN,https://data.caen.fr,,OpenDataSoft\n" +
		"211401187,CAEN LA MER,https://data.caenlamer.fr,,CKAN\n" +
		"211202023,RODEZ,,,DataGouv\n"
	recs, err := importer.ReadPath(importer.OpenDataFr, fstest.MapFS{"odf.csv": {Data: []byte(odf)}}, "odf.csv")
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, r := range recs {
		if r.Skip != "" {
			skipped = append(skipped, r.Skip)
		}
	}
	if len(skipped) != 2 || !strings.Contains(skipped[0], "odf.csv:3") || !strings.Contains(skipped[1], "odf.csv:2") {
		t.Fatalf("duplicates: %q", skipped)
	}
}
