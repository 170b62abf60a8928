package territory

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/civiscope/civiscope"
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

// Find looks territories up by name, ignoring accents, case and punctuation.
// Exact matches rank first, then prefix matches, then fuzzy (trigram)
// matches. Exact and prefix matches are ordered by population, which is what
// a person typing "Saint-Denis" most often means; fuzzy ones by similarity.
func Find(ctx context.Context, db postgres.Querier, query string, opt FindOptions) ([]Match, error) {
	if len(query) > MaxQueryLen {
		return nil, civiscope.Errorf(civiscope.EINVALID, "the name is too long (%d characters, at most %d)", len(query), MaxQueryLen)
	}
	q := Normalize(query)
	dept := opt.Departement
	if words := strings.Fields(q); len(words) > 1 && deptHint.MatchString(words[len(words)-1]) && dept == "" {
		hint := strings.ToUpper(words[len(words)-1])
		if len(hint) == 5 {
			hint = departementOfPostalCode(hint)
		}
		dept = hint
		q = strings.Join(words[:len(words)-1], " ")
	}
	if q == "" {
		return nil, civiscope.Errorf(civiscope.EINVALID, "give a name to look for")
	}
	limit := opt.Limit
	if limit <= 0 {
		limit = 10
	}
	if limit > 100 {
		limit = 100
	}
	kinds := make([]string, 0, len(opt.Kinds))
	for _, k := range opt.Kinds {
		if !k.Valid() {
			return nil, civiscope.Errorf(civiscope.EINVALID, "unknown territory kind %q", k)
		}
		kinds = append(kinds, string(k))
	}
	// Exact and prefix matches come from btree and trigram indexes in well
	// under a millisecond. Fuzzy matching costs more, so it only runs when
	// they do not fill the page: it is the fallback for typos.
	filter := `(cardinality($3::text[]) = 0 OR t.kind = ANY($3))
		  AND ($4 = '' OR t.departement_code = $4)
		  AND ($5 OR NOT t.historic)`
	out, err := findRows(ctx, db, query, `
		SELECT `+columns("t.")+`, CASE WHEN t.name_norm = $1 THEN 0 ELSE 1 END AS rank,
			similarity(t.name_norm, $1), coalesce(d.name, '')
		FROM territory t
		LEFT JOIN territory d ON d.kind = 'departement' AND d.code = t.departement_code
		WHERE (t.name_norm = $1 OR t.name_norm LIKE $2) AND `+filter+`
		ORDER BY rank, t.population DESC NULLS LAST, t.code
		LIMIT $6`, q, escapeLike(q)+"%", kinds, dept, opt.Historic, limit)
	if err != nil || len(out) >= limit {
		return out, err
	}
	fuzzy, err := findRows(ctx, db, query, `
		SELECT `+columns("t.")+`, 2, similarity(t.name_norm, $1), coalesce(d.name, '')
		FROM territory t
		LEFT JOIN territory d ON d.kind = 'departement' AND d.code = t.departement_code
		WHERE t.name_norm % $1 AND t.name_norm NOT LIKE $2 AND `+filter+`
		ORDER BY similarity(t.name_norm, $1) DESC, t.population DESC NULLS LAST, t.code
		LIMIT $6`, q, escapeLike(q)+"%", kinds, dept, opt.Historic, limit-len(out))
	if err != nil {
		return nil, err
	}
	return append(out, fuzzy...), nil
}

func findRows(ctx context.Context, db postgres.Querier, query, sql string, args ...any) ([]Match, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("find territory %q: %w", query, err)
	}
	defer rows.Close()
	var out []Match
	for rows.Next() {
		var m Match
		var sim float32
		if err := rows.Scan(&m.ID, &m.Kind, &m.Code, &m.SIREN, &m.Name, &m.LegalForm,
			&m.Departement, &m.Region, &m.EPCI, &m.EPT, &m.Zone, &m.Population,
			&m.PostalCodes, &m.Historic, &m.Rank, &sim, &m.DepartementName); err != nil {
			return nil, fmt.Errorf("find territory %q: %w", query, err)
		}
		m.Similarity = float64(sim)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find territory %q: %w", query, err)
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
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
