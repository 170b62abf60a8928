package account_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/civiscope/civiscope/account"
)

// BenchmarkHashPassword is the cost of one argon2id hash (sign-up, login,
// reset): the price an attacker pays per guess, and the server per login.
func BenchmarkHashPassword(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := account.HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionUser is the per-request cost of a logged-in page: one
// UPDATE … RETURNING on the session table.
func BenchmarkSessionUser(b *testing.B) {
	ctx := context.Background()
	u, err := account.Create(ctx, db, account.NewUser{Email: fmt.Sprintf("bench%d@example.org", time.Now().UnixNano()), Password: "long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := account.NewSession(ctx, db, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := account.SessionUser(ctx, db, tok); err != nil {
			b.Fatal(err)
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
