package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/crawler/catalogue"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
)

// Job is a recurring crawl task.
type Job struct {
	Name string
	// Every is the pause between the end of one run and the start of the
	// next; First is the pause before the first run, so serve starts fast.
	Every time.Duration
	First time.Duration
	Run   func(ctx context.Context) error
}

// Scheduler runs jobs on their own clocks until its context ends. A job
// that fails is logged and retried at its next turn; a stop interrupts
// the running jobs through their context (the frontier keeps what they
// did) and Run returns once they have all returned.
type Scheduler struct {
	jobs []Job
	log  *slog.Logger
}

// NewScheduler builds a scheduler of jobs.
func NewScheduler(log *slog.Logger, jobs ...Job) *Scheduler {
	return &Scheduler{jobs: jobs, log: log}
}

// Run blocks until ctx is cancelled and every job has stopped.
func (s *Scheduler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(ctx, j)
		}()
	}
	wg.Wait()
	return nil
}

func (s *Scheduler) loop(ctx context.Context, j Job) {
	wait := j.First
	for {
		if err := sleep(ctx, wait); err != nil {
			return
		}
		start := time.Now()
		s.log.Info("crawl job started", "job", j.Name)
		err := j.Run(ctx)
		switch {
		case ctx.Err() != nil:
			s.log.Info("crawl job stopped", "job", j.Name)
			return
		case err != nil:
			s.log.Error("crawl job failed", "job", j.Name, "err", err, "duration", time.Since(start))
		default:
			s.log.Info("crawl job done", "job", j.Name, "duration", time.Since(start))
		}
		wait = j.Every
	}
}

// ScheduleConfig sets the clocks of the standard jobs; zero values take
// the defaults (liveness every 6 hours for the targets due, discovery and
// catalogue weekly).
type ScheduleConfig struct {
	LivenessEvery  time.Duration
	DiscoveryEvery time.Duration
	CatalogueEvery time.Duration
	First          time.Duration
	Crawl          Config
	Liveness       LivenessConfig
}

// Directory is what the scheduler needs from the directory; the adapter in
// crawler/adopt implements it.
type Directory interface {
	FindingSink
	TargetSource
	StateSink
}

// NewDefaultScheduler builds the scheduler serve runs: liveness of every
// tool and instance, discovery over every known collectivité site (resuming
// an unfinished run first), and the catalogue harvests.
func NewDefaultScheduler(db *pgxpool.Pool, f *fetch.Fetcher, rules *detect.Rules, dir Directory, cfg ScheduleConfig, log *slog.Logger) *Scheduler {
	if cfg.LivenessEvery <= 0 {
		cfg.LivenessEvery = 6 * time.Hour
	}
	if cfg.DiscoveryEvery <= 0 {
		cfg.DiscoveryEvery = 7 * 24 * time.Hour
	}
	if cfg.CatalogueEvery <= 0 {
		cfg.CatalogueEvery = 7 * 24 * time.Hour
	}
	if cfg.First <= 0 {
		cfg.First = time.Minute
	}
	c := New(db, f, rules, dir, cfg.Crawl, log)
	lc := NewLivenessChecker(db, f, dir, cfg.Liveness, log)
	return NewScheduler(log,
		Job{Name: "liveness", Every: cfg.LivenessEvery, First: cfg.First, Run: func(ctx context.Context) error {
			_, sum, err := CheckLiveness(ctx, db, lc, dir, nil)
			log.Info("liveness pass", "checked", sum.Checked, "changes", len(sum.Changes))
			return err
		}},
		Job{Name: "discovery", Every: time.Hour, First: cfg.First, Run: func(ctx context.Context) error {
			return discoveryTurn(ctx, db, c, cfg.DiscoveryEvery, log)
		}},
		Job{Name: "catalogue", Every: cfg.CatalogueEvery, First: cfg.First, Run: func(ctx context.Context) error {
			srcs, err := catalogue.Embedded()
			if err != nil {
				return err
			}
			for _, src := range srcs {
				st, err := Harvest(ctx, db, f, src, nil)
				if err != nil {
					return fmt.Errorf("harvest %s: %w", src.Name, err)
				}
				log.Info("catalogue harvested", "source", src.Name, "pages", st.Pages, "items", st.Items, "new", st.New)
			}
			return nil
		}},
	)
}

// discoveryTurn resumes the unfinished discovery run, or starts one over
// every known site when the last finished more than every ago. Its state
// lives in the database, so a restart neither repeats nor skips a crawl.
func discoveryTurn(ctx context.Context, db *pgxpool.Pool, c *Crawler, every time.Duration, log *slog.Logger) error {
	run, err := LatestRunningRun(ctx, db, RunDiscovery)
	if err != nil {
		return err
	}
	if run == nil {
		var last *time.Time
		if err := db.QueryRow(ctx, `SELECT max(finished_at) FROM crawl_run WHERE kind = 'discovery'`).Scan(&last); err != nil {
			return fmt.Errorf("last discovery: %w", err)
		}
		if last != nil && time.Since(*last) < every {
			return nil
		}
		if _, err := DeriveSitesFromAdoptions(ctx, db); err != nil {
			return err
		}
		if _, err := SyncRegisterSites(ctx, db, SiteFilter{}); err != nil {
			return err
		}
		sites, err := ListSites(ctx, db, "")
		if err != nil {
			return err
		}
		if len(sites) == 0 {
			return nil
		}
		if run, err = StartDiscovery(ctx, db, sites, "scheduled", 2); err != nil {
			return err
		}
	}
	st, err := c.Work(ctx, run.ID, nil)
	log.Info("discovery run", "run", run.ID, "fetched", st.Fetched, "findings", st.Findings, "published", st.Published)
	return err
}
