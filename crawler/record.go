package crawler

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/crawler/fetch"
)

// pageOutcome is everything one processed URL writes.
type pageOutcome struct {
	item        Item
	runID       int64
	resp        *fetch.Response // nil or Status 0 when nothing answered
	state, msg  string          // done or failed, and why
	next        []Item
	findings    []Finding
	territoryID int64
}

// recordStatement writes a processed URL in one statement: the page, its
// findings, the links to follow and the URL's completion. Everything is
// conditional on the claim still being held (the fencing token), so a
// worker whose lease expired writes nothing. One statement in one round
// trip: the frontier's cost per page stays far below a page fetch.
const recordStatement = `
WITH claim AS (
	SELECT id FROM crawl_queue WHERE id = $1 AND attempts = $2 AND state = 'claimed' FOR UPDATE
), page AS (
	INSERT INTO crawl_page (run_id, url, final_url, status, headers, redirects, content_type, charset,
	                        content_hash, body_gz, body_size, truncated, etag, last_modified, fetched_at, duration_ms)
	SELECT $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18 FROM claim WHERE $19::bool
	RETURNING id
), done AS (
	UPDATE crawl_queue q SET state = $20, page_id = (SELECT id FROM page), error = $21, lease_until = NULL, updated_at = now()
	FROM claim WHERE q.id = claim.id
	RETURNING q.id
), next AS (
	INSERT INTO crawl_queue (run_id, url, depth, site_id, reason)
	SELECT $3, u, d, nullif(s, 0), r FROM unnest($22::text[], $23::int[], $24::bigint[], $25::text[]) AS t(u, d, s, r)
	WHERE EXISTS (SELECT 1 FROM claim)
	ON CONFLICT (run_id, url) DO NOTHING
	RETURNING 1
), found AS (
	INSERT INTO crawl_finding (run_id, page_id, site_id, territory_id, instance_url, page_url, platform,
	                           confidence, version, matches, note)
	SELECT $3, (SELECT id FROM page), nullif($26::bigint, 0), nullif($27::bigint, 0), i, $5, p, c, v, m::jsonb, n
	FROM unnest($28::text[], $29::text[], $30::int[], $31::text[], $32::text[], $33::text[]) AS f(i, p, c, v, m, n)
	WHERE EXISTS (SELECT 1 FROM claim)
	ON CONFLICT (run_id, instance_url, platform) DO UPDATE
	SET page_id = excluded.page_id, page_url = excluded.page_url, confidence = excluded.confidence,
	    version = excluded.version, matches = excluded.matches, note = excluded.note,
	    site_id = coalesce(crawl_finding.site_id, excluded.site_id),
	    territory_id = coalesce(crawl_finding.territory_id, excluded.territory_id)
	WHERE crawl_finding.status = 'pending' AND excluded.confidence > crawl_finding.confidence
	RETURNING 1
)
SELECT (SELECT count(*) FROM done), (SELECT count(*) FROM next)`

// asyncCommit is sent first in each crawler batch. A batch runs as one
// implicit transaction, whose commit then does not wait for the WAL
// flush: the crawler commits once per page, and waiting for the disk each
// time would make the database, not politeness, the limit. Consistency is
// untouched; if the PostgreSQL server itself crashes, the last fraction of
// a second of commits is lost as a whole and those URLs are fetched again.
// Killing a crawler process loses nothing either way.
const asyncCommit = `SELECT set_config('synchronous_commit', 'off', true)`

// batcher is a pool or one of its connections.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// recordAll writes processed URLs in one round trip: one statement each,
// in one implicit transaction. It returns how many new URLs joined the
// frontier and which outcomes were not written because their lease was
// lost.
func recordAll(ctx context.Context, db batcher, outs []pageOutcome, maxBody int, gz *gzipPool) (int, []bool, error) {
	b := &pgx.Batch{}
	b.Queue(asyncCommit)
	for _, o := range outs {
		args, err := recordArgs(o, maxBody, gz)
		if err != nil {
			return 0, nil, err
		}
		b.Queue(recordStatement, args...)
	}
	br := db.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return 0, nil, fmt.Errorf("record pages: %w", err)
	}
	added := 0
	lost := make([]bool, len(outs))
	for i, o := range outs {
		var done, n int
		if err := br.QueryRow().Scan(&done, &n); err != nil {
			return 0, nil, fmt.Errorf("record %s: %w", o.item.URL, err)
		}
		lost[i] = done == 0
		added += n
	}
	if err := br.Close(); err != nil {
		return 0, nil, fmt.Errorf("record pages: %w", err)
	}
	return added, lost, nil
}

func recordArgs(o pageOutcome, maxBody int, gz *gzipPool) ([]any, error) {
	n := len(o.next)
	urls, depths, sites, reasons := make([]string, n), make([]int32, n), make([]int64, n), make([]string, n)
	for i, it := range o.next {
		urls[i], depths[i], sites[i], reasons[i] = it.URL, int32(it.Depth), it.SiteID, clipText(it.Reason, 300)
	}
	m := len(o.findings)
	insts, plats, confs, vers, matches, notes := make([]string, m), make([]string, m), make([]int32, m), make([]string, m), make([]string, m), make([]string, m)
	for i, f := range o.findings {
		js, _ := json.Marshal(f.Detection.Matches)
		insts[i], plats[i], confs[i], vers[i], matches[i], notes[i] = f.InstanceURL, f.Detection.Platform,
			int32(f.Detection.Confidence), f.Detection.Version, string(js), clipText(f.Note, 1000)
	}
	hasPage := o.resp != nil && o.resp.Status != 0
	var pv pageValues
	r := o.resp
	if r == nil {
		r = &fetch.Response{}
	}
	if hasPage {
		var err error
		if pv, err = preparePage(r, maxBody, gz); err != nil {
			return nil, err
		}
	}
	return []any{o.item.ID, o.item.Token, o.runID,
		r.URL, r.FinalURL, r.Status, pv.headers, pv.redirects, r.ContentType, r.Charset, r.Hash(), pv.gz, len(r.Body),
		pv.truncated, first(r.Header["Etag"]), first(r.Header["Last-Modified"]), r.FetchedAt, r.Duration.Milliseconds(), hasPage,
		o.state, clipText(o.msg, 1000),
		urls, depths, sites, reasons,
		o.item.SiteID, o.territoryID, insts, plats, confs, vers, matches, notes}, nil
}
