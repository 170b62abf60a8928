package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

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

// recordStatement writes a batch of processed URLs in one statement:
// their pages, findings, the links to follow and the URLs' completion.
// Everything is conditional on each claim still being held (the fencing
// token), so a worker whose lease expired writes nothing for that URL.
// One set-based statement for the whole batch, not one per page: the
// database's cost per page is then mostly the rows themselves, and stays
// far below a page fetch.
const recordStatement = `
WITH claim AS (
	SELECT id FROM crawl_queue
	WHERE id = ANY($2::bigint[]) AND attempts = ($3::int[])[array_position($2::bigint[], id)]
	  AND state = 'claimed'
	FOR UPDATE
), input AS MATERIALIZED (
	SELECT i.*, CASE WHEN i.has_page THEN nextval('crawl_page_id_seq'::regclass) END AS page_id
	FROM unnest($2::bigint[], $4::bool[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[],
	            $11::text[], $12::text[], $13::bytea[], $14::int[], $15::bool[], $16::text[], $17::text[],
	            $18::timestamptz[], $19::int[], $20::text[], $21::text[])
	     AS i(id, has_page, url, final_url, status, headers, redirects, content_type,
	          charset, content_hash, body_gz, body_size, truncated, etag, last_modified,
	          fetched_at, duration_ms, state, error)
	JOIN claim c ON c.id = i.id
), page AS (
	INSERT INTO crawl_page (id, run_id, url, final_url, status, headers, redirects, content_type, charset,
	                        content_hash, body_gz, body_size, truncated, etag, last_modified, fetched_at, duration_ms)
	OVERRIDING SYSTEM VALUE
	SELECT page_id, $1, url, final_url, status, headers::jsonb, redirects::jsonb, content_type, charset,
	       content_hash, body_gz, body_size, truncated, etag, last_modified, fetched_at, duration_ms
	FROM input WHERE has_page
), done AS (
	UPDATE crawl_queue q SET state = i.state, page_id = i.page_id, error = i.error, lease_until = NULL, updated_at = now()
	FROM input i WHERE q.id = i.id
	RETURNING q.id
), next AS (
	INSERT INTO crawl_queue (run_id, url, depth, site_id, reason)
	SELECT $1, t.u, t.d, nullif(t.s, 0), t.r
	FROM unnest($22::bigint[], $23::text[], $24::int[], $25::bigint[], $26::text[]) AS t(owner, u, d, s, r)
	JOIN claim c ON c.id = t.owner
	ON CONFLICT (run_id, url) DO NOTHING
	RETURNING 1
), found AS (
	INSERT INTO crawl_finding (run_id, page_id, site_id, territory_id, instance_url, page_url, platform,
	                           confidence, version, matches, note)
	SELECT $1, i.page_id, nullif(f.site, 0), nullif(f.territory, 0), f.inst, i.final_url, f.plat, f.conf, f.ver, f.m::jsonb, f.n
	FROM unnest($27::bigint[], $28::bigint[], $29::bigint[], $30::text[], $31::text[], $32::int[], $33::text[], $34::text[], $35::text[])
	     AS f(owner, site, territory, inst, plat, conf, ver, m, n)
	JOIN input i ON i.id = f.owner
	ON CONFLICT (run_id, instance_url, platform) DO UPDATE
	SET page_id = excluded.page_id, page_url = excluded.page_url, confidence = excluded.confidence,
	    version = excluded.version, matches = excluded.matches, note = excluded.note,
	    site_id = coalesce(crawl_finding.site_id, excluded.site_id),
	    territory_id = coalesce(crawl_finding.territory_id, excluded.territory_id)
	WHERE crawl_finding.status = 'pending' AND excluded.confidence > crawl_finding.confidence
	RETURNING 1
)
SELECT coalesce((SELECT array_agg(id) FROM done), '{}'), (SELECT count(*) FROM next)`

// txSettings is sent first in each crawler batch, which runs as one
// implicit transaction, and sets three things for that transaction only.
//
// Its commit does not wait for the WAL flush: the crawler commits many
// times a second, and waiting for the disk each time would make the
// database, not politeness, the limit. Consistency is untouched; if the
// PostgreSQL server itself crashes, the last fraction of a second of
// commits is lost as a whole and those URLs are fetched again. Killing a
// crawler process loses nothing either way.
//
// Plans are generic and never use a sequential scan. Every row these
// statements touch is found through a key, and their plans are written to
// stay so whatever the parameters. Left to choose, PostgreSQL planned
// each claim again on most runs (0.5 ms, more than running it), and kept
// the generic plan it made of the record statement when a new run's
// frontier was a few dozen rows, in which a scan of the whole table
// looked cheaper than probing the primary key; each write then went on
// scanning the frontier as it grew (0.3 ms per write at 2,000 URLs).
const txSettings = `SELECT set_config('synchronous_commit', 'off', true),
	set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)`

// batcher is a pool or one of its connections.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// claimRequest asks for more URLs in the round trip that writes pages.
type claimRequest struct {
	runID       int64
	worker      string
	n           int
	lease       time.Duration
	maxAttempts int
}

// tripResult is what one round trip did.
type tripResult struct {
	added   int    // new URLs on the frontier
	lost    []bool // per outcome: not written, its lease was lost
	claimed []Item
}

// roundTrip writes processed URLs and claims up to claim.n more, in one
// round trip and one implicit transaction. The claim comes after the
// write, so it can hand out the links just written.
func roundTrip(ctx context.Context, db batcher, outs []pageOutcome, claim claimRequest, maxBody int, gz *gzipPool) (tripResult, error) {
	var res tripResult
	b := &pgx.Batch{}
	b.Queue(txSettings)
	if len(outs) > 0 {
		args, err := recordArgs(outs, maxBody, gz)
		if err != nil {
			return res, err
		}
		b.Queue(recordStatement, args...)
	}
	if claim.n > 0 {
		queueClaim(b, claim.runID, claim.worker, claim.n, claim.lease, claim.maxAttempts)
	}
	br := db.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return res, fmt.Errorf("record pages: %w", err)
	}
	if len(outs) > 0 {
		var done []int64
		if err := br.QueryRow().Scan(&done, &res.added); err != nil {
			return res, fmt.Errorf("record pages: %w", err)
		}
		written := make(map[int64]bool, len(done))
		for _, id := range done {
			written[id] = true
		}
		res.lost = make([]bool, len(outs))
		for i, o := range outs {
			res.lost[i] = !written[o.item.ID]
		}
	}
	if claim.n > 0 {
		var err error
		if res.claimed, err = readClaim(br, claim.runID); err != nil {
			return res, err
		}
	}
	if err := br.Close(); err != nil {
		return res, fmt.Errorf("record pages: %w", err)
	}
	return res, nil
}

// recordArgs lays a batch out as the statement's column arrays.
func recordArgs(outs []pageOutcome, maxBody int, gz *gzipPool) ([]any, error) {
	n := len(outs)
	var (
		runID                                    int64
		ids                                      = make([]int64, n)
		tokens, statuses, sizes, durations       = make([]int32, n), make([]int32, n), make([]int32, n), make([]int32, n)
		hasPage, truncated                       = make([]bool, n), make([]bool, n)
		urls, finals, headers, redirects, ctypes = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		charsets, hashes, etags, lastMods        = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		states, errs                             = make([]string, n), make([]string, n)
		bodies                                   = make([][]byte, n)
		fetchedAt                                = make([]time.Time, n)
		linkOwners, linkSites                    []int64
		linkURLs, linkReasons                    []string
		linkDepths                               []int32
		found                                    []foundRow
	)
	for i, o := range outs {
		runID = o.runID
		ids[i], tokens[i] = o.item.ID, int32(o.item.Token)
		states[i], errs[i] = o.state, clipText(o.msg, 1000)
		headers[i], redirects[i] = "{}", "[]"
		if r := o.resp; r != nil && r.Status != 0 {
			pv, err := preparePage(r, maxBody, gz)
			if err != nil {
				return nil, err
			}
			hasPage[i] = true
			urls[i], finals[i], statuses[i], headers[i], redirects[i] = r.URL, r.FinalURL, int32(r.Status), string(pv.headers), string(pv.redirects)
			ctypes[i], charsets[i], hashes[i], bodies[i], sizes[i] = r.ContentType, r.Charset, r.Hash(), pv.gz, int32(len(r.Body))
			truncated[i], etags[i], lastMods[i] = pv.truncated, first(r.Header["Etag"]), first(r.Header["Last-Modified"])
			fetchedAt[i], durations[i] = r.FetchedAt, int32(r.Duration.Milliseconds())
		}
		for _, it := range o.next {
			linkOwners, linkURLs, linkDepths = append(linkOwners, o.item.ID), append(linkURLs, it.URL), append(linkDepths, int32(it.Depth))
			linkSites, linkReasons = append(linkSites, it.SiteID), append(linkReasons, clipText(it.Reason, 300))
		}
		for _, f := range o.findings {
			found = append(found, foundRow{owner: o.item.ID, site: o.item.SiteID, territory: o.territoryID, f: f})
		}
	}
	found = strongestFindings(found)
	m := len(found)
	fOwners, fSites, fTerritories := make([]int64, m), make([]int64, m), make([]int64, m)
	fInsts, fPlats, fVers, fMatches, fNotes := make([]string, m), make([]string, m), make([]string, m), make([]string, m), make([]string, m)
	fConfs := make([]int32, m)
	for i, r := range found {
		js, _ := json.Marshal(r.f.Detection.Matches)
		fOwners[i], fSites[i], fTerritories[i] = r.owner, r.site, r.territory
		fInsts[i], fPlats[i], fConfs[i] = r.f.InstanceURL, r.f.Detection.Platform, int32(r.f.Detection.Confidence)
		fVers[i], fMatches[i], fNotes[i] = r.f.Detection.Version, string(js), clipText(r.f.Note, 1000)
	}
	return []any{runID, ids, tokens, hasPage, urls, finals, statuses, headers, redirects, ctypes,
		charsets, hashes, bodies, sizes, truncated, etags, lastMods, fetchedAt, durations, states, errs,
		linkOwners, linkURLs, linkDepths, linkSites, linkReasons,
		fOwners, fSites, fTerritories, fInsts, fPlats, fConfs, fVers, fMatches, fNotes}, nil
}

// foundRow is a finding with the URL whose page showed it.
type foundRow struct {
	owner, site, territory int64
	f                      Finding
}

// strongestFindings keeps, of findings of one instance and platform in a
// batch, the most confident (the first of equals): the result that
// writing them one by one would leave, since a finding is only replaced
// by a more confident one. One statement cannot update a row twice.
func strongestFindings(rows []foundRow) []foundRow {
	type key struct{ inst, plat string }
	best := map[key]int{}
	var out []foundRow
	for _, r := range rows {
		k := key{r.f.InstanceURL, r.f.Detection.Platform}
		if i, ok := best[k]; ok {
			if r.f.Detection.Confidence > out[i].f.Detection.Confidence {
				out[i] = r
			}
			continue
		}
		best[k] = len(out)
		out = append(out, r)
	}
	return out
}
