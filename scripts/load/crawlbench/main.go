// Command crawlbench crawls the synthetic site of scripts/load/crawlsite
// with the Civiscope crawler (PostgreSQL frontier, page evidence, platform
// detection) and prints one load line:
//
//	LoadCrawlCiviscope <pages/s> req/s <p50> p50-ms <p99> p99-ms
//
// The latencies are those of the page fetches. Politeness comes from the
// flags, the same as bench/colly is given.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/crawler"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/outbound"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

func main() {
	start := flag.String("url", "http://127.0.0.1:18600/", "the site's homepage")
	parallel := flag.Int("parallel", 8, "requests in flight to the host")
	workers := flag.Int("workers", 8, "pages processed at once (fetching, parsing, storing); the host still gets at most -parallel requests at a time")
	delay := flag.Duration("delay", 0, "minimum interval between two requests to the host")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile here")
	timeline := flag.Duration("timeline", 0, "print the fetches started in each slot of this length, to see where a run loses time")
	flag.Parse()
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()

	url, drop, err := pgtest.NewDatabase(ctx, "crawlbench", pgtest.Empty)
	if err != nil {
		log.Fatal(err)
	}
	defer drop()
	pool, err := postgres.Open(ctx, url+"&pool_max_conns=16")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	rules, err := detect.Embedded()
	if err != nil {
		log.Fatal(err)
	}
	f := fetch.New(fetch.Config{
		UserAgent: fetch.UserAgent("http://127.0.0.1"), HostDelay: *delay,
		HostConcurrency: *parallel, GlobalConcurrency: *parallel, Timeout: 10 * time.Second,
		Outbound: outbound.New(outbound.AllowLoopback()), // the synthetic site is local
	}, nil)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := crawler.New(pool, f, rules, nil, crawler.Config{
		Worker: "bench", Workers: *workers, Batch: 8, Poll: 5 * time.Millisecond, FollowSameSite: true,
	}, quiet)
	run, err := crawler.CreateRun(ctx, pool, crawler.RunDiscovery, "bench", 2)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := crawler.Enqueue(ctx, pool, run.ID, []crawler.Item{{URL: *start, Reason: "seed"}}); err != nil {
		log.Fatal(err)
	}
	t0 := time.Now()
	st, err := c.Work(ctx, run.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	el := time.Since(t0)
	pprof.StopCPUProfile()
	var p50, p99 float64
	if err := pool.QueryRow(ctx, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms),
		percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) FROM crawl_page WHERE run_id = $1`, run.ID).Scan(&p50, &p99); err != nil {
		log.Fatal(err)
	}
	if *timeline > 0 {
		printTimeline(ctx, pool, run.ID, t0, *timeline)
	}
	fmt.Fprintf(os.Stderr, "civiscope: %d pages fetched, %d failed, in %s\n", st.Fetched, st.Failed, el.Round(time.Millisecond))
	fmt.Printf("LoadCrawlCiviscope %.0f req/s %.1f p50-ms %.1f p99-ms\n", float64(st.Fetched)/el.Seconds(), p50, p99)
}

// printTimeline prints, per slot since the start, how many fetches
// started and the depth they were at.
func printTimeline(ctx context.Context, pool *pgxpool.Pool, runID int64, t0 time.Time, slot time.Duration) {
	rows, err := pool.Query(ctx, `SELECT floor(extract(epoch FROM p.fetched_at - $2::timestamptz) * 1000 / $3)::int AS slot,
		count(*), min(q.depth), max(q.depth)
		FROM crawl_page p JOIN crawl_queue q ON q.page_id = p.id WHERE p.run_id = $1 GROUP BY 1 ORDER BY 1`, runID, t0, slot.Milliseconds())
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n0, n, d0, d1 int
		if err := rows.Scan(&n0, &n, &d0, &d1); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%5d ms %5d fetches (depth %d-%d)\n", n0*int(slot.Milliseconds()), n, d0, d1)
	}
}
