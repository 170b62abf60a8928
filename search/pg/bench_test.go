package pg_test

import (
	"context"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/generate"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
)

// scaleTemplate is the benchmark's database: the real register, then the
// generated scale data of directory/generate (10,000 tools, 1,000 vendors,
// 500,000 adoptions over the register, seed 1), indexed by a rebuild. Built
// once and kept as a template, so later runs start in seconds.
func scaleTemplate() pgtest.Template {
	return pgtest.Template{Name: "searchscale", Version: "gen2", Seed: seedScale}
}

func seedScale(ctx context.Context, pool *pgxpool.Pool) error {
	if err := territorytest.Load(ctx, pool); err != nil {
		return err
	}
	if _, err := generate.Generate(ctx, pool, generate.Options{Seed: 1}); err != nil {
		return err
	}
	_, err := pg.New(pool).Rebuild(ctx, nil)
	return err
}

// scaleDB opens a fresh copy of the scale template.
func scaleDB(b *testing.B) *pgxpool.Pool {
	if os.Getenv("CIVISCOPE_BENCH") == "" && testing.Short() {
		b.Skip("scale benchmark: run through `make bench`")
	}
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx, "searchscale", scaleTemplate())
	if err != nil {
		b.Skipf("no PostgreSQL for the scale benchmark: %v", err)
	}
	b.Cleanup(drop)
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

// BenchmarkAsYouType replays a person typing searches letter by letter
// (suggestions: 8 hits, no facets) on the scale data, and reports latency
// percentiles.
func BenchmarkAsYouType(b *testing.B) {
	var qs []search.Query
	for _, typed := range []string{"participation", "budget participatif", "consultaton", "villeurbanne", "démocratie", "cartographie"} {
		r := []rune(typed)
		for i := 1; i <= len(r); i++ {
			qs = append(qs, search.Query{Text: string(r[:i]), PerPage: 8})
		}
	}
	benchQueries(b, qs)
}

// BenchmarkTyped replays whole queries of the relevance cases, typos,
// codes and common names included (10 hits, no facets), on the scale data.
func BenchmarkTyped(b *testing.B) {
	var qs []search.Query
	for _, text := range []string{"decidim", "capcollectif", "make.org", "fix my street", "fluicty", "consultaton",
		"villeurbane", "budget participatif", "signalement", "pétition", "sondage", "open data", "Lyon", "Paris",
		"saint etienne", "lhay les roses", "boulogne", "69123", "69001", "200046977", "Grand Lyon", "MEL",
		"hauts de seine", "demokratiee", "participaton citoyenne"} {
		qs = append(qs, search.Query{Text: text, PerPage: 10})
	}
	benchQueries(b, qs)
}

// BenchmarkFaceted replays searches of the search page (20 hits and every
// facet count) with filters, with and without text.
func BenchmarkFaceted(b *testing.B) {
	f := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	qs := []search.Query{
		{Filters: f("type", "tool")},
		{Filters: f("category", "consultation")},
		{Filters: f("open_source", "yes", "adopter_type", "region")},
		{Filters: f("adopter_population", "commune-0-999", "adopter_region", "53"), Sort: search.SortAdopters},
		{Filters: f("adopter_type", "commune", "adopter_population", "commune-20000-49999", "adopter_region", "11")},
		{Text: "budget participatif", Filters: f("open_source", "yes")},
		{Text: "consultation", Filters: f("adopter_region", "84", "hosting", "france")},
		{Text: "participation citoyenne", Filters: f("category", "petitions", "category", "voting")},
		{Text: "vote", Filters: f("vendor_kind", "startup"), Sort: search.SortName},
		{Text: "signalement voirie", Filters: f("lifecycle", "active")},
		{Filters: f("licence", "MIT", "country", "FR"), Sort: search.SortUpdated},
	}
	for i := range qs {
		qs[i].Facets = true
	}
	benchQueries(b, qs)
}

// BenchmarkTypoFirstLookup searches words of the scale vocabulary with a
// typo (two letters swapped), each word once: no cache has seen them, so
// every search looks its words and their corrections up for the first time.
func BenchmarkTypoFirstLookup(b *testing.B) {
	db := scaleDB(b)
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT word FROM search_word WHERE length(word) >= 6 AND word ~ '^[a-z]+$'
		ORDER BY md5(word) LIMIT $1`, b.N)
	if err != nil {
		b.Fatal(err)
	}
	words, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	if len(words) < b.N {
		b.Fatalf("%d vocabulary words for %d first lookups", len(words), b.N)
	}
	qs := make([]search.Query, len(words))
	for i, w := range words {
		r := []rune(w)
		m := len(r) / 2
		r[m], r[m-1] = r[m-1], r[m]
		qs[i] = search.Query{Text: string(r), PerPage: 10}
	}
	benchSearches(b, pg.New(db), qs, false)
}

// BenchmarkSnapshotLoad loads the in-memory snapshot of the scale index
// from scratch, as serve does at start, and reports what it keeps: the Go
// heap it adds (live, after a collection), the process's resident set
// (which still holds the load's garbage), and an estimate of the text
// indexes', vocabulary's and hits' share.
func BenchmarkSnapshotLoad(b *testing.B) {
	db := scaleDB(b)
	ctx := context.Background()
	var heap, rss, text float64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rss0 := residentMB(b)
		e := pg.New(db)
		if err := e.Warm(ctx); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		rss = residentMB(b) - rss0
		text = float64(e.TextBytes()) / (1 << 20)
	}
	b.ReportMetric(heap, "heap-MB")
	b.ReportMetric(rss, "rss-MB")
	// Of the heap, what matching text takes: lexemes, vocabulary, hits.
	b.ReportMetric(text, "text-MB")
}

// residentMB is the process's resident set size.
func residentMB(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func benchQueries(b *testing.B, qs []search.Query) {
	benchSearches(b, pg.New(scaleDB(b)), qs, true)
}

// benchSearches runs the queries in turn and reports latency percentiles;
// with warm, each has run once before (words looked up, snapshot loaded).
func benchSearches(b *testing.B, e *pg.Engine, qs []search.Query, warm bool) {
	ctx := context.Background()
	if err := e.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	for i := 0; warm && i < len(qs); i++ {
		if _, err := e.Search(ctx, qs[i]); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	worst := make([]time.Duration, len(qs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := e.Search(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		d := time.Since(t0)
		lat = append(lat, d)
		worst[i%len(qs)] = max(worst[i%len(qs)], d)
	}
	b.StopTimer()
	// The slowest queries, to know where to look (go test -v).
	order := make([]int, len(qs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return worst[order[i]] > worst[order[j]] })
	for _, i := range order[:min(3, len(order))] {
		b.Logf("slowest: %q %v: %v", qs[i].Text, qs[i].Filters, worst[i])
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
