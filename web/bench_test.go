package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/civiscope/civiscope/app"
)

// benchPage serves path through the whole router in-process and reports
// the latency percentiles; wrk against the real binary is in
// scripts/load/web.sh.
func benchPage(b *testing.B, path func(i int) string) {
	h := siteHandler(b, app.Deps{})
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, path(i), nil)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(start))
		if rec.Code != 200 {
			b.Fatalf("%s: %d", path(i), rec.Code)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkToolPage is the steady state: the page is cached until the next
// directory revision.
func BenchmarkToolPage(b *testing.B) {
	benchPage(b, func(int) string { return "/outils/decidim" })
}

// BenchmarkToolPageUncached renders every time (a distinct URL each time).
func BenchmarkToolPageUncached(b *testing.B) {
	benchPage(b, func(i int) string { return fmt.Sprintf("/outils/decidim?n=%d", i) })
}

func BenchmarkSearchPage(b *testing.B) {
	benchPage(b, func(int) string { return "/recherche?q=budget+participatif&type=tool" })
}

func BenchmarkTerritoryPage(b *testing.B) {
	benchPage(b, func(int) string { return "/territoires/commune/33063" })
}
