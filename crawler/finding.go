package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/net/publicsuffix"

	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/postgres"
)

// Finding is a platform detected on a page, with what is known of who runs
// it. It becomes adoption evidence with source kind "crawler".
type Finding struct {
	ID          int64
	RunID       int64
	PageID      int64
	SiteID      int64
	TerritoryID int64 // 0 when the page was not reached from a collectivité's site
	// TerritoryName is filled on reads.
	TerritoryName string
	InstanceURL   string
	PageURL       string
	Detection     detect.Detection
	FoundAt       time.Time
	Status        string // pending, published, rejected
	Note          string
}

// FindingSink writes a finding into the directory as adoption evidence. The
// crawler only calls it for findings above the publication threshold whose
// collectivité is known; everything else stays pending in crawl_finding.
type FindingSink interface {
	RecordDetection(ctx context.Context, f Finding) error
}

// adoptable says whether a detection can stand for an adoption: web
// frameworks (Ruby on Rails, implied by Decidim) never do.
func adoptable(d detect.Detection) bool {
	for _, c := range d.Categories {
		if c == "web framework" {
			return false
		}
	}
	return true
}

// instanceURL names the instance a page belongs to: its origin, or, on a
// vendor's shared host (civocracy.org/<slug>), the origin and first path
// segment.
func instanceURL(pageURL string, d detect.Detection) string {
	u, err := url.Parse(pageURL)
	if err != nil || u.Host == "" {
		return pageURL
	}
	origin := u.Scheme + "://" + strings.ToLower(u.Host) + "/"
	if w, err := url.Parse(d.Website); err == nil && w.Host != "" && sameSite(w.Hostname(), u.Hostname()) {
		seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
		if seg != "" {
			return origin + seg
		}
	}
	return origin
}

// sameSite compares registrable domains (exemple.fr for www.exemple.fr).
func sameSite(a, b string) bool {
	return registrable(a) == registrable(b)
}

func registrable(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// PublishPolicy decides which findings go straight into the directory.
type PublishPolicy struct {
	// Threshold is the confidence (0–100) from which a finding is
	// published without moderation.
	Threshold int
	// Rules tell verified fingerprints from hints; hints never publish.
	Rules *detect.Rules
}

// DefaultThreshold publishes what strong markers alone establish.
const DefaultThreshold = 80

func (p PublishPolicy) platform(name string) (detect.Platform, bool) {
	if p.Rules == nil {
		return detect.Platform{}, false
	}
	return p.Rules.Platform(name)
}

// qualifies says whether f may be published now, and if not, why.
func (p PublishPolicy) qualifies(f Finding) (bool, string) {
	switch {
	case !f.Detection.Verified:
		return false, "unverified fingerprint: needs moderation"
	case f.Detection.Confidence < p.Threshold:
		return false, fmt.Sprintf("confidence %d below %d: needs moderation", f.Detection.Confidence, p.Threshold)
	case f.TerritoryID == 0:
		return false, "no collectivité known for this site: needs moderation"
	}
	return true, ""
}

// publishPending hands every pending finding of the run that qualifies to
// the sink. It runs after each page and again at the end of a run, so a
// crawler killed between recording and publishing loses nothing.
//
// retry also hands again the findings the directory refused before: the
// end of a run does, the pass after each page does not, or every page of a
// run with many refusals would send them all again (quadratic work, which
// the simulated-France benchmark showed stalling a run).
func publishPending(ctx context.Context, db postgres.Querier, runID int64, sink FindingSink, policy PublishPolicy, retry bool) (int, error) {
	if sink == nil {
		return 0, nil
	}
	rows, err := db.Query(ctx, `
		SELECT id, coalesce(page_id, 0), coalesce(site_id, 0), coalesce(territory_id, 0), instance_url, page_url,
		       platform, confidence, version, matches, found_at
		FROM crawl_finding WHERE run_id = $1 AND status = 'pending' AND territory_id IS NOT NULL AND confidence >= $2
		  AND ($3 OR note NOT LIKE $4 || '%')
		ORDER BY id`, runID, policy.Threshold, retry, refusedNote)
	if err != nil {
		return 0, fmt.Errorf("pending findings: %w", err)
	}
	fs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Finding, error) {
		f := Finding{RunID: runID, Status: "pending"}
		var matches []byte
		err := r.Scan(&f.ID, &f.PageID, &f.SiteID, &f.TerritoryID, &f.InstanceURL, &f.PageURL,
			&f.Detection.Platform, &f.Detection.Confidence, &f.Detection.Version, &matches, &f.FoundAt)
		if err == nil {
			err = json.Unmarshal(matches, &f.Detection.Matches)
		}
		return f, err
	})
	if err != nil {
		return 0, fmt.Errorf("pending findings: %w", err)
	}
	n := 0
	for _, f := range fs {
		pl, ok := policy.platform(f.Detection.Platform)
		if !ok || !pl.Verified {
			continue
		}
		f.Detection.Verified, f.Detection.Website, f.Detection.Categories = true, pl.Website, pl.Categories
		if err := sink.RecordDetection(ctx, f); err != nil {
			if _, uerr := db.Exec(ctx, `UPDATE crawl_finding SET note = $2 WHERE id = $1`, f.ID, clipText(refusedNote+err.Error(), 1000)); uerr != nil {
				return n, fmt.Errorf("note finding %d: %w", f.ID, uerr)
			}
			continue
		}
		if _, err := db.Exec(ctx, `UPDATE crawl_finding SET status = 'published', note = '' WHERE id = $1`, f.ID); err != nil {
			return n, fmt.Errorf("publish finding %d: %w", f.ID, err)
		}
		n++
	}
	return n, nil
}

// refusedNote starts the note of a finding the directory refused.
const refusedNote = "directory refused it: "

// ListFindings returns a run's findings, best first.
func ListFindings(ctx context.Context, db postgres.Querier, runID int64) ([]Finding, error) {
	rows, err := db.Query(ctx, `
		SELECT f.id, coalesce(f.page_id, 0), coalesce(f.site_id, 0), coalesce(f.territory_id, 0), coalesce(t.name, ''),
		       f.instance_url, f.page_url, f.platform, f.confidence, f.version, f.matches, f.found_at, f.status, f.note
		FROM crawl_finding f LEFT JOIN territory t ON t.id = f.territory_id
		WHERE f.run_id = $1 ORDER BY f.confidence DESC, t.name, f.platform, f.id`, runID)
	if err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Finding, error) {
		f := Finding{RunID: runID}
		var matches []byte
		err := r.Scan(&f.ID, &f.PageID, &f.SiteID, &f.TerritoryID, &f.TerritoryName, &f.InstanceURL, &f.PageURL,
			&f.Detection.Platform, &f.Detection.Confidence, &f.Detection.Version, &matches, &f.FoundAt, &f.Status, &f.Note)
		if err == nil {
			err = json.Unmarshal(matches, &f.Detection.Matches)
		}
		return f, err
	})
}
