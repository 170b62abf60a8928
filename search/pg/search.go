package pg

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/search"
)

// Search runs q over the in-memory snapshot of the index (see snapshot):
// words become a query (stemmed or whole-word prefix, typo corrections and
// synonyms as alternatives) matched against the lexemes PostgreSQL made of
// each document, then filters, facet counts, sorting and paging run on the
// same set of matches, so counts and results always agree. PostgreSQL is
// asked, in one round trip, whether the index moved on, and what its text
// search configurations make of the words not seen before.
func (e *Engine) Search(ctx context.Context, q search.Query) (*search.Results, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	clauses := search.Analyze(q.Text)
	join := joined(q.Text)
	sc := e.scratch.Get().(*scratch)
	defer func() { sc.reset(); e.scratch.Put(sc) }()
	lookups := lookupWords(clauses)
	// Typo corrections come from the snapshot's vocabulary. The current
	// one most likely stays current: its corrections are looked up with
	// the other words, and again only if the index moved on.
	var tm terms
	cur := e.snaps.current()
	if cur != nil {
		tm = lookups.terms(cur.vocab, sc)
	}
	lex := map[string]wordLexemes{}
	var tableSeq int64
	batch := &pgx.Batch{}
	batch.Queue(`SELECT greatest((SELECT max(seq) FROM search_document), (SELECT max(seq) FROM search_tombstone), 0)`).
		QueryRow(func(r pgx.Row) error { return r.Scan(&tableSeq) })
	e.lex.queue(batch, e.lex.missing(append(matchWords(clauses, join), tm.corrections()...), lex), lex)
	if err := e.db.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	s, err := e.snaps.get(ctx, e.db, tableSeq)
	if err != nil {
		return nil, err
	}
	if cur == nil || s.vocab != cur.vocab {
		tm = lookups.terms(s.vocab, sc)
		if missing := e.lex.missing(tm.corrections(), lex); len(missing) > 0 {
			batch := &pgx.Batch{}
			e.lex.queue(batch, missing, lex)
			if err := e.db.SendBatch(ctx, batch).Close(); err != nil {
				return nil, fmt.Errorf("search %q: %w", q.Text, err)
			}
		}
	}
	for w, i := range tm {
		i.stem = lex[w].stem
		tm[w] = i
	}

	// The matching set: text matches (or every document), then each facet
	// filter: values of one facet OR-ed, facets AND-ed.
	var found bitset
	var m matches
	text := len(clauses) > 0
	if !text {
		found = slices.Clone(s.live)
	} else {
		m = match(s, clauses, tm, join, lex, sc)
		found = slices.Clone(m.all)
		found.and(s.live)
	}
	combined := search.AdopterKeys(q.Filters)
	for _, name := range search.FacetNames() {
		vals := q.Filters[name]
		if len(vals) == 0 || combined != nil && search.IsAdopterFacet(name) {
			continue
		}
		found.and(s.union(name, vals))
	}
	if combined != nil {
		found.and(s.union(search.FacetAdopter, combined))
	}
	var tier []int16
	if text {
		tier = s.rankNames(found, m, sc, search.NewNameRanker(q.Text, clauses, tm.byWord()), search.NamedCategories(q.Text, clauses))
	}
	total := found.count()
	res := &search.Results{Query: q, Total: total, Page: q.Page, PerPage: q.PerPage,
		Pages: (total + q.PerPage - 1) / q.PerPage}
	if q.Facets {
		counts := map[string]int{}
		for t, b := range s.terms {
			name, v, _ := strings.Cut(t, ":")
			if name == search.FacetAdopter {
				continue
			}
			if search.IsAdopterFacet(name) {
				// With other adopter facets chosen, a value counts the
				// tools with one adopter that has it and meets them.
				f := maps.Clone(q.Filters)
				f[name] = []string{v}
				if keys := search.AdopterKeys(f); keys != nil {
					b = s.union(search.FacetAdopter, keys)
				}
			}
			if n := countAnd(found, b); n > 0 {
				counts[t] = n
			}
		}
		res.Facets = search.BuildFacets(q, counts)
	}
	mk := search.NewMatcher(clauses, tm.corrections(), tm.stems())
	for _, p := range s.page(found.positions(), q, tier) {
		res.Hits = append(res.Hits, s.hit(p, mk))
	}
	return res, nil
}

// page orders the matching positions by q.Sort and returns q's page. Only
// the first offset+limit are ordered: a bounded heap keeps them.
func (s *snapshot) page(ps []int32, q search.Query, tier []int16) []int32 {
	var less func(a, b int32) bool
	byAdopters := func(a, b int32) bool {
		if s.adopters[a] != s.adopters[b] {
			return s.adopters[a] > s.adopters[b]
		}
		r := s.rankByName()
		return r[a] < r[b]
	}
	switch {
	case q.Sort == search.SortName:
		r := s.rankByName()
		less = func(a, b int32) bool { return r[a] < r[b] }
	case q.Sort == search.SortUpdated:
		less = func(a, b int32) bool {
			if s.updated[a] != s.updated[b] {
				return s.updated[a] > s.updated[b]
			}
			return s.docNo[a] < s.docNo[b]
		}
	case q.Sort == search.SortRelevance && tier != nil:
		places := s.terms[search.FacetType+":"+string(search.TypeTerritory)]
		vendors := s.terms[search.FacetType+":"+string(search.TypeVendor)]
		kind := func(p int32) int { return btoi(vendors.has(p)) + 2*btoi(places.has(p)) }
		less = func(a, b int32) bool {
			if tier[a] != tier[b] {
				return tier[a] > tier[b]
			}
			// Tools, then vendors, then places; a bigger place first.
			if ka, kb := kind(a), kind(b); ka != kb {
				return ka < kb
			} else if ka == 2 && s.pop[a] != s.pop[b] {
				return s.pop[a] > s.pop[b]
			}
			return byAdopters(a, b)
		}
	default:
		less = byAdopters
	}
	k := min(q.Offset()+q.PerPage, len(ps))
	top := topK(ps, k, less)
	if q.Offset() >= len(top) {
		return nil
	}
	return top[q.Offset():]
}

// topK returns the k smallest of ps by less, in order, in O(n log k).
func topK(ps []int32, k int, less func(a, b int32) bool) []int32 {
	if k <= 0 {
		return nil
	}
	if k*4 >= len(ps) {
		slices.SortFunc(ps, func(a, b int32) int { return cmp(less, a, b) })
		return ps[:k]
	}
	// A max-heap of the k best so far: its root is the worst of them.
	h := make([]int32, 0, k)
	down := func(i int) {
		for {
			l, r, w := 2*i+1, 2*i+2, i
			if l < len(h) && less(h[w], h[l]) {
				w = l
			}
			if r < len(h) && less(h[w], h[r]) {
				w = r
			}
			if w == i {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for _, p := range ps {
		switch {
		case len(h) < k:
			h = append(h, p)
			for i := len(h) - 1; i > 0 && less(h[(i-1)/2], h[i]); i = (i - 1) / 2 {
				h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
			}
		case less(p, h[0]):
			h[0] = p
			down(0)
		}
	}
	slices.SortFunc(h, func(a, b int32) int { return cmp(less, a, b) })
	return h
}

func cmp(less func(a, b int32) bool, a, b int32) int {
	switch {
	case less(a, b):
		return -1
	case less(b, a):
		return 1
	}
	return 0
}

// hit is the document at position p as a result, its matches marked.
func (s *snapshot) hit(p int32, m search.Matcher) search.Hit {
	d := s.shown[p]
	h := search.Hit{ID: d.id, Slug: d.slug, Name: d.name, Summary: d.summary, Adopters: int(s.adopters[p]),
		UpdatedAt: time.UnixMicro(s.updated[p]).UTC()}
	// The id was written by search.DocID: it parses.
	h.Type, h.EntityID, _ = search.ParseDocID(d.id)
	h.Highlighted = m.Mark(h.Name)
	h.Snippet = snippet(m, h.Summary, d.description)
	return h
}

// snippet shows the summary, unless only the description matched: then a
// crop of the description around the match.
func snippet(m search.Matcher, summary, desc string) search.Highlight {
	s := m.Mark(summary)
	if len(s.Matches()) > 0 || desc == "" {
		return s
	}
	if d := m.Crop(desc, 24); len(d.Matches()) > 0 || summary == "" {
		return d
	}
	return s
}

// terms is what the vocabulary says about the query's words.
type terms map[string]termInfo

type termInfo struct {
	stem        string
	corrections []string
}

func (t terms) corrections() []string {
	var out []string
	for _, i := range t {
		out = append(out, i.corrections...)
	}
	return out
}

func (t terms) byWord() map[string][]string {
	out := map[string][]string{}
	for w, i := range t {
		out[w] = i.corrections
	}
	return out
}

func (t terms) stems() []string {
	var out []string
	for _, i := range t {
		if i.stem != "" {
			out = append(out, i.stem)
		}
	}
	return out
}

// wordLookups are the query's words, in order: whether each is typed as a
// prefix, and whether it may get typo corrections (5 letters or more, no
// digit).
type wordLookups struct {
	words         []string
	prefix, fuzzy []bool
}

func lookupWords(cs []search.Clause) wordLookups {
	var l wordLookups
	for _, c := range cs {
		for _, alt := range c.Alternatives {
			for _, w := range alt {
				if slices.Contains(l.words, w) {
					continue
				}
				l.words = append(l.words, w)
				l.prefix = append(l.prefix, c.Prefix)
				l.fuzzy = append(l.fuzzy, c.Word == w && len([]rune(w)) >= 5 && !search.HasDigit(w))
			}
		}
	}
	return l
}

// maxNearWords is how many of the most similar vocabulary words a fuzzy
// word's corrections are chosen from.
const maxNearWords = 30

// terms gives every word its entry, and a fuzzy word that no document
// contains (as a word, or as a prefix for the last one) the vocabulary
// words within its typo budget among the most similar by trigrams.
func (l wordLookups) terms(v *vocabulary, sc *scratch) terms {
	t := terms{}
	for i, w := range l.words {
		var info termInfo
		if l.fuzzy[i] && !v.has(w) && !(l.prefix[i] && v.extends(w)) {
			info.corrections = corrections(w, v.similar(w, maxNearWords, sc))
		}
		t[w] = info
	}
	return t
}

func corrections(w string, near []string) []string {
	var out []string
	for _, c := range near {
		if search.WithinTypos(w, c) {
			out = append(out, c)
		}
	}
	return out
}

// joined is the words of text run together when there are several.
func joined(text string) string {
	if w := search.Words(text); len(w) > 1 && len(w) <= 8 {
		return strings.Join(w, "")
	}
	return ""
}

// rankNames returns each matching position's relevance tier: how its
// name matches (see search.NameRanker), whether it is a tool of a category
// the query names, and where the text matched. The order: an exact name,
// then the tools of the practice named, then the other name matches, then
// the text tiers.
func (s *snapshot) rankNames(found bitset, m matches, sc *scratch, r *search.NameRanker, cats []string) []int16 {
	var inCat bitset
	for _, c := range cats {
		b := s.terms[search.FacetCategory+":"+c]
		for len(inCat) < len(b) {
			inCat = append(inCat, 0)
		}
		for i, w := range b {
			inCat[i] |= w
		}
	}
	tier := sc.tiers(len(s.docNo))
	for _, p := range found.positions() {
		// 0–3: the name (2) or the summary (1) matches
		t := int16(btoi(m.inHead.has(p)) + 2*btoi(m.inTitle.has(p)))
		n := search.NameNone
		if t >= 2 {
			// Only names that hold the query's words (or their synonyms,
			// corrections, joined form) can rank: the rest skip the
			// string work, which a broad query would pay thousands of times.
			n = r.Rank(s.name[p])
		}
		if n == search.NameExact {
			t += 1 << 7
		}
		if inCat.has(p) {
			t += 1 << 6
		}
		t += int16(min(n, search.NameStartsWith)) << 2
		tier[p] = t
	}
	return tier
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// union is the set of documents with any of the values of a facet.
func (s *snapshot) union(name string, vals []string) bitset {
	var any bitset
	for _, v := range vals {
		t := s.terms[name+":"+v]
		for len(any) < len(t) {
			any = append(any, 0)
		}
		for i, w := range t {
			any[i] |= w
		}
	}
	return any
}
