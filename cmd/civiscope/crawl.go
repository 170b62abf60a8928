package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/crawler"
	"github.com/civiscope/civiscope/crawler/adopt"
	"github.com/civiscope/civiscope/crawler/catalogue"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/outbound"
)

func crawlCommands() []command {
	return []command{
		{
			name:    "crawl detect",
			args:    "URL… [--depth N] | --territories FILE | --all [--kind K] [--min-population N] | --from-adoptions | --resume  [--json] [--active] [--depth N] [--delay D]",
			summary: "recognise the civic-tech platform of pages, or discover the platforms of collectivités from their websites",
			run:     crawlDetect,
		},
		{
			name:    "crawl liveness",
			args:    "[--list] [--state alive|dormant|defunct] [--json] [--delay D]",
			summary: "recheck every tool website and adoption instance that is due, and report what died",
			run:     crawlLiveness,
		},
		{
			name:    "crawl sources",
			args:    "[NAME] [--show] [--json]",
			summary: "list the catalogue sources, or harvest one into proposals for moderation",
			run:     crawlSources,
		},
		{
			name:    "crawl profile",
			args:    "URL",
			summary: "propose a tool profile from a vendor page (schema.org, OpenGraph, meta)",
			run:     crawlProfile,
		},
	}
}

// crawlFetcher is the fetcher every crawl command uses: the production
// politeness, the contact URL in the User-Agent, the delay from --delay.
func (a *App) crawlFetcher(delay time.Duration) *fetch.Fetcher {
	cfg := fetch.DefaultConfig()
	cfg.UserAgent = fetch.UserAgent(a.Config.PublicURL)
	cfg.HostDelay = delay
	cfg.Outbound = a.outbound()
	return fetch.New(cfg, nil)
}

// outbound is the guard of every request made for someone else: public
// addresses only, and this machine too with CRAWL_ALLOW_LOOPBACK.
func (a *App) outbound() *outbound.Guard {
	if a.Config.CrawlLoopback {
		return outbound.New(outbound.AllowLoopback())
	}
	return outbound.New()
}

// progressFunc adapts the App's progress reporter to the crawler's.
func (a *App) progressFunc(job, stage string) crawler.ProgressFunc {
	p := a.progress(job)
	return func(done, total int) { p(stage, done, total) }
}

type detectFlags struct {
	json, active, resume, fromAdoptions, all bool
	territories, kind                        string
	depth, workers, threshold, minPop        int
	delay                                    time.Duration
}

func crawlDetect(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "crawl detect")
	var o detectFlags
	fs.BoolVar(&o.json, "json", false, "machine-readable output")
	fs.BoolVar(&o.active, "active", false, "confirm with the platform's own API when it has one (one more request)")
	fs.StringVar(&o.territories, "territories", "", "CSV of collectivités' websites: INSEE code or SIREN, URL")
	fs.BoolVar(&o.fromAdoptions, "from-adoptions", false, "crawl every known site, including those derived from adoptions' instance URLs")
	fs.BoolVar(&o.resume, "resume", false, "resume the unfinished discovery run, or join it from another process")
	fs.BoolVar(&o.all, "all", false, "crawl every collectivité with a known official website (the websites register)")
	fs.StringVar(&o.kind, "kind", "", "with --all: only commune, epci, departement or region")
	fs.IntVar(&o.minPop, "min-population", 0, "with --all: only collectivités of at least N inhabitants")
	fs.IntVar(&o.depth, "depth", 2, "how many links away from a collectivité's site to look (0–5)")
	fs.IntVar(&o.workers, "workers", 8, "pages processed at once")
	fs.IntVar(&o.threshold, "threshold", crawler.DefaultThreshold, "confidence (0–100) from which a finding is published without moderation")
	fs.DurationVar(&o.delay, "delay", 2*time.Second, "minimum interval between two requests to one host")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	modes := 0
	for _, on := range []bool{len(pos) > 0, o.territories != "", o.fromAdoptions, o.resume, o.all} {
		if on {
			modes++
		}
	}
	if modes != 1 || (!o.all && (o.kind != "" || o.minPop != 0)) {
		return errUsage
	}
	if o.threshold < 0 || o.threshold > 100 || o.depth < 0 || o.depth > 5 || o.workers < 1 || o.delay < 0 {
		return civiscope.Errorf(civiscope.EINVALID, "--threshold must be 0–100, --depth 0–5, --workers at least 1 and --delay not negative")
	}
	rules, err := detect.Embedded()
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return detectURLs(ctx, a, rules, pos, o)
	}
	return discover(ctx, a, rules, o)
}

func detectURLs(ctx context.Context, a *App, rules *detect.Rules, raw []string, o detectFlags) error {
	urls, err := crawler.ParseStartURLs(raw)
	if err != nil {
		return err
	}
	cfg := crawler.DefaultConfig()
	cfg.Workers = o.workers
	c := crawler.New(nil, a.crawlFetcher(o.delay), rules, nil, cfg, a.Log)
	var progress crawler.ProgressFunc
	if len(urls) > 1 && !o.json {
		progress = a.progressFunc("crawl detect", "explore")
	}
	results, err := c.DetectURLs(ctx, urls, o.depth, o.active, progress)
	if err != nil {
		return err
	}
	if o.json {
		if err := jsonOut(a.Stdout).Encode(results); err != nil {
			return err
		}
	} else {
		printDetections(a.Stdout, results)
	}
	// Nothing detected is an answer (exit 0); start pages that could not
	// be read at all are a failure.
	for _, r := range results {
		if r.Error == "" {
			return nil
		}
	}
	return civiscope.Errorf(civiscope.EUNAVAILABLE, "no page could be read")
}

// printFound says where each platform was found, for start pages whose
// links led somewhere.
func printFound(w io.Writer, r crawler.URLDetection) {
	if r.Pages > 1 {
		fmt.Fprintf(w, "  %d pages read by following participation links and subdomains\n", r.Pages)
	}
	for _, f := range r.Found {
		if f.Depth == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s (confidence %d%%) at %s, found on %s — %d link(s) away, %s, from %s\n",
			f.Platform, f.Confidence, f.Instance, f.Page, f.Depth, f.Reason, f.From)
	}
}

func printDetections(w io.Writer, results []crawler.URLDetection) {
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		head := r.URL
		if r.FinalURL != "" && r.FinalURL != r.URL {
			head += " → " + r.FinalURL
		}
		if r.Status != 0 {
			head += fmt.Sprintf(" (HTTP %d)", r.Status)
		}
		fmt.Fprintln(w, head)
		if r.Error != "" {
			fmt.Fprintf(w, "  not read: %s\n", r.Error)
			continue
		}
		printFound(w, r)
		if len(r.Detections) == 0 {
			if len(r.Found) == 0 {
				fmt.Fprintln(w, "  no known platform detected / aucune plateforme connue détectée")
			}
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, d := range r.Detections {
			note := ""
			switch {
			case d.ImpliedBy != "":
				note = "implied by " + d.ImpliedBy
			case !d.Verified:
				note = "unverified fingerprint"
			}
			ver := ""
			if d.Version != "" {
				ver = " " + d.Version
			}
			fmt.Fprintf(tw, "  %s%s\tconfidence %d%%\t%s\n", d.Platform, ver, d.Confidence, note)
			for _, m := range d.Matches {
				fmt.Fprintf(tw, "    %s\t%s\t%s\n", m.Kind, m.Rule, m.Evidence)
			}
		}
		tw.Flush()
	}
}

func discover(ctx context.Context, a *App, rules *detect.Rules, o detectFlags) error {
	var rows []crawler.SiteRow
	if o.territories != "" {
		// Read and check the whole file before touching the database.
		fh, err := os.Open(o.territories)
		if err != nil {
			return civiscope.Errorf(civiscope.EINVALID, "cannot read %s: %v", o.territories, errors.Unwrap(err))
		}
		rows, err = crawler.ReadSitesCSV(fh)
		fh.Close()
		if err != nil {
			return err
		}
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	var run *crawler.Run
	if o.resume {
		if run, err = crawler.LatestRunningRun(ctx, pool, crawler.RunDiscovery); err != nil {
			return err
		}
		if run == nil {
			fmt.Fprintln(a.Stdout, "No unfinished discovery run to resume.")
			return nil
		}
		fmt.Fprintf(a.Stderr, "resuming discovery run %d (%s)\n", run.ID, run.Label)
	} else {
		d := crawler.Discovery{Sites: rows, Source: o.territories, FromAdoptions: o.fromAdoptions, Depth: o.depth}
		if o.all {
			d.Register = &crawler.SiteFilter{Kind: o.kind, MinPopulation: o.minPop}
		}
		started, err := crawler.StartDiscoveryRun(ctx, pool, d)
		if err != nil {
			return err
		}
		switch {
		case o.fromAdoptions:
			fmt.Fprintf(a.Stderr, "%d websites derived from adoptions' instance URLs\n", started.Derived)
		case o.territories != "":
			fmt.Fprintf(a.Stderr, "%d websites imported (%d already known)\n", started.Imported, started.Known)
		}
		run = started.Run
		fmt.Fprintf(a.Stderr, "discovery run %d: %d collectivités' websites, depth %d\n", run.ID, started.Sites, o.depth)
	}
	cfg := crawler.DefaultConfig()
	cfg.Workers = o.workers
	cfg.Publish.Threshold = o.threshold
	cfg.SharedHostDelay = o.delay
	c := crawler.New(pool, a.crawlFetcher(o.delay), rules, adopt.New(pool, rules), cfg, a.Log)
	st, findings, err := c.Discover(ctx, run.ID, a.etaProgress("crawl detect"))
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(a.Stderr, "\nstopped: run %d keeps its frontier; `civiscope crawl detect --resume` goes on without fetching anything twice\n", run.ID)
		}
		return err
	}
	if o.json {
		return jsonOut(a.Stdout).Encode(findings)
	}
	fmt.Fprintf(a.Stdout, "%d pages read, %d failed, %d findings, %d published to the directory\n", st.Fetched, st.Failed, len(findings), st.Published)
	if len(findings) == 0 {
		fmt.Fprintln(a.Stdout, "No platform found on these sites.")
		return nil
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COLLECTIVITÉ\tPLATFORM\tCONFIDENCE\tSTATUS\tINSTANCE\tNOTE")
	for _, f := range findings {
		fmt.Fprintf(tw, "%s\t%s\t%d%%\t%s\t%s\t%s\n", f.TerritoryName, f.Detection.Platform, f.Detection.Confidence, f.Status, f.InstanceURL, f.Note)
	}
	return tw.Flush()
}

func crawlLiveness(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "crawl liveness")
	list := fs.Bool("list", false, "only list the watched URLs and their state, without checking")
	state := fs.String("state", "", "with --list: only alive, dormant or defunct")
	asJSON := fs.Bool("json", false, "machine-readable output")
	delay := fs.Duration("delay", 2*time.Second, "minimum interval between two requests to one host")
	workers := fs.Int("workers", 8, "URLs checked at once")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *workers < 1 {
		return errUsage
	}
	switch *state {
	case "", "alive", "dormant", "defunct":
	default:
		return civiscope.Errorf(civiscope.EINVALID, "--state must be alive, dormant or defunct")
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	rules, err := detect.Embedded()
	if err != nil {
		return err
	}
	dir := adopt.New(pool, rules)
	if *list {
		ts, err := crawler.ListTargets(ctx, pool, *state)
		if err != nil {
			return err
		}
		return printTargets(a, ts, *asJSON)
	}
	lc := crawler.NewLivenessChecker(pool, a.crawlFetcher(*delay), dir, crawler.LivenessConfig{Workers: *workers}, a.Log)
	n, sum, err := crawler.CheckLiveness(ctx, pool, lc, dir, a.progressFunc("crawl liveness", "checks"))
	if n > 0 {
		fmt.Fprintf(a.Stderr, "%d new URLs to watch\n", n)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := jsonOut(a.Stdout)
		return enc.Encode(sum)
	}
	if sum.Checked == 0 {
		fmt.Fprintln(a.Stdout, "Nothing is due: every URL was checked within the last 7 days. `crawl liveness --list` shows their state.")
		return nil
	}
	classes := make([]string, 0, len(sum.ByClass))
	for c, n := range sum.ByClass {
		classes = append(classes, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(classes)
	fmt.Fprintf(a.Stdout, "%d URLs checked: %s\n", sum.Checked, strings.Join(classes, ", "))
	if len(sum.Changes) == 0 {
		fmt.Fprintln(a.Stdout, "No state changed (a tool or instance becomes dormant or defunct only after repeated failures over 14 days).")
		return nil
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WHAT\tURL\tFROM\tTO\tLAST CHECK")
	for _, c := range sum.Changes {
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s %s\n", c.Target.Kind, c.Target.Label, c.Target.URL, c.From, c.To, c.Result.Class, c.Result.Detail)
	}
	return tw.Flush()
}

func printTargets(a *App, ts []crawler.LivenessTarget, asJSON bool) error {
	if asJSON {
		enc := jsonOut(a.Stdout)
		return enc.Encode(ts)
	}
	if len(ts) == 0 {
		fmt.Fprintln(a.Stdout, "No URL watched yet: run `civiscope crawl liveness` to add the directory's tools and instances.")
		return nil
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tURL\tSTATE\tLAST\tFAILURES")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", t.Kind, t.Label, t.URL, t.State, orDash(t.LastClass), t.Failures)
	}
	return tw.Flush()
}

// jsonOut writes indented JSON that keeps URLs and markup readable.
func jsonOut(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func crawlSources(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "crawl sources")
	show := fs.Bool("show", false, "print the definition instead of harvesting")
	asJSON := fs.Bool("json", false, "machine-readable output")
	delay := fs.Duration("delay", 2*time.Second, "minimum interval between two requests to one host")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return errUsage
	}
	if len(pos) == 0 {
		srcs, err := catalogue.Embedded()
		if err != nil {
			return err
		}
		if *asJSON {
			return jsonOut(a.Stdout).Encode(srcs)
		}
		tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tTITLE\tKIND\tLICENCE\tSTART")
		for _, s := range srcs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Title, s.Map.Kind, s.Licence, strings.Join(s.StartURLs, " "))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(a.Stdout, "\n`civiscope crawl sources NAME` harvests one into proposals for moderation; --show prints it.")
		return nil
	}
	src, err := crawler.FindSource(pos[0])
	if err != nil {
		return err
	}
	if *show {
		if *asJSON {
			return jsonOut(a.Stdout).Encode(src)
		}
		fmt.Fprintf(a.Stdout, "%s — %s\n%s\nlicence: %s\nattribution: %s\nverified: %s\nstart: %s\nitems: %s\nmaps to: %s\n",
			src.Name, src.Title, src.Description, src.Licence, src.Attribution, src.Verified,
			strings.Join(src.StartURLs, " "), src.Items.Selector, src.Map.Kind)
		return nil
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	st, err := crawler.Harvest(ctx, pool, a.crawlFetcher(*delay), src, a.progressFunc("crawl sources", "pages"))
	if err != nil {
		return err
	}
	if *asJSON {
		return jsonOut(a.Stdout).Encode(st)
	}
	fmt.Fprintf(a.Stdout, "%s: %d pages read, %d failed, %d items, %d new proposals waiting for moderation\n", src.Name, st.Pages, st.Failed, st.Items, st.New)
	for _, e := range st.Errors {
		fmt.Fprintf(a.Stdout, "  not read: %s\n", e)
	}
	if st.Pages == 0 {
		return civiscope.Errorf(civiscope.EUNAVAILABLE, "no page of %s could be read", src.Name)
	}
	return nil
}

func crawlProfile(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "crawl profile")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errUsage
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	p, added, err := crawler.ProposeProfile(ctx, pool, a.crawlFetcher(0), pos[0])
	if errors.Is(err, fetch.ErrBadURL) {
		return civiscope.Errorf(civiscope.EINVALID, "%q is not a web address (http or https)", pos[0])
	}
	if err != nil {
		return err
	}
	if p.Empty() {
		fmt.Fprintln(a.Stdout, "The page has no schema.org, OpenGraph or meta description to propose.")
		return nil
	}
	enc := jsonOut(a.Stdout)
	if err := enc.Encode(p); err != nil {
		return err
	}
	if added {
		fmt.Fprintln(a.Stderr, "proposed for moderation")
	} else {
		fmt.Fprintln(a.Stderr, "already proposed; updated")
	}
	return nil
}

// crawlScheduler builds the recurring crawl jobs for serve: liveness every
// 6 hours for the URLs that are due (each is checked weekly), discovery
// over every known collectivité site weekly (the websites register
// included, so this is `crawl detect --all`) (an interrupted run is resumed
// first), and the catalogue harvests weekly. serve runs it with
// `go sched.Run(ctx)` and waits for Run to return on shutdown.
func (a *App) crawlScheduler(pool *pgxpool.Pool) (*crawler.Scheduler, error) {
	rules, err := detect.Embedded()
	if err != nil {
		return nil, err
	}
	delay := fetch.DefaultConfig().HostDelay
	f := a.crawlFetcher(delay)
	cfg := crawler.ScheduleConfig{Crawl: crawler.Config{SharedHostDelay: delay}}
	return crawler.NewDefaultScheduler(pool, f, rules, adopt.New(pool, rules), cfg, a.Log), nil
}
