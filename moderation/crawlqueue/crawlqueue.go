// Package crawlqueue brings the crawler's unsure findings into the
// moderation queue. The crawler publishes a detection itself only when it is
// verified, above its confidence threshold and tied to a collectivité; the
// others stay pending in its crawl_finding table. QueueRun turns the pending
// ones that name a collectivité and a listed tool into crawler-finding
// proposals, which a moderator approves (the adoption is then written with
// the crawler's evidence) or rejects.
package crawlqueue

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/civiscope/civiscope/crawler"
	"github.com/civiscope/civiscope/crawler/adopt"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/moderation"
)

// Result counts what QueueRun did.
type Result struct {
	Queued        int // new proposals
	AlreadyQueued int // the same evidence was already queued (or decided)
	NoTerritory   int // no collectivité known for the site: not an adoption yet
	NoTool        int // the platform names no tool of the directory
}

// QueueRun queues the pending findings of one crawl run.
func QueueRun(ctx context.Context, db moderation.DB, rules *detect.Rules, runID int64) (Result, error) {
	var res Result
	fs, err := crawler.ListFindings(ctx, db, runID)
	if err != nil {
		return res, err
	}
	for _, f := range fs {
		if f.Status != "pending" {
			continue
		}
		if f.TerritoryID == 0 {
			res.NoTerritory++
			continue
		}
		pl, ok := rules.Platform(f.Detection.Platform)
		if !ok || pl.Slug == "" {
			res.NoTool++
			continue
		}
		tool, err := directory.GetTool(ctx, db, pl.Slug)
		if err != nil {
			res.NoTool++
			continue
		}
		_, created, err := moderation.SubmitFinding(ctx, db, moderation.Finding{
			Title:    fmt.Sprintf("%s → %s (crawler, %d%%)", f.TerritoryName, tool.Name, f.Detection.Confidence),
			Adoption: adoption(f, tool.ID),
		})
		if err != nil {
			return res, fmt.Errorf("finding %d: %w", f.ID, err)
		}
		if created {
			res.Queued++
		} else {
			res.AlreadyQueued++
		}
	}
	return res, nil
}

// adoption is what approving the finding will record: the same evidence
// (source name and fingerprint) the crawler writes when it publishes a
// detection itself, so a finding published later adds nothing twice.
func adoption(f crawler.Finding, toolID int64) directory.Adoption {
	observed := f.FoundAt
	if observed.IsZero() {
		observed = time.Now()
	}
	fp := "detection:" + f.Detection.Platform + ":" + f.PageURL
	if len(fp) > 500 {
		fp = fp[:500]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s detected (confidence %d%%)", f.Detection.Platform, f.Detection.Confidence)
	if !f.Detection.Verified {
		b.WriteString(", fingerprint not verified")
	}
	for _, m := range f.Detection.Matches {
		line := fmt.Sprintf("\n- %s %s: %s", m.Kind, m.Rule, m.Evidence)
		if b.Len()+len(line) > directory.MaxExcerptLen {
			break
		}
		b.WriteString(line)
	}
	return directory.Adoption{ToolID: toolID, TerritoryID: f.TerritoryID, InstanceURL: f.InstanceURL,
		Status: directory.StatusCurrent, Confidence: float64(f.Detection.Confidence) / 100,
		Evidence: []directory.Evidence{{SourceKind: directory.SourceCrawler, SourceName: adopt.SourceName,
			SourceURL: f.PageURL, ObservedAt: observed, Excerpt: b.String(), Fingerprint: fp}}}
}
