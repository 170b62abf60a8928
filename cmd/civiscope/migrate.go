package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

func migrateCommands() []command {
	return []command{{
		name:    "migrate",
		summary: "apply pending database migrations",
		run: func(ctx context.Context, a *App, args []string) error {
			if _, err := parseFlags(newFlags(a, "migrate"), args); err != nil {
				return err
			}
			pool, err := a.openMigrated(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			cur, _, err := postgres.MigrationStatus(ctx, pool)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.Stdout, "schema at version %d\n", cur)
			return nil
		},
	}}
}

// openDB opens the database for commands that only read, and says plainly
// when its schema is behind the binary instead of failing on a missing table.
func (a *App) openDB(ctx context.Context) (*pgxpool.Pool, error) {
	pool, err := postgres.Open(ctx, a.Config.DatabaseURL)
	if err != nil {
		return nil, err
	}
	cur, latest, err := postgres.MigrationStatus(ctx, pool)
	if err == nil && cur < latest {
		pool.Close()
		return nil, civiscope.Errorf(civiscope.EUNAVAILABLE,
			"the database schema is at version %d and this binary needs %d: run `civiscope migrate` (or `make run`) first", cur, latest)
	}
	return pool, nil
}

// openMigrated opens the database and brings its schema up to date, which
// every command that writes needs.
func (a *App) openMigrated(ctx context.Context) (*pgxpool.Pool, error) {
	pool, err := postgres.Open(ctx, a.Config.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := postgres.Migrate(ctx, pool, a.Log); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}
