package crawlqueue_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/crawler"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/moderation/crawlqueue"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "crawlqueue", territorytest.Template, &db) }

func TestPendingFindingsReachTheQueue(t *testing.T) {
	ctx := context.Background()
	rules, err := detect.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tool := &directory.Tool{Slug: "decidim", Name: "Decidim", Categories: []string{"consultation"}}
	if err := directory.CreateTool(ctx, db, tool, directory.By{Actor: "curator:test"}); err != nil {
		t.Fatal(err)
	}
	run, err := crawler.CreateRun(ctx, db, crawler.RunDiscovery, "test", 1)
	if err != nil {
		t.Fatal(err)
	}
	var nantes int64
	if err := db.QueryRow(ctx, `SELECT id FROM territory WHERE kind = 'commune' AND code = '44109'`).Scan(&nantes); err != nil {
		t.Fatal(err)
	}
	// The crawler's pending findings, as it records them: one unsure with a
	// collectivité, one without, one of a platform the directory lacks, and
	// one already published.
	for _, f := range []struct {
		territory any
		platform  string
		conf      int
		status    string
		url       string
	}{
		{nantes, "Decidim", 50, "pending", "https://dialogue.nantes.example/"},
		{nil, "Decidim", 50, "pending", "https://unknown.example/"},
		{nantes, "Ruby on Rails", 50, "pending", "https://rails.nantes.example/"},
		{nantes, "Decidim", 100, "published", "https://sure.nantes.example/"},
	} {
		if _, err := db.Exec(ctx, `INSERT INTO crawl_finding (run_id, territory_id, instance_url, page_url, platform, confidence, matches, status)
			VALUES ($1, $2, $3, $3, $4, $5, '[{"kind":"html","rule":"Decidim.config.set","evidence":"Decidim.config.set(","confidence":50}]', $6)`,
			run.ID, f.territory, f.url, f.platform, f.conf, f.status); err != nil {
			t.Fatal(err)
		}
	}
	res, err := crawlqueue.QueueRun(ctx, db, rules, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Queued != 1 || res.NoTerritory != 1 || res.NoTool != 1 {
		t.Fatalf("result %+v", res)
	}
	again, err := crawlqueue.QueueRun(ctx, db, rules, run.ID)
	if err != nil || again.Queued != 0 || again.AlreadyQueued != 1 {
		t.Fatalf("second pass must queue nothing new: %+v %v", again, err)
	}
	q, _, err := moderation.Queue(ctx, db, moderation.QueueFilter{Kind: moderation.KindCrawlerFinding})
	if err != nil || len(q) != 1 || q[0].SubmitterID != 0 || q[0].Confidence == nil || *q[0].Confidence != 0.5 {
		t.Fatalf("queue: %+v %v", q, err)
	}
	mod, err := account.Create(ctx, db, account.NewUser{Email: "mod@example.org", Password: "long enough password", Role: account.RoleModerator})
	if err != nil {
		t.Fatal(err)
	}
	p, err := moderation.Decide(ctx, db, mod, q[0].ID, true, "checked the page")
	if err != nil {
		t.Fatal(err)
	}
	if after, err := crawlqueue.QueueRun(ctx, db, rules, run.ID); err != nil || after.Queued != 0 {
		t.Fatalf("a decided finding must not come back: %+v %v", after, err)
	}
	a, err := directory.GetAdoption(ctx, db, p.EntityID)
	if err != nil || a.TerritoryID != nantes || len(a.Evidence) != 1 || a.Evidence[0].SourceKind != directory.SourceCrawler {
		t.Fatalf("adoption: %+v %v", a, err)
	}
}
