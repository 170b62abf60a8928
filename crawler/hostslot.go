package crawler

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/civiscope/civiscope/postgres"
)

// reserveHostSlot takes the next free slot of a host in crawl_host and
// returns when it starts: the host's next_at moves one delay on, in one
// atomic statement, so that processes sharing a run (on one machine or
// several) keep the per-host delay between them, not only within each.
func reserveHostSlot(ctx context.Context, db postgres.Querier, host string, delay time.Duration) (time.Time, error) {
	var at time.Time
	err := db.QueryRow(ctx, `
		INSERT INTO crawl_host AS h (host, next_at) VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
		ON CONFLICT (host) DO UPDATE SET next_at = greatest(h.next_at, clock_timestamp()) + $2 * interval '1 millisecond'
		RETURNING next_at - $2 * interval '1 millisecond'`, host, delay.Milliseconds()).Scan(&at)
	return at, err
}

// waitHostSlot waits for this process's turn at the URL's host. A database
// failure only loses the cross-process guarantee: the fetcher still keeps
// the delay within the process, so the fetch goes on.
func (c *Crawler) waitHostSlot(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil
	}
	at, err := reserveHostSlot(ctx, c.db, strings.ToLower(u.Host), c.cfg.SharedHostDelay)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.log.Warn("shared host delay unavailable; keeping the per-process one", "host", u.Host, "err", err)
		return nil
	}
	if d := time.Until(at); d > 0 {
		return sleep(ctx, d)
	}
	return nil
}
