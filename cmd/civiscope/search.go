package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/meili"
	"github.com/civiscope/civiscope/search/pg"
)

func searchCommands() []command {
	return []command{
		{
			name:    "search reindex",
			summary: "rebuild the search index from the directory (PostgreSQL, or Meilisearch with MEILI_URL: a new index swapped in)",
			run:     searchReindex,
		},
		{
			name:    "search sync",
			summary: "apply the directory changes the search index has not seen yet, then stop",
			run:     searchSync,
		},
		{
			name:    "search query",
			args:    "[TEXT] [--facet NAME=VALUE]... [--sort relevance|adopters|name|updated] [--page N] [--per-page N] [--facets]",
			summary: "search tools, vendors and territories as the site does",
			run:     searchQuery,
		},
	}
}

// searchBackend is the configured search backend: Meilisearch when
// MEILI_URL is set (its settings applied on the way), PostgreSQL otherwise.
func (a *App) searchBackend(ctx context.Context, pool *pgxpool.Pool) (search.Backend, error) {
	if a.Config.MeiliURL == "" {
		return pg.New(pool), nil
	}
	if a.Config.MeiliAPIKey == "" {
		return nil, civiscope.Errorf(civiscope.EINVALID, "MEILI_URL is set but MEILI_API_KEY is not: set both to use Meilisearch, or neither for PostgreSQL search")
	}
	return meili.Open(ctx, pool, meili.Config{URL: a.Config.MeiliURL, APIKey: a.Config.MeiliAPIKey})
}

// startSearch returns the engine serve hands to api and web, and starts the
// indexer that keeps it current from the directory's revision outbox. The
// indexer stops when ctx is cancelled; wait blocks until it has (call it
// after the HTTP server has shut down).
func (a *App) startSearch(ctx context.Context, pool *pgxpool.Pool) (engine search.Engine, wait func(), err error) {
	b, err := a.searchBackend(ctx, pool)
	if err != nil {
		return nil, nil, err
	}
	ix := search.NewIndexer(pool, b, a.Log)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if w, ok := b.(interface{ Warm(context.Context) error }); ok {
			if err := w.Warm(ctx); err != nil {
				a.Log.Warn("search: warming the index failed; the first search will load it", "err", err)
			}
		}
		_ = ix.Run(ctx) // logs its own failures and retries; returns on cancel
	}()
	return b, wg.Wait, nil
}

func searchReindex(ctx context.Context, a *App, args []string) error {
	if pos, err := parseFlags(newFlags(a, "search reindex"), args); err != nil {
		return err
	} else if len(pos) > 0 {
		return errUsage
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	b, err := a.searchBackend(ctx, pool)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := b.Rebuild(ctx, a.progress("search reindex"))
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%s: %d documents indexed in %s\n", b.Name(), n, time.Since(start).Round(time.Millisecond))
	return nil
}

func searchSync(ctx context.Context, a *App, args []string) error {
	if pos, err := parseFlags(newFlags(a, "search sync"), args); err != nil {
		return err
	} else if len(pos) > 0 {
		return errUsage
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	b, err := a.searchBackend(ctx, pool)
	if err != nil {
		return err
	}
	n, err := search.NewIndexer(pool, b, a.Log).Drain(ctx)
	if err != nil {
		return err
	}
	cur, _, err := search.Cursor(ctx, pool, b.Name())
	if err != nil {
		return err
	}
	latest, err := directory.LatestRevisionID(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%s: %d changes applied; at revision %d of %d\n", b.Name(), n, cur, latest)
	return nil
}

// facetFlags collects repeated --facet NAME=VALUE options.
type facetFlags map[string][]string

func (f facetFlags) String() string { return "" }

func (f facetFlags) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, such as category=petitions (facets: %s)", strings.Join(search.FacetNames(), ", "))
	}
	f[name] = append(f[name], value)
	return nil
}

func searchQuery(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "search query")
	facets := facetFlags{}
	fs.Var(facets, "facet", "keep results with this facet value (repeatable): NAME=VALUE")
	sort := fs.String("sort", "relevance", "relevance, adopters, name or updated")
	page := fs.Int("page", 1, "page number")
	perPage := fs.Int("per-page", 10, "results per page")
	showFacets := fs.Bool("facets", false, "print facet counts")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	b, err := a.searchBackend(ctx, pool)
	if err != nil {
		return err
	}
	q := search.Query{Text: strings.Join(pos, " "), Filters: facets, Sort: search.Sort(*sort),
		Page: *page, PerPage: *perPage, Facets: *showFacets}
	start := time.Now()
	res, err := b.Search(ctx, q)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if res.Total == 0 {
		fmt.Fprintf(a.Stdout, "Nothing matches %q. Try fewer words or filters.\n", q.Text)
		return nil
	}
	fmt.Fprintf(a.Stdout, "%d results (page %d of %d, %s, %s)\n", res.Total, res.Page, res.Pages, b.Name(), took.Round(time.Microsecond))
	w := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TYPE\tNAME\tADOPTERS\tSLUG\tSNIPPET")
	for _, h := range res.Hits {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", h.Type, terminalMarks(h.Highlighted), h.Adopters, h.Slug, truncate(terminalMarks(h.Snippet), 90))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if *showFacets {
		for _, f := range res.Facets {
			if len(f.Values) == 0 {
				continue
			}
			var parts []string
			for _, v := range f.Values[:min(len(f.Values), 8)] {
				parts = append(parts, fmt.Sprintf("%s %d", v.Value, v.Count))
			}
			fmt.Fprintf(a.Stdout, "  %s: %s\n", f.Name, strings.Join(parts, ", "))
		}
	}
	return nil
}

// terminalMarks shows matches between [ and ].
func terminalMarks(h search.Highlight) string {
	var b strings.Builder
	for _, s := range h {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
