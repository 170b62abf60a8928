package survey

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/postgres"
)

// Rate is the participation of one group of the sampling frame.
type Rate struct {
	Dimension string // "kind", "population" or "region"
	Group     string // kind, bracket code or région code
	Label     string // for display
	Frame     int    // members of the frame in the group
	Invited   int    // with an invitation
	Started   int    // who opened and saved at least once (started or submitted)
	Submitted int
}

// ResponseRate is Submitted / Frame, 0 for an empty group.
func (r Rate) ResponseRate() float64 {
	if r.Frame == 0 {
		return 0
	}
	return float64(r.Submitted) / float64(r.Frame)
}

// ResponseRates measures participation against the sampling frame, by
// kind of collectivité, population bracket and région, for the admin
// dashboard. The frame is the denominator: a collectivité never invited
// still counts as not answering.
func ResponseRates(ctx context.Context, db postgres.Querier, year int) ([]Rate, error) {
	e, err := GetEdition(ctx, db, year)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `
		WITH m AS (
			SELECT t.kind, t.population, coalesce(t.region_code, '') AS region, i.status
			FROM survey_frame f JOIN territory t ON t.id = f.territory_id
			LEFT JOIN survey_invitation i ON i.edition_id = f.edition_id AND i.territory_id = f.territory_id
			WHERE f.edition_id = $1
		), g AS (
			SELECT 'kind' AS dim, kind AS grp, status FROM m
			UNION ALL
			SELECT 'population', CASE
				WHEN population IS NULL THEN '9-unknown'
				WHEN population < 3500 THEN '1-lt3500'
				WHEN population < 10000 THEN '2-3500-9999'
				WHEN population < 50000 THEN '3-10000-49999'
				WHEN population < 100000 THEN '4-50000-99999'
				ELSE '5-ge100000' END, status FROM m
			UNION ALL
			SELECT 'region', region, status FROM m
		)
		SELECT g.dim, g.grp, coalesce(r.name, ''), count(*), count(status),
			count(*) FILTER (WHERE status IN ('started', 'submitted')), count(*) FILTER (WHERE status = 'submitted')
		FROM g LEFT JOIN territory r ON g.dim = 'region' AND r.kind = 'region' AND r.code = g.grp
		GROUP BY g.dim, g.grp, r.name
		ORDER BY array_position(ARRAY['kind','population','region'], g.dim), g.grp`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("response rates %d: %w", year, err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Rate, error) {
		var r Rate
		err := row.Scan(&r.Dimension, &r.Group, &r.Label, &r.Frame, &r.Invited, &r.Started, &r.Submitted)
		if r.Label == "" {
			r.Label = groupLabel(r.Dimension, r.Group)
		}
		return r, err
	})
}

func groupLabel(dim, grp string) string {
	switch dim + ":" + grp {
	case "kind:commune":
		return "Communes"
	case "kind:epci":
		return "EPCI"
	case "kind:ept":
		return "Établissements publics territoriaux"
	case "kind:departement":
		return "Départements"
	case "kind:region":
		return "Régions"
	case "population:1-lt3500":
		return "moins de 3 500 habitants"
	case "population:2-3500-9999":
		return "3 500 à 9 999 habitants"
	case "population:3-10000-49999":
		return "10 000 à 49 999 habitants"
	case "population:4-50000-99999":
		return "50 000 à 99 999 habitants"
	case "population:5-ge100000":
		return "100 000 habitants ou plus"
	case "population:9-unknown":
		return "population non renseignée"
	case "region:":
		return "sans région (collectivités d'outre-mer, régions elles-mêmes)"
	}
	return grp
}
