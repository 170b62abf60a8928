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
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
)

// Config tunes a crawler process. Zero values take DefaultConfig's.
type Config struct {
	// Worker names this process in claims; default host:pid.
	Worker string
	// Workers is the number of URLs processed at once by this process;
	// the fetcher's own limits still apply per host and globally.
	Workers int
	// Batch is how many URLs a worker claims at a time.
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
	Publish        PublishPolicy
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
	return &Crawler{db: db, fetcher: f, rules: rules, discover: NewDiscoverer(rules), sink: sink, cfg: cfg, log: log}
}

// Stats sums what one process did on a run.
type Stats struct {
	Fetched   int64
	Failed    int64
	Findings  int64
	Published int64
	Enqueued  int64
}

// Progress is called as a run advances: URLs finished and URLs known.
type ProgressFunc func(done, total int)

// Work processes a run until its frontier is empty or ctx ends. Several
// processes may Work on the same run; each URL is fetched by one of them.
func (c *Crawler) Work(ctx context.Context, runID int64, progress ProgressFunc) (Stats, error) {
	run, err := GetRun(ctx, c.db, runID)
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	var wg sync.WaitGroup
	errs := make(chan error, c.cfg.Workers)
	for i := 0; i < c.cfg.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.worker(ctx, run, &st, progress); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return st, err
	}
	if ctx.Err() != nil {
		return st, ctx.Err()
	}
	n, err := publishPending(ctx, c.db, runID, c.sink, c.cfg.Publish)
	atomic.AddInt64(&st.Published, int64(n))
	if err != nil {
		return st, err
	}
	if _, err := FinishRun(ctx, c.db, runID); err != nil {
		return st, err
	}
	return st, nil
}

func (c *Crawler) worker(ctx context.Context, run *Run, st *Stats, progress ProgressFunc) error {
	var lastProgress time.Time
	for ctx.Err() == nil {
		items, err := Claim(ctx, c.db, run.ID, c.cfg.Worker, c.cfg.Batch, c.cfg.Lease, c.cfg.MaxAttempts)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if len(items) == 0 {
			p, err := ReadProgress(ctx, c.db, run.ID)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			if p.Queued == 0 && p.Claimed == 0 {
				return nil
			}
			// Others hold the rest; their pages may add URLs, or their
			// leases may expire. Wait and look again.
			if err := sleep(ctx, c.cfg.Poll); err != nil {
				return nil
			}
			continue
		}
		if err := c.processBatch(ctx, run, items, st); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if progress != nil && time.Since(lastProgress) > 200*time.Millisecond {
			lastProgress = time.Now()
			if p, err := ReadProgress(ctx, c.db, run.ID); err == nil {
				progress(p.Done+p.Failed, p.Total())
			}
		}
	}
	return nil
}

// processBatch fetches a claimed batch concurrently (the fetcher keeps the
// per-host and global limits) and records every outcome in one round trip
// to the database. Each URL is written in its own statement with its
// page, findings, links and completion, conditional on its claim; a
// crawler killed before the write leaves the URLs claimed, and they return
// to the frontier when their lease expires.
func (c *Crawler) processBatch(ctx context.Context, run *Run, items []Item, st *Stats) error {
	stop := c.keepLease(ctx, items)
	defer stop()
	outs := make([]pageOutcome, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = c.process(ctx, run, it)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	added, lost, err := recordAll(ctx, c.db, outs, c.cfg.MaxStoredBody, &c.gzip)
	if err != nil {
		return err
	}
	atomic.AddInt64(&st.Enqueued, int64(added))
	findings := 0
	for i, o := range outs {
		if lost[i] {
			c.log.Warn("lease lost: another worker took this URL over", "url", o.item.URL)
			continue
		}
		if o.state == "failed" {
			atomic.AddInt64(&st.Failed, 1)
		} else {
			atomic.AddInt64(&st.Fetched, 1)
		}
		findings += len(o.findings)
	}
	atomic.AddInt64(&st.Findings, int64(findings))
	if findings > 0 {
		n, err := publishPending(ctx, c.db, run.ID, c.sink, c.cfg.Publish)
		atomic.AddInt64(&st.Published, int64(n))
		if err != nil {
			return err
		}
	}
	return nil
}

// process fetches one URL, fingerprints it and picks the links to follow.
func (c *Crawler) process(ctx context.Context, run *Run, it Item) pageOutcome {
	o := pageOutcome{item: it, runID: run.ID, territoryID: it.TerritoryID, state: "done"}
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

// keepLease renews the batch's claims while slow fetches (retries,
// Retry-After) run, so a live worker never loses its URLs to another.
func (c *Crawler) keepLease(ctx context.Context, items []Item) func() {
	ids := make([]int64, len(items))
	tokens := make([]int32, len(items))
	for i, it := range items {
		ids[i], tokens[i] = it.ID, int32(it.Token)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(c.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_, _ = c.db.Exec(ctx, `UPDATE crawl_queue q SET lease_until = now() + $3 * interval '1 millisecond'
					FROM unnest($1::bigint[], $2::int[]) AS h(id, token)
					WHERE q.id = h.id AND q.attempts = h.token AND q.state = 'claimed'`, ids, tokens, c.cfg.Lease.Milliseconds())
			}
		}
	}()
	return func() { cancel(); <-done }
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
