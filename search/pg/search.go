package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/search"
)

// Search runs q. PostgreSQL matches the text: words become a tsquery
// (stemmed or whole-word prefix, typo corrections and synonyms as
// alternatives) over the GIN-indexed body, and returns the matching
// documents with their relevance tier. Filters, facet counts, sorting and
// paging then run over the in-memory snapshot, on the same set of matches,
// so counts and results always agree.
func (e *Engine) Search(ctx context.Context, q search.Query) (*search.Results, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	clauses := search.Analyze(q.Text)
	// One round trip in the common case: the word lookups, the table's seq
	// and the matches go together. The matches use the typo corrections
	// remembered from earlier searches (nearWords); only when the lookups
	// find others are they matched again.
	lookups := lookupWords(clauses)
	known, knownSeq := e.near.cached(lookups.fuzzyKeys())
	tm := terms{}
	tm.remember(known)
	first := tm.key()
	batch := &pgx.Batch{}
	if sql, args := lookups.sql(known); sql != "" {
		batch.Queue(sql, args...).Query(func(rows pgx.Rows) error { return tm.read(rows) })
	}
	var tableSeq int64
	batch.Queue(`SELECT greatest((SELECT max(seq) FROM search_document), (SELECT max(seq) FROM search_tombstone), 0)`).
		QueryRow(func(r pgx.Row) error { return r.Scan(&tableSeq) })
	var matched, inTitle, inHead []int64
	// The relevance tiers go on a second connection, in parallel with the
	// rest: on a broad query each statement takes milliseconds.
	queueMatch := func(b, tiers *pgx.Batch, t terms) bool {
		match, matchArgs, tiersSQL, tiersArgs := matchSQL(clauses, t, joined(q.Text))
		if match == "" {
			return false
		}
		if tiersSQL == "" {
			// Every match is a name match: no second statement to wait for.
			b.Queue(match, matchArgs...).QueryRow(func(r pgx.Row) error {
				err := r.Scan(&matched)
				inTitle, inHead = matched, nil
				return err
			})
			return true
		}
		b.Queue(match, matchArgs...).QueryRow(func(r pgx.Row) error { return r.Scan(&matched) })
		tiers.Queue(tiersSQL, tiersArgs...).QueryRow(func(r pgx.Row) error { return r.Scan(&inTitle, &inHead) })
		return true
	}
	send := func(b, tiers *pgx.Batch) error {
		var wg sync.WaitGroup
		var tierErr error
		if tiers.Len() > 0 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tierErr = e.db.SendBatch(ctx, tiers).Close()
			}()
		}
		err := e.db.SendBatch(ctx, b).Close()
		wg.Wait()
		if err = errors.Join(err, tierErr); err != nil {
			return fmt.Errorf("search %q: %w", q.Text, err)
		}
		return nil
	}
	tiers := &pgx.Batch{}
	text := queueMatch(batch, tiers, tm)
	if err := send(batch, tiers); err != nil {
		return nil, err
	}
	if len(known) > 0 && knownSeq != tableSeq {
		// The index changed since those words were looked up: again.
		tm = terms{}
		known = nil
		if sql, args := lookups.sql(nil); sql != "" {
			rows, err := e.db.Query(ctx, sql, args...)
			if err != nil {
				return nil, fmt.Errorf("search %q: %w", q.Text, err)
			}
			if err := tm.read(rows); err != nil {
				return nil, err
			}
		}
	}
	e.near.store(tableSeq, tm.looked())
	if tm.key() != first {
		again, tiers := &pgx.Batch{}, &pgx.Batch{}
		queueMatch(again, tiers, tm)
		if err := send(again, tiers); err != nil {
			return nil, err
		}
	}
	s, err := e.snaps.get(ctx, e.db, tableSeq)
	if err != nil {
		return nil, err
	}

	// The matching set: text matches (or every document), then each facet
	// filter: values of one facet OR-ed, facets AND-ed.
	var found bitset
	var tier []int16
	if !text {
		found = slices.Clone(s.live)
	} else {
		tier = make([]int16, len(s.docNo))
		for _, no := range matched {
			if p, ok := s.pos[no]; ok {
				found = found.set(p)
			}
		}
		for _, no := range inHead {
			if p, ok := s.pos[no]; ok {
				tier[p] = 1
			}
		}
		for _, no := range inTitle {
			if p, ok := s.pos[no]; ok {
				tier[p] += 2
			}
		}
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
	if text {
		s.rankNames(found, tier, search.NewNameRanker(q.Text, clauses, tm.byWord()), search.NamedCategories(q.Text, clauses))
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
	page := s.page(found.positions(), q, tier)
	if len(page) == 0 {
		return res, nil
	}
	nos := make([]int64, len(page))
	for i, p := range page {
		nos[i] = s.docNo[p]
	}
	var hitsJSON []byte
	if err := e.db.QueryRow(ctx, `SELECT coalesce(json_agg(json_build_array(d.id, d.slug, d.name, d.summary,
		d.description, d.adopters, d.updated_at) ORDER BY o.n), '[]')
		FROM unnest($1::bigint[]) WITH ORDINALITY AS o(doc_no, n) JOIN search_document d ON d.doc_no = o.doc_no`, nos).Scan(&hitsJSON); err != nil {
		return nil, fmt.Errorf("search %q: read hits: %w", q.Text, err)
	}
	m := search.NewMatcher(clauses, tm.corrections(), tm.stems())
	if res.Hits, err = hits(hitsJSON, m); err != nil {
		return nil, err
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

func hits(raw []byte, m search.Matcher) ([]search.Hit, error) {
	var rows [][]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, fmt.Errorf("read search hits: %w", err)
	}
	out := make([]search.Hit, 0, len(rows))
	for _, r := range rows {
		var h search.Hit
		var desc string
		var updated time.Time
		for i, dst := range []any{&h.ID, &h.Slug, &h.Name, &h.Summary, &desc, &h.Adopters, &updated} {
			if err := json.Unmarshal(r[i], dst); err != nil {
				return nil, fmt.Errorf("read search hit: %w", err)
			}
		}
		t, id, err := search.ParseDocID(h.ID)
		if err != nil {
			return nil, err
		}
		h.Type, h.EntityID, h.UpdatedAt = t, id, updated
		h.Highlighted = m.Mark(h.Name)
		h.Snippet = snippet(m, h.Summary, desc)
		out = append(out, h)
	}
	return out, nil
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
	near        *nearWord // what the lookup found, when this search looked
}

type nearWord struct {
	key   nearKey
	words []string
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

// wordLookups are the query's words to look up, in order: whether each
// is typed as a prefix, and whether it may get typo corrections (5 letters
// or more, no digit).
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

func (l wordLookups) fuzzyKeys() []nearKey {
	var out []nearKey
	for i, w := range l.words {
		if l.fuzzy[i] {
			out = append(out, nearKey{w, l.prefix[i]})
		}
	}
	return out
}

// sql looks every query word up: its French stem, and for a fuzzy word
// whose near-words are not already known and that no document contains
// (as a word, or as a prefix for the last one), the vocabulary words most
// similar by trigrams (pg_trgm); terms.read keeps those within the typo
// budget.
func (l wordLookups) sql(known map[nearKey][]string) (string, []any) {
	if len(l.words) == 0 {
		return "", nil
	}
	fuzzy := slices.Clone(l.fuzzy)
	for i, w := range l.words {
		if _, ok := known[nearKey{w, l.prefix[i]}]; ok {
			fuzzy[i] = false
		}
	}
	return `SELECT w.word, w.prefix, w.fuzzy, coalesce((ts_lexize('french_stem', w.word))[1], ''),
		CASE WHEN w.fuzzy AND NOT EXISTS (SELECT 1 FROM search_word s WHERE s.word = w.word)
			AND NOT (w.prefix AND EXISTS (SELECT 1 FROM search_word s WHERE s.word > w.word AND s.word < w.word || chr(1114111)))
		THEN ARRAY(SELECT search_similar_words(w.word, 30)) ELSE '{}' END
		FROM unnest($1::text[], $2::bool[], $3::bool[]) AS w(word, prefix, fuzzy)`, []any{l.words, l.prefix, fuzzy}
}

// remember sets the corrections of words whose near-words are known.
func (t terms) remember(known map[nearKey][]string) {
	for k, near := range known {
		i := t[k.word]
		i.corrections = corrections(k.word, near)
		t[k.word] = i
	}
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

func (t terms) read(rows pgx.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var w, stem string
		var prefix, fuzzy bool
		var near []string
		if err := rows.Scan(&w, &prefix, &fuzzy, &stem, &near); err != nil {
			return fmt.Errorf("look up search words: %w", err)
		}
		info := t[w]
		info.stem = stem
		if fuzzy {
			info.near = &nearWord{nearKey{w, prefix}, near}
			info.corrections = corrections(w, near)
		}
		t[w] = info
	}
	return rows.Err()
}

// looked is the near-words of every word looked up by this search.
func (t terms) looked() map[nearKey][]string {
	out := map[nearKey][]string{}
	for _, i := range t {
		if i.near != nil {
			out[i.near.key] = i.near.words
		}
	}
	return out
}

// key says which corrections the terms hold, to tell whether matches made
// with other terms must be made again.
func (t terms) key() string {
	var ws []string
	for w, i := range t {
		if len(i.corrections) > 0 {
			ws = append(ws, w+":"+strings.Join(i.corrections, ","))
		}
	}
	slices.Sort(ws)
	return strings.Join(ws, " ")
}

// matchSQL is the statement returning the matching doc_no (search_match),
// or "" for an empty query, and tiers ("" when every match is in the name)
// the one returning the doc_no whose
// name, and whose name, summary or keywords match (search_tiers), for
// relevance: small vectors with their own GIN indexes, cheaper than testing
// every match. Both functions keep the planner on the GIN indexes
// (migration 00204).
//
// A last word still being typed that is one or two letters long, or a
// stopword ("d", "pa", "les"), would match almost every description: alone,
// it matches as a prefix of a word of the name; after other words, it only
// ranks and highlights, and the words before it decide the matches.
//
// joined is the query's words run together ("fix my street" →
// fixmystreet), an alternative to all of them that the name vector's
// run-together form matches; "" for a one-word query.
func matchSQL(cs []search.Clause, t terms, joined string) (match string, matchArgs []any, tiers string, tiersArgs []any) {
	if len(cs) == 0 {
		return "", nil, "", nil
	}
	last := cs[len(cs)-1]
	weak := last.Prefix && (len([]rune(last.Word)) < 3 || search.IsStopword(last.Word))
	build := func(forMatch bool) (string, []any) {
		var args []any
		arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
		q, pre := "NULL::tsquery", "NULL::tsquery"
		prefix := func() string { return "to_tsquery('simple_unaccent', " + arg(last.Word) + " || ':*')" }
		switch {
		case !weak:
			q = tsquery(cs, t, arg)
			if joined != "" {
				q = "(" + q + " || " + term(arg(joined), last.Prefix) + ")"
			}
		case len(cs) == 1:
			pre = prefix()
		default:
			q = tsquery(cs[:len(cs)-1], t, arg)
			if !forMatch {
				pre = prefix()
			}
		}
		if forMatch {
			return `SELECT search_match(` + q + `, ` + pre + `)`, args
		}
		return `SELECT in_title, in_head FROM search_tiers(` + q + `, ` + pre + `)`, args
	}
	match, matchArgs = build(true)
	if weak && len(cs) == 1 {
		// The only match is a prefix of a word of the name: the tiers
		// would be the matches again (in the name) and nothing else.
		return match, matchArgs, "", nil
	}
	tiers, tiersArgs = build(false)
	return match, matchArgs, tiers, tiersArgs
}

// tsquery builds the SQL expression of the query: clauses AND-ed, the
// alternatives of a clause (synonym phrases, typo corrections) OR-ed. Words
// are passed as parameters and hold only letters and digits (search.Words),
// so nothing a user types is ever parsed as a tsquery operator.
func tsquery(cs []search.Clause, t terms, arg func(any) string) string {
	var and []string
	for _, c := range cs {
		var or []string
		for _, alt := range c.Alternatives {
			var words []string
			for _, w := range alt {
				words = append(words, term(arg(w), c.Prefix && len(alt) == 1))
			}
			or = append(or, "("+strings.Join(words, " && ")+")")
		}
		if c.Word != "" {
			for _, corr := range t[c.Word].corrections {
				or = append(or, term(arg(corr), false))
			}
		}
		and = append(and, "("+strings.Join(or, " || ")+")")
	}
	return strings.Join(and, " && ")
}

// term matches a word by its French stem or as a whole word; a prefix also
// matches every whole word it starts.
func term(p string, prefix bool) string {
	if prefix {
		return "(to_tsquery('french_unaccent', " + p + ") || to_tsquery('simple_unaccent', " + p + " || ':*'))"
	}
	return "(to_tsquery('french_unaccent', " + p + ") || to_tsquery('simple_unaccent', " + p + "))"
}

// joined is the words of text run together when there are several.
func joined(text string) string {
	if w := search.Words(text); len(w) > 1 && len(w) <= 8 {
		return strings.Join(w, "")
	}
	return ""
}

// rankNames adds to each matching position's tier how its name matches
// (see search.NameRanker) and whether it is a tool of a category the
// query names. The order: an exact name, then the tools of the practice
// named, then the other name matches, then the text tiers.
func (s *snapshot) rankNames(found bitset, tier []int16, r *search.NameRanker, cats []string) {
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
	for _, p := range found.positions() {
		t := tier[p] // 0–3: the name (2) or the summary (1) matches
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
