package adopt

import (
	"context"
	"io/fs"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/crawler"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/liveness"
	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

// withTools is a migrated database holding the directory's reviewed tools.
var withTools = pgtest.Template{Name: "adopttools", Version: "1", Seed: func(ctx context.Context, pool *pgxpool.Pool) error {
	raw, err := fs.ReadFile(data.DirectoryFS(), data.ToolSeed)
	if err != nil {
		return err
	}
	_, err = directory.LoadSeed(ctx, pool, raw)
	return err
}}

func TestMain(m *testing.M) { pgtest.Main(m, "adopt", withTools, &db) }

func rules(t *testing.T) *detect.Rules {
	rs, err := detect.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// Every civic platform of the rules names a tool of the shipped directory.
func TestEveryPlatformNamesADirectoryTool(t *testing.T) {
	for _, p := range rules(t).Platforms() {
		if p.Slug == "" {
			continue
		}
		if _, err := directory.GetTool(context.Background(), db, p.Slug); err != nil {
			t.Errorf("%s: tool %q: %v", p.Name, p.Slug, err)
		}
	}
}

func fictionalTerritory(t *testing.T) int64 {
	var id int64
	if err := db.QueryRow(context.Background(), `INSERT INTO territory (kind, code, name, name_norm, source)
		VALUES ('commune', '99101', 'Ville-Fictive', 'ville fictive', 'test') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestDetectionBecomesAdoptionEvidenceOnce(t *testing.T) {
	ctx := context.Background()
	terr := fictionalTerritory(t)
	d := New(db, rules(t))
	f := crawler.Finding{ID: 7, TerritoryID: terr, InstanceURL: "https://participez.ville-fictive.test/",
		PageURL: "https://participez.ville-fictive.test/processes/bp", FoundAt: time.Now().Add(-time.Minute),
		Detection: detect.Detection{Platform: "Decidim", Confidence: 100, Verified: true,
			Matches: []detect.Match{{Kind: "scriptSrc", Rule: "/decidim-packs/", Evidence: "/decidim-packs/js/decidim_core.js", Confidence: 100}}}}
	for i := 0; i < 2; i++ {
		if err := d.RecordDetection(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	page, err := directory.ListAdoptions(ctx, db, directory.AdoptionFilter{TerritoryID: terr})
	if err != nil || len(page.Adoptions) != 1 {
		t.Fatalf("adoptions %+v %v", page, err)
	}
	a := page.Adoptions[0]
	if a.Tool == nil || a.Tool.Slug != "decidim" || a.Status != directory.StatusCurrent || a.Confidence != 1 || len(a.Evidence) != 1 {
		t.Fatalf("adoption %+v", a)
	}
	e := a.Evidence[0]
	if e.SourceKind != directory.SourceCrawler || e.SourceURL != f.PageURL || e.Excerpt == "" {
		t.Errorf("evidence %+v", e)
	}
	f.TerritoryID = 0
	if err := d.RecordDetection(ctx, f); err == nil {
		t.Error("a finding without collectivité was recorded")
	}
	f.TerritoryID, f.Detection.Platform = terr, "Ruby on Rails"
	if err := d.RecordDetection(ctx, f); err == nil {
		t.Error("a framework became an adoption")
	}

	// The adoption's instance and the tools' websites are liveness targets.
	ts, err := d.LivenessTargets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var instance, website bool
	for _, tg := range ts {
		instance = instance || (tg.Kind == crawler.TargetAdoption && tg.URL == f.InstanceURL)
		website = website || (tg.Kind == crawler.TargetTool && tg.URL == "https://decidim.org")
	}
	if !instance || !website || len(ts) < 40 {
		t.Errorf("targets: %d, instance %v, website %v", len(ts), instance, website)
	}
}

func TestDeadWebsiteMakesToolDefunctAndBack(t *testing.T) {
	ctx := context.Background()
	tool, err := directory.GetTool(ctx, db, "loomio")
	if err != nil {
		t.Fatal(err)
	}
	d := New(db, rules(t))
	first := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	tg := crawler.LivenessTarget{Kind: crawler.TargetTool, Ref: tool.ID, URL: tool.Website, State: liveness.StateDefunct, Failures: 3, FirstFailureAt: &first}
	if err := d.TargetStateChanged(ctx, tg, liveness.StateAlive, liveness.Result{Class: liveness.Gone, Detail: "HTTP 410"}, first.AddDate(0, 0, 15)); err != nil {
		t.Fatal(err)
	}
	got, _ := directory.GetTool(ctx, db, "loomio")
	if got.Lifecycle != directory.LifecycleDefunct || got.LifecycleSince == nil || !got.LifecycleSince.Equal(first) {
		t.Errorf("lifecycle %s since %v", got.Lifecycle, got.LifecycleSince)
	}
	tg.State, tg.Failures, tg.FirstFailureAt = liveness.StateAlive, 0, nil
	if err := d.TargetStateChanged(ctx, tg, liveness.StateDefunct, liveness.Result{Class: liveness.Alive}, first.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}
	if got, _ := directory.GetTool(ctx, db, "loomio"); got.Lifecycle != directory.LifecycleActive {
		t.Errorf("back alive: %s", got.Lifecycle)
	}
}
