package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/crawler/liveness"
	"github.com/civiscope/civiscope/postgres"
)

// Target kinds: what a liveness target's Ref points to in the directory.
const (
	TargetTool     = "tool"
	TargetAdoption = "adoption"
	// TargetWebsite is a collectivité's own website (Ref: the territory);
	// discovery runs check it when they fetch its homepage, so the
	// liveness pass leaves it alone.
	TargetWebsite = "website"
)

// LivenessTarget is a URL whose life the observatory follows.
type LivenessTarget struct {
	ID             int64
	Kind           string // tool or adoption
	Ref            int64  // the tool's or adoption's id
	URL            string
	Label          string
	State          liveness.State
	Failures       int
	FirstFailureAt *time.Time
	LastCheckedAt  *time.Time
	LastClass      string
}

// TargetSource lists what to watch: every tool website and every adoption
// instance URL. The directory adapter implements it.
type TargetSource interface {
	LivenessTargets(ctx context.Context) ([]LivenessTarget, error)
}

// StateSink is told when a target changes state, so the directory can mark
// a tool or an adoption dormant or defunct. It is optional.
type StateSink interface {
	TargetStateChanged(ctx context.Context, t LivenessTarget, from liveness.State, r liveness.Result, at time.Time) error
}

// SyncTargets adds the source's targets that are not watched yet. Targets
// that left the directory are kept, with their history, for the survival
// report.
func SyncTargets(ctx context.Context, db *pgxpool.Pool, src TargetSource) (int, error) {
	ts, err := src.LivenessTargets(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	err = postgres.InTx(ctx, db, func(tx pgx.Tx) error {
		for _, t := range ts {
			if t.URL == "" {
				continue
			}
			tag, err := tx.Exec(ctx, `INSERT INTO liveness_target (kind, ref, url, label) VALUES ($1, $2, $3, $4)
				ON CONFLICT (kind, ref, url) DO UPDATE SET label = excluded.label WHERE liveness_target.label <> excluded.label`,
				t.Kind, t.Ref, clipText(t.URL, 1000), clipText(t.Label, 300))
			if err != nil {
				return fmt.Errorf("watch %s: %w", t.URL, err)
			}
			added += int(tag.RowsAffected())
		}
		return nil
	})
	return added, err
}

// LivenessConfig tunes the checker.
type LivenessConfig struct {
	// Interval between two checks of one target.
	Interval time.Duration
	Workers  int
	Policy   liveness.Policy
	// Now is the clock; tests move it to cross the 14 days.
	Now func() time.Time
}

// LivenessChecker rechecks the targets that are due. Several processes may
// run it at once: targets are claimed with FOR UPDATE SKIP LOCKED.
type LivenessChecker struct {
	db      *pgxpool.Pool
	fetcher *fetch.Fetcher
	sink    StateSink
	cfg     LivenessConfig
	log     *slog.Logger
}

// NewLivenessChecker builds a checker; sink may be nil.
func NewLivenessChecker(db *pgxpool.Pool, f *fetch.Fetcher, sink StateSink, cfg LivenessConfig, log *slog.Logger) *LivenessChecker {
	if cfg.Interval <= 0 {
		cfg.Interval = 7 * 24 * time.Hour
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.Policy.MinFailures == 0 {
		cfg.Policy = liveness.DefaultPolicy()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &LivenessChecker{db: db, fetcher: f, sink: sink, cfg: cfg, log: log}
}

// LivenessSummary counts one pass.
type LivenessSummary struct {
	Checked int
	ByClass map[liveness.Class]int
	Changes []StateChange
}

// StateChange is a target that became alive, dormant or defunct.
type StateChange struct {
	Target LivenessTarget
	From   liveness.State
	To     liveness.State
	Result liveness.Result
}

// CheckDue checks every target not checked within the interval.
func (c *LivenessChecker) CheckDue(ctx context.Context, progress ProgressFunc) (LivenessSummary, error) {
	sum := LivenessSummary{ByClass: map[liveness.Class]int{}}
	var total int
	now := c.cfg.Now()
	if err := c.db.QueryRow(ctx, `SELECT count(*) FROM liveness_target WHERE last_checked_at IS NULL OR last_checked_at <= $1`,
		now.Add(-c.cfg.Interval)).Scan(&total); err != nil {
		return sum, fmt.Errorf("count due targets: %w", err)
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for i := 0; i < c.cfg.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t, ok, err := c.claim(ctx)
				if err != nil || !ok {
					if err != nil && ctx.Err() == nil {
						mu.Lock()
						firstErr = errors.Join(firstErr, err)
						mu.Unlock()
					}
					return
				}
				ch, r, err := c.check(ctx, t)
				mu.Lock()
				if err != nil {
					if ctx.Err() == nil {
						firstErr = errors.Join(firstErr, err)
					}
					mu.Unlock()
					return
				}
				sum.Checked++
				sum.ByClass[r.Class]++
				if ch != nil {
					sum.Changes = append(sum.Changes, *ch)
				}
				if progress != nil {
					progress(sum.Checked, max(total, sum.Checked))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return sum, firstErr
	}
	return sum, ctx.Err()
}

// claim takes one due target, marking it checked now so no other process
// takes it; a process killed mid-check leaves it for the next interval.
func (c *LivenessChecker) claim(ctx context.Context) (LivenessTarget, bool, error) {
	var t LivenessTarget
	now := c.cfg.Now()
	err := c.db.QueryRow(ctx, `
		WITH due AS (
			SELECT id FROM liveness_target
			WHERE (last_checked_at IS NULL OR last_checked_at <= $1) AND kind <> 'website'
			ORDER BY last_checked_at NULLS FIRST, id LIMIT 1
			FOR UPDATE SKIP LOCKED
		)
		UPDATE liveness_target l SET last_checked_at = $2 FROM due WHERE l.id = due.id
		RETURNING l.id, l.kind, l.ref, l.url, l.label, l.state, l.failures, l.first_failure_at`,
		now.Add(-c.cfg.Interval), now).Scan(&t.ID, &t.Kind, &t.Ref, &t.URL, &t.Label, &t.State, &t.Failures, &t.FirstFailureAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("claim liveness target: %w", err)
	}
	return t, true, nil
}

func (c *LivenessChecker) check(ctx context.Context, t LivenessTarget) (*StateChange, liveness.Result, error) {
	var r liveness.Result
	if liveness.IsArchive(t.URL) {
		r = liveness.Classify(t.URL, nil, nil)
	} else {
		resp, err := c.fetcher.Fetch(ctx, fetch.Request{URL: t.URL})
		if ctx.Err() != nil {
			return nil, r, ctx.Err()
		}
		r = liveness.Classify(t.URL, resp, err)
	}
	ch, err := c.record(ctx, t, r)
	return ch, r, err
}

// record applies one check's result to a target: its history row, its
// failure count and the 14-day policy, and tells the sink of a change.
func (c *LivenessChecker) record(ctx context.Context, t LivenessTarget, r liveness.Result) (*StateChange, error) {
	now := c.cfg.Now()
	prev := t.State
	if r.Class.Failure() {
		t.Failures++
		if t.FirstFailureAt == nil {
			t.FirstFailureAt = &now
		}
	} else {
		t.Failures, t.FirstFailureAt = 0, nil
	}
	first := now
	if t.FirstFailureAt != nil {
		first = *t.FirstFailureAt
	}
	t.State = c.cfg.Policy.Next(prev, r.Class, t.Failures, first, now)
	t.LastClass = string(r.Class)
	err := postgres.InTx(ctx, c.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO liveness_check (target_id, checked_at, class, status, final_url, detail)
			VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, now, r.Class, r.Status, clipText(r.FinalURL, 2000), clipText(r.Detail, 1000)); err != nil {
			return fmt.Errorf("record check of %s: %w", t.URL, err)
		}
		_, err := tx.Exec(ctx, `UPDATE liveness_target SET failures = $2, first_failure_at = $3, last_class = $4, state = $5,
			state_since = CASE WHEN state <> $5 THEN $6 ELSE state_since END WHERE id = $1`,
			t.ID, t.Failures, t.FirstFailureAt, r.Class, t.State, now)
		if err != nil {
			return fmt.Errorf("update target %s: %w", t.URL, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if t.State == prev {
		return nil, nil
	}
	ch := &StateChange{Target: t, From: prev, To: t.State, Result: r}
	if c.sink != nil {
		if err := c.sink.TargetStateChanged(ctx, t, prev, r, now); err != nil {
			c.log.Warn("directory did not take the state change", "url", t.URL, "to", t.State, "err", err)
		}
	}
	return ch, nil
}

// TargetHistory returns a target's checks, newest first, for the survival
// report and the CLI.
func TargetHistory(ctx context.Context, db postgres.Querier, targetID int64, limit int) ([]liveness.Result, []time.Time, error) {
	rows, err := db.Query(ctx, `SELECT class, status, final_url, detail, checked_at FROM liveness_check
		WHERE target_id = $1 ORDER BY checked_at DESC, id DESC LIMIT $2`, targetID, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("target history: %w", err)
	}
	defer rows.Close()
	var rs []liveness.Result
	var ts []time.Time
	for rows.Next() {
		var r liveness.Result
		var at time.Time
		if err := rows.Scan(&r.Class, &r.Status, &r.FinalURL, &r.Detail, &at); err != nil {
			return nil, nil, fmt.Errorf("target history: %w", err)
		}
		rs, ts = append(rs, r), append(ts, at)
	}
	return rs, ts, rows.Err()
}

// ListTargets returns the watched targets, optionally only those in state.
func ListTargets(ctx context.Context, db postgres.Querier, state string) ([]LivenessTarget, error) {
	rows, err := db.Query(ctx, `SELECT id, kind, ref, url, label, state, failures, first_failure_at, last_checked_at, coalesce(last_class, '')
		FROM liveness_target WHERE $1 = '' OR state = $1 ORDER BY kind, label, url`, state)
	if err != nil {
		return nil, fmt.Errorf("list targets: %w", err)
	}
	ts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[LivenessTarget])
	if err != nil {
		return nil, fmt.Errorf("list targets: %w", err)
	}
	return ts, nil
}
