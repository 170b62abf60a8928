package crawler

import (
	"context"
	"fmt"

	"github.com/civiscope/civiscope/crawler/liveness"
)

// recordSiteLiveness turns the fetch of a collectivité's homepage into a
// liveness check of its website: the same classes, history and 14-day
// policy as the liveness pass, without fetching the site a second time.
func (c *Crawler) recordSiteLiveness(ctx context.Context, a answer) error {
	it := a.item
	if c.live == nil || it.Reason != "seed" || it.Depth != 0 || it.SiteID == 0 || it.TerritoryID == 0 {
		return nil
	}
	t := LivenessTarget{Kind: TargetWebsite, Ref: it.TerritoryID, URL: it.URL}
	err := c.db.QueryRow(ctx, `
		INSERT INTO liveness_target AS l (kind, ref, url, label, last_checked_at)
		VALUES ('website', $1, $2, coalesce((SELECT left(name, 300) FROM territory WHERE id = $1), ''), now())
		ON CONFLICT (kind, ref, url) DO UPDATE SET last_checked_at = now()
		RETURNING l.id, l.label, l.state, l.failures, l.first_failure_at`, it.TerritoryID, it.URL).
		Scan(&t.ID, &t.Label, &t.State, &t.Failures, &t.FirstFailureAt)
	if err != nil {
		return fmt.Errorf("watch website %s: %w", it.URL, err)
	}
	_, err = c.live.record(ctx, t, liveness.Classify(it.URL, a.resp, a.err))
	return err
}
