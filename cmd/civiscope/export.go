package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/reports/export"
)

// exportCommands publish open data and print reports.
func exportCommands() []command {
	return []command{
		{
			name:    "export directory",
			args:    "[--dir DIR]",
			summary: "publish a new immutable release of the directory's open data (CSV, JSON, XLSX, datapackage.json)",
			run:     exportDirectory,
		},
		{
			name:    "export edition",
			args:    "YEAR [--private DIR]",
			summary: "publish the files of a published barometer edition under its stored disclosure policy (aggregates, consented microdata, XLSForm, label scripts); --private writes them outside the public data, never listed",
			run:     exportEdition,
		},
		{
			name:    "export refresh",
			summary: "rebuild the materialised views behind the adoption trends",
			run:     exportRefresh,
		},
		{
			name:    "export releases",
			args:    "DATASET",
			summary: "list the published versions of a data set with their checksums",
			run:     exportReleases,
		},
		{
			name:    "report adoptions",
			args:    "year|category|region|departement|kind|bracket|kind-bracket [--from Y] [--to Y] [--category C] [--tool T] [--region R] [--departement D] [--kind K] [--bracket N] [--csv|--json]",
			summary: "count adoptions by one dimension",
			run:     reportAdoptions,
		},
		{
			name:    "report survival",
			args:    "[--cohort YEARS] [--json]",
			summary: "Kaplan–Meier survival of tools by launch cohort",
			run:     reportSurvival,
		},
		{
			name:    "report series",
			args:    "CONCEPT",
			summary: "year-on-year results of the question with this concept, across published editions",
			run:     reportSeries,
		},
		{
			name:    "report barometer",
			args:    "YEAR [--by all|kind|bracket|region] [--json]",
			summary: "protected results of a published barometer edition, under its stored disclosure policy",
			run:     reportBarometer,
		},
	}
}

func exportDirectory(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "export directory")
	dir := fs.String("dir", "opendata", "where releases are written")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return errUsage
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	p := a.progress("export directory")
	p("writing", 0, 1)
	rel, err := reports.PublishDirectory(ctx, pool, *dir, a.homepage(""), time.Now())
	if err != nil {
		return err
	}
	p("done", 1, 1)
	printRelease(a, rel, time.Since(start))
	return nil
}

func exportEdition(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "export edition")
	private := fs.String("private", "", "write the files here for internal use, outside the public data; they are never listed")
	year, err := yearArg(fs, args)
	if err != nil {
		return err
	}
	const public = "opendata"
	root := public
	if *private != "" {
		if inside(*private, public) {
			return fmt.Errorf("--private %s: a private export must be written outside the public data (%s)", *private, public)
		}
		root = *private
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A large edition's answers stay in memory while its tables are
		// protected; a soft limit makes the collector run before the
		// process doubles its live heap (issue 16: 300 MB for 30,000).
		debug.SetMemoryLimit(exportMemoryLimit)
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	rel, err := barometer.PublishEdition(ctx, pool, root, year, barometer.Options{}, a.homepage("/rapports/barometre/"+strconv.Itoa(year)), time.Now(), *private != "")
	if err != nil {
		return err
	}
	printRelease(a, rel, time.Since(start))
	return nil
}

// exportMemoryLimit is the export's soft heap limit unless GOMEMLIMIT says
// otherwise.
const exportMemoryLimit = 200 << 20

func printRelease(a *App, rel *export.Release, took time.Duration) {
	fmt.Fprintf(a.Stdout, "%s %s published in %s (%s)\n", rel.Dataset, rel.Version, rel.Dir, took.Round(time.Millisecond))
	w := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	for _, f := range rel.Files {
		rows := ""
		if f.Rows > 0 {
			rows = strconv.FormatInt(f.Rows, 10) + " rows"
		}
		fmt.Fprintf(w, "  %s\t%d bytes\t%s\tsha256 %s\n", f.Name, f.Bytes, rows, f.SHA256)
	}
	w.Flush()
}

func exportRefresh(ctx context.Context, a *App, args []string) error {
	if _, err := parseFlags(newFlags(a, "export refresh"), args); err != nil {
		return err
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	at, err := reports.Refresh(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "trend views refreshed at %s in %s\n", at.UTC().Format(time.RFC3339), time.Since(start).Round(time.Millisecond))
	return nil
}

func exportReleases(ctx context.Context, a *App, args []string) error {
	pos, err := parseFlags(newFlags(a, "export releases"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errUsage
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	rels, err := export.Releases(ctx, pool, pos[0])
	if err != nil {
		return err
	}
	if len(rels) == 0 {
		fmt.Fprintf(a.Stdout, "%s has no release yet; publish one with `civiscope export directory` or `civiscope export edition YEAR`\n", pos[0])
		return nil
	}
	for i := range rels {
		printRelease(a, &rels[i], 0)
	}
	return nil
}

func reportAdoptions(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "report adoptions")
	vals := map[string]*string{}
	for _, n := range []string{"from", "to", "category", "tool", "region", "departement", "kind", "bracket"} {
		vals[n] = fs.String(n, "", "filter: "+n)
	}
	asCSV := fs.Bool("csv", false, "print CSV")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errUsage
	}
	dim, err := reports.ParseDimension(pos[0])
	if err != nil {
		return err
	}
	f, err := reports.ParseFilter(func(k string) string { return *vals[k] })
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	b, err := reports.Adoptions(ctx, pool, dim, f)
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		return json.NewEncoder(a.Stdout).Encode(b)
	case *asCSV:
		_, err := export.WriteCSV(ctx, a.Stdout, reports.AdoptionsResource(b, "fr"))
		return err
	}
	if b.AsOf.IsZero() {
		fmt.Fprintln(a.Stdout, "the trend views were never refreshed: run `civiscope export refresh`")
	} else {
		fmt.Fprintf(a.Stdout, "as of %s\n", b.AsOf.UTC().Format(time.RFC3339))
	}
	w := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	for _, r := range b.Rows {
		fmt.Fprintf(w, "%s\t%s\t%d\t\n", r.Key, r.Label.FR, r.N)
	}
	fmt.Fprintf(w, "\ttotal\t%d\t\n", b.Total)
	return w.Flush()
}

func reportSurvival(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "report survival")
	width := fs.Int("cohort", 5, "cohort width in years")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	sv, err := reports.ToolSurvival(ctx, pool, *width, time.Now())
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(a.Stdout).Encode(sv)
	}
	fmt.Fprintf(a.Stdout, "%d tools left out (launch year unknown, or defunct without a date)\n", sv.Excluded)
	for _, c := range sv.Cohorts {
		fmt.Fprintf(a.Stdout, "cohort %s: %d tools, %d ended\n", c.Label, c.Tools, c.Ended)
		var steps []string
		for _, s := range c.Curve {
			steps = append(steps, fmt.Sprintf("%dy %.0f%% (at risk %d)", s.Years, 100*s.Survival, s.AtRisk))
		}
		fmt.Fprintf(a.Stdout, "  %s\n", strings.Join(steps, ", "))
	}
	return nil
}

func reportBarometer(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "report barometer")
	by := fs.String("by", "all", "breakdown: all, kind, bracket or region")
	asJSON := fs.Bool("json", false, "print JSON")
	year, err := yearArg(fs, args)
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	res, err := barometer.NewReports(pool).Results(ctx, barometer.Query{Year: year, Dimension: *by})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(a.Stdout).Encode(res)
	}
	fmt.Fprintf(a.Stdout, "%s: %d respondents; disclosure control: %s; hidden cells are ·\n", res.Title, res.Respondents, res.Policy)
	w := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	for _, t := range res.Tables {
		fmt.Fprintf(w, "\n%s (%s)\n", t.Label, t.Question)
		for i, g := range t.Groups {
			base := "n = ·"
			if t.Bases[i].Shown {
				base = fmt.Sprintf("n = %d", t.Bases[i].Base)
			}
			var cells []string
			for j, c := range t.Columns {
				cell := t.Cells[i][j]
				v := "·"
				if cell.Shown {
					v = fmt.Sprintf("%d (%.0f %%)", cell.N, cell.Percent)
				}
				cells = append(cells, c.Label+": "+v)
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\n", g.Label, base, strings.Join(cells, "\t"))
		}
	}
	return w.Flush()
}

func reportSeries(ctx context.Context, a *App, args []string) error {
	pos, err := parseFlags(newFlags(a, "report series"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errUsage
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	pts, err := barometer.Series(ctx, pool, pos[0], barometer.Options{})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	for _, p := range pts {
		v := "·"
		if p.Cell.Shown && p.Cell.Base > 0 {
			v = fmt.Sprintf("%.0f %% (n = %d)", p.Cell.Percent, p.Cell.Base)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\n", p.Year, p.Column.Label, v)
	}
	return w.Flush()
}

// inside reports whether path is dir or lies under it.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return true
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && (rel == "." || !strings.HasPrefix(rel, ".."))
}

// homepage is the public address of a page, for the files of a release.
// A release outlives the machine that wrote it, so a loopback address
// (PUBLIC_URL unset) is never written: the homepage is left out instead.
func (a *App) homepage(path string) string {
	u, err := url.Parse(a.Config.PublicURL)
	if err != nil || u.Host == "" {
		return ""
	}
	h := u.Hostname()
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return ""
	}
	if ip := net.ParseIP(h); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return ""
	}
	return strings.TrimRight(a.Config.PublicURL, "/") + path
}
