package crawler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// RunKind says what a run does.
type RunKind string

const (
	RunDiscovery RunKind = "discovery" // from collectivités' sites to platforms
	RunLiveness  RunKind = "liveness"
	RunCatalogue RunKind = "catalogue"
)

// Run is one crawl, shared by every process working on it.
type Run struct {
	ID         int64
	Kind       RunKind
	Label      string
	MaxDepth   int
	Status     string
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// Item is a URL on the frontier.
type Item struct {
	ID     int64
	RunID  int64
	URL    string
	Depth  int
	SiteID int64 // 0 when not from a collectivité's site
	// TerritoryID is the site's collectivité, filled by Claim.
	TerritoryID int64
	Reason      string
	// The newest earlier fetch of the URL that answered 200, for a
	// conditional GET: its page id and validators, filled by Claim.
	PrevPageID       int64
	ETag, LastModify string
	// Token is the claim's attempt number; completing with a stale token
	// fails, so a worker whose lease expired cannot overwrite the result
	// of the worker that took the URL over.
	Token int
}

// CreateRun starts a run.
func CreateRun(ctx context.Context, db postgres.Querier, kind RunKind, label string, maxDepth int) (*Run, error) {
	if maxDepth < 0 || maxDepth > 5 {
		return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "depth", Message: "must be between 0 and 5"}})
	}
	r := &Run{Kind: kind, Label: label, MaxDepth: maxDepth, Status: "running"}
	err := db.QueryRow(ctx, `INSERT INTO crawl_run (kind, label, max_depth) VALUES ($1, $2, $3) RETURNING id, created_at`,
		kind, label, maxDepth).Scan(&r.ID, &r.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("create run: %w", err)
	}
	return r, nil
}

// GetRun reads a run.
func GetRun(ctx context.Context, db postgres.Querier, id int64) (*Run, error) {
	r := &Run{ID: id}
	err := db.QueryRow(ctx, `SELECT kind, label, max_depth, status, created_at, finished_at FROM crawl_run WHERE id = $1`, id).
		Scan(&r.Kind, &r.Label, &r.MaxDepth, &r.Status, &r.CreatedAt, &r.FinishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no crawl run %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, err)
	}
	return r, nil
}

// LatestRunningRun returns the newest unfinished run of a kind, so that a
// restarted crawler resumes it instead of starting over.
func LatestRunningRun(ctx context.Context, db postgres.Querier, kind RunKind) (*Run, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT id FROM crawl_run WHERE kind = $1 AND status = 'running' ORDER BY id DESC LIMIT 1`, kind).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find running run: %w", err)
	}
	return GetRun(ctx, db, id)
}

// Enqueue adds URLs to a run's frontier; a URL already there (done or not)
// is ignored, which is what makes a resumed crawl fetch nothing twice. It
// returns how many were new.
func Enqueue(ctx context.Context, db postgres.Querier, runID int64, items []Item) (int, error) {
	if len(items) == 0 {
		return 0, nil
	}
	urls := make([]string, len(items))
	depths := make([]int32, len(items))
	sites := make([]*int64, len(items))
	reasons := make([]string, len(items))
	for i, it := range items {
		urls[i], depths[i], reasons[i] = it.URL, int32(it.Depth), clipText(it.Reason, 300)
		if it.SiteID != 0 {
			s := it.SiteID
			sites[i] = &s
		}
	}
	tag, err := db.Exec(ctx, `
		INSERT INTO crawl_queue (run_id, url, depth, site_id, reason)
		SELECT $1, u, d, s, r FROM unnest($2::text[], $3::int[], $4::bigint[], $5::text[]) AS t(u, d, s, r)
		ON CONFLICT (run_id, url) DO NOTHING`, runID, urls, depths, sites, reasons)
	if err != nil {
		return 0, fmt.Errorf("enqueue: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// Claim takes up to n URLs of the run for worker, for lease. URLs whose
// lease expired (their worker was killed) are taken again; after
// maxAttempts claims a URL is marked failed instead, so that a page that
// crashes crawlers cannot stall a run. Concurrent claimers never get the
// same row: FOR UPDATE SKIP LOCKED.
func Claim(ctx context.Context, db *pgxpool.Pool, runID int64, worker string, n int, lease time.Duration, maxAttempts int) ([]Item, error) {
	b := &pgx.Batch{}
	b.Queue(txSettings)
	queueClaim(b, runID, worker, n, lease, maxAttempts)
	br := db.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	items, err := readClaim(br, runID)
	if err != nil {
		return nil, err
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	if len(items) == 0 {
		if err := giveUp(ctx, db, runID, maxAttempts); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// queueClaim adds the claim of up to n URLs to a batch; readClaim reads
// its answer.
func queueClaim(b *pgx.Batch, runID int64, worker string, n int, lease time.Duration, maxAttempts int) {
	b.Queue(claimStatement, runID, n, worker, lease.Milliseconds(), maxAttempts)
}

// claimStatement takes the URLs. Rows held by live workers are neither
// waited for nor locked: they fail the WHERE before any lock is tried, and
// SKIP LOCKED passes over rows another claimer is taking.
const claimStatement = `
WITH c AS (
	SELECT id FROM crawl_queue
	WHERE run_id = $1 AND open AND (state = 'queued' OR (state = 'claimed' AND lease_until < now() AND attempts < $5))
	ORDER BY depth, id
	LIMIT $2
	FOR UPDATE SKIP LOCKED
), u AS (
	-- The ids as an array, not a join: the plan is generic, with
	-- no idea how many there are, and would scan the whole key.
	UPDATE crawl_queue q
	SET state = 'claimed', claimed_by = $3, lease_until = now() + $4 * interval '1 millisecond',
	    attempts = q.attempts + 1, updated_at = now()
	WHERE q.id = ANY(ARRAY(SELECT id FROM c))
	RETURNING q.id, q.url, q.depth, q.site_id, q.reason, q.attempts
)
SELECT u.id, u.url, u.depth, coalesce(u.site_id, 0), u.reason, u.attempts,
       coalesce((SELECT s.territory_id FROM crawl_site s WHERE s.id = u.site_id), 0),
       coalesce(p.id, 0), coalesce(p.etag, ''), coalesce(p.last_modified, '')
FROM u LEFT JOIN LATERAL (
	-- the newest answer with validators, for a conditional GET
	SELECT id, etag, last_modified FROM crawl_page
	WHERE url = u.url AND status = 200 AND body_gz IS NOT NULL AND (etag <> '' OR last_modified <> '')
	ORDER BY fetched_at DESC LIMIT 1
) p ON true
ORDER BY u.depth, u.id`

func readClaim(br pgx.BatchResults, runID int64) ([]Item, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Item, error) {
		it := Item{RunID: runID}
		return it, r.Scan(&it.ID, &it.URL, &it.Depth, &it.SiteID, &it.Reason, &it.Token, &it.TerritoryID,
			&it.PrevPageID, &it.ETag, &it.LastModify)
	})
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	return items, nil
}

// giveUp marks failed the URLs whose every claim expired: a page that
// crashes or hangs crawlers must not keep a run open. It runs only when
// nothing else is left to claim, so it never competes with live claims.
func giveUp(ctx context.Context, db postgres.Querier, runID int64, maxAttempts int) error {
	_, err := db.Exec(ctx, `
		UPDATE crawl_queue SET state = 'failed', lease_until = NULL, claimed_by = NULL, updated_at = now(),
		       error = 'gave up after ' || attempts || ' claims whose workers never finished'
		WHERE id IN (SELECT id FROM crawl_queue
		             WHERE run_id = $1 AND open AND state = 'claimed' AND lease_until < now() AND attempts >= $2
		             FOR UPDATE SKIP LOCKED)`, runID, maxAttempts)
	if err != nil {
		return fmt.Errorf("give up expired claims: %w", err)
	}
	return nil
}

// RunProgress counts a run's frontier by state.
type RunProgress struct {
	Queued, Claimed, Done, Failed int
}

// Total is every URL the run has seen.
func (p RunProgress) Total() int { return p.Queued + p.Claimed + p.Done + p.Failed }

// ReadProgress reads a run's counts.
func ReadProgress(ctx context.Context, db postgres.Querier, runID int64) (RunProgress, error) {
	var p RunProgress
	err := db.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE state = 'queued'), count(*) FILTER (WHERE state = 'claimed'),
		       count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE state = 'failed')
		FROM crawl_queue WHERE run_id = $1`, runID).Scan(&p.Queued, &p.Claimed, &p.Done, &p.Failed)
	if err != nil {
		return p, fmt.Errorf("run progress: %w", err)
	}
	return p, nil
}

// FinishRun marks a run done once nothing is left to claim. It is a no-op
// while any URL is queued or held, so any worker may call it.
func FinishRun(ctx context.Context, db postgres.Querier, runID int64) (bool, error) {
	tag, err := db.Exec(ctx, `
		UPDATE crawl_run SET status = 'done', finished_at = now()
		WHERE id = $1 AND status = 'running'
		  AND NOT EXISTS (SELECT 1 FROM crawl_queue WHERE run_id = $1 AND open)`, runID)
	if err != nil {
		return false, fmt.Errorf("finish run: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
