package generate_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/generate"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "generate", territorytest.Template, &db) }

func fingerprint(t *testing.T) string {
	t.Helper()
	var s string
	err := db.QueryRow(context.Background(), `SELECT md5(
		(SELECT string_agg(slug || name || coalesce(licence, '') || vendor_id, ',' ORDER BY id) FROM tool) ||
		(SELECT string_agg(tool_id || ':' || territory_id || ':' || status || coalesce(started_on::text, ''), ',' ORDER BY id) FROM adoption) ||
		(SELECT string_agg(adoption_id || source_kind || observed_at, ',' ORDER BY id) FROM evidence))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGenerateIsDeterministicAndComplete(t *testing.T) {
	ctx := context.Background()
	opt := generate.Options{Seed: 42, Tools: 200, Adoptions: 3000}
	st, err := generate.Generate(ctx, db, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Tools != 200 || st.Adoptions != 3000 || st.Evidence < 3000 || st.Revisions != st.Vendors+st.Tools+st.Adoptions+st.Evidence {
		t.Fatalf("stats: %+v", st)
	}
	first := fingerprint(t)
	// Indexes are back after the bulk load.
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE indexname IN ('adoption_identity_idx', 'adoption_tool_idx', 'revision_entity_idx')`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("indexes after generation: %d %v", n, err)
	}
	// Generated rows obey the directory's rules: reading them back works.
	page, err := directory.ListTools(ctx, db, directory.ToolFilter{Limit: 5})
	if err != nil || len(page.Tools) != 5 || page.Next == "" {
		t.Fatalf("list generated tools: %+v %v", page, err)
	}
	// Same seed, same data.
	ran := false
	opt.Steps = []generate.Step{{Name: "hook", Run: func(context.Context, pgx.Tx, *rand.Rand, generate.Progress) error { ran = true; return nil }}}
	if _, err := generate.Generate(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	if got := fingerprint(t); got != first {
		t.Fatal("the same seed generated different data")
	}
	if !ran {
		t.Fatal("extra steps did not run")
	}
}

func TestGenerateRefusesRealData(t *testing.T) {
	ctx := context.Background()
	v := &directory.Vendor{Slug: "real-vendor", Name: "Real"}
	if err := directory.CreateVendor(ctx, db, v, directory.By{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	_, err := generate.Generate(ctx, db, generate.Options{Seed: 1, Tools: 10, Adoptions: 10})
	if civiscope.ErrorCode(err) != civiscope.ECONFLICT {
		t.Fatalf("want ECONFLICT on a database with real data, got %v", err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM vendor WHERE slug = 'real-vendor'`).Scan(&n); err != nil || n != 1 {
		t.Fatal("the real vendor was touched")
	}
}
