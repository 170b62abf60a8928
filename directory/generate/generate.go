// Package generate fills a dedicated database with deterministic synthetic
// directory data at production scale (10,000 tools, 500,000 adoptions over
// the real register, their evidence and revisions), for benchmarks of
// search, the API and the web pages. It writes with COPY and reports
// progress. It refuses a database that holds real directory data.
//
// Entry point: Generate. Other areas add their own synthetic data (survey
// responses…) through Options.Steps, which run after the directory in the
// same transaction with the same seeded random source.
package generate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
)

// Progress receives the stage of the job and how far it is.
type Progress func(stage string, done, total int)

// Step is extra synthetic data another area generates after the directory,
// e.g. barometer responses. It runs in the generation's transaction and
// draws from its seeded random source, so the whole data set stays
// reproducible from --seed.
type Step struct {
	Name string
	Run  func(ctx context.Context, tx pgx.Tx, rng *rand.Rand, progress Progress) error
}

// Options sizes the data set.
type Options struct {
	Seed      uint64
	Tools     int // default 10,000
	Vendors   int // default Tools/10
	Adoptions int // default 500,000
	Steps     []Step
	Progress  Progress
}

// Stats says what was generated.
type Stats struct {
	Vendors, Tools, Adoptions, Evidence, Revisions int
	Elapsed                                        time.Duration
}

// SlugPrefix marks generated rows; Generate only ever replaces those.
const SlugPrefix = "gen-"

// Generate replaces the directory of pool with synthetic data. The register
// must already be loaded. The database must hold no real directory data:
// every tool and vendor slug must start with SlugPrefix.
func Generate(ctx context.Context, pool *pgxpool.Pool, opt Options) (Stats, error) {
	start := time.Now()
	if opt.Tools <= 0 {
		opt.Tools = 10000
	}
	if opt.Vendors <= 0 {
		opt.Vendors = max(opt.Tools/10, 1)
	}
	if opt.Adoptions <= 0 {
		opt.Adoptions = 500000
	}
	if opt.Progress == nil {
		opt.Progress = func(string, int, int) {}
	}
	var st Stats
	var real int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM tool WHERE slug NOT LIKE 'gen-%')
		+ (SELECT count(*) FROM vendor WHERE slug NOT LIKE 'gen-%')`).Scan(&real); err != nil {
		return st, fmt.Errorf("inspect the target database: %w", err)
	}
	if real > 0 {
		return st, civiscope.Errorf(civiscope.ECONFLICT,
			"this database holds %d real tools or vendors; generate scale data only into a dedicated, empty database", real)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	tx, err := pool.Begin(ctx)
	if err != nil {
		return st, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	// CASCADE also empties other areas' tables that point to tools or
	// adoptions (crawler detections, moderation…): in a scale database they
	// only ever hold generated rows, and a stale reference would break ids.
	if _, err := tx.Exec(ctx, `TRUNCATE revision, evidence, adoption, organisation, tool_source, tool_category, tool, vendor RESTART IDENTITY CASCADE`); err != nil {
		return st, fmt.Errorf("clear the previous generated data: %w", err)
	}
	// Bulk loads run several times faster without the secondary indexes;
	// they are rebuilt once at the end, inside the same transaction.
	if _, err := tx.Exec(ctx, `DROP INDEX adoption_identity_idx, adoption_territory_idx, adoption_organisation_idx,
		adoption_tool_idx, revision_entity_idx, tool_category_category_idx`); err != nil {
		return st, fmt.Errorf("drop indexes for the bulk load: %w", err)
	}
	g := &gen{tx: tx, rng: rng, opt: opt}
	for _, step := range []struct {
		name string
		fn   func(context.Context) error
	}{
		{"vendors", g.vendors}, {"tools", g.tools}, {"adoptions", g.adoptions},
		{"evidence", g.evidence}, {"revisions", g.revisions},
	} {
		if err := step.fn(ctx); err != nil {
			return st, fmt.Errorf("generate %s: %w", step.name, err)
		}
	}
	opt.Progress("indexes", 0, 1)
	if _, err := tx.Exec(ctx, `
		CREATE UNIQUE INDEX adoption_identity_idx ON adoption (tool_id, coalesce(territory_id, 0), coalesce(organisation_id, 0), instance_key);
		CREATE INDEX adoption_territory_idx ON adoption (territory_id, tool_id) WHERE territory_id IS NOT NULL;
		CREATE INDEX adoption_organisation_idx ON adoption (organisation_id) WHERE organisation_id IS NOT NULL;
		CREATE INDEX adoption_tool_idx ON adoption (tool_id, id);
		CREATE INDEX revision_entity_idx ON revision (entity, entity_id, id);
		CREATE INDEX tool_category_category_idx ON tool_category (category, tool_id);`); err != nil {
		return st, fmt.Errorf("rebuild indexes: %w", err)
	}
	opt.Progress("indexes", 1, 1)
	for _, s := range opt.Steps {
		if err := s.Run(ctx, tx, rng, opt.Progress); err != nil {
			return st, fmt.Errorf("generate %s: %w", s.Name, err)
		}
	}
	opt.Progress("commit", 0, 1)
	if err := tx.Commit(ctx); err != nil {
		return st, fmt.Errorf("commit: %w", err)
	}
	opt.Progress("commit", 1, 1)
	if _, err := pool.Exec(ctx, `ANALYZE vendor, tool, tool_category, adoption, evidence, organisation, revision`); err != nil {
		return st, fmt.Errorf("analyze: %w", err)
	}
	st = g.stats
	st.Elapsed = time.Since(start)
	return st, nil
}

type gen struct {
	tx    pgx.Tx
	rng   *rand.Rand
	opt   Options
	stats Stats
}

// copyRows streams n rows produced by row into table, reporting progress.
func (g *gen) copyRows(ctx context.Context, stage, table string, cols []string, n int, row func(i int) []any) (int64, error) {
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i >= n {
			return nil, nil
		}
		r := row(i)
		i++
		if i%10000 == 0 || i == n {
			g.opt.Progress(stage, i, n)
		}
		return r, nil
	})
	return g.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
}

func (g *gen) pick(s []string) string { return s[g.rng.IntN(len(s))] }

func syllables() []string {
	return []string{"ci", "vi", "de", "mo", "par", "ti", "ci", "pa", "vo", "ta", "lo", "ca", "ré", "pu", "bli", "co", "mu", "na", "té", "ag", "o", "ra", "fo", "rum", "da", "ta", "lab", "ville"}
}

func (g *gen) name(i int) string {
	var b strings.Builder
	for n := 2 + g.rng.IntN(3); n > 0; n-- {
		b.WriteString(g.pick(syllables()))
	}
	s := []rune(b.String())
	s[0] = []rune(strings.ToUpper(string(s[0])))[0]
	return fmt.Sprintf("%s %d", string(s), i)
}

func (g *gen) vendors(ctx context.Context) error {
	kinds := []string{"startup", "company", "company", "association", "cooperative", "public-body", "community", "unknown"}
	countries := []string{"FR", "FR", "FR", "FR", "BE", "ES", "DE", "GB", "US", ""}
	n, err := g.copyRows(ctx, "vendors", "vendor", []string{"slug", "name", "kind", "country", "website"}, g.opt.Vendors, func(i int) []any {
		c := g.pick(countries)
		var country any
		if c != "" {
			country = c
		}
		return []any{fmt.Sprintf("%svendor-%d", SlugPrefix, i), "Éditeur " + g.name(i), g.pick(kinds), country,
			fmt.Sprintf("https://vendor-%d.example.org", i)}
	})
	g.stats.Vendors = int(n)
	return err
}

// French and English vocabulary, so that full-text search, stemming and
// typo tolerance meet realistic text.
func phrasesFR() []string {
	return []string{"plateforme de participation citoyenne", "budget participatif", "consultation en ligne",
		"concertation publique", "pétitions locales", "signalement des anomalies", "cartographie participative",
		"démocratie participative", "débat public", "vote électronique", "sondages auprès des habitants",
		"co-construction des politiques publiques", "données ouvertes", "relation citoyen", "financement participatif",
		"bénévolat et engagement associatif", "conseil de quartier", "budget d'investissement", "assemblée citoyenne"}
}

func phrasesEN() []string {
	return []string{"citizen participation platform", "participatory budgeting", "online consultation",
		"public engagement", "local petitions", "issue reporting", "participatory mapping", "participatory democracy",
		"public debate", "online voting", "resident surveys", "policy co-design", "open data", "citizen relationship",
		"civic crowdfunding", "volunteering", "neighbourhood council", "citizens' assembly"}
}

func (g *gen) tools(ctx context.Context) error {
	licences := []string{"AGPL-3.0-only", "AGPL-3.0-or-later", "MIT", "GPL-3.0-only", "Apache-2.0", "EUPL-1.2", "LicenseRef-Proprietary", ""}
	models := []string{"free", "freemium", "licence", "saas", "saas", "services", "unknown"}
	hostings := []string{"france", "france", "eu", "elsewhere", "unknown"}
	access := []string{"full", "partial", "partial", "none", "unknown", "unknown"}
	lifecycles := []string{"active", "active", "active", "dormant", "defunct", "unknown"}
	n, err := g.copyRows(ctx, "tools", "tool", []string{"slug", "name", "tagline_fr", "tagline_en", "description_fr",
		"description_en", "website", "licence", "open_source", "business_model", "hosting", "languages",
		"accessibility", "founded_year", "lifecycle", "vendor_id"}, g.opt.Tools, func(i int) []any {
		lic := g.pick(licences)
		var licence, open any
		if lic != "" {
			licence = lic
			open = directory.LicenceOpenSource(lic)
		}
		fr1, fr2 := g.pick(phrasesFR()), g.pick(phrasesFR())
		en1, en2 := g.pick(phrasesEN()), g.pick(phrasesEN())
		var year any
		if g.rng.IntN(3) > 0 {
			year = 2000 + g.rng.IntN(25)
		}
		return []any{fmt.Sprintf("%stool-%d", SlugPrefix, i), g.name(i),
			"Outil de " + fr1, "Tool for " + en1,
			fmt.Sprintf("Outil synthétique n°%d pour la %s et la %s des collectivités.", i, fr1, fr2),
			fmt.Sprintf("Synthetic tool no. %d for %s and %s in local government.", i, en1, en2),
			fmt.Sprintf("https://tool-%d.example.org", i), licence, open, g.pick(models), g.pick(hostings),
			[]string{"fr", "en"}[:1+g.rng.IntN(2)], g.pick(access), year, g.pick(lifecycles),
			int64(1 + g.rng.IntN(g.opt.Vendors))}
	})
	if err != nil {
		return err
	}
	g.stats.Tools = int(n)
	cats := directory.Categories()
	type tc struct {
		tool int64
		cat  string
	}
	var links []tc
	for id := int64(1); id <= n; id++ {
		k := 1 + g.rng.IntN(3)
		seen := map[int]bool{}
		for j := 0; j < k; j++ {
			c := g.rng.IntN(len(cats))
			if !seen[c] {
				seen[c] = true
				links = append(links, tc{id, cats[c].Slug})
			}
		}
	}
	_, err = g.copyRows(ctx, "categories", "tool_category", []string{"tool_id", "category"}, len(links), func(i int) []any {
		return []any{links[i].tool, links[i].cat}
	})
	return err
}

type place struct {
	id     int64
	weight float64
}

// adoptions spreads adoptions over the real register: collectivités are
// drawn with a weight growing with population (large cities adopt more),
// tools with a Zipf law (a few tools are everywhere, most are rare).
func (g *gen) adoptions(ctx context.Context) error {
	rows, err := g.tx.Query(ctx, `SELECT id, kind, coalesce(population, 0) FROM territory WHERE NOT historic ORDER BY id`)
	if err != nil {
		return err
	}
	var places []place
	var total float64
	for rows.Next() {
		var p place
		var kind string
		var pop int
		if err := rows.Scan(&p.id, &kind, &pop); err != nil {
			rows.Close()
			return err
		}
		switch kind {
		case "commune":
			p.weight = math.Sqrt(float64(pop) + 50)
		case "epci", "ept":
			p.weight = 100
		default:
			p.weight = 600
		}
		total += p.weight
		p.weight = total
		places = append(places, p)
	}
	rows.Close()
	if len(places) == 0 {
		return fmt.Errorf("the register is empty: run `civiscope import territories` on the target database first")
	}
	zipf := rand.NewZipf(g.rng, 1.1, 4, uint64(g.stats.Tools-1))
	cats := directory.Categories()
	statuses := []string{"current", "current", "current", "ended", "unknown"}
	n, err := g.copyRows(ctx, "adoptions", "adoption", []string{"tool_id", "territory_id", "instance_url", "instance_key",
		"category", "started_on", "ended_on", "status", "confidence"}, g.opt.Adoptions, func(i int) []any {
		x := g.rng.Float64() * total
		k := sort.Search(len(places), func(j int) bool { return places[j].weight >= x })
		tool := int64(zipf.Uint64()) + 1
		key := fmt.Sprintf("a%d.gen.example.org", i)
		status := g.pick(statuses)
		start := time.Date(2012+g.rng.IntN(13), time.Month(1+g.rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		var started, ended any = start, nil
		if g.rng.IntN(4) == 0 {
			started = nil
		}
		if status == "ended" {
			e := start.AddDate(1+g.rng.IntN(4), 0, 0)
			if e.After(time.Now()) {
				e = time.Date(time.Now().Year(), 1, 1, 0, 0, 0, 0, time.UTC)
			}
			if !e.Before(start) {
				ended = e
			}
		}
		return []any{tool, places[k].id, "https://" + key + "/", key, cats[g.rng.IntN(len(cats))].Slug,
			started, ended, status, float32(0.5 + g.rng.Float64()/2)}
	})
	g.stats.Adoptions = int(n)
	return err
}

// evidence gives every adoption one piece of evidence and a third of them
// a second one, from the kinds of source the observatory uses.
func (g *gen) evidence(ctx context.Context) error {
	kinds := []string{"vendor-list", "public-catalogue", "crawler", "self-declared", "barometer", "curator"}
	var first int64
	if err := g.tx.QueryRow(ctx, `SELECT coalesce(min(id), 0) FROM adoption`).Scan(&first); err != nil {
		return err
	}
	total := g.stats.Adoptions + g.stats.Adoptions/3
	n, err := g.copyRows(ctx, "evidence", "evidence", []string{"adoption_id", "source_kind", "source_name", "source_url",
		"source_licence", "observed_at", "excerpt", "fingerprint"}, total, func(i int) []any {
		a := first + int64(i%g.stats.Adoptions)
		k := g.pick(kinds)
		return []any{a, k, "synthetic " + k, fmt.Sprintf("https://source.example.org/%s/%d", k, i), "Licence Ouverte 2.0",
			time.Date(2019+g.rng.IntN(7), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC),
			"synthetic evidence for benchmarks", fmt.Sprintf("gen-%d", i)}
	})
	g.stats.Evidence = int(n)
	if err != nil {
		return err
	}
	// COPY bypasses the directory code that keeps the attested span.
	_, err = g.tx.Exec(ctx, `UPDATE adoption a SET attested_first = s.first, attested_last = s.last
		FROM (SELECT adoption_id, min(observed_at)::date AS first, max(observed_at)::date AS last
		      FROM evidence GROUP BY adoption_id) s WHERE s.adoption_id = a.id`)
	return err
}

// revisions records the creation of every generated row, so the search
// outbox and the history pages see the same shape as real data.
func (g *gen) revisions(ctx context.Context) error {
	g.opt.Progress("revisions", 0, 4)
	for i, e := range []string{"vendor", "tool", "adoption", "evidence"} {
		tag, err := g.tx.Exec(ctx, fmt.Sprintf(`INSERT INTO revision (entity, entity_id, action, actor, source, changes)
			SELECT '%s', id, 'create', 'generate', 'civiscope dev generate', '{}'::jsonb FROM %s ORDER BY id`, e, e))
		if err != nil {
			return err
		}
		g.stats.Revisions += int(tag.RowsAffected())
		g.opt.Progress("revisions", i+1, 4)
	}
	return nil
}
