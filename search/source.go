package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// The read model: documents are built from the directory's tables with
// plain SQL. Both backends index exactly these documents.

// toolSQL selects one row per tool with everything its document needs. The
// adopters' facets come from the collectivités that adopt it, each of its
// own kind and banded among its kind, as a tool page's adopter filters do
// (an EPT is an EPT, not an EPCI), so that a search's "used by" filters
// carried to the tool page list the same adopters.
const toolSQL = `SELECT t.id, t.slug, t.name, t.tagline_fr, t.tagline_en, t.description_fr, t.description_en,
	coalesce(t.licence, ''), t.open_source, t.business_model, t.hosting, t.lifecycle, t.updated_at,
	coalesce(v.name, ''), coalesce(v.kind, ''), coalesce(v.country, ''),
	coalesce((SELECT array_agg(c.category ORDER BY c.category) FROM tool_category c WHERE c.tool_id = t.id), '{}'),
	coalesce(a.n, 0), coalesce(a.adopters, '{}')
FROM tool t
LEFT JOIN vendor v ON v.id = t.vendor_id
LEFT JOIN LATERAL (
	SELECT count(*) AS n,
		array_agg(DISTINCT concat_ws('|', te.kind,
			coalesce(CASE te.kind WHEN 'region' THEN te.code ELSE te.region_code END, ''), coalesce(te.population::text, '')))
			FILTER (WHERE te.id IS NOT NULL) AS adopters
	FROM adoption ad LEFT JOIN territory te ON te.id = ad.territory_id
	WHERE ad.tool_id = t.id
) a ON true`

func scanTools(rows pgx.Rows) ([]Document, error) {
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var tagFR, tagEN, descFR, descEN, licence, model, hosting, lifecycle, vname, vkind, vcountry string
		var open *bool
		var cats, adopters []string
		if err := rows.Scan(&d.EntityID, &d.Slug, &d.Name, &tagFR, &tagEN, &descFR, &descEN, &licence, &open,
			&model, &hosting, &lifecycle, &d.UpdatedAt, &vname, &vkind, &vcountry, &cats, &d.Adopters,
			&adopters); err != nil {
			return nil, fmt.Errorf("read tools for search: %w", err)
		}
		d.Type, d.ID = TypeTool, DocID(TypeTool, d.EntityID)
		d.Summary = firstNonEmpty(tagFR, tagEN)
		d.Description = firstNonEmpty(descFR, descEN)
		kw := []string{vname}
		for _, c := range cats {
			kw = append(kw, PracticeWords(c)...)
		}
		if tagFR != "" {
			kw = append(kw, tagEN)
		}
		if descFR != "" {
			kw = append(kw, descEN)
		}
		d.Keywords = joinNonEmpty(kw)
		os := "unknown"
		if open != nil {
			os = map[bool]string{true: "yes", false: "no"}[*open]
		}
		d.Facets = map[string][]string{
			FacetType: {string(TypeTool)}, FacetCategory: cats, FacetOpenSource: {os},
			FacetLicence: {firstNonEmpty(licence, "unknown")}, FacetBusinessModel: {model},
			FacetLifecycle: {lifecycle}, FacetHosting: {hosting},
		}
		addAdopters(d.Facets, adopters)
		if vkind != "" {
			d.Facets[FacetVendorKind] = []string{vkind}
		}
		if vcountry != "" {
			d.Facets[FacetCountry] = []string{vcountry}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// addAdopters sets the "used by" facets from the adopters' kind|région|
// population triples (région and population may be empty): the plain
// values, and the hidden combinations of each adopter (see AdopterKeys).
func addAdopters(f map[string][]string, adopters []string) {
	add := func(name, v string) {
		if v != "" && !slices.Contains(f[name], v) {
			f[name] = append(f[name], v)
		}
	}
	for _, a := range adopters {
		parts := strings.Split(a, "|")
		if len(parts) != 3 {
			continue
		}
		kind, region, bracket := parts[0], parts[1], ""
		if n, err := strconv.Atoi(parts[2]); err == nil {
			bracket = territory.BracketOf(territory.Kind(kind), n).Value()
		}
		add(FacetAdopterType, kind)
		add(FacetAdopterRegion, region)
		add(FacetAdopterPopulation, bracket)
		for _, k := range adopterCombinations(kind, region, bracket) {
			add(FacetAdopter, k)
		}
	}
	for _, name := range adopterFacets() {
		slices.Sort(f[name])
	}
}

const vendorSQL = `SELECT v.id, v.slug, v.name, v.kind, coalesce(v.country, ''), v.updated_at,
	coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM tool t WHERE t.vendor_id = v.id), '{}'),
	(SELECT count(*) FROM adoption a JOIN tool t ON t.id = a.tool_id WHERE t.vendor_id = v.id)
FROM vendor v`

func scanVendors(rows pgx.Rows) ([]Document, error) {
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var kind, country string
		var tools []string
		if err := rows.Scan(&d.EntityID, &d.Slug, &d.Name, &kind, &country, &d.UpdatedAt, &tools, &d.Adopters); err != nil {
			return nil, fmt.Errorf("read vendors for search: %w", err)
		}
		d.Type, d.ID = TypeVendor, DocID(TypeVendor, d.EntityID)
		label := directory.VendorKind(kind).Label().FR
		if kind == string(directory.VendorUnknown) {
			label = "éditeur"
		}
		parts := []string{label, country}
		if len(tools) > 0 {
			shown := tools[:min(len(tools), 4)]
			s := "outils : " + strings.Join(shown, ", ")
			if len(tools) > len(shown) {
				s += fmt.Sprintf(" et %d autres", len(tools)-len(shown))
			}
			parts = append(parts, s)
		}
		d.Summary = joinNonEmptySep(parts, " · ")
		d.Keywords = strings.Join(tools, " ")
		d.Facets = map[string][]string{FacetType: {string(TypeVendor)}, FacetVendorKind: {kind}}
		if country != "" {
			d.Facets[FacetCountry] = []string{country}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

const territorySQL = `SELECT te.id, te.kind, te.code, te.name, te.population, te.updated_at,
	coalesce(te.siren, ''), array_to_string(te.postal_codes, ' '),
	coalesce(dep.code, ''), coalesce(dep.name, ''), coalesce(reg.name, ''),
	(SELECT count(*) FROM adoption a WHERE a.territory_id = te.id)
FROM territory te
LEFT JOIN territory dep ON dep.kind = 'departement' AND dep.code = te.departement_code AND te.kind <> 'departement'
LEFT JOIN territory reg ON reg.kind = 'region' AND reg.code = te.region_code AND te.kind <> 'region'`

func scanTerritories(rows pgx.Rows) ([]Document, error) {
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var kind, code, siren, postal, depCode, depName, regName string
		var pop *int32
		if err := rows.Scan(&d.EntityID, &kind, &code, &d.Name, &pop, &d.UpdatedAt, &siren, &postal,
			&depCode, &depName, &regName, &d.Adopters); err != nil {
			return nil, fmt.Errorf("read territories for search: %w", err)
		}
		d.Type, d.ID = TypeTerritory, DocID(TypeTerritory, d.EntityID)
		d.Slug = kind + "-" + code
		parts := []string{territoryKindLabel(kind)}
		if depName != "" {
			parts = append(parts, depName+" ("+depCode+")")
		}
		parts = append(parts, regName)
		if pop != nil {
			parts = append(parts, frenchNumber(int(*pop))+" hab.")
			d.Population = int(*pop)
		}
		d.Summary = joinNonEmptySep(parts, " · ")
		// Codes find their place: INSEE code, SIREN, postal codes.
		if siren == code {
			siren = ""
		}
		d.Keywords = joinNonEmpty([]string{depName, regName, code, siren, postal})
		d.Facets = map[string][]string{FacetType: {string(TypeTerritory)}}
		out = append(out, d)
	}
	return out, rows.Err()
}

func territoryKindLabel(kind string) string {
	switch kind {
	case "commune":
		return "Commune"
	case "epci":
		return "Intercommunalité"
	case "ept":
		return "Établissement public territorial"
	case "departement":
		return "Département"
	case "region":
		return "Région"
	}
	return kind
}

// frenchNumber writes 522250 as "522 250".
func frenchNumber(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func joinNonEmpty(s []string) string { return joinNonEmptySep(s, "\n") }

func joinNonEmptySep(s []string, sep string) string {
	var out []string
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return strings.Join(out, sep)
}

// LoadDocuments builds the documents with these ids from the directory.
// Ids whose entity no longer exists (or a territory that became historic)
// come back in gone, for the index to delete.
func LoadDocuments(ctx context.Context, db postgres.Querier, ids []string) (docs []Document, gone []string, err error) {
	byType := map[Type][]int64{}
	for _, id := range ids {
		t, n, err := ParseDocID(id)
		if err != nil {
			return nil, nil, err
		}
		byType[t] = append(byType[t], n)
	}
	found := map[string]bool{}
	for t, list := range byType {
		got, err := loadType(ctx, db, t, "%[1]s.id = ANY($1)", 0, list)
		if err != nil {
			return nil, nil, err
		}
		for _, d := range got {
			found[d.ID] = true
		}
		docs = append(docs, got...)
	}
	for _, id := range ids {
		if !found[id] {
			gone = append(gone, id)
		}
	}
	return docs, gone, nil
}

// loadType runs the document query of one type, restricted by where, in
// which %[1]s stands for the main table's alias.
func loadType(ctx context.Context, db postgres.Querier, t Type, where string, limit int, args ...any) ([]Document, error) {
	var sql, alias string
	var scan func(pgx.Rows) ([]Document, error)
	switch t {
	case TypeTool:
		sql, alias, scan = toolSQL+" WHERE ", "t", scanTools
	case TypeVendor:
		sql, alias, scan = vendorSQL+" WHERE ", "v", scanVendors
	case TypeTerritory:
		sql, alias, scan = territorySQL+" WHERE NOT te.historic AND ", "te", scanTerritories
	default:
		return nil, fmt.Errorf("unknown document type %q", t)
	}
	sql += fmt.Sprintf(where, alias) + " ORDER BY " + alias + ".id"
	if limit > 0 {
		sql += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("load %s documents: %w", t, err)
	}
	return scan(rows)
}

// EachDocument calls fn with every document of the directory, in batches
// of about size, tools first, then vendors, then territories.
func EachDocument(ctx context.Context, db postgres.Querier, size int, fn func([]Document) error) error {
	for _, t := range []Type{TypeTool, TypeVendor, TypeTerritory} {
		var after int64
		for {
			docs, err := loadType(ctx, db, t, "%[1]s.id > $1", size, after)
			if err != nil {
				return err
			}
			if len(docs) == 0 {
				break
			}
			if err := fn(docs); err != nil {
				return err
			}
			after = docs[len(docs)-1].EntityID
		}
	}
	return nil
}
