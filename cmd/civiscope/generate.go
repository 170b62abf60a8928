package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/generate"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

func generateCommand() command {
	return command{
		name:    "dev generate",
		args:    "--database-url URL [--seed N] [--tools N] [--adoptions N]",
		summary: "fill a separate database with deterministic synthetic scale data (10,000 tools, 500,000 adoptions) for benchmarks",
		run:     devGenerate,
	}
}

// generateSteps lists the synthetic data other areas add after the
// directory's; the survey area registers its barometer responses here.
func (a *App) generateSteps() []generate.Step {
	return nil
}

func devGenerate(ctx context.Context, a *App, args []string) error {
	fl := newFlags(a, "dev generate")
	url := fl.String("database-url", "", "the database to fill; never the main one")
	seed := fl.Uint64("seed", 1, "random seed: the same seed gives the same data")
	tools := fl.Int("tools", 10000, "number of tools")
	adoptions := fl.Int("adoptions", 500000, "number of adoptions")
	pos, err := parseFlags(fl, args)
	if err != nil {
		return err
	}
	if *url == "" || len(pos) > 0 {
		return errUsage
	}
	if *tools < 1 || *tools > 1000000 || *adoptions < 1 || *adoptions > 20000000 {
		return civiscope.Errorf(civiscope.EINVALID, "--tools must be between 1 and 1,000,000 and --adoptions between 1 and 20,000,000")
	}
	same, err := sameDatabase(*url, a.Config.DatabaseURL)
	if err != nil {
		return civiscope.Errorf(civiscope.EINVALID, "--database-url: %v", err)
	}
	if same {
		return civiscope.Errorf(civiscope.EINVALID, "--database-url names the main database (DATABASE_URL); generate into a separate one, e.g. create it with `createdb civiscope_scale`")
	}
	pool, err := postgres.Open(ctx, *url)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, a.Log); err != nil {
		return err
	}
	if err := ensureRegister(ctx, a, pool); err != nil {
		return err
	}
	st, err := generate.Generate(ctx, pool, generate.Options{
		Seed: *seed, Tools: *tools, Adoptions: *adoptions,
		Steps: a.generateSteps(), Progress: a.progress("generate"),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "generated %d vendors, %d tools, %d adoptions, %d pieces of evidence, %d revisions in %s (seed %d)\n",
		st.Vendors, st.Tools, st.Adoptions, st.Evidence, st.Revisions, st.Elapsed.Round(1e6), *seed)
	return nil
}

func ensureRegister(ctx context.Context, a *App, pool *pgxpool.Pool) error {
	n, err := territory.Count(ctx, pool, territory.Commune)
	if err != nil || n > 0 {
		return err
	}
	reg, err := territory.ReadEmbedded()
	if err != nil {
		return err
	}
	_, err = territory.Import(ctx, pool, reg, a.progress("import territories"))
	return err
}

// sameDatabase compares two connection strings by server and database name.
func sameDatabase(u1, u2 string) (bool, error) {
	c1, err := pgxpool.ParseConfig(u1)
	if err != nil {
		return false, err
	}
	c2, err := pgxpool.ParseConfig(u2)
	if err != nil {
		return false, nil // the main URL is unusable; it cannot be the same
	}
	a, b := c1.ConnConfig, c2.ConnConfig
	return a.Host == b.Host && a.Port == b.Port && a.Database == b.Database, nil
}
