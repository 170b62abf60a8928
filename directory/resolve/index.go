package resolve

import (
	"context"
	"fmt"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// Place is a territory as the resolver sees it.
type Place struct {
	ID          int64
	Kind        territory.Kind
	Code        string
	Name        string
	Departement string
	Region      string
	core        string
}

func (p *Place) String() string {
	return fmt.Sprintf("%s %s (%s, dépt %s)", p.Kind, p.Name, p.Code, p.Departement)
}

// index holds every current territory by normalised name, and groups,
// départements and régions also by their core name (without legal form).
// It is loaded once per import: 36,000 rows in a few tens of milliseconds,
// after which resolving costs no query except the fuzzy fallback.
type index struct {
	byName map[string][]*Place
	byCore map[string][]*Place
	byCode map[string]*Place // kind + ":" + code
	// bySIREN holds communes, EPCI and EPT; the register gives départements
	// and régions no SIREN.
	bySIREN map[string]*Place
	// byCompact holds every name without spaces, as a host label writes it.
	byCompact map[string][]*Place
}

func loadIndex(ctx context.Context, db postgres.Querier) (*index, error) {
	rows, err := db.Query(ctx, `SELECT id, kind, code, name, coalesce(departement_code, ''), coalesce(region_code, ''),
		coalesce(siren, '') FROM territory WHERE NOT historic`)
	if err != nil {
		return nil, fmt.Errorf("load territories for the resolver: %w", err)
	}
	defer rows.Close()
	ix := &index{byName: map[string][]*Place{}, byCore: map[string][]*Place{}, byCode: map[string]*Place{},
		bySIREN: map[string]*Place{}, byCompact: map[string][]*Place{}}
	for rows.Next() {
		p := &Place{}
		var siren string
		if err := rows.Scan(&p.ID, &p.Kind, &p.Code, &p.Name, &p.Departement, &p.Region, &siren); err != nil {
			return nil, fmt.Errorf("load territories for the resolver: %w", err)
		}
		ix.add(p)
		if siren != "" {
			ix.bySIREN[siren] = p
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load territories for the resolver: %w", err)
	}
	if len(ix.byCode) == 0 {
		return nil, fmt.Errorf("the territory register is empty: run `civiscope import territories` first")
	}
	return ix, nil
}

func (ix *index) add(p *Place) {
	n := territory.Normalize(p.Name)
	ix.byName[n] = append(ix.byName[n], p)
	ix.byCode[string(p.Kind)+":"+p.Code] = p
	ix.byCompact[compact(n)] = append(ix.byCompact[compact(n)], p)
	p.core = n
	if p.Kind != territory.Commune {
		p.core = coreOf(p.Name)
		if p.core != n {
			ix.byCore[p.core] = append(ix.byCore[p.core], p)
		}
	}
}

func (ix *index) get(kind territory.Kind, code string) *Place {
	return ix.byCode[string(kind)+":"+code]
}

func ofKinds(ps []*Place, kinds []territory.Kind) []*Place {
	if kinds == nil {
		return ps
	}
	var out []*Place
	for _, p := range ps {
		for _, k := range kinds {
			if p.Kind == k {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func appendUnique(dst []*Place, src ...*Place) []*Place {
	for _, p := range src {
		dup := false
		for _, q := range dst {
			if q == p {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, p)
		}
	}
	return dst
}
