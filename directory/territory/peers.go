package territory

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/postgres"
)

// Page is a slice of a longer list, with the full count.
type Page struct {
	Items []Territory
	Total int
}

// MembersOf lists the territories that belong to t, largest first: the
// communes of an EPCI, EPT or département, the départements of a région.
// Communes have no members.
func MembersOf(ctx context.Context, db postgres.Querier, t *Territory, limit, offset int) (Page, error) {
	var where string
	switch t.Kind {
	case EPCI:
		where = `kind = 'commune' AND epci_code = $1`
	case EPT:
		where = `kind = 'commune' AND ept_code = $1`
	case Departement:
		where = `kind = 'commune' AND departement_code = $1`
	case Region:
		where = `kind = 'departement' AND region_code = $1`
	default:
		return Page{}, nil
	}
	return listPage(ctx, db, fmt.Sprintf("members of %s %s", t.Kind, t.Code), where+` AND NOT historic`, limit, offset, t.Code)
}

// EPCIsOf lists the EPCI whose communes lie in a département (an EPCI may
// straddle two), largest first.
func EPCIsOf(ctx context.Context, db postgres.Querier, dept string, limit, offset int) (Page, error) {
	return listPage(ctx, db, "EPCI of département "+dept,
		`kind = 'epci' AND code IN (SELECT epci_code FROM territory WHERE kind = 'commune' AND departement_code = $1 AND epci_code IS NOT NULL)`,
		limit, offset, dept)
}

// listPage runs one filtered listing and its count in a single round trip.
func listPage(ctx context.Context, db postgres.Querier, what, where string, limit, offset int, args ...any) (Page, error) {
	n := len(args)
	sql := fmt.Sprintf(`SELECT `+columns("")+`, count(*) OVER () FROM territory WHERE %s
		ORDER BY population DESC NULLS LAST, name, code LIMIT $%d OFFSET $%d`, where, n+1, n+2)
	rows, err := db.Query(ctx, sql, append(args, limit, offset)...)
	if err != nil {
		return Page{}, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	var p Page
	for rows.Next() {
		var t Territory
		if err := rows.Scan(&t.ID, &t.Kind, &t.Code, &t.SIREN, &t.Name, &t.LegalForm,
			&t.Departement, &t.Region, &t.EPCI, &t.EPT, &t.Zone, &t.Population,
			&t.PostalCodes, &t.Historic, &p.Total); err != nil {
			return Page{}, fmt.Errorf("list %s: %w", what, err)
		}
		p.Items = append(p.Items, t)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("list %s: %w", what, err)
	}
	if len(p.Items) == 0 && offset > 0 {
		// Past the end: the window count is unknown, ask for it.
		if err := db.QueryRow(ctx, `SELECT count(*) FROM territory WHERE `+where, args...).Scan(&p.Total); err != nil && err != pgx.ErrNoRows {
			return Page{}, fmt.Errorf("count %s: %w", what, err)
		}
	}
	return p, nil
}

// List returns the current territories of a kind, largest first.
func List(ctx context.Context, db postgres.Querier, kind Kind, limit, offset int) (Page, error) {
	return listPage(ctx, db, "territories of kind "+string(kind), `kind = $1 AND NOT historic`, limit, offset, kind)
}

// Peers lists territories like t: same kind (and same legal form for an
// EPCI), same population band, same région; largest first, t excluded. A
// territory without a population or a région has no peers. It is answered
// from the in-memory register: the web asks for peers on every territory
// page, and filtering 36k entries costs well under a millisecond where a SQL
// scan costs several.
func (ix *Index) Peers(t *Territory, limit, offset int) (Page, Bracket) {
	if t.Population == nil || t.Region == "" || t.Kind == Region {
		return Page{}, Bracket{}
	}
	b := BracketOf(t.Kind, *t.Population)
	ix.mu.RLock()
	s := ix.s
	ix.mu.RUnlock()
	var all []*Territory
	for i := range s.entries {
		e := &s.entries[i]
		if e.Kind == t.Kind && e.Region == t.Region && e.ID != t.ID && !e.Historic &&
			e.LegalForm == t.LegalForm && e.Population != nil && b.Contains(*e.Population) {
			all = append(all, e)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if *all[i].Population != *all[j].Population {
			return *all[i].Population > *all[j].Population
		}
		if all[i].Name != all[j].Name {
			return all[i].Name < all[j].Name
		}
		return all[i].Code < all[j].Code
	})
	p := Page{Total: len(all)}
	for i := offset; i < len(all) && i < offset+limit; i++ {
		p.Items = append(p.Items, *all[i])
	}
	return p, b
}
