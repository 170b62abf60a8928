package pg_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
)

// scaleTemplate is the benchmark's database: the real register, then 10,000
// synthetic tools of 800 synthetic vendors and 500,000 adoptions spread over
// every current territory, indexed. It is generated here, deterministically
// (setseed), because `civiscope dev generate` has not landed yet; the rows
// are written with plain SQL, without revisions, and indexed by a rebuild.
// Built once and kept as a template, so later runs start in seconds.
func scaleTemplate() pgtest.Template {
	return pgtest.Template{Name: "searchscale", Version: "1", Seed: seedScale}
}

func seedScale(ctx context.Context, pool *pgxpool.Pool) error {
	if err := territorytest.Load(ctx, pool); err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// One connection, so that setseed makes random() repeatable.
	for _, sql := range scaleSQL() {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("generate scale data: %w\n%s", err, sql)
		}
	}
	_, err = pg.New(pool).Rebuild(ctx, nil)
	return err
}

func scaleSQL() []string {
	const prefixes = `ARRAY['Agora','Civi','Démo','Parti','Voix','Cité','Quartier','Vote','Budget','Carto',
		'Débat','Idée','Commun','Ville','Projet','Concerto','Pétition','Signal','Open','Data']`
	const suffixes = `ARRAY['lab','hub','box','plus','net','flow','point','place','cloud','pro',
		'lib','go','app','web','up','link','mix','one','zen','vox']`
	const words = `ARRAY['plateforme','participation','citoyenne','citoyens','habitants','consultation','concertation',
		'budget','participatif','participative','vote','projets','quartier','commune','collectivité','élus','démocratie',
		'pétition','signalement','voirie','carte','cartographie','débat','délibération','assemblée','tirage','sort',
		'jeunesse','associations','transparence','données','ouvertes','open','data','application','mobile','sondage',
		'questionnaire','atelier','réunion','publique','enquête','avis','propositions','idées','suivi','travaux',
		'investissement','municipal','conseil','métropole','département','région','territoire','service','public',
		'accessibilité','logiciel','libre','hébergement','sécurisé','modération','commentaires','notification',
		'agenda','événements','bénévoles','mobilisation','financement','solidaire','écologie','transition','mobilité',
		'urbanisme','école','santé','culture','sport','environnement','numérique','inclusion','dialogue','co-construction']`
	return []string{
		`SELECT setseed(0.42)`,
		`INSERT INTO vendor (slug, name, kind, country)
		SELECT 'editeur-' || i, (` + prefixes + `)[1 + i % 20] || (` + suffixes + `)[1 + (i / 20) % 20] || ' ' || i,
			(ARRAY['startup','company','association','cooperative','public-body','community','unknown'])[1 + i % 7],
			(ARRAY['FR','FR','FR','FR','BE','DE','ES','IT','CH','CA'])[1 + (i / 7) % 10]
		FROM generate_series(1, 800) i`,
		`INSERT INTO tool (slug, name, tagline_fr, description_fr, licence, open_source, business_model, hosting,
			lifecycle, vendor_id, updated_at)
		SELECT 'outil-' || i,
			(` + prefixes + `)[1 + floor(random() * 20)::int] || (` + suffixes + `)[1 + floor(random() * 20)::int] || ' ' || i,
			(SELECT string_agg((` + words + `)[1 + floor(random() * cardinality(` + words + `))::int], ' ') FROM generate_series(1, 6) k WHERE i > 0),
			(SELECT string_agg((` + words + `)[1 + floor(random() * cardinality(` + words + `))::int], ' ') FROM generate_series(1, 40) k WHERE i > 0),
			(ARRAY['AGPL-3.0-only','MIT','GPL-3.0-or-later','EUPL-1.2','Apache-2.0',NULL,NULL,NULL])[1 + i % 8],
			(ARRAY[true,true,true,true,true,false,false,NULL])[1 + i % 8],
			(ARRAY['free','freemium','licence','saas','services','unknown'])[1 + i % 6],
			(ARRAY['france','eu','elsewhere','unknown'])[1 + i % 4],
			(ARRAY['active','active','dormant','defunct','unknown'])[1 + i % 5],
			CASE WHEN i % 10 = 0 THEN NULL ELSE (SELECT min(id) FROM vendor) + i % 800 END,
			now() - (i || ' hours')::interval
		FROM generate_series(1, 10000) i`,
		`INSERT INTO tool_category (tool_id, category)
		SELECT t.id, c.slug FROM tool t JOIN category c ON c.position = 1 + t.id % 13 OR c.position = 1 + (t.id * 7) % 13
		ON CONFLICT DO NOTHING`,
		`WITH t AS (SELECT array_agg(id ORDER BY id) AS a, count(*) AS n FROM tool),
			te AS (SELECT array_agg(id ORDER BY id) AS a, count(*) AS n FROM territory WHERE NOT historic)
		INSERT INTO adoption (tool_id, territory_id, instance_url, instance_key, status, confidence)
		SELECT t.a[1 + floor(t.n * power(random(), 2.5))::int], te.a[1 + floor(te.n * random())::int],
			'https://g' || g || '.example.org/', 'g' || g || '.example.org', 'current', 0.5
		FROM generate_series(1, 500000) g, t, te`,
		`ANALYZE`,
	}
}

// scaleDB opens a fresh copy of the scale template.
func scaleDB(b *testing.B) *pgxpool.Pool {
	if os.Getenv("CIVISCOPE_BENCH") == "" && testing.Short() {
		b.Skip("scale benchmark: run through `make bench`")
	}
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx, "searchscale", scaleTemplate())
	if err != nil {
		b.Skipf("no PostgreSQL for the scale benchmark: %v", err)
	}
	b.Cleanup(drop)
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

// BenchmarkAsYouType replays a person typing searches letter by letter
// (suggestions: 8 hits, no facets) on the scale data, and reports latency
// percentiles.
func BenchmarkAsYouType(b *testing.B) {
	var qs []search.Query
	for _, typed := range []string{"participation", "budget participatif", "consultaton", "villeurbanne", "démocratie", "cartographie"} {
		r := []rune(typed)
		for i := 1; i <= len(r); i++ {
			qs = append(qs, search.Query{Text: string(r[:i]), PerPage: 8})
		}
	}
	benchQueries(b, qs)
}

// BenchmarkFaceted replays searches of the search page (20 hits and every
// facet count) with filters, with and without text.
func BenchmarkFaceted(b *testing.B) {
	f := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	qs := []search.Query{
		{Filters: f("type", "tool")},
		{Filters: f("category", "consultation")},
		{Filters: f("open_source", "yes", "adopter_type", "region")},
		{Filters: f("adopter_population", "under-3500", "adopter_region", "53"), Sort: search.SortAdopters},
		{Text: "budget participatif", Filters: f("open_source", "yes")},
		{Text: "consultation", Filters: f("adopter_region", "84", "hosting", "france")},
		{Text: "participation citoyenne", Filters: f("category", "petitions", "category", "voting")},
		{Text: "vote", Filters: f("vendor_kind", "startup"), Sort: search.SortName},
		{Text: "signalement voirie", Filters: f("lifecycle", "active")},
		{Filters: f("licence", "MIT", "country", "FR"), Sort: search.SortUpdated},
	}
	for i := range qs {
		qs[i].Facets = true
	}
	benchQueries(b, qs)
}

func benchQueries(b *testing.B, qs []search.Query) {
	db := scaleDB(b)
	e := pg.New(db)
	ctx := context.Background()
	for _, q := range qs { // warm the caches
		if _, err := e.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := e.Search(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
