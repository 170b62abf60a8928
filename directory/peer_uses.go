package directory

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/postgres"
)

// Use is one collectivité's adoption of one tool, for a collectivités ×
// tools table: its status and how many pieces of evidence back it.
type Use struct {
	TerritoryID int64
	ToolID      int64
	Status      AdoptionStatus
	Evidence    int
}

// UsesOf lists the adoptions of these tools by these collectivités.
func UsesOf(ctx context.Context, db postgres.Querier, territoryIDs, toolIDs []int64) ([]Use, error) {
	if len(territoryIDs) == 0 || len(toolIDs) == 0 {
		return nil, nil
	}
	rows, err := db.Query(ctx, `SELECT a.territory_id, a.tool_id, a.status,
		(SELECT count(*) FROM evidence e WHERE e.adoption_id = a.id)
		FROM adoption a WHERE a.territory_id = ANY($1) AND a.tool_id = ANY($2)
		ORDER BY a.territory_id, a.tool_id, a.status`, territoryIDs, toolIDs)
	if err != nil {
		return nil, fmt.Errorf("uses of %d tools by %d collectivités: %w", len(toolIDs), len(territoryIDs), err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Use, error) {
		var u Use
		return u, r.Scan(&u.TerritoryID, &u.ToolID, &u.Status, &u.Evidence)
	})
	if err != nil {
		return nil, fmt.Errorf("uses of %d tools by %d collectivités: %w", len(toolIDs), len(territoryIDs), err)
	}
	return out, nil
}
