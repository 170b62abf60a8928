// Package crawler finds the civic-tech platforms French collectivités run
// and watches whether tools and instances are still alive. Sub-packages:
// fetch (the polite HTTP client), detect (platform fingerprints),
// catalogue (declarative catalogue harvesting), liveness (classification of
// checks). This package owns the PostgreSQL side: runs and their frontier,
// pages, findings, collectivités' websites, and the scheduler.
package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
)

// Config tunes a crawler process. Zero values take DefaultConfig's.
type Config struct {
	// Worker names this process in claims; default host:pid.
	Worker string
	// Workers is the number of URLs fetched at once by this process, and
	// of pages analysed at once; the fetcher's own limits still apply per
	// host and globally.
	Workers int
	// Batch is how few URLs may wait for the fetchers before a claim is
	// made on its own instead of riding along with the next write.
	Batch int
	// Lease is how long a claim holds without renewal; a killed process's
	// URLs return to the frontier after it.
	Lease time.Duration
	// MaxAttempts is how many claims a URL gets before it is marked failed.
	MaxAttempts int
	// Poll is the wait when every remaining URL is held by other workers.
	Poll time.Duration
	// MaxStoredBody caps a page body kept as evidence (before gzip).
	MaxStoredBody int
	// GuessSubdomains adds participez.<domain> and the like for each site.
	GuessSubdomains bool
	// FollowSameSite follows every link to the page's own host instead of
	// only the links toward participation platforms: whole-site crawls
	// (a catalogue, the throughput benchmark).
	FollowSameSite bool
	// SharedHostDelay, when set, spaces requests to one host by this much
	// across every process working on the database (crawl_host), on top of
	// the fetcher's own per-process delay.
	SharedHostDelay time.Duration
	Publish         PublishPolicy
}

// DefaultConfig is the production setting.
func DefaultConfig() Config {
	host, _ := os.Hostname()
	return Config{
		Worker:          fmt.Sprintf("%s:%d", host, os.Getpid()),
		Workers:         8,
		Batch:           4,
		Lease:           2 * time.Minute,
		MaxAttempts:     3,
		Poll:            2 * time.Second,
		MaxStoredBody:   1 << 20,
		GuessSubdomains: true,
		Publish:         PublishPolicy{Threshold: DefaultThreshold},
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Worker == "" {
		c.Worker = d.Worker
	}
	if c.Workers <= 0 {
		c.Workers = d.Workers
	}
	if c.Batch <= 0 {
		c.Batch = d.Batch
	}
	if c.Lease <= 0 {
		c.Lease = d.Lease
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = d.MaxAttempts
	}
	if c.Poll <= 0 {
		c.Poll = d.Poll
	}
	if c.MaxStoredBody <= 0 {
		c.MaxStoredBody = d.MaxStoredBody
	}
	if c.Publish.Threshold <= 0 {
		c.Publish.Threshold = d.Publish.Threshold
	}
	return c
}

// Crawler works on discovery runs: it claims URLs, fetches them politely,
// keeps each page, fingerprints it, records findings and follows the links
// that lead to participation platforms.
type Crawler struct {
	db       *pgxpool.Pool
	fetcher  *fetch.Fetcher
	rules    *detect.Rules
	discover *Discoverer
	live     *LivenessChecker // records site checks; nil without a database
	sink     FindingSink
	cfg      Config
	log      *slog.Logger
	gzip     gzipPool
}

// New builds a Crawler. sink may be nil: findings then all stay pending.
func New(db *pgxpool.Pool, f *fetch.Fetcher, rules *detect.Rules, sink FindingSink, cfg Config, log *slog.Logger) *Crawler {
	cfg = cfg.withDefaults()
	if cfg.Publish.Rules == nil {
		cfg.Publish.Rules = rules
	}
	c := &Crawler{db: db, fetcher: f, rules: rules, discover: NewDiscoverer(rules), sink: sink, cfg: cfg, log: log, gzip: newGzipPool()}
	if db != nil {
		c.live = NewLivenessChecker(db, f, nil, LivenessConfig{}, log)
	}
	return c
}

// Stats sums what one process did on a run.
type Stats struct {
	Fetched   int64
	Failed    int64
	Findings  int64
	Published int64
	Enqueued  int64
}

// ProgressFunc is called as a run advances: URLs finished and URLs known.
type ProgressFunc func(done, total int)

// answer is a URL's fetch, before analysis.
type answer struct {
	item Item
	resp *fetch.Response
	err  error
}

// fetchItem fetches one URL.
func (c *Crawler) fetchItem(ctx context.Context, it Item) answer {
	if c.cfg.SharedHostDelay > 0 && c.db != nil {
		if err := c.waitHostSlot(ctx, it.URL); err != nil {
			return answer{item: it, err: err}
		}
	}
	resp, ferr := c.fetcher.Fetch(ctx, fetch.Request{URL: it.URL, ETag: it.ETag, LastModified: it.LastModify})
	if ferr == nil && resp.NotModified && it.PrevPageID != 0 {
		// Unchanged since the last crawl: fingerprint the kept copy
		// instead of downloading the page again.
		body, err := PageBody(ctx, c.db, it.PrevPageID)
		if err == nil {
			resp.Status, resp.Body, resp.ContentType = 200, body, "text/html"
			if resp.Header == nil {
				resp.Header = map[string][]string{}
			}
			resp.Header["Etag"], resp.Header["Last-Modified"] = []string{it.ETag}, []string{it.LastModify}
		}
	}
	return answer{item: it, resp: resp, err: ferr}
}

// analyse fingerprints a fetched page and picks the links to follow.
func (c *Crawler) analyse(run *Run, a answer) pageOutcome {
	it, resp, ferr := a.item, a.resp, a.err
	o := pageOutcome{item: it, runID: run.ID, territoryID: it.TerritoryID, state: "done"}
	o.resp = resp
	switch {
	case ferr != nil:
		o.state, o.msg = "failed", ferr.Error()
	case resp.Status >= 400:
		o.state, o.msg = "failed", fmt.Sprintf("HTTP %d", resp.Status)
	}
	if ferr == nil && resp.Status == 200 && isHTML(resp.ContentType) {
		doc := detect.Extract(resp.Body)
		for _, d := range c.rules.DetectExtracted(detect.Page{URL: resp.FinalURL, Header: resp.Header, Body: resp.Body}, doc) {
			if !adoptable(d) {
				continue
			}
			f := Finding{RunID: run.ID, SiteID: it.SiteID, TerritoryID: it.TerritoryID, InstanceURL: instanceURL(resp.FinalURL, d),
				PageURL: resp.FinalURL, Detection: d}
			_, f.Note = c.cfg.Publish.qualifies(f)
			o.findings = append(o.findings, f)
		}
		if it.Depth < run.MaxDepth {
			cands := c.discover.Links
			if c.cfg.FollowSameSite {
				cands = sameSiteLinks
			}
			for _, cand := range cands(resp.FinalURL, doc) {
				o.next = append(o.next, Item{URL: cand.URL, Depth: it.Depth + 1, SiteID: it.SiteID, Reason: cand.Reason})
			}
		}
	}
	if it.Depth == 0 && it.Reason == "seed" && c.cfg.GuessSubdomains && run.MaxDepth > 0 {
		for _, cand := range c.discover.Guesses(it.URL) {
			o.next = append(o.next, Item{URL: cand.URL, Depth: 1, SiteID: it.SiteID, Reason: cand.Reason})
		}
	}
	return o
}

func isHTML(mt string) bool {
	return mt == "" || strings.Contains(mt, "html")
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
