// Package territorytest provides a test template holding the real register,
// loaded once per `make test` run and cloned for each package that needs it.
package territorytest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

// Template is a migrated database with the shipped COG register imported.
var Template = pgtest.Template{Name: "territories", Version: "cog600", Seed: Load}

// Load imports the shipped register into pool.
func Load(ctx context.Context, pool *pgxpool.Pool) error {
	reg, err := territory.ReadEmbedded()
	if err != nil {
		return err
	}
	if _, err := territory.Import(ctx, pool, reg, nil); err != nil {
		return fmt.Errorf("import register: %w", err)
	}
	return nil
}
