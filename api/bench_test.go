package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/civiscope/civiscope/server"
)

// BenchmarkToolsByCategory measures GET /api/v1/tools?category=… through
// the whole router (middleware, token check, limiter, query, JSON, ETag),
// without the network and without the response cache. It reports p50 and
// p99 per request.
func BenchmarkToolsByCategory(b *testing.B) {
	benchGet(b, "/api/v1/tools?category=participatory-budgeting", 0)
}

// BenchmarkToolsByCategoryCached is the same with the response cache on,
// as `serve` runs it by default.
func BenchmarkToolsByCategoryCached(b *testing.B) {
	benchGet(b, "/api/v1/tools?category=participatory-budgeting", 2*time.Second)
}

// BenchmarkTerritory measures GET /api/v1/territories/{code}.
func BenchmarkTerritory(b *testing.B) {
	benchGet(b, "/api/v1/territories/75056", 0)
}

func benchGet(b *testing.B, path string, ttl time.Duration) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := New(Deps{DB: db, Log: log}, Config{IPRate: 1e9, IPBurst: 1e9, CacheTTL: ttl})
	if err != nil {
		b.Fatal(err)
	}
	h := server.NewRouter(server.Deps{Log: log, Pool: db}, a.Mount)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "192.0.2.1:1234"
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
