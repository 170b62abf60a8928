// Command apiseed prepares the database of the API load test: schema,
// INSEE register and the shipped seed of real tools and vendors, all
// idempotent, so a second run only checks. It exists because serve only
// bootstraps the register.
package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

func main() {
	if err := run(context.Background(), os.Getenv("DATABASE_URL")); err != nil {
		fmt.Fprintln(os.Stderr, "apiseed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url string) error {
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))); err != nil {
		return err
	}
	n, err := territory.Count(ctx, pool, territory.Commune)
	if err != nil {
		return err
	}
	if n == 0 {
		reg, err := territory.ReadEmbedded()
		if err != nil {
			return err
		}
		if _, err := territory.Import(ctx, pool, reg, nil); err != nil {
			return err
		}
	}
	raw, err := fs.ReadFile(data.DirectoryFS(), data.ToolSeed)
	if err != nil {
		return err
	}
	st, err := directory.LoadSeed(ctx, pool, raw)
	if err != nil {
		return err
	}
	tools, err := directory.CountTools(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "apiseed: %d tools (%d created now)\n", tools, st.ToolsCreated)
	return nil
}
