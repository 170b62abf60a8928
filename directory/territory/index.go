package territory

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Index answers name lookups from memory. The register is 36k names that
// change once a year, and trigram matching in PostgreSQL costs 5–30 ms per
// query under load; here a lookup costs well under a millisecond. Servers and
// importers hold one Index and call Refresh when the register may have
// changed.
type Index struct {
	mu sync.RWMutex
	s  *indexState
}

type indexState struct {
	entries  []Territory
	norms    []string
	deptName map[string]string
	exact    map[string][]int32
	sorted   []int32            // entry indexes ordered by norm, for prefix ranges
	grams    map[string][]int32 // trigram → entries containing it
	ngrams   []uint16           // trigram count per entry
	version  string
}

// LoadIndex reads the register and builds an index.
func LoadIndex(ctx context.Context, db postgres.Querier) (*Index, error) {
	s, err := buildIndex(ctx, db)
	if err != nil {
		return nil, err
	}
	return &Index{s: s}, nil
}

// Refresh rebuilds the index when the register changed since it was built.
// It is cheap when nothing changed: one aggregate query.
func (ix *Index) Refresh(ctx context.Context, db postgres.Querier) (bool, error) {
	v, err := registerVersion(ctx, db)
	if err != nil {
		return false, err
	}
	ix.mu.RLock()
	same := ix.s.version == v
	ix.mu.RUnlock()
	if same {
		return false, nil
	}
	s, err := buildIndex(ctx, db)
	if err != nil {
		return false, err
	}
	ix.mu.Lock()
	ix.s = s
	ix.mu.Unlock()
	return true, nil
}

// Watch refreshes the index every interval until ctx ends, so a long-running
// server sees a re-import without a restart.
func (ix *Index) Watch(ctx context.Context, db postgres.Querier, interval time.Duration, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := ix.Refresh(ctx, db); err != nil && ctx.Err() == nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

// Len returns how many territories the index holds.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.s.entries)
}

func registerVersion(ctx context.Context, db postgres.Querier) (string, error) {
	var n int
	var last *time.Time
	if err := db.QueryRow(ctx, `SELECT count(*), max(updated_at) FROM territory`).Scan(&n, &last); err != nil {
		return "", fmt.Errorf("read register version: %w", err)
	}
	v := fmt.Sprint(n)
	if last != nil {
		v += "@" + last.UTC().Format(time.RFC3339Nano)
	}
	return v, nil
}

func buildIndex(ctx context.Context, db postgres.Querier) (*indexState, error) {
	v, err := registerVersion(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT `+columns("")+`, name_norm FROM territory ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load register: %w", err)
	}
	defer rows.Close()
	s := &indexState{
		deptName: map[string]string{},
		exact:    map[string][]int32{},
		grams:    map[string][]int32{},
		version:  v,
	}
	for rows.Next() {
		var t Territory
		var n string
		if err := rows.Scan(&t.ID, &t.Kind, &t.Code, &t.SIREN, &t.Name, &t.LegalForm,
			&t.Departement, &t.Region, &t.EPCI, &t.EPT, &t.Zone, &t.Population,
			&t.PostalCodes, &t.Historic, &n); err != nil {
			return nil, fmt.Errorf("load register: %w", err)
		}
		i := int32(len(s.entries))
		s.entries = append(s.entries, t)
		s.norms = append(s.norms, n)
		s.exact[n] = append(s.exact[n], i)
		if t.Kind == Departement {
			s.deptName[t.Code] = t.Name
		}
		g := trigrams(n)
		s.ngrams = append(s.ngrams, uint16(len(g)))
		for _, gr := range g {
			s.grams[gr] = append(s.grams[gr], i)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load register: %w", err)
	}
	s.sorted = make([]int32, len(s.entries))
	for i := range s.sorted {
		s.sorted[i] = int32(i)
	}
	sort.Slice(s.sorted, func(a, b int) bool { return s.norms[s.sorted[a]] < s.norms[s.sorted[b]] })
	return s, nil
}

// trigrams splits a normalised name the way pg_trgm does: each word padded
// with two spaces in front and one behind, duplicates removed.
func trigrams(n string) []string {
	out := make([]string, 0, len(n)+4)
	for _, w := range strings.Fields(n) {
		p := []rune("  " + w + " ")
	next:
		for i := 0; i+3 <= len(p); i++ {
			g := string(p[i : i+3])
			for _, o := range out { // names are short: a scan beats a map
				if o == g {
					continue next
				}
			}
			out = append(out, g)
		}
	}
	return out
}

// fuzzyThreshold is pg_trgm's default similarity limit.
const fuzzyThreshold = 0.3

// Find looks territories up by name, ignoring accents, case and punctuation.
// Exact matches rank first, then prefix matches, both by population (a person
// typing "Saint-Denis" most often means the largest), then fuzzy matches by
// trigram similarity, the fallback for typos, only when the first two do not
// fill the page. A trailing département code or postal code ("Saint-Denis 93",
// "Bagneux 92220") narrows homonyms.
func (ix *Index) Find(query string, opt FindOptions) ([]Match, error) {
	q, dept, limit, kinds, err := prepare(query, opt)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	s := ix.s
	ix.mu.RUnlock()

	keep := func(i int32) bool {
		t := &s.entries[i]
		if (len(kinds) > 0 && !kinds[t.Kind]) || (dept != "" && t.Departement != dept) || (t.Historic && !opt.Historic) {
			return false
		}
		return true
	}
	var exact, prefix []int32
	for _, i := range s.exact[q] {
		if keep(i) {
			exact = append(exact, i)
		}
	}
	lo := sort.Search(len(s.sorted), func(k int) bool { return s.norms[s.sorted[k]] >= q })
	for k := lo; k < len(s.sorted); k++ {
		i := s.sorted[k]
		n := s.norms[i]
		if !strings.HasPrefix(n, q) {
			break
		}
		if n != q && keep(i) {
			prefix = append(prefix, i)
		}
	}
	byPopulation := func(ids []int32) {
		sort.SliceStable(ids, func(a, b int) bool {
			pa, pb := s.entries[ids[a]].Population, s.entries[ids[b]].Population
			switch {
			case pa == nil:
				return false
			case pb == nil:
				return true
			case *pa != *pb:
				return *pa > *pb
			}
			return s.entries[ids[a]].Code < s.entries[ids[b]].Code
		})
	}
	byPopulation(exact)
	byPopulation(prefix)

	out := make([]Match, 0, limit)
	add := func(i int32, r MatchRank, sim float64) {
		out = append(out, Match{Territory: s.entries[i], Rank: r, Similarity: sim, DepartementName: s.deptName[s.entries[i].Departement]})
	}
	for _, i := range exact {
		if len(out) == limit {
			return out, nil
		}
		add(i, Exact, 1)
	}
	for _, i := range prefix {
		if len(out) == limit {
			return out, nil
		}
		add(i, Prefix, similarity(s, q, i))
	}
	if len(out) == limit {
		return out, nil
	}
	for _, c := range s.fuzzy(q, keep) {
		if len(out) == limit {
			break
		}
		add(c.i, Fuzzy, c.sim)
	}
	return out, nil
}

type candidate struct {
	i   int32
	sim float64
}

// fuzzy scores every name sharing a trigram with q and keeps those above the
// threshold that are neither exact nor prefix matches.
func (s *indexState) fuzzy(q string, keep func(int32) bool) []candidate {
	qg := trigrams(q)
	counts := make([]uint16, len(s.entries))
	var touched []int32
	for _, g := range qg {
		for _, i := range s.grams[g] {
			if counts[i] == 0 {
				touched = append(touched, i)
			}
			counts[i]++
		}
	}
	var out []candidate
	for _, i := range touched {
		shared := counts[i]
		sim := float64(shared) / float64(len(qg)+int(s.ngrams[i])-int(shared))
		if sim < fuzzyThreshold || strings.HasPrefix(s.norms[i], q) || !keep(i) {
			continue
		}
		out = append(out, candidate{i, sim})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].sim != out[b].sim {
			return out[a].sim > out[b].sim
		}
		pa, pb := s.entries[out[a].i].Population, s.entries[out[b].i].Population
		if pa != nil && pb != nil && *pa != *pb {
			return *pa > *pb
		}
		return s.entries[out[a].i].Code < s.entries[out[b].i].Code
	})
	return out
}

func similarity(s *indexState, q string, i int32) float64 {
	qg := trigrams(q)
	set := map[string]struct{}{}
	for _, g := range trigrams(s.norms[i]) {
		set[g] = struct{}{}
	}
	shared := 0
	for _, g := range qg {
		if _, ok := set[g]; ok {
			shared++
		}
	}
	return float64(shared) / float64(len(qg)+len(set)-shared)
}

// prepare validates a query and splits off a trailing département hint.
func prepare(query string, opt FindOptions) (q, dept string, limit int, kinds map[Kind]bool, err error) {
	if len(query) > MaxQueryLen {
		return "", "", 0, nil, civiscope.Ruled(civiscope.EINVALID, "name_too_long", civiscope.Params{"length": len(query), "max": MaxQueryLen}, "the name is too long (%d characters, at most %d)", len(query), MaxQueryLen)
	}
	q = Normalize(query)
	dept = strings.ToUpper(opt.Departement)
	if words := strings.Fields(q); len(words) > 1 && deptHint.MatchString(words[len(words)-1]) && dept == "" {
		hint := strings.ToUpper(words[len(words)-1])
		if len(hint) == 5 {
			hint = departementOfPostalCode(hint)
		}
		dept = hint
		q = strings.Join(words[:len(words)-1], " ")
	}
	if q == "" {
		return "", "", 0, nil, civiscope.Ruled(civiscope.EINVALID, "name_missing", nil, "give a name to look for")
	}
	limit = opt.Limit
	if limit <= 0 {
		limit = 10
	}
	if limit > 100 {
		limit = 100
	}
	for _, k := range opt.Kinds {
		if !k.Valid() {
			return "", "", 0, nil, civiscope.Ruled(civiscope.EINVALID, "no_territory_kind", civiscope.Params{"value": string(k)}, "unknown territory kind %q", k)
		}
		if kinds == nil {
			kinds = map[Kind]bool{}
		}
		kinds[k] = true
	}
	return q, dept, limit, kinds, nil
}
