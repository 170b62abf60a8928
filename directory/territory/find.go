package territory

import (
	"context"
	"regexp"
	"strings"

	"github.com/civiscope/civiscope/postgres"
)

// MatchRank orders how well a name matched a query.
type MatchRank int

const (
	Exact MatchRank = iota
	Prefix
	Fuzzy
)

func (r MatchRank) String() string {
	return [...]string{"exact", "prefix", "fuzzy"}[r]
}

// Match is a territory found by name.
type Match struct {
	Territory
	Rank            MatchRank
	Similarity      float64
	DepartementName string
}

// FindOptions narrows a lookup.
type FindOptions struct {
	Kinds       []Kind // empty means every kind
	Departement string // INSEE code of the département, to tell homonyms apart
	Limit       int    // default 10, at most 100
	Historic    bool   // include communes that left the register
}

// MaxQueryLen bounds a name query; no French territory name is near it.
const MaxQueryLen = 200

// deptHint is a trailing département number or postal code, as people write
// "Saint-Denis (93)" or "Bagneux 92220" to pick among homonyms.
var deptHint = regexp.MustCompile(`^(?:\d{5}|\d{2,3}|2[ab])$`)

// Find looks a name up with a freshly loaded Index. Loading costs about a
// tenth of a second, so it suits one-off lookups (the CLI); servers and
// importers hold an Index and call its Find.
func Find(ctx context.Context, db postgres.Querier, query string, opt FindOptions) ([]Match, error) {
	if _, _, _, _, err := prepare(query, opt); err != nil {
		return nil, err // reject bad input before loading anything
	}
	ix, err := LoadIndex(ctx, db)
	if err != nil {
		return nil, err
	}
	return ix.Find(query, opt)
}

// departementOfPostalCode maps a postal code to its département: the first
// two digits, three for overseas, and Corsica's 20xxx split at 20200.
func departementOfPostalCode(pc string) string {
	switch {
	case strings.HasPrefix(pc, "97") || strings.HasPrefix(pc, "98"):
		return pc[:3]
	case strings.HasPrefix(pc, "20"):
		if pc < "20200" {
			return "2A"
		}
		return "2B"
	}
	return pc[:2]
}
