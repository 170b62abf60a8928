package reports

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/reports/export"
)

// DirectoryDataset is the name of the directory's open data.
const DirectoryDataset = "civiscope-directory"

// stream runs q and emits each row's values as pgx decodes them (text →
// string, bigint → int64, date and timestamptz → time.Time, NULL → nil),
// which are exactly the value types export writes.
func stream(db postgres.Querier, q string) func(context.Context, func(export.Row) error) error {
	return func(ctx context.Context, emit func(export.Row) error) error {
		rows, err := db.Query(ctx, q)
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			v, err := rows.Values()
			if err != nil {
				return fmt.Errorf("read row: %w", err)
			}
			for i, x := range v {
				if f, ok := x.(float32); ok {
					// real columns: keep the two decimals they were given
					v[i], _ = strconv.ParseFloat(strconv.FormatFloat(float64(f), 'f', 2, 32), 64)
				}
			}
			if err := emit(export.Row(v)); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

func options(opts []directory.Option) []export.Category {
	out := make([]export.Category, len(opts))
	for i, o := range opts {
		out[i] = export.Category{Value: o.Value, Label: o.Label.FR + " / " + o.Label.EN}
	}
	return out
}

func categoryOptions() []export.Category {
	var out []export.Category
	for _, c := range directory.Categories() {
		out = append(out, export.Category{Value: c.Slug, Label: c.Label.FR + " / " + c.Label.EN})
	}
	return out
}

// DirectoryData describes the directory's open data: tools, their sources,
// vendors, adoptions and the evidence for each adoption. Rows stream from db
// when a file is written.
func DirectoryData(ctx context.Context, db postgres.Querier, version string, now time.Time, homepage string) (export.Dataset, error) {
	ds := export.Dataset{
		Name:    DirectoryDataset,
		Title:   "Civiscope : annuaire des outils de participation citoyenne et de leurs adoptions",
		Version: version,
		Created: now,
		Description: "Outils numériques de participation citoyenne, leurs éditeurs, les collectivités et organisations " +
			"qui les adoptent et les preuves de chaque adoption (source, date d'observation). " +
			"Civic tech tools, their vendors, the collectivités and organisations that adopt them, and the evidence for each adoption.",
		Homepage: homepage,
	}
	// Credit every source the rows come from, as the directory records them.
	rows, err := db.Query(ctx, `SELECT name, min(url) FROM (
		SELECT source_name AS name, source_url AS url FROM evidence
		UNION ALL SELECT name, url FROM tool_source) s GROUP BY name ORDER BY name`)
	if err != nil {
		return ds, fmt.Errorf("list sources: %w", err)
	}
	for rows.Next() {
		var s export.Source
		var url *string
		if err := rows.Scan(&s.Title, &url); err != nil {
			rows.Close()
			return ds, fmt.Errorf("list sources: %w", err)
		}
		if url != nil {
			s.Path = *url
		}
		ds.Sources = append(ds.Sources, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ds, fmt.Errorf("list sources: %w", err)
	}
	ds.Sources = append(ds.Sources, export.Source{Title: "INSEE, Code officiel géographique 2026 (via @etalab/decoupage-administratif 6.0.0)",
		Path: "https://www.npmjs.com/package/@etalab/decoupage-administratif"})

	s := func(name, fr, en, desc string) export.Field {
		return export.Field{Name: name, Type: export.String, Title: fr, TitleEN: en, Description: desc}
	}
	typed := func(f export.Field, t string) export.Field { f.Type = t; return f }
	coded := func(f export.Field, c []export.Category) export.Field { f.Categories = c; return f }
	code := func(f export.Field) export.Field { f.Text = true; return f }

	ds.Resources = []export.Resource{
		{
			Name: "tools", Title: "Outils / Tools",
			Fields: []export.Field{
				typed(s("tool_id", "identifiant", "id", "stable Civiscope identifier"), export.Integer),
				s("slug", "identifiant texte", "slug", "stable, used in URLs"),
				s("name", "nom", "name", ""),
				s("categories", "catégories", "categories", "category slugs separated by ';' (see the categories of adoptions.category)"),
				s("website", "site web", "website", ""),
				s("source_repo", "code source", "source repository", ""),
				s("licence", "licence", "licence", "SPDX identifier; empty when unknown"),
				typed(s("open_source", "open source", "open source", "empty when unknown, which is not the same as false"), export.Boolean),
				coded(s("business_model", "modèle économique", "business model", ""), options(directory.BusinessModels())),
				coded(s("hosting", "hébergement", "hosting", ""), options(directory.Hostings())),
				s("languages", "langues", "languages", "BCP 47 tags separated by ';'"),
				coded(s("accessibility", "accessibilité", "accessibility", "RGAA compliance as declared"), options(directory.Accessibilities())),
				typed(s("founded_year", "année de lancement", "launch year", ""), export.Integer),
				coded(s("lifecycle", "cycle de vie", "lifecycle", ""), options(directory.Lifecycles())),
				typed(s("lifecycle_since", "depuis", "lifecycle since", ""), export.Date),
				s("vendor", "éditeur", "vendor", "vendor slug, see vendors.csv"),
				typed(s("updated_at", "mis à jour", "updated", ""), export.DateTime),
			},
			Rows: stream(db, `SELECT t.id, t.slug, t.name,
				coalesce((SELECT string_agg(tc.category, ';' ORDER BY c.position) FROM tool_category tc JOIN category c ON c.slug = tc.category WHERE tc.tool_id = t.id), ''),
				t.website, t.source_repo, t.licence, t.open_source, t.business_model, t.hosting,
				array_to_string(t.languages, ';'), t.accessibility, t.founded_year, t.lifecycle, t.lifecycle_since,
				v.slug, t.updated_at
				FROM tool t LEFT JOIN vendor v ON v.id = t.vendor_id ORDER BY t.id`),
		},
		{
			Name: "tool_sources", Title: "Sources des fiches outils / Tool profile sources",
			Fields: []export.Field{
				s("tool", "outil", "tool", "tool slug"),
				coded(s("kind", "type de source", "source kind", ""), options(directory.SourceKinds())),
				s("name", "source", "source", ""),
				s("url", "adresse", "URL", ""),
				s("licence", "licence de la source", "source licence", ""),
				s("fields", "champs attestés", "fields backed", "profile fields this source backs, ';'-separated; empty means the whole profile"),
				typed(s("observed_on", "observé le", "observed on", ""), export.Date),
			},
			Rows: stream(db, `SELECT t.slug, s.kind, s.name, s.url, s.licence, array_to_string(s.fields, ';'), s.observed_on
				FROM tool_source s JOIN tool t ON t.id = s.tool_id ORDER BY t.slug, s.id`),
		},
		{
			Name: "vendors", Title: "Éditeurs / Vendors",
			Fields: []export.Field{
				s("slug", "identifiant texte", "slug", ""),
				s("name", "nom", "name", ""),
				coded(s("kind", "type", "kind", ""), options(directory.VendorKinds())),
				code(s("siren", "SIREN", "SIREN", "French company register number, nine digits")),
				s("country", "pays", "country", "ISO 3166-1 alpha-2"),
				s("website", "site web", "website", ""),
			},
			Rows: stream(db, `SELECT slug, name, kind, siren, country, website FROM vendor ORDER BY slug`),
		},
		{
			Name: "adoptions", Title: "Adoptions",
			Description: "One adopter × one tool × one instance. Territorial codes are INSEE codes (SIREN for EPCI) and must be read as text.",
			Fields: []export.Field{
				typed(s("adoption_id", "identifiant", "id", ""), export.Integer),
				s("tool", "outil", "tool", "tool slug, see tools.csv"),
				coded(s("adopter_kind", "type d'adoptant", "adopter kind", ""), options(AdopterKinds())),
				code(s("territory_code", "code INSEE", "INSEE code", "INSEE code of the commune, département or région; SIREN of the EPCI or EPT")),
				s("territory_name", "collectivité", "collectivité", ""),
				code(s("departement", "département", "département", "INSEE code")),
				code(s("region", "région", "région", "INSEE code")),
				typed(s("population", "population", "population", "INSEE municipal population of the collectivité"), export.Integer),
				s("organisation", "organisation", "organisation", "slug of an adopter that is not a collectivité"),
				s("organisation_name", "nom de l'organisation", "organisation name", ""),
				s("instance_url", "adresse de l'instance", "instance URL", ""),
				coded(s("category", "usage", "purpose", "what the adopter uses the tool for; empty when unknown"), categoryOptions()),
				typed(s("started_on", "début", "started", "month, ISO 8601 (YYYY-MM)"), export.YearMonth),
				typed(s("ended_on", "fin", "ended", "month, ISO 8601 (YYYY-MM)"), export.YearMonth),
				coded(s("status", "statut", "status", ""), options(directory.AdoptionStatuses())),
				typed(s("confidence", "confiance", "confidence", "0 to 1: how sure the observatory is, from its evidence"), export.Number),
				typed(s("evidence_count", "preuves", "evidence", "rows in evidence.csv"), export.Integer),
				typed(s("attested_first", "attestée depuis", "attested since", "the earliest date any evidence saw the adoption (ISO 8601); an observation, not the start, which is started_on"), export.Date),
				typed(s("attested_last", "attestée jusqu'au", "attested until", "the latest date any evidence saw the adoption (ISO 8601); an observation, not the end, which is ended_on"), export.Date),
			},
			Rows: stream(db, `SELECT a.id, tl.slug, coalesce(t.kind, 'organisation'), t.code, t.name,
				CASE WHEN t.kind = 'departement' THEN t.code ELSE t.departement_code END,
				CASE WHEN t.kind = 'region' THEN t.code ELSE t.region_code END, t.population::bigint,
				o.slug, o.name, a.instance_url, a.category, a.started_on, a.ended_on, a.status, a.confidence,
				(SELECT count(*) FROM evidence e WHERE e.adoption_id = a.id), a.attested_first, a.attested_last
				FROM adoption a JOIN tool tl ON tl.id = a.tool_id
				LEFT JOIN territory t ON t.id = a.territory_id
				LEFT JOIN organisation o ON o.id = a.organisation_id
				ORDER BY a.id`),
		},
		{
			Name: "evidence", Title: "Preuves des adoptions / Adoption evidence",
			Fields: []export.Field{
				typed(s("evidence_id", "identifiant", "id", ""), export.Integer),
				typed(s("adoption_id", "adoption", "adoption", "see adoptions.csv"), export.Integer),
				coded(s("source_kind", "type de source", "source kind", ""), options(directory.SourceKinds())),
				s("source_name", "source", "source", ""),
				s("source_url", "adresse", "URL", ""),
				s("source_licence", "licence de la source", "source licence", ""),
				typed(s("observed_at", "observé le", "observed at", "ISO 8601, UTC; date_meaning says what it stands for"), export.DateTime),
				typed(s("observed_until", "observé jusqu'au", "observed until", "ISO 8601, UTC: the last observation of a span observed_at opens (a daily census's last answer); never an end date"), export.DateTime),
				coded(s("date_meaning", "sens de la date", "date meaning", ""), options(directory.DateMeanings())),
			},
			Rows: stream(db, `SELECT id, adoption_id, source_kind, source_name, source_url, source_licence, observed_at,
				observed_until, date_meaning FROM evidence ORDER BY id`),
		},
	}
	return ds, nil
}

// directorySummary is the first sheet of the directory workbook.
func directorySummary(ctx context.Context, db postgres.Querier, ds export.Dataset) (export.Summary, error) {
	sum := export.Summary{
		Title: ds.Title,
		Facts: [][2]string{
			{"Jeu de données / Dataset", ds.Name},
			{"Version", ds.Version},
			{"Publié le / Published", ds.Created.UTC().Format(time.RFC3339)},
			{"Licence", export.Etalab2().Title + " (" + export.Etalab2().Path + ")"},
			{"Citer / Cite as", fmt.Sprintf("Civiscope (%d). %s, version %s. %s", ds.Created.Year(), ds.Title, ds.Version, ds.Homepage)},
			{"Intégrité / Integrity", "SHA-256 de chaque fichier dans SHA256SUMS et datapackage.json"},
		},
	}
	for _, s := range ds.Sources {
		sum.Facts = append(sum.Facts, [2]string{"Source", s.Title + " " + s.Path})
	}
	years, err := Adoptions(ctx, db, ByYear, Filter{})
	if err != nil {
		return sum, err
	}
	cats, err := Adoptions(ctx, db, ByCategory, Filter{})
	if err != nil {
		return sum, err
	}
	chart := func(b *Breakdown, title, kind string) export.SummaryChart {
		c := export.SummaryChart{Title: title, Kind: kind, Header: [2]string{string(b.Dimension), "adoptions"}}
		for _, r := range b.Rows {
			c.Labels = append(c.Labels, r.Label.FR)
			c.Values = append(c.Values, float64(r.N))
		}
		return c
	}
	sum.Charts = []export.SummaryChart{
		chart(years, "Adoptions par année / per year", "col"),
		chart(cats, "Adoptions par catégorie / by category", "bar"),
	}
	var slugs []string
	for _, c := range directory.Categories() {
		slugs = append(slugs, c.Slug)
	}
	// adoptions.category is column L (the twelfth field).
	sum.Picker = &export.Picker{
		Label:   "Catégorie / Category",
		Options: slugs,
		Result:  "Adoptions de cette catégorie / of this category",
		Formula: `COUNTIF(adoptions!L:L,{cell})`,
	}
	return sum, nil
}

// PublishDirectory refreshes the trend views and publishes a new release of
// the directory's open data under root.
func PublishDirectory(ctx context.Context, pool *pgxpool.Pool, root, homepage string, now time.Time) (*export.Release, error) {
	if _, err := Refresh(ctx, pool); err != nil {
		return nil, err
	}
	version := export.VersionAt(now)
	return export.Publish(ctx, pool, root, DirectoryDataset, version, func(ctx context.Context, dir string) (map[string]int64, error) {
		// One repeatable-read snapshot, so that adoptions.csv and
		// evidence.csv agree even while curators edit.
		tx, err := pool.BeginTx(ctx, pgxTxOptions())
		if err != nil {
			return nil, fmt.Errorf("begin snapshot: %w", err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only
		ds, err := DirectoryData(ctx, tx, version, now, homepage)
		if err != nil {
			return nil, err
		}
		sum, err := directorySummary(ctx, tx, ds)
		if err != nil {
			return nil, err
		}
		return export.WriteAll(ctx, dir, ds, sum)
	})
}
