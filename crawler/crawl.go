// Package crawler finds the civic-tech platforms French collectivités run
// and watches whether tools and instances are still alive. Sub-packages:
// fetch (the polite HTTP client), detect (platform fingerprints),
// catalogue (declarative catalogue harvesting), liveness (classification of
// checks). This package owns the PostgreSQL side: runs and their frontier,
// pages, findings, collectivités' websites, and the scheduler.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/postgres"
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
	sink     FindingSink
	cfg      Config
	log      *slog.Logger
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
		for _, it := range items {
			if err := c.process(ctx, run, it, st); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				if errors.Is(err, ErrLeaseLost) {
					c.log.Warn("lease lost", "url", it.URL)
					continue
				}
				return err
			}
			if progress != nil {
				if p, err := ReadProgress(ctx, c.db, run.ID); err == nil {
					progress(p.Done+p.Failed, p.Total())
				}
			}
		}
	}
	return nil
}

// process fetches one URL and, in one transaction, stores the page, its
// findings and the links to follow, and marks the URL done. A crawler
// killed at any point either committed all of it or none, and then the URL
// returns to the frontier when its lease expires.
func (c *Crawler) process(ctx context.Context, run *Run, it Item, st *Stats) error {
	stop := c.keepLease(ctx, it)
	defer stop()
	territoryID, err := c.siteTerritory(ctx, it.SiteID)
	if err != nil {
		return err
	}
	resp, ferr := c.fetcher.Fetch(ctx, fetch.Request{URL: it.URL})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var findings []Finding
	var next []Item
	if ferr == nil && resp.Status == 200 && isHTML(resp.ContentType) {
		doc := detect.Extract(resp.Body)
		for _, d := range c.rules.DetectExtracted(detect.Page{URL: resp.FinalURL, Header: resp.Header, Body: resp.Body}, doc) {
			if !adoptable(d) {
				continue
			}
			f := Finding{RunID: run.ID, SiteID: it.SiteID, TerritoryID: territoryID, InstanceURL: instanceURL(resp.FinalURL, d),
				PageURL: resp.FinalURL, Detection: d}
			_, f.Note = c.cfg.Publish.qualifies(f)
			findings = append(findings, f)
		}
		if it.Depth < run.MaxDepth {
			for _, cand := range c.discover.Links(resp.FinalURL, doc) {
				next = append(next, Item{URL: cand.URL, Depth: it.Depth + 1, SiteID: it.SiteID, Reason: cand.Reason})
			}
		}
	}
	if it.Depth == 0 && it.Reason == "seed" && c.cfg.GuessSubdomains && run.MaxDepth > 0 {
		for _, cand := range c.discover.Guesses(it.URL) {
			next = append(next, Item{URL: cand.URL, Depth: 1, SiteID: it.SiteID, Reason: cand.Reason})
		}
	}
	err = postgres.InTx(ctx, c.db, func(tx pgx.Tx) error {
		var pageID int64
		if resp != nil && resp.Status != 0 {
			id, err := savePage(ctx, tx, run.ID, resp, c.cfg.MaxStoredBody)
			if err != nil {
				return err
			}
			pageID = id
		}
		for i := range findings {
			findings[i].PageID = pageID
			if err := recordFinding(ctx, tx, &findings[i]); err != nil {
				return err
			}
		}
		n, err := Enqueue(ctx, tx, run.ID, next)
		if err != nil {
			return err
		}
		atomic.AddInt64(&st.Enqueued, int64(n))
		state, msg := "done", ""
		if ferr != nil {
			state, msg = "failed", ferr.Error()
		} else if resp.Status >= 400 {
			state, msg = "failed", fmt.Sprintf("HTTP %d", resp.Status)
		}
		return complete(ctx, tx, it, state, pageID, msg)
	})
	if err != nil {
		return err
	}
	if ferr != nil || resp.Status >= 400 {
		atomic.AddInt64(&st.Failed, 1)
	} else {
		atomic.AddInt64(&st.Fetched, 1)
	}
	atomic.AddInt64(&st.Findings, int64(len(findings)))
	if len(findings) > 0 {
		n, err := publishPending(ctx, c.db, run.ID, c.sink, c.cfg.Publish)
		atomic.AddInt64(&st.Published, int64(n))
		if err != nil {
			return err
		}
	}
	return nil
}

// keepLease renews the claim while a slow fetch (retries, Retry-After)
// runs, so a live worker never loses its URL to another.
func (c *Crawler) keepLease(ctx context.Context, it Item) func() {
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
				_, _ = c.db.Exec(ctx, `UPDATE crawl_queue SET lease_until = now() + $3 * interval '1 millisecond'
					WHERE id = $1 AND attempts = $2 AND state = 'claimed'`, it.ID, it.Token, c.cfg.Lease.Milliseconds())
			}
		}
	}()
	return func() { cancel(); <-done }
}

func (c *Crawler) siteTerritory(ctx context.Context, siteID int64) (int64, error) {
	if siteID == 0 {
		return 0, nil
	}
	var id int64
	err := c.db.QueryRow(ctx, `SELECT territory_id FROM crawl_site WHERE id = $1`, siteID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("site %d: %w", siteID, err)
	}
	return id, nil
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
