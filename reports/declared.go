package reports

import (
	"context"
	"fmt"

	"github.com/civiscope/civiscope/postgres"
)

// Comparison sets what collectivités declare in the barometer against what
// the crawler observes, per tool, over adoptions by collectivités. Both
// land in the directory as evidence (source kinds "barometer" and
// "crawler"), so the comparison reads the evidence, not the raw answers.
type Comparison struct {
	Tool         string `json:"tool"`
	ToolName     string `json:"tool_name"`
	Declared     int    `json:"declared"`      // adoptions with barometer evidence
	Observed     int    `json:"observed"`      // adoptions with crawler evidence
	Both         int    `json:"both"`          // confirmed by both
	DeclaredOnly int    `json:"declared_only"` // the crawler has not (yet) seen it
	ObservedOnly int    `json:"observed_only"` // not declared: not asked, or not answered
}

// DeclaredVsObserved compares barometer declarations with crawler
// observations, tools with any of either first by volume.
func DeclaredVsObserved(ctx context.Context, db postgres.Querier) ([]Comparison, error) {
	rows, err := db.Query(ctx, `
		WITH a AS (
			SELECT a.tool_id,
			       bool_or(e.source_kind = 'barometer') AS declared,
			       bool_or(e.source_kind = 'crawler') AS observed
			FROM adoption a JOIN evidence e ON e.adoption_id = a.id
			WHERE a.territory_id IS NOT NULL AND e.source_kind IN ('barometer', 'crawler')
			GROUP BY a.id, a.tool_id)
		SELECT t.slug, t.name,
		       count(*) FILTER (WHERE declared), count(*) FILTER (WHERE observed),
		       count(*) FILTER (WHERE declared AND observed),
		       count(*) FILTER (WHERE declared AND NOT observed),
		       count(*) FILTER (WHERE observed AND NOT declared)
		FROM a JOIN tool t ON t.id = a.tool_id
		GROUP BY t.slug, t.name
		ORDER BY count(*) DESC, t.slug`)
	if err != nil {
		return nil, fmt.Errorf("declared vs observed: %w", err)
	}
	defer rows.Close()
	var out []Comparison
	for rows.Next() {
		var c Comparison
		if err := rows.Scan(&c.Tool, &c.ToolName, &c.Declared, &c.Observed, &c.Both, &c.DeclaredOnly, &c.ObservedOnly); err != nil {
			return nil, fmt.Errorf("declared vs observed: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
