package trendbench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/generate"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports"
)

const adoptions = 500_000

var db *pgxpool.Pool

// scaleTemplate is the register plus the directory's synthetic scale data
// (`civiscope dev generate`: 10,000 tools, 500,000 adoptions), built once
// and cloned for each run.
var scaleTemplate = pgtest.Template{Name: "reports500k", Version: "2", Seed: func(ctx context.Context, pool *pgxpool.Pool) error {
	if err := territorytest.Load(ctx, pool); err != nil {
		return err
	}
	if _, err := generate.Generate(ctx, pool, generate.Options{Seed: 1, Adoptions: adoptions}); err != nil {
		return err
	}
	_, err := reports.Refresh(ctx, pool)
	return err
}}

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		os.Exit(m.Run())
	}
	pgtest.Main(m, "trendbench", scaleTemplate, &db)
}

// BenchmarkTrendQueries runs a mix of what the trend pages ask, including
// filtered ones that fall back to the per-adoption view, and reports p50 and
// p99 latency per query.
func BenchmarkTrendQueries(b *testing.B) {
	ctx := context.Background()
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM adoption`).Scan(&n); err != nil || n != adoptions {
		b.Fatalf("expected %d adoptions, found %d (%v)", adoptions, n, err)
	}
	// The most and a middling adopted tools: filtered queries read their rows.
	var top, mid string
	if err := db.QueryRow(ctx, `SELECT (SELECT t.slug FROM tool t JOIN adoption a ON a.tool_id = t.id GROUP BY t.slug ORDER BY count(*) DESC LIMIT 1),
		(SELECT t.slug FROM tool t JOIN adoption a ON a.tool_id = t.id GROUP BY t.slug ORDER BY count(*) DESC OFFSET 100 LIMIT 1)`).Scan(&top, &mid); err != nil {
		b.Fatal(err)
	}
	type query struct {
		name string
		run  func() error
	}
	dim := func(d reports.Dimension, f reports.Filter) func() error {
		return func() error { _, err := reports.Adoptions(ctx, db, d, f); return err }
	}
	qs := []query{
		{"year", dim(reports.ByYear, reports.Filter{})},
		{"year/category", dim(reports.ByYear, reports.Filter{Category: "voting"})},
		{"year/tool", dim(reports.ByYear, reports.Filter{Tool: top})},
		{"category", dim(reports.ByCategory, reports.Filter{YearFrom: 2010, YearTo: 2020})},
		{"region", dim(reports.ByRegion, reports.Filter{})},
		{"departement/category", dim(reports.ByDepartement, reports.Filter{Category: "consultation"})},
		{"departement/tool", dim(reports.ByDepartement, reports.Filter{Tool: mid})},
		{"kind-bracket/region", dim(reports.ByKindBracket, reports.Filter{Region: "84"})},
		{"shares", func() error { _, _, err := reports.ToolShares(ctx, db, reports.Filter{}, 20); return err }},
		{"shares/region", func() error {
			_, _, err := reports.ToolShares(ctx, db, reports.Filter{Region: "84", Category: "consultation"}, 20)
			return err
		}},
		{"flows", func() error { _, err := reports.Flows(ctx, db, reports.Filter{}); return err }},
		{"survival", func() error { _, err := reports.ToolSurvival(ctx, db, 5, time.Now()); return err }},
	}
	for _, q := range qs {
		b.Run(q.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t := time.Now()
				if err := q.run(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			report(b, lat)
		})
	}
}

func report(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	if p := pct(0.99); p > 200 {
		fmt.Fprintf(os.Stderr, "p99 %.1f ms is over the 200 ms budget\n", p)
	}
}

// BenchmarkRefresh measures rebuilding the report views from 500,000
// adoptions, which the daily refresh and `civiscope export refresh` pay.
func BenchmarkRefresh(b *testing.B) {
	for b.Loop() {
		if _, err := reports.Refresh(context.Background(), db); err != nil {
			b.Fatal(err)
		}
	}
}
