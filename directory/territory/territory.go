// Package territory is the official register of French collectivités:
// communes, EPCI, EPT, départements and régions from the INSEE COG. Every
// adoption and every barometer answer points to a territory here.
package territory

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Kind is the administrative level of a territory.
type Kind string

const (
	Commune     Kind = "commune"
	EPCI        Kind = "epci"
	EPT         Kind = "ept"
	Departement Kind = "departement"
	Region      Kind = "region"
)

// Kinds lists every kind, smallest first.
var Kinds = []Kind{Commune, EPCI, EPT, Departement, Region}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case Commune, EPCI, EPT, Departement, Region:
		return true
	}
	return false
}

// Label is the French name of the kind, as shown to users.
func (k Kind) Label() string {
	switch k {
	case Commune:
		return "commune"
	case EPCI:
		return "EPCI"
	case EPT:
		return "établissement public territorial"
	case Departement:
		return "département"
	case Region:
		return "région"
	}
	return string(k)
}

// Territory is one entry of the register.
type Territory struct {
	ID          int64
	Kind        Kind
	Code        string // INSEE code; SIREN for EPCI and EPT
	SIREN       string
	Name        string
	LegalForm   string // CC, CA, CU, METRO, MET69, EPT
	Departement string
	Region      string
	EPCI        string // SIREN of the commune's EPCI
	EPT         string // SIREN of the commune's EPT (Grand Paris)
	Zone        string // metro, drom, com
	Population  *int
	PostalCodes []string
	Historic    bool
}

// columnList is the select list that scan reads, in order; %[1]s is the
// table alias, so joins can reuse it.
const columnList = `%[1]sid, %[1]skind, %[1]scode, coalesce(%[1]ssiren, ''), %[1]sname,
	coalesce(%[1]slegal_form, ''), coalesce(%[1]sdepartement_code, ''),
	coalesce(%[1]sregion_code, ''), coalesce(%[1]sepci_code, ''), coalesce(%[1]sept_code, ''),
	coalesce(%[1]szone, ''), %[1]spopulation, %[1]spostal_codes, %[1]shistoric`

// columns returns the select list for a table alias ("" or "t.").
func columns(alias string) string { return fmt.Sprintf(columnList, alias) }

func scan(row pgx.Row, t *Territory) error {
	return row.Scan(&t.ID, &t.Kind, &t.Code, &t.SIREN, &t.Name, &t.LegalForm,
		&t.Departement, &t.Region, &t.EPCI, &t.EPT, &t.Zone, &t.Population,
		&t.PostalCodes, &t.Historic)
}

// Get returns the territory of the given kind and code.
func Get(ctx context.Context, db postgres.Querier, kind Kind, code string) (*Territory, error) {
	var t Territory
	err := scan(db.QueryRow(ctx, `SELECT `+columns("")+` FROM territory WHERE kind = $1 AND code = $2`, kind, code), &t)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Ruled(civiscope.ENOTFOUND, "no_territory_code", civiscope.Params{"kind": string(kind), "value": code}, "no %s with code %q in the register", kind.Label(), code)
	}
	if err != nil {
		return nil, fmt.Errorf("get territory %s %s: %w", kind, code, err)
	}
	return &t, nil
}

// GetByID returns the territory with the given id.
func GetByID(ctx context.Context, db postgres.Querier, id int64) (*Territory, error) {
	var t Territory
	err := scan(db.QueryRow(ctx, `SELECT `+columns("")+` FROM territory WHERE id = $1`, id), &t)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no territory with id %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get territory %d: %w", id, err)
	}
	return &t, nil
}

// Count returns how many current (non-historic) territories of a kind exist.
func Count(ctx context.Context, db postgres.Querier, kind Kind) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM territory WHERE kind = $1 AND NOT historic`, kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", kind, err)
	}
	return n, nil
}
