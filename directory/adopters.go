package directory

import (
	"context"
	"fmt"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// CollectiviteQuery narrows the adoptions by French collectivités (those
// of the INSEE register): of one tool, or of every tool when ToolID is 0
// (a département's communes and what they use). Empty fields do not
// filter.
type CollectiviteQuery struct {
	ToolID      int64
	Kind        territory.Kind
	Region      string // INSEE code of the région
	Departement string // INSEE code of the département
	Bracket     string // a territory.Bracket value; implies its kind
	Status      AdoptionStatus
	// AttestedIn keeps the adoptions whose evidence attests them during
	// that year (their attested span meets it); 0 does not filter.
	AttestedIn int
	Sort       string // SortPopulation (default), SortName or SortAttested
	Limit      int    // default 50, at most MaxPageSize
	Offset     int
}

// Orders of a list of collectivités.
const (
	SortPopulation = "population" // largest first
	SortName       = "name"       // A to Z
	// SortAttested puts the longest attested first: the earliest first
	// observation of any evidence, never a start date.
	SortAttested = "attested"
)

// CollectiviteList is one page of adoptions by collectivités, with the
// number matching, and how the tool's collectivités split by kind and by
// population band under the other filters (for the counts next to each
// choice).
type CollectiviteList struct {
	Adoptions []Adoption
	Total     int
	ByKind    map[territory.Kind]int
	ByBracket map[string]int
}

// Validate names every field that is wrong.
func (q CollectiviteQuery) Validate() error {
	var v validator
	if q.Kind != "" && !q.Kind.Valid() {
		v.add("kind", "unknown kind %q (commune, epci, ept, departement or region)", q.Kind)
	}
	if b, ok := territory.ParseBracket(q.Bracket); q.Bracket != "" && !ok {
		v.add("bracket", "unknown population band %q", q.Bracket)
	} else if ok && q.Kind != "" && b.Kind != q.Kind {
		v.add("bracket", "the band %q is for another kind than %s", q.Bracket, q.Kind)
	}
	if q.Status != "" && !q.Status.Valid() {
		v.add("status", "unknown status %q (current, ended or unknown)", q.Status)
	}
	if q.Sort != "" && q.Sort != SortPopulation && q.Sort != SortName && q.Sort != SortAttested {
		v.add("sort", "unknown order %q (population, name or attested)", q.Sort)
	}
	if q.AttestedIn != 0 && (q.AttestedIn < 1990 || q.AttestedIn > 2100) {
		v.add("attested_in", "a year between 1990 and 2100")
	}
	if q.Limit < 0 || q.Limit > MaxPageSize {
		v.add("limit", "must be between 1 and %d", MaxPageSize)
	}
	if q.Offset < 0 {
		v.add("offset", "must not be negative")
	}
	for field, code := range map[string]string{"region": q.Region, "departement": q.Departement} {
		if len(code) > 3 || strings.ContainsFunc(code, func(r rune) bool { return !(r >= '0' && r <= '9' || r == 'A' || r == 'B') }) {
			v.add(field, "%q is not an INSEE code", code)
		}
	}
	return v.err()
}

// where builds the conditions of q, leaving out the kind and band when
// told (the counts by kind and by band ignore their own choice).
func (q CollectiviteQuery) where(arg func(any) string, withKind, withBracket bool) string {
	cond := []string{`a.territory_id IS NOT NULL`}
	if q.ToolID != 0 {
		cond = append(cond, `a.tool_id = `+arg(q.ToolID))
	}
	if q.Region != "" {
		cond = append(cond, `(te.region_code = `+arg(q.Region)+` OR te.kind = 'region' AND te.code = `+arg(q.Region)+`)`)
	}
	if q.Departement != "" {
		cond = append(cond, `(te.departement_code = `+arg(q.Departement)+` OR te.kind = 'departement' AND te.code = `+arg(q.Departement)+`)`)
	}
	if q.Status != "" {
		cond = append(cond, `a.status = `+arg(string(q.Status)))
	}
	if q.AttestedIn != 0 {
		cond = append(cond, `a.attested_first < make_date(`+arg(q.AttestedIn+1)+`, 1, 1)`,
			`a.attested_last >= make_date(`+arg(q.AttestedIn)+`, 1, 1)`)
	}
	if withKind && q.Kind != "" {
		cond = append(cond, `te.kind = `+arg(string(q.Kind)))
	}
	if b, ok := territory.ParseBracket(q.Bracket); withBracket && ok {
		cond = append(cond, `te.kind = `+arg(string(b.Kind)), `te.population >= `+arg(b.Min))
		if b.Max > 0 {
			cond = append(cond, `te.population < `+arg(b.Max))
		}
	}
	return strings.Join(cond, ` AND `)
}

// ListCollectivites returns one page of adoptions by collectivités matching
// q, with their evidence, and the counts by kind and band.
func ListCollectivites(ctx context.Context, db postgres.Querier, q CollectiviteQuery) (*CollectiviteList, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = 50
	}
	var args []any
	arg := func(x any) string { args = append(args, x); return fmt.Sprintf("$%d", len(args)) }
	order := `te.population DESC NULLS LAST, te.name, a.id`
	switch q.Sort {
	case SortName:
		order = `te.name_norm, te.code, a.id`
	case SortAttested:
		order = `a.attested_first NULLS LAST, te.population DESC NULLS LAST, a.id`
	}
	sql := strings.Replace(adoptionSelect, `SELECT `, `SELECT count(*) OVER (), `, 1) +
		` WHERE ` + q.where(arg, true, true) + ` ORDER BY ` + order + ` LIMIT ` + arg(limit) + ` OFFSET ` + arg(q.Offset)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list adopting collectivités: %w", err)
	}
	out := &CollectiviteList{ByKind: map[territory.Kind]int{}, ByBracket: map[string]int{}}
	var ids []int64
	for rows.Next() {
		var total int
		a, err := scanAdoption(prefixed{rows, &total})
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list adopting collectivités: %w", err)
		}
		out.Total = total
		out.Adoptions = append(out.Adoptions, *a)
		ids = append(ids, a.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list adopting collectivités: %w", err)
	}
	if len(out.Adoptions) == 0 && q.Offset > 0 {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "this page is past the last adopter")
	}
	if len(ids) > 0 {
		ev, err := evidenceOf(ctx, db, ids)
		if err != nil {
			return nil, err
		}
		for i := range out.Adoptions {
			out.Adoptions[i].Evidence = ev[out.Adoptions[i].ID]
		}
	}
	if err := q.count(ctx, db, out); err != nil {
		return nil, err
	}
	return out, nil
}

// count fills the counts by kind (under every filter but the kind and
// band) and by band (under every filter but the band).
func (q CollectiviteQuery) count(ctx context.Context, db postgres.Querier, out *CollectiviteList) error {
	var args []any
	arg := func(x any) string { args = append(args, x); return fmt.Sprintf("$%d", len(args)) }
	rows, err := db.Query(ctx, `SELECT te.kind, te.population FROM adoption a JOIN territory te ON te.id = a.territory_id
		WHERE `+q.where(arg, false, false), args...)
	if err != nil {
		return fmt.Errorf("count adopting collectivités: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind territory.Kind
		var pop *int
		if err := rows.Scan(&kind, &pop); err != nil {
			return fmt.Errorf("count adopting collectivités: %w", err)
		}
		out.ByKind[kind]++
		if pop != nil && (q.Kind == "" || q.Kind == kind) {
			out.ByBracket[territory.BracketOf(kind, *pop).Value()]++
		}
	}
	return rows.Err()
}

// prefixed scans a leading column (a window count) before an adoption.
type prefixed struct {
	row   interface{ Scan(...any) error }
	first *int
}

func (p prefixed) Scan(dest ...any) error { return p.row.Scan(append([]any{p.first}, dest...)...) }

// CountOrganisationAdopters counts a tool's adoptions by organisations
// (associations, companies, foreign bodies): not collectivités.
func CountOrganisationAdopters(ctx context.Context, db postgres.Querier, toolID int64) (int, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM adoption WHERE tool_id = $1 AND organisation_id IS NOT NULL`, toolID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count organisation adopters: %w", err)
	}
	return n, nil
}
