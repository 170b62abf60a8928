package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/importer"
	"github.com/civiscope/civiscope/reports"
)

func directoryCommands() []command {
	return []command{
		{
			name:    "import seed",
			args:    "[FILE]",
			summary: "load the reviewed seed of tools and vendors (default: the shipped data/seed/tools.json and opendata_platforms.json); idempotent",
			run:     importSeed,
		},
		{
			name:    "import adoptions",
			args:    "--source decidim|etalab|consul|opendatafrance|datagouv|decidim-census [FILE] [--report]",
			summary: "import adoptions from a public list (default FILE: the shipped copy; for decidim-census, a folder); --report prints the review report",
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
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	var st directory.SeedStats
	if len(pos) == 0 {
		// The shipped seeds: the reviewed tools and the open-data platforms.
		st, err = importer.LoadSeeds(ctx, pool)
	} else {
		var raw []byte
		if raw, err = readInput(pos, data.ToolSeed); err != nil {
			return err
		}
		st, err = directory.LoadSeed(ctx, pool, raw)
	}
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
	source := fl.String("source", "", "the list the file comes from: decidim, etalab, consul, opendatafrance, datagouv or decidim-census")
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
		return civiscope.Errorf(civiscope.EINVALID, "unknown source %q: use decidim, etalab, consul, opendatafrance, datagouv or decidim-census", *source)
	}
	fsys, name := data.DirectoryFS(), importer.ShippedPath(src)
	if len(pos) == 1 {
		abs, err := filepath.Abs(pos[0])
		if err != nil {
			return civiscope.Errorf(civiscope.EINVALID, "cannot read %s: %v", pos[0], err)
		}
		fsys, name = os.DirFS(filepath.Dir(abs)), filepath.Base(abs)
	}
	records, err := importer.ReadPath(src, fsys, name)
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
	// The trend pages read materialised views that the daily job refreshes;
	// a fresh `make run` should not show "not computed yet" for its first
	// minutes.
	if _, err := reports.Refresh(ctx, pool); err != nil {
		return fmt.Errorf("compute the trends of the shipped directory: %w", err)
	}
	a.Log.Info("trends computed")
	return nil
}
