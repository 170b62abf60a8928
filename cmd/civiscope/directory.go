package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/importer"
)

func directoryCommands() []command {
	return []command{
		{
			name:    "import seed",
			args:    "[FILE]",
			summary: "load the reviewed seed of tools and vendors (default: the shipped data/seed/tools.json); idempotent",
			run:     importSeed,
		},
		{
			name:    "import adoptions",
			args:    "--source decidim|etalab|consul [FILE] [--report]",
			summary: "import adoptions from a public list (default FILE: the shipped copy); --report prints the review report",
			run:     importAdoptions,
		},
	}
}

func importSeed(ctx context.Context, a *App, args []string) error {
	pos, err := parseFlags(newFlags(a, "import seed"), args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return errUsage
	}
	raw, err := readInput(pos, data.ToolSeed)
	if err != nil {
		return err
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	st, err := directory.LoadSeed(ctx, pool, raw)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "seed: %d vendors created, %d updated; %d tools created, %d updated; %d unchanged\n",
		st.VendorsCreated, st.VendorsUpdated, st.ToolsCreated, st.ToolsUpdated, st.Unchanged)
	return nil
}

// readInput reads the file named on the command line, or the shipped one.
func readInput(pos []string, shipped string) ([]byte, error) {
	if len(pos) == 0 {
		b, err := fs.ReadFile(data.DirectoryFS(), shipped)
		if err != nil {
			return nil, fmt.Errorf("read shipped %s: %w", shipped, err)
		}
		return b, nil
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return nil, civiscope.Errorf(civiscope.EINVALID, "cannot read %s: %v", pos[0], err)
	}
	return b, nil
}

func importAdoptions(ctx context.Context, a *App, args []string) error {
	fl := newFlags(a, "import adoptions")
	source := fl.String("source", "", "the list the file comes from: decidim, etalab or consul")
	report := fl.Bool("report", false, "print the review report: what was not linked and why, then how each record was resolved")
	pos, err := parseFlags(fl, args)
	if err != nil {
		return err
	}
	if *source == "" || len(pos) > 1 {
		return errUsage
	}
	src := importer.Source(strings.ToLower(*source))
	if importer.ShippedPath(src) == "" {
		return civiscope.Errorf(civiscope.EINVALID, "unknown source %q: use decidim, etalab or consul", *source)
	}
	raw, err := readInput(pos, importer.ShippedPath(src))
	if err != nil {
		return err
	}
	records, err := importer.Read(src, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if n, err := directory.CountTools(ctx, pool); err != nil {
		return err
	} else if n == 0 {
		return civiscope.Errorf(civiscope.EINVALID, "the directory has no tools yet: run `civiscope import seed` first")
	}
	start := time.Now()
	r, err := importer.NewResolver(ctx, pool)
	if err != nil {
		return err
	}
	rep, err := importer.Run(ctx, pool, r, src, records, a.progress("import "+string(src)))
	if err != nil {
		return err
	}
	if *report {
		if err := rep.WriteText(a.Stdout); err != nil {
			return err
		}
		fmt.Fprintln(a.Stdout)
	}
	fmt.Fprintf(a.Stdout, "%s (in %s)\n", rep.Summary(), time.Since(start).Round(time.Millisecond))
	if !*report && len(rep.Review) > 0 {
		fmt.Fprintf(a.Stdout, "run again with --report to see the %d records to review and why\n", len(rep.Review))
	}
	return nil
}

// bootstrapDirectory fills an empty directory with the shipped seed and
// adoption lists, so that a fresh `make run` shows real tools and adopters.
// A start interrupted half-way (tools but no adoptions) finishes the job:
// every step is idempotent.
func (a *App) bootstrapDirectory(ctx context.Context, pool *pgxpool.Pool) error {
	var tools, adoptions int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM tool), (SELECT count(*) FROM adoption)`).Scan(&tools, &adoptions); err != nil {
		return fmt.Errorf("inspect the directory: %w", err)
	}
	if tools > 0 && adoptions > 0 {
		return nil
	}
	a.Log.Info("empty directory: loading the shipped tools and adoptions")
	st, reps, err := importer.LoadShipped(ctx, pool, a.progress("import adoptions"))
	if err != nil {
		return fmt.Errorf("load the shipped directory: %w", err)
	}
	a.Log.Info("directory loaded", "tools", st.ToolsCreated, "vendors", st.VendorsCreated)
	for _, r := range reps {
		a.Log.Info("adoptions imported", "summary", r.Summary())
	}
	return nil
}
