package reports

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/reports/export"
)

// Scheduler republishes the directory's open data every day (and at
// start when the latest release is older than a day), but only when the
// directory changed since: a release is immutable, so identical copies
// would only confuse citations.
type Scheduler struct {
	pool     *pgxpool.Pool
	root     string
	homepage string
	every    time.Duration
	log      *slog.Logger
	now      func() time.Time
}

// NewScheduler returns the daily open-data job; `serve` runs it with Run.
// root is where releases are written, homepage the public site.
func NewScheduler(pool *pgxpool.Pool, root, homepage string, log *slog.Logger) *Scheduler {
	return &Scheduler{pool: pool, root: root, homepage: homepage, every: 24 * time.Hour, log: log, now: time.Now}
}

// WithClock replaces the scheduler's clock (tests).
func (s *Scheduler) WithClock(now func() time.Time) *Scheduler { s.now = now; return s }

// Run publishes when due until ctx ends. The first check waits a few
// minutes, so that a restart does not compete with start-up work (and a
// short-lived server, such as a test's, writes nothing).
func (s *Scheduler) Run(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(5 * time.Minute):
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("open data refresh", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce publishes a release when the latest is older than the period and
// the directory changed since; it returns the new release or nil.
func (s *Scheduler) RunOnce(ctx context.Context) (*export.Release, error) {
	due, err := s.due(ctx)
	if err != nil {
		return nil, err
	}
	if !due {
		// Keep the trend views at most a day old even when nothing is
		// published (publishing refreshes them too).
		at, err := AsOf(ctx, s.pool)
		if err == nil && s.now().Sub(at) >= s.every {
			_, err = Refresh(ctx, s.pool)
		}
		return nil, err
	}
	rel, err := PublishDirectory(ctx, s.pool, s.root, s.homepage, s.now())
	if err != nil {
		return nil, err
	}
	s.log.Info("open data published", "dataset", rel.Dataset, "version", rel.Version, "files", len(rel.Files))
	return rel, nil
}

func (s *Scheduler) due(ctx context.Context) (bool, error) {
	var last *time.Time
	var changed bool
	err := s.pool.QueryRow(ctx, `SELECT max(created_at) FROM report_release WHERE dataset = $1`, DirectoryDataset).Scan(&last)
	if err != nil {
		return false, fmt.Errorf("latest release: %w", err)
	}
	if last == nil {
		return true, nil
	}
	if s.now().Sub(*last) < s.every {
		return false, nil
	}
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM revision WHERE created_at > $1)`, *last).Scan(&changed)
	if err != nil {
		return false, fmt.Errorf("directory changes: %w", err)
	}
	return changed, nil
}
