package territory_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

// BenchmarkImportFull times a full import of the shipped register (parse,
// validate, COPY, merge) into an empty, migrated database.
func BenchmarkImportFull(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		url, drop, err := pgtest.NewDatabase(ctx, "territorybench", pgtest.Empty)
		if err != nil {
			b.Fatal(err)
		}
		pool, err := postgres.Open(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		reg, err := territory.ReadEmbedded()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := territory.Import(ctx, pool, reg, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		pool.Close()
		drop()
		b.StartTimer()
	}
}

// BenchmarkLoadIndex times building the in-memory name index.
func BenchmarkLoadIndex(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := territory.LoadIndex(context.Background(), db); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFind reports lookup latency percentiles over a mix of exact,
// prefix, accented, typo and homonym queries.
func BenchmarkFind(b *testing.B) {
	ctx := context.Background()
	queries := []string{"saint etienne", "Saint-Denis 93", "villeurban", "Villeurbane", "mairie", "Est Ensemble",
		"Loiret", "bagneux", "L'Haÿ-les-Roses", "Marseille", "aix en prov", "Plougastel-Daoulas", "toulouse metropole"}
	ix, err := territory.LoadIndex(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := ix.Find(queries[i%len(queries)], territory.FindOptions{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	at := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
