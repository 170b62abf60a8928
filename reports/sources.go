package reports

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/postgres"
)

// SourceYears says which years one source documents: the years its
// evidence saw adoptions (an observation or a consultation, over its
// observed span), and apart the years of the copies of lists that only
// date the copy. The trends count an adoption in the year it started or
// was first seen, so a year no source covers is a gap, not a zero: this
// is what tells the reader which.
type SourceYears struct {
	Source        string `json:"source"`
	Years         []int  `json:"years"`          // years with observations
	SnapshotYears []int  `json:"snapshot_years"` // years of copies that date no use
	Adoptions     int    `json:"adoptions"`      // adoptions it gives evidence for
}

// SourceCoverage lists every source of evidence with the years it covers,
// the sources with the most adoptions first. It reads the evidence, not a
// hard-coded list, so a new importer shows up on its own.
func SourceCoverage(ctx context.Context, db postgres.Querier) ([]SourceYears, error) {
	rows, err := db.Query(ctx, `
		SELECT e.source_name,
			coalesce(array_agg(DISTINCT y ORDER BY y) FILTER (WHERE e.date_meaning <> 'source-snapshot'), '{}'),
			coalesce(array_agg(DISTINCT extract(year FROM e.observed_at)::int ORDER BY extract(year FROM e.observed_at)::int) FILTER (WHERE e.date_meaning = 'source-snapshot'), '{}'),
			count(DISTINCT e.adoption_id)
		FROM evidence e
		CROSS JOIN LATERAL generate_series(extract(year FROM e.observed_at)::int,
			extract(year FROM coalesce(e.observed_until, e.observed_at))::int) y
		GROUP BY e.source_name
		ORDER BY count(DISTINCT e.adoption_id) DESC, e.source_name`)
	if err != nil {
		return nil, fmt.Errorf("source coverage: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (SourceYears, error) {
		var s SourceYears
		var years, snaps []int32
		err := row.Scan(&s.Source, &years, &snaps, &s.Adoptions)
		for _, y := range years {
			s.Years = append(s.Years, int(y))
		}
		for _, y := range snaps {
			s.SnapshotYears = append(s.SnapshotYears, int(y))
		}
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("source coverage: %w", err)
	}
	return out, nil
}

// YearRanges writes sorted years as runs: "2015–2018, 2021".
func YearRanges(years []int) string {
	var parts []string
	for i := 0; i < len(years); {
		j := i
		for j+1 < len(years) && years[j+1] == years[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(years[i])+"–"+strconv.Itoa(years[j]))
		} else {
			parts = append(parts, strconv.Itoa(years[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
