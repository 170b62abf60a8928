package directory

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// Figures are the directory's key numbers, for the home page and reports.
type Figures struct {
	Tools       int
	Vendors     int
	Adoptions   int
	Territories int // collectivités with at least one known adoption
	// ByCollectivites and ByOrganisations split Adoptions: by French
	// collectivités of the register, and by organisations (associations,
	// companies, foreign bodies).
	ByCollectivites, ByOrganisations int
	// ByCategory counts French collectivités' adoptions by the category of
	// the adoption (for a tool of one category, that category), largest
	// first: an adoption counts once. Uncategorised counts the others,
	// whose sources do not say which practice they serve.
	ByCategory    []CategoryCount
	Uncategorised int
	// Newest are the tools most recently added.
	Newest []ToolRef
}

// CategoryCount is a number of adoptions in one category.
type CategoryCount struct {
	Category string
	Count    int
}

// KeyFigures computes the directory's key numbers.
func KeyFigures(ctx context.Context, db postgres.Querier, newest int) (*Figures, error) {
	var f Figures
	err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM tool), (SELECT count(*) FROM vendor),
		(SELECT count(*) FROM adoption), (SELECT count(DISTINCT territory_id) FROM adoption),
		(SELECT count(*) FROM adoption WHERE territory_id IS NOT NULL)`).
		Scan(&f.Tools, &f.Vendors, &f.Adoptions, &f.Territories, &f.ByCollectivites)
	if err != nil {
		return nil, fmt.Errorf("key figures: %w", err)
	}
	f.ByOrganisations = f.Adoptions - f.ByCollectivites
	rows, err := db.Query(ctx, `SELECT coalesce(a.category, (SELECT min(tc.category) FROM tool_category tc
			WHERE tc.tool_id = a.tool_id HAVING count(*) = 1)) AS c, count(*)
		FROM adoption a WHERE a.territory_id IS NOT NULL
		GROUP BY 1 ORDER BY count(*) DESC, 1`)
	if err != nil {
		return nil, fmt.Errorf("adoptions by category: %w", err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CategoryCount, error) {
		var c CategoryCount
		var cat *string
		err := r.Scan(&cat, &c.Count)
		if cat != nil {
			c.Category = *cat
		}
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("adoptions by category: %w", err)
	}
	for _, c := range all {
		if c.Category == "" {
			f.Uncategorised += c.Count
		} else {
			f.ByCategory = append(f.ByCategory, c)
		}
	}
	rows, err = db.Query(ctx, `SELECT id, slug, name FROM tool ORDER BY created_at DESC, id DESC LIMIT $1`, newest)
	if err != nil {
		return nil, fmt.Errorf("newest tools: %w", err)
	}
	f.Newest, err = pgx.CollectRows(rows, scanToolRef)
	if err != nil {
		return nil, fmt.Errorf("newest tools: %w", err)
	}
	return &f, nil
}

func scanToolRef(r pgx.CollectableRow) (ToolRef, error) {
	var t ToolRef
	return t, r.Scan(&t.ID, &t.Slug, &t.Name)
}

// ToolUse is a tool and how many of a set of collectivités use it.
type ToolUse struct {
	Tool     ToolRef
	Adopters int // distinct collectivités of the set with a current or undated adoption
}

// ToolsUsedBy ranks the tools a set of collectivités use (adoptions not
// ended), by how many of them use each: "what do my peers use".
func ToolsUsedBy(ctx context.Context, db postgres.Querier, territoryIDs []int64, limit int) ([]ToolUse, error) {
	if len(territoryIDs) == 0 {
		return nil, nil
	}
	rows, err := db.Query(ctx, `SELECT t.id, t.slug, t.name, count(DISTINCT a.territory_id) AS n
		FROM adoption a JOIN tool t ON t.id = a.tool_id
		WHERE a.territory_id = ANY($1) AND a.status <> 'ended'
		GROUP BY t.id ORDER BY n DESC, t.name LIMIT $2`, territoryIDs, limit)
	if err != nil {
		return nil, fmt.Errorf("tools used by %d collectivités: %w", len(territoryIDs), err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ToolUse, error) {
		var u ToolUse
		return u, r.Scan(&u.Tool.ID, &u.Tool.Slug, &u.Tool.Name, &u.Adopters)
	})
	if err != nil {
		return nil, fmt.Errorf("tools used by %d collectivités: %w", len(territoryIDs), err)
	}
	return out, nil
}

// AdoptersByDepartement counts, per département code, the distinct
// collectivités that adopted a tool (communes and EPCI by their
// département, départements themselves), for choropleths. Régions are not
// counted: they span several départements.
func AdoptersByDepartement(ctx context.Context, db postgres.Querier, toolID int64) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT d, count(DISTINCT id) FROM (
			SELECT te.id, CASE WHEN te.kind = 'departement' THEN te.code ELSE te.departement_code END AS d
			FROM adoption a JOIN territory te ON te.id = a.territory_id
			WHERE a.tool_id = $1) x
		WHERE d IS NOT NULL GROUP BY d`, toolID)
	if err != nil {
		return nil, fmt.Errorf("adopters by département of tool %d: %w", toolID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, fmt.Errorf("adopters by département of tool %d: %w", toolID, err)
		}
		out[d] = n
	}
	return out, rows.Err()
}

// AdoptersBySize counts a tool's adopting collectivités by population band
// of their kind (territory.Bracket values, such as "commune-10000-19999";
// "KIND-unknown" without a population), for comparisons.
func AdoptersBySize(ctx context.Context, db postgres.Querier, toolID int64) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT te.id, te.kind, te.population
		FROM adoption a JOIN territory te ON te.id = a.territory_id WHERE a.tool_id = $1`, toolID)
	if err != nil {
		return nil, fmt.Errorf("adopters by size of tool %d: %w", toolID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id int64
		var kind territory.Kind
		var pop *int
		if err := rows.Scan(&id, &kind, &pop); err != nil {
			return nil, fmt.Errorf("adopters by size of tool %d: %w", toolID, err)
		}
		if pop == nil {
			out[string(kind)+"-unknown"]++
		} else {
			out[territory.BracketOf(kind, *pop).Value()]++
		}
	}
	return out, rows.Err()
}

// EvidenceSources counts a tool's adoptions by the source of their
// evidence (an adoption backed by two sources counts under each), so that
// a comparison says where each count comes from.
func EvidenceSources(ctx context.Context, db postgres.Querier, toolID int64) ([]CategoryCount, error) {
	rows, err := db.Query(ctx, `SELECT e.source_name, count(DISTINCT a.id) FROM adoption a
		JOIN evidence e ON e.adoption_id = a.id WHERE a.tool_id = $1
		GROUP BY e.source_name ORDER BY 2 DESC, 1`, toolID)
	if err != nil {
		return nil, fmt.Errorf("evidence sources of tool %d: %w", toolID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CategoryCount, error) {
		var c CategoryCount
		return c, r.Scan(&c.Category, &c.Count)
	})
	if err != nil {
		return nil, fmt.Errorf("evidence sources of tool %d: %w", toolID, err)
	}
	return out, nil
}
