// Package reports turns the directory (and, through interfaces, the survey
// and the crawler) into published figures: adoption trends, survival of
// tools, and the open-data files researchers cite. It never imports
// net/http; web/report_*.go and api/report_*.go render what it returns.
//
// Trends (trends.go) read materialised views (migration 00600) so that they
// answer in milliseconds over 500,000 adoptions; Refresh rebuilds them and
// every result carries the time of the last refresh (AsOf).
//
// Sub-packages:
//
//	reports/disclosure  primary and secondary suppression of small cells (k)
//	reports/export      CSV, JSON, XLSX and Frictionless data packages,
//	                    immutable versioned releases with SHA-256 checksums
//	reports/barometer   barometer results per edition, over the Source
//	                    interface the survey package implements
//	reports/svg         server-rendered SVG charts (lines, survival curves)
package reports

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/postgres"
)

// views lists the materialised views in dependency order (region is
// built from place).
func views() []string {
	return []string{"report_adoption", "report_adoption_time", "report_adoption_place", "report_adoption_year", "report_adoption_share", "report_adoption_region", "report_tool_share"}
}

// Refresh rebuilds the report views from the directory. Readers keep seeing
// the previous contents until it finishes (REFRESH … CONCURRENTLY).
func Refresh(ctx context.Context, db postgres.Querier) (time.Time, error) {
	for _, v := range views() {
		if _, err := db.Exec(ctx, `REFRESH MATERIALIZED VIEW CONCURRENTLY `+v); err != nil {
			return time.Time{}, fmt.Errorf("refresh %s: %w", v, err)
		}
		// Fresh statistics, or the planner guesses on a view it has never
		// seen and the trend queries lose their plans.
		if _, err := db.Exec(ctx, `ANALYZE `+v); err != nil {
			return time.Time{}, fmt.Errorf("analyze %s: %w", v, err)
		}
	}
	var at time.Time
	err := db.QueryRow(ctx, `INSERT INTO report_refresh (name, refreshed_at) VALUES ('adoptions', now())
		ON CONFLICT (name) DO UPDATE SET refreshed_at = excluded.refreshed_at RETURNING refreshed_at`).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("record refresh: %w", err)
	}
	return at, nil
}

// AsOf returns when the trend views were last refreshed; the zero time when
// they never were.
func AsOf(ctx context.Context, db postgres.Querier) (time.Time, error) {
	var at time.Time
	err := db.QueryRow(ctx, `SELECT coalesce(max(refreshed_at), 'epoch') FROM report_refresh WHERE name = 'adoptions'`).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("read refresh time: %w", err)
	}
	if at.Unix() == 0 {
		return time.Time{}, nil
	}
	return at, nil
}

func pgxTxOptions() pgx.TxOptions {
	return pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
}
