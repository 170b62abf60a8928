// Command colly crawls the synthetic site of scripts/load/crawlsite with
// the Colly framework, at the politeness given by the flags (the same as
// scripts/load/crawlbench), and prints
//
//	LoadCrawlColly <pages/s> req/s <p50> p50-ms <p99> p99-ms
//
// It lives in its own Go module so Colly stays out of Civiscope's go.mod.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
)

func main() {
	start := flag.String("url", "http://127.0.0.1:18600/", "the site's homepage")
	parallel := flag.Int("parallel", 8, "requests in flight to the host")
	delay := flag.Duration("delay", 0, "minimum interval between two requests to the host")
	flag.Parse()
	u, err := url.Parse(*start)
	if err != nil {
		log.Fatal(err)
	}
	c := colly.NewCollector(
		colly.Async(true),
		colly.MaxDepth(3), // homepage, sections, pages: Civiscope's depths 0 to 2
		colly.AllowedDomains(u.Hostname()),
		colly.UserAgent("CiviscopeBot/1.0 (+http://127.0.0.1)"),
	)
	c.IgnoreRobotsTxt = false // the same politeness: robots.txt is honoured
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: *parallel, Delay: *delay}); err != nil {
		log.Fatal(err)
	}
	c.SetRequestTimeout(10 * time.Second)

	var mu sync.Mutex
	started := map[uint32]time.Time{}
	var lat []float64
	pages, failed := 0, 0
	c.OnRequest(func(r *colly.Request) {
		mu.Lock()
		started[r.ID] = time.Now()
		mu.Unlock()
	})
	c.OnResponse(func(r *colly.Response) {
		mu.Lock()
		lat = append(lat, float64(time.Since(started[r.Request.ID]).Microseconds())/1000)
		pages++
		mu.Unlock()
	})
	c.OnError(func(r *colly.Response, err error) {
		mu.Lock()
		failed++
		mu.Unlock()
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		_ = e.Request.Visit(e.Attr("href")) // already-visited and disallowed URLs are refused by Colly
	})
	t0 := time.Now()
	if err := c.Visit(*start); err != nil {
		log.Fatal(err)
	}
	c.Wait()
	el := time.Since(t0)
	sort.Float64s(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Fprintf(os.Stderr, "colly: %d pages fetched, %d failed, in %s\n", pages, failed, el.Round(time.Millisecond))
	fmt.Printf("LoadCrawlColly %.0f req/s %.1f p50-ms %.1f p99-ms\n", float64(pages)/el.Seconds(), pct(0.5), pct(0.99))
}
