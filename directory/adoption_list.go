package directory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/postgres"
)

// AdoptionFilter narrows ListAdoptions. Empty fields do not filter.
type AdoptionFilter struct {
	ToolSlug         string
	ToolID           int64
	TerritoryID      int64
	OrganisationSlug string
	// OnlyTerritories keeps adoptions by collectivités; OnlyOrganisations the
	// others. Territorial statistics use OnlyTerritories.
	OnlyTerritories   bool
	OnlyOrganisations bool
	Status            AdoptionStatus
	// After is the keyset cursor: the id of the last adoption of the previous
	// page (AdoptionPage.Next). Adoptions are ordered by id.
	After int64
	Limit int // default 50, at most MaxPageSize
	// WithoutEvidence skips loading evidence, for counts and maps.
	WithoutEvidence bool
}

// AdoptionPage is one page of adoptions; Next is 0 on the last page.
type AdoptionPage struct {
	Adoptions []Adoption
	Next      int64
}

const adoptionSelect = `SELECT a.id, a.tool_id, coalesce(a.territory_id, 0), coalesce(a.organisation_id, 0),
	coalesce(a.instance_url, ''), coalesce(a.category, ''), a.started_on, a.ended_on, a.status,
	a.confidence, a.created_at, a.updated_at,
	t.slug, t.name,
	coalesce(te.kind, ''), coalesce(te.code, ''), coalesce(te.name, ''), coalesce(te.departement_code, ''),
	coalesce(te.region_code, ''), te.population,
	coalesce(o.slug, ''), coalesce(o.name, ''), coalesce(o.kind, ''), coalesce(o.country, ''), coalesce(o.website, ''),
	a.attested_first, a.attested_last,
	coalesce((SELECT e.source_name FROM evidence e WHERE e.adoption_id = a.id ORDER BY e.observed_at, e.id LIMIT 1), ''),
	coalesce((SELECT e.source_name FROM evidence e WHERE e.adoption_id = a.id
	          ORDER BY coalesce(e.observed_until, e.observed_at) DESC, e.id LIMIT 1), '')
	FROM adoption a
	JOIN tool t ON t.id = a.tool_id
	LEFT JOIN territory te ON te.id = a.territory_id
	LEFT JOIN organisation o ON o.id = a.organisation_id`

func scanAdoption(row pgx.Row) (*Adoption, error) {
	var a Adoption
	var tool ToolRef
	var ter TerritoryRef
	var org Organisation
	var conf float32
	err := row.Scan(&a.ID, &a.ToolID, &a.TerritoryID, &a.OrganisationID, &a.InstanceURL, &a.Category,
		&a.StartedOn, &a.EndedOn, &a.Status, &conf, &a.CreatedAt, &a.UpdatedAt,
		&tool.Slug, &tool.Name,
		&ter.Kind, &ter.Code, &ter.Name, &ter.Departement, &ter.Region, &ter.Population,
		&org.Slug, &org.Name, &org.Kind, &org.Country, &org.Website,
		&a.Attested.First, &a.Attested.Last, &a.Attested.FirstSource, &a.Attested.LastSource)
	if err != nil {
		return nil, err
	}
	a.Confidence = roundConfidence(float64(conf))
	tool.ID = a.ToolID
	a.Tool = &tool
	if a.TerritoryID != 0 {
		ter.ID = a.TerritoryID
		a.Territory = &ter
	}
	if a.OrganisationID != 0 {
		org.ID = a.OrganisationID
		a.Organisation = &org
	}
	return &a, nil
}

func getAdoption(ctx context.Context, q postgres.Querier, id int64, lock bool) (*Adoption, error) {
	sql := adoptionSelect + ` WHERE a.id = $1`
	if lock {
		sql += ` FOR UPDATE OF a`
	}
	a, err := scanAdoption(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("adoption", fmt.Sprint(id))
	}
	if err != nil {
		return nil, fmt.Errorf("get adoption %d: %w", id, err)
	}
	return a, nil
}

// GetAdoption returns one adoption with its evidence.
func GetAdoption(ctx context.Context, db postgres.Querier, id int64) (*Adoption, error) {
	a, err := getAdoption(ctx, db, id, false)
	if err != nil {
		return nil, err
	}
	ev, err := evidenceOf(ctx, db, []int64{id})
	if err != nil {
		return nil, err
	}
	a.Evidence = ev[id]
	return a, nil
}

// ListAdoptions returns one page of adoptions matching f, with their
// evidence, ordered by id.
func ListAdoptions(ctx context.Context, db postgres.Querier, f AdoptionFilter) (*AdoptionPage, error) {
	var v validator
	if f.Status != "" && !f.Status.Valid() {
		v.add("status", "unknown status %q (current, ended or unknown)", f.Status)
	}
	if f.Limit < 0 || f.Limit > MaxPageSize {
		v.add("limit", "must be between 1 and %d", MaxPageSize)
	}
	if f.After < 0 {
		return nil, errBadCursor("adoptions")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = 50
	}
	var where []string
	var args []any
	arg := func(x any) string { args = append(args, x); return fmt.Sprintf("$%d", len(args)) }
	if f.ToolSlug != "" {
		where = append(where, `t.slug = `+arg(f.ToolSlug))
	}
	if f.ToolID != 0 {
		where = append(where, `a.tool_id = `+arg(f.ToolID))
	}
	if f.TerritoryID != 0 {
		where = append(where, `a.territory_id = `+arg(f.TerritoryID))
	}
	if f.OrganisationSlug != "" {
		where = append(where, `o.slug = `+arg(f.OrganisationSlug))
	}
	if f.OnlyTerritories {
		where = append(where, `a.territory_id IS NOT NULL`)
	}
	if f.OnlyOrganisations {
		where = append(where, `a.organisation_id IS NOT NULL`)
	}
	if f.Status != "" {
		where = append(where, `a.status = `+arg(string(f.Status)))
	}
	if f.After > 0 {
		where = append(where, `a.id > `+arg(f.After))
	}
	sql := adoptionSelect
	if len(where) > 0 {
		sql += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sql += ` ORDER BY a.id LIMIT ` + arg(limit+1)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list adoptions: %w", err)
	}
	defer rows.Close()
	page := &AdoptionPage{}
	for rows.Next() {
		a, err := scanAdoption(rows)
		if err != nil {
			return nil, fmt.Errorf("list adoptions: %w", err)
		}
		page.Adoptions = append(page.Adoptions, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list adoptions: %w", err)
	}
	if len(page.Adoptions) > limit {
		page.Adoptions = page.Adoptions[:limit]
		page.Next = page.Adoptions[limit-1].ID
	}
	if f.WithoutEvidence || len(page.Adoptions) == 0 {
		return page, nil
	}
	ids := make([]int64, len(page.Adoptions))
	for i, a := range page.Adoptions {
		ids[i] = a.ID
	}
	ev, err := evidenceOf(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	for i := range page.Adoptions {
		page.Adoptions[i].Evidence = ev[page.Adoptions[i].ID]
	}
	return page, nil
}

func evidenceOf(ctx context.Context, q postgres.Querier, ids []int64) (map[int64][]Evidence, error) {
	rows, err := q.Query(ctx, `SELECT id, adoption_id, source_kind, source_name, coalesce(source_url, ''),
		source_licence, observed_at, observed_until, date_meaning, excerpt, fingerprint FROM evidence
		WHERE adoption_id = ANY($1) ORDER BY adoption_id, observed_at, id`, ids)
	if err != nil {
		return nil, fmt.Errorf("load evidence: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Evidence{}
	for rows.Next() {
		var e Evidence
		if err := rows.Scan(&e.ID, &e.AdoptionID, &e.SourceKind, &e.SourceName, &e.SourceURL,
			&e.SourceLicence, &e.ObservedAt, &e.ObservedUntil, &e.DateMeaning, &e.Excerpt, &e.Fingerprint); err != nil {
			return nil, fmt.Errorf("load evidence: %w", err)
		}
		out[e.AdoptionID] = append(out[e.AdoptionID], e)
	}
	return out, rows.Err()
}

// roundConfidence keeps two decimals: the column is a real, and a float32
// round trip must not look like a change in the revision log.
func roundConfidence(c float64) float64 { return math.Round(c*100) / 100 }
