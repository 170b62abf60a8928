package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/questionnaire"
	"github.com/civiscope/civiscope/survey/xlsform"
)

func surveyCommands() []command {
	return []command{
		{name: "survey import-form", args: "[FILE.xlsx] [--tools-from-directory]", summary: "check and store an XLSForm questionnaire (default: the shipped 2026 barometer); optionally list every participation tool of the directory", run: surveyImportForm},
		{name: "survey export-form", args: "FORM_ID [--version V] --out FILE.xlsx", summary: "write a stored questionnaire back as XLSForm", run: surveyExportForm},
		{name: "survey edition create", args: "--year Y --title T --opens YYYY-MM-DD --closes YYYY-MM-DD [--form ID] [--version V]", summary: "create a barometer edition in draft", run: surveyEditionCreate},
		{name: "survey edition status", args: "YEAR draft|open|closed|published", summary: "move an edition to its next status; publishing also gives the directory the tools named by respondents who consented, citing the edition, and protects and stores its results for the results page", run: surveyEditionStatus},
		{name: "survey preview-link", args: "YEAR", summary: "give staff a link that walks the edition's questionnaire without storing anything (the previous preview link stops working)", run: surveyPreviewLink},
		{name: "survey edition dates", args: "YEAR --opens YYYY-MM-DD --closes YYYY-MM-DD", summary: "change an unpublished edition's dates; unanswered invitations follow, past dates are warned about", run: surveyEditionDates},
		{name: "survey edition policy", args: "YEAR [--k 5] [--min-units 5] [--dominance 0.85]", summary: "set an unpublished edition's disclosure policy (k >= 3, dominance <= 0.85); every page and release applies it", run: surveyEditionPolicy},
		{name: "survey editions", summary: "list the barometer editions", run: surveyEditions},
		{name: "survey frame draw", args: "YEAR [--rules commune>=3500,epci,ept,departement,region]", summary: "add territories of the register to an edition's sampling frame", run: surveyFrameDraw},
		{name: "survey frame import", args: "YEAR FILE.csv", summary: "add frame members and contacts from CSV (kind,code,contact_name,contact_email,contact_role); all or nothing", run: surveyFrameImport},
		{name: "survey frame export", args: "YEAR [--out FILE.csv]", summary: "write the sampling frame with contacts and invitation status as CSV", run: surveyFrameExport},
		{name: "survey invitations export", args: "YEAR --out FILE.csv [--reissue]", summary: "issue invitation links for frame members not yet invited and write them as CSV (tokens are shown only here)", run: surveyInvitationsExport},
		{name: "survey reminders", args: "YEAR [--out FILE.csv] [--reissue]", summary: "list invited collectivités that have not submitted; --reissue adds fresh links", run: surveyReminders},
		{name: "survey rates", args: "YEAR", summary: "response rate against the sampling frame by type, population bracket and région", run: surveyRates},
	}
}

func surveyImportForm(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey import-form")
	fromDir := fs.Bool("tools-from-directory", false, "replace the tool list with the directory's participation tools")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var f *xlsform.Form
	switch len(pos) {
	case 0:
		f = questionnaire.Barometre2026()
	case 1:
		file, err := os.Open(pos[0])
		if err != nil {
			return civiscope.Errorf(civiscope.EINVALID, "cannot open %s: %v", pos[0], err)
		}
		defer file.Close()
		if f, err = xlsform.Read(file); err != nil {
			return err
		}
	default:
		return errUsage
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *fromDir {
		n, err := survey.ToolChoicesFromDirectory(ctx, pool, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "tool list: %d participation tools from the directory, and \"other\"\n", n)
	}
	s, err := survey.ImportForm(ctx, pool, f)
	if err != nil {
		return err
	}
	n := 0
	f.Walk(func(q *xlsform.Question) {
		if q.Answerable() {
			n++
		}
	})
	fmt.Fprintf(a.Stdout, "imported questionnaire %s version %s: %d pages, %d questions, languages %s\n",
		s.FormID, s.Version, len(f.Pages()), n, strings.Join(f.Languages, ", "))
	return nil
}

func surveyExportForm(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey export-form")
	version := fs.String("version", "", "version (default: the latest)")
	out := fs.String("out", "", "file to write")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return errUsage
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	s, err := survey.GetForm(ctx, pool, pos[0], *version)
	if err != nil {
		return err
	}
	return writeFile(*out, func(w io.Writer) error { return xlsform.Write(w, s.Form) })
}

// writeFile writes through a temporary file and renames it, so a failed
// export never leaves a truncated file where a good one was.
func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(dirOf(path), ".civiscope-*")
	if err != nil {
		return civiscope.Errorf(civiscope.EINVALID, "cannot write next to %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[:i+1]
	}
	return "."
}

func parseDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, civiscope.Errorf(civiscope.EINVALID, "--%s %q is not a date: write YYYY-MM-DD", name, s)
	}
	return t, nil
}

func surveyEditionCreate(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey edition create")
	year := fs.Int("year", 0, "year of the edition")
	title := fs.String("title", "", "title")
	opens := fs.String("opens", "", "opening day, YYYY-MM-DD")
	closes := fs.String("closes", "", "closing day, YYYY-MM-DD")
	form := fs.String("form", "barometre", "form_id of an imported questionnaire")
	version := fs.String("version", "", "questionnaire version (default: the latest)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return errUsage
	}
	o, err := parseDay("opens", *opens)
	if err != nil {
		return err
	}
	c, err := parseDay("closes", *closes)
	if err != nil {
		return err
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	e, err := survey.CreateEdition(ctx, pool, survey.NewEdition{Year: *year, Title: *title, OpensOn: o, ClosesOn: c, FormID: *form, Version: *version})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "edition %d created in draft; next: `civiscope survey frame draw %d`, then `survey edition status %d open`\n", e.Year, e.Year, e.Year)
	return nil
}

func surveyEditionDates(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey edition dates")
	opens := fs.String("opens", "", "opening day, YYYY-MM-DD")
	closes := fs.String("closes", "", "closing day, YYYY-MM-DD")
	year, err := yearArg(fs, args)
	if err != nil {
		return err
	}
	o, err1 := time.Parse(time.DateOnly, *opens)
	c, err2 := time.Parse(time.DateOnly, *closes)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("give --opens and --closes as YYYY-MM-DD (got %q and %q)", *opens, *closes)
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	warnings, err := survey.SetDates(ctx, pool, year, o, c, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "edition %d now runs from %s to %s\n", year, *opens, *closes)
	for _, w := range warnings {
		fmt.Fprintf(a.Stdout, "warning: %s\n", w)
	}
	return nil
}

func surveyEditionPolicy(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey edition policy")
	k := fs.Int("k", 5, "smallest number of respondents a published count may have")
	units := fs.Int("min-units", 5, "smallest number of values behind a mean or median")
	dom := fs.Float64("dominance", 0.85, "largest share of a group's total one value may hold")
	year, err := yearArg(fs, args)
	if err != nil {
		return err
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := survey.SetPolicy(ctx, pool, year, *k, *units, *dom); err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "edition %d: k = %d; numeric summaries of at least %d values, none above %.0f %% of the total\n", year, *k, *units, 100**dom)
	return nil
}

func surveyEditionStatus(ctx context.Context, a *App, args []string) error {
	pos, err := parseFlags(newFlags(a, "survey edition status"), args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return errUsage
	}
	y, err := parseYear(pos[0])
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if survey.Status(pos[1]) == survey.Published {
		e, n, err := survey.Publish(ctx, pool, y, a.publication(y))
		if err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "edition %d is now %s; %d consenting responses gave the directory evidence citing %s\n", e.Year, e.Status, n, survey.EditionURL(a.Config.PublicURL, y))
		// The protected results, once, so that no reader waits for them.
		start := time.Now()
		if _, err := barometer.NewReports(pool).Prepare(ctx, y); err != nil {
			return fmt.Errorf("edition %d is published, but its results could not be protected (the first reader will try again): %w", y, err)
		}
		fmt.Fprintf(a.Stdout, "its protected results are computed and stored (%s)\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	e, err := survey.SetStatus(ctx, pool, y, survey.Status(pos[1]))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "edition %d is now %s\n", e.Year, e.Status)
	return nil
}

// publication cites a published edition in the directory: its results'
// public address and the licence of every Civiscope release.
func (a *App) publication(year int) survey.Publication {
	return survey.Publication{URL: survey.EditionURL(a.Config.PublicURL, year), Licence: export.Etalab2().Name, Evidence: survey.DirectoryEvidence{}}
}

func surveyPreviewLink(ctx context.Context, a *App, args []string) error {
	y, err := yearArg(newFlags(a, "survey preview-link"), args)
	if err != nil {
		return err
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	link, err := survey.IssuePreviewLink(ctx, pool, y, a.Config.PublicURL)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "preview of edition %d (nothing entered there is stored; keep the link among staff):\n%s\n", y, link)
	return nil
}

func surveyEditions(ctx context.Context, a *App, args []string) error {
	if _, err := parseFlags(newFlags(a, "survey editions"), args); err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	es, err := survey.ListEditions(ctx, pool)
	if err != nil {
		return err
	}
	if len(es) == 0 {
		fmt.Fprintln(a.Stdout, "No edition yet. Import a questionnaire (`civiscope survey import-form`) and create one (`civiscope survey edition create`).")
		return nil
	}
	w := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "YEAR\tSTATUS\tOPENS\tCLOSES\tTITLE")
	for _, e := range es {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", e.Year, e.Status, e.OpensOn.Format("2006-01-02"), e.ClosesOn.Format("2006-01-02"), e.Title)
	}
	return w.Flush()
}

func surveyFrameDraw(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey frame draw")
	rules := fs.String("rules", "commune>=3500,epci,ept,departement,region", "kinds to include, with optional population thresholds")
	y, err := yearArg(fs, args)
	if err != nil {
		return err
	}
	rs, err := survey.ParseFrameRules(*rules)
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := survey.DrawFrame(ctx, pool, y, rs)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%d territories added to the %d frame\n", n, y)
	return nil
}

func surveyFrameImport(ctx context.Context, a *App, args []string) error {
	pos, err := parseFlags(newFlags(a, "survey frame import"), args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return errUsage
	}
	y, err := parseYear(pos[0])
	if err != nil {
		return err
	}
	f, err := os.Open(pos[1])
	if err != nil {
		return civiscope.Errorf(civiscope.EINVALID, "cannot open %s: %v", pos[1], err)
	}
	defer f.Close()
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := survey.ImportFrameCSV(ctx, pool, y, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%d frame members imported or updated\n", n)
	return nil
}

// output returns where to write: the file (atomically) or stdout.
func (a *App) output(path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(a.Stdout)
	}
	return writeFile(path, write)
}

func surveyFrameExport(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey frame export")
	out := fs.String("out", "", "file to write (default: standard output)")
	y, err := yearArg(fs, args)
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	ms, err := survey.Frame(ctx, pool, y)
	if err != nil {
		return err
	}
	return a.output(*out, func(w io.Writer) error { return survey.WriteFrameCSV(w, ms) })
}

func surveyInvitationsExport(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey invitations export")
	out := fs.String("out", "", "file to write; required, since the links are shown only once")
	reissue := fs.Bool("reissue", false, "also give new links to everyone who has not submitted (old links stop working)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return errUsage
	}
	return issue(ctx, a, pos[0], *out, *reissue)
}

func issue(ctx context.Context, a *App, yearArg, out string, reissue bool) error {
	y, err := parseYear(yearArg)
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	// Check the file can be written before issuing tokens that would
	// otherwise be lost.
	if err := writeFile(out, func(io.Writer) error { return nil }); err != nil {
		return err
	}
	inv, err := survey.IssueInvitations(ctx, pool, y, survey.IssueOptions{Reissue: reissue})
	if err != nil {
		return err
	}
	if err := writeFile(out, func(w io.Writer) error { return survey.WriteInvitationsCSV(w, a.Config.PublicURL, inv) }); err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%d invitation links written to %s; keep it safe, the links are stored only hashed\n", len(inv), out)
	return nil
}

func surveyReminders(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "survey reminders")
	out := fs.String("out", "", "file to write (default: standard output)")
	reissue := fs.Bool("reissue", false, "issue fresh links for them (old links stop working); needs --out")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*reissue && *out == "") {
		return errUsage
	}
	if *reissue {
		return issue(ctx, a, pos[0], *out, true)
	}
	y, err := parseYear(pos[0])
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	ms, err := survey.Reminders(ctx, pool, y)
	if err != nil {
		return err
	}
	return a.output(*out, func(w io.Writer) error { return survey.WriteFrameCSV(w, ms) })
}

func surveyRates(ctx context.Context, a *App, args []string) error {
	y, err := yearArg(newFlags(a, "survey rates"), args)
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	rates, err := survey.ResponseRates(ctx, pool, y)
	if err != nil {
		return err
	}
	if len(rates) == 0 {
		fmt.Fprintf(a.Stdout, "The %d frame is empty: `civiscope survey frame draw %d` fills it from the register.\n", y, y)
		return nil
	}
	w := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "BY\tGROUP\tFRAME\tINVITED\tSTARTED\tSUBMITTED\tRATE\t")
	for _, r := range rates {
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%.1f%%\t\n", r.Dimension, r.Label, r.Frame, r.Invited, r.Started, r.Submitted, 100*r.ResponseRate())
	}
	return w.Flush()
}
