package crawler

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// SiteFilter picks the collectivités of a France-wide run.
type SiteFilter struct {
	Kind          string // commune, epci, departement, region; "" for all
	MinPopulation int
}

// Label describes the filter in a run's label.
func (f SiteFilter) Label() string {
	s := "all collectivités"
	if f.Kind != "" {
		s = "every " + f.Kind
	}
	if f.MinPopulation > 0 {
		s += fmt.Sprintf(" from %d inhabitants", f.MinPopulation)
	}
	return s + " with a known website"
}

// SyncRegisterSites makes every current official website of the register
// (territory_website) a crawl site, and returns the sites the filter picks.
func SyncRegisterSites(ctx context.Context, db postgres.Querier, f SiteFilter) ([]Site, error) {
	switch f.Kind {
	case "", "commune", "epci", "departement", "region":
	default:
		return nil, civiscope.Errorf(civiscope.EINVALID, "--kind must be commune, epci, departement or region, not %q", f.Kind)
	}
	if f.MinPopulation < 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "--min-population must not be negative")
	}
	if _, err := db.Exec(ctx, `INSERT INTO crawl_site (territory_id, url, source, source_name)
		SELECT w.territory_id, w.url, 'register', left(w.source || ' ' || w.source_record, 300)
		FROM territory_website w WHERE w.status = 'current'
		ON CONFLICT (territory_id, url) DO NOTHING`); err != nil {
		return nil, fmt.Errorf("sites from the websites register: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT s.id, s.territory_id, t.code, t.name, s.url, s.source
		FROM crawl_site s
		JOIN territory t ON t.id = s.territory_id
		JOIN territory_website w ON w.territory_id = s.territory_id AND w.url = s.url AND w.status = 'current'
		WHERE NOT t.historic AND ($1 = '' OR t.kind = $1) AND coalesce(t.population, 0) >= $2
		ORDER BY t.population DESC NULLS LAST, t.code`, f.Kind, f.MinPopulation)
	if err != nil {
		return nil, fmt.Errorf("list register sites: %w", err)
	}
	sites, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Site])
	if err != nil {
		return nil, fmt.Errorf("list register sites: %w", err)
	}
	return sites, nil
}
