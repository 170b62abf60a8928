package moderation_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/moderation"
)

// benchTools is the directory size the duplicate check is measured at: ten
// times the real directory, as a margin.
const benchTools = 5000

var seedOnce sync.Once

func seedBench(b *testing.B) {
	ctx := context.Background()
	seedOnce.Do(func() {
		if _, err := db.Exec(ctx, `INSERT INTO tool (slug, name, website)
			SELECT 'bench-' || g, 'Bench tool ' || g, 'https://bench' || g || '.example/'
			FROM generate_series(1, $1) g ON CONFLICT DO NOTHING`, benchTools); err != nil {
			b.Fatal(err)
		}
		u, err := account.Create(ctx, db, account.NewUser{Email: fmt.Sprintf("bench-%d@example.org", time.Now().UnixNano()), Password: "long enough password"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO proposal (kind, submitter_id, title, payload)
			SELECT 'new-tool', $1, 'Proposal ' || g, jsonb_build_object('name', 'Proposal ' || g, 'slug', 'proposal-' || g)
			FROM generate_series(1, 2000) g`, u.ID); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkDuplicates is the check every new-tool proposal runs, over
// benchTools listed tools and 2,000 pending proposals.
func BenchmarkDuplicates(b *testing.B) {
	seedBench(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		ms, err := moderation.Duplicates(ctx, db, fmt.Sprintf("Bench Tool %d", i%benchTools+1), "https://www.other.example/")
		if err != nil || len(ms) != 1 {
			b.Fatalf("%v %v", ms, err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	percentiles(b, lat)
}

// BenchmarkQueue is the moderation queue's first page with 2,000 pending
// proposals.
func BenchmarkQueue(b *testing.B) {
	seedBench(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		ps, _, err := moderation.Queue(ctx, db, moderation.QueueFilter{})
		if err != nil || len(ps) != 50 {
			b.Fatalf("%d %v", len(ps), err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	percentiles(b, lat)
}

func percentiles(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
