package pg

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// snapshot is an in-memory copy of search_document: per document its sort
// keys, what a hit shows, and the lexemes of its body, title and head
// vectors as inverted indexes; per facet term the set of documents carrying
// it; and the vocabulary typo corrections come from. PostgreSQL analyses the
// text (stems, unaccent, name forms) and stays the truth; matching,
// filtering, facet counting and sorting happen here, in microseconds, where
// SQL needs milliseconds for a broad query's thousands of matches.
//
// A snapshot is never modified once published: a refresh clones it, applies
// what changed since its seq, and swaps the pointer. The text indexes are a
// base, built by a full load, and a small delta of the documents written
// since, rebuilt on each refresh; a document's old positions simply stop
// being live.
type snapshot struct {
	seq       int64     // the highest document or tombstone seq applied
	fullAt    time.Time // when it was last loaded from scratch
	checkedAt time.Time // when it was last compared with the table

	pos      map[int64]int32 // doc_no → position
	docNo    []int64
	adopters []int32
	pop      []int32 // population of places, 0 for the rest
	name     []string
	updated  []int64
	shown    []*shown   // what a hit shows
	docTerms [][]string // facet terms of each position, to clear on change
	terms    map[string]bitset
	live     bitset

	base, delta textIndexes
	deltaDocs   []deltaDoc // the documents of the delta, to rebuild it
	vocab       *vocabulary

	nameOnce sync.Once
	nameRank []int32 // position → rank by name, computed on first use
}

// shown is what a hit shows of its document.
type shown struct {
	id, slug, name, summary, description string
}

// docText is a document's lexemes, per vector.
type docText struct {
	body, title, head []string
}

type deltaDoc struct {
	pos  int32
	text docText
}

func newSnapshot() *snapshot {
	return &snapshot{pos: map[int64]int32{}, terms: map[string]bitset{}, vocab: &vocabulary{}}
}

func (s *snapshot) clone() *snapshot {
	c := &snapshot{seq: s.seq, fullAt: s.fullAt, checkedAt: s.checkedAt,
		pos: make(map[int64]int32, len(s.pos)), docNo: slices.Clone(s.docNo),
		adopters: slices.Clone(s.adopters), pop: slices.Clone(s.pop), name: slices.Clone(s.name), updated: slices.Clone(s.updated),
		shown: slices.Clone(s.shown), docTerms: slices.Clone(s.docTerms), terms: make(map[string]bitset, len(s.terms)),
		live: slices.Clone(s.live), base: s.base, delta: s.delta, deltaDocs: slices.Clone(s.deltaDocs), vocab: s.vocab}
	for k, v := range s.pos {
		c.pos[k] = v
	}
	for k, v := range s.terms {
		c.terms[k] = slices.Clone(v)
	}
	return c
}

type docRow struct {
	docNo    int64
	adopters int32
	pop      int32
	name     string
	updated  time.Time
	terms    []string
	shown    shown
	text     docText
	words    []string // vocabulary words, read by incremental loads only
}

func (s *snapshot) remove(docNo int64) {
	p, ok := s.pos[docNo]
	if !ok {
		return
	}
	for _, t := range s.docTerms[p] {
		s.terms[t].clear(p)
	}
	s.docTerms[p] = nil
	s.shown[p] = nil
	s.live.clear(p)
	delete(s.pos, docNo)
}

// put gives the document a new position and returns it; its lexemes are
// for the caller to index.
func (s *snapshot) put(r docRow) int32 {
	s.remove(r.docNo)
	p := int32(len(s.docNo))
	s.docNo = append(s.docNo, r.docNo)
	s.adopters = append(s.adopters, r.adopters)
	s.pop = append(s.pop, r.pop)
	s.name = append(s.name, r.name)
	s.updated = append(s.updated, r.updated.UnixMicro())
	sh := r.shown
	s.shown = append(s.shown, &sh)
	s.docTerms = append(s.docTerms, r.terms)
	s.pos[r.docNo] = p
	s.live = s.live.set(p)
	for _, t := range r.terms {
		s.terms[t] = s.terms[t].set(p)
	}
	return p
}

// rankByName returns each position's rank in name order, computed once per
// snapshot (sorting by an int is what keeps "sort by name" fast).
func (s *snapshot) rankByName() []int32 {
	s.nameOnce.Do(func() {
		order := make([]int32, len(s.name))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int {
			if c := strings.Compare(s.name[a], s.name[b]); c != 0 {
				return c
			}
			return int(s.docNo[a] - s.docNo[b])
		})
		s.nameRank = make([]int32, len(order))
		for r, p := range order {
			s.nameRank[p] = int32(r)
		}
	})
	return s.nameRank
}

// mark sets in dst the live and dead positions whose vector k holds lexeme
// (or, with prefix, a lexeme it starts).
func (s *snapshot) mark(dst bitset, k vectorKind, lexeme string, prefix bool) {
	s.base[k].mark(dst, lexeme, prefix)
	s.delta[k].mark(dst, lexeme, prefix)
}

// words is the length of a bitset able to hold every position.
func (s *snapshot) words() int { return (len(s.docNo) + 63) / 64 }

// snapshots hands out a current snapshot, refreshing it when the table has
// moved on. Refreshes are serialised; searches never wait for each other
// otherwise.
type snapshots struct {
	mu  sync.Mutex
	cur *snapshot
}

// current is the latest snapshot, or nil before the first load; it may
// be behind the table.
func (ss *snapshots) current() *snapshot {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.cur
}

// staleAfter is how long a snapshot may go without being compared with the
// table before it is reloaded from scratch: tombstones live a day (see
// Apply), so incremental refreshes within half of that never miss a
// delete, and a site left idle for a while does not pay a full load (a
// few seconds on the scale data) on its next search.
const staleAfter = 12 * time.Hour

// maxDelta is how many documents a refresh may add to the delta before a
// full load is cheaper than rebuilding the delta's indexes on every write.
func maxDelta(docs int) int { return max(1000, docs/10) }

func (ss *snapshots) get(ctx context.Context, db *pgxpool.Pool, tableSeq int64) (*snapshot, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.cur
	now := time.Now()
	if s != nil && s.seq >= tableSeq && now.Sub(s.checkedAt) < staleAfter {
		s.checkedAt = now // only ever read and written under ss.mu
		return s, nil
	}
	// One repeatable-read transaction: the documents, tombstones and
	// words read agree with each other.
	tx, err := db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("read search documents: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	// Updates append positions: reload once holes outnumber documents.
	full := s == nil || now.Sub(s.checkedAt) >= staleAfter || len(s.docNo) > 2*len(s.pos)+1000
	if !full {
		var changed int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM search_document WHERE seq > $1`, s.seq).Scan(&changed); err != nil {
			return nil, fmt.Errorf("count changed search documents: %w", err)
		}
		// Past a bound, a full load costs less than the delta's rebuilds.
		full = len(s.deltaDocs)+changed > maxDelta(len(s.pos))
	}
	var next *snapshot
	if full {
		next = newSnapshot()
		next.fullAt = now
		err = next.loadAll(ctx, tx)
	} else {
		next = s.clone()
		err = next.loadChanges(ctx, tx)
	}
	if err != nil {
		return nil, err
	}
	next.checkedAt = now
	ss.cur = next
	return next, nil
}

const docSQL = `SELECT doc_no, seq, adopters, population, name_sort, updated_at, facets,
	id, slug, name, summary, description,
	tsvector_to_array(body), tsvector_to_array(title), tsvector_to_array(head)`

func (r *docRow) scan(rows pgx.Rows, seq *int64, more ...any) error {
	return rows.Scan(append([]any{&r.docNo, seq, &r.adopters, &r.pop, &r.name, &r.updated, &r.terms,
		&r.shown.id, &r.shown.slug, &r.shown.name, &r.shown.summary, &r.shown.description,
		&r.text.body, &r.text.title, &r.text.head}, more...)...)
}

// loadAll reads every document and the vocabulary into an empty snapshot.
func (s *snapshot) loadAll(ctx context.Context, tx pgx.Tx) error {
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM search_tombstone`).Scan(&s.seq); err != nil {
		return fmt.Errorf("read search tombstones: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT word FROM search_word ORDER BY word`)
	if err != nil {
		return fmt.Errorf("read search words: %w", err)
	}
	words, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("read search words: %w", err)
	}
	s.vocab = newVocabulary(words)
	rows, err = tx.Query(ctx, docSQL+` FROM search_document`)
	if err != nil {
		return fmt.Errorf("read search documents: %w", err)
	}
	defer rows.Close()
	c := newCollector()
	intern := map[string]string{}
	for rows.Next() {
		var r docRow
		var seq int64
		if err := r.scan(rows, &seq); err != nil {
			return fmt.Errorf("read search documents: %w", err)
		}
		internTerms(intern, r.terms)
		c.add(s.put(r), r.text)
		s.seq = max(s.seq, seq)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read search documents: %w", err)
	}
	s.base = c.build()
	return nil
}

// loadChanges applies every document and tombstone newer than s.seq, and
// learns the words of the documents written.
func (s *snapshot) loadChanges(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT doc_no, seq FROM search_tombstone WHERE seq > $1 ORDER BY seq`, s.seq)
	if err != nil {
		return fmt.Errorf("read search tombstones: %w", err)
	}
	var maxSeq = s.seq
	for rows.Next() {
		var docNo, seq int64
		if err := rows.Scan(&docNo, &seq); err != nil {
			rows.Close()
			return fmt.Errorf("read search tombstones: %w", err)
		}
		s.remove(docNo)
		maxSeq = max(maxSeq, seq)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read search tombstones: %w", err)
	}
	// The words are learnWords' (index.go), as search_word got them.
	rows, err = tx.Query(ctx, docSQL+`, ARRAY(SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple_unaccent',
			name || ' ' || summary || ' ' || keywords || ' ' || description))) AS w WHERE length(w) >= 3)
		FROM search_document WHERE seq > $1`, s.seq)
	if err != nil {
		return fmt.Errorf("read search documents: %w", err)
	}
	defer rows.Close()
	intern := map[string]string{}
	for t := range s.terms {
		intern[t] = t
	}
	var learnt []string
	for rows.Next() {
		var r docRow
		var seq int64
		if err := r.scan(rows, &seq, &r.words); err != nil {
			return fmt.Errorf("read search documents: %w", err)
		}
		internTerms(intern, r.terms)
		s.deltaDocs = append(s.deltaDocs, deltaDoc{s.put(r), r.text})
		learnt = append(learnt, r.words...)
		maxSeq = max(maxSeq, seq)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read search documents: %w", err)
	}
	c := newCollector()
	live := s.deltaDocs[:0]
	for _, d := range s.deltaDocs {
		if s.live.has(d.pos) { // replaced or deleted ones no longer count
			c.add(d.pos, d.text)
			live = append(live, d)
		}
	}
	s.deltaDocs = live
	s.delta = c.build()
	s.vocab = s.vocab.learn(learnt)
	s.seq = maxSeq
	return nil
}

func internTerms(intern map[string]string, terms []string) {
	for i, t := range terms {
		if it, ok := intern[t]; ok {
			terms[i] = it
		} else {
			intern[t] = t
		}
	}
}

// bitset is a set of positions.
type bitset []uint64

func (b bitset) set(p int32) bitset {
	w := int(p >> 6)
	for len(b) <= w {
		b = append(b, 0)
	}
	b[w] |= 1 << (uint(p) & 63)
	return b
}

func (b bitset) has(p int32) bool {
	w := int(p >> 6)
	return w < len(b) && b[w]&(1<<(uint(p)&63)) != 0
}

func (b bitset) clear(p int32) {
	if w := int(p >> 6); w < len(b) {
		b[w] &^= 1 << (uint(p) & 63)
	}
}

// and keeps in b only what is also in o.
func (b bitset) and(o bitset) {
	for i := range b {
		if i < len(o) {
			b[i] &= o[i]
		} else {
			b[i] = 0
		}
	}
}

// or adds to b what is in o; b must be as long.
func (b bitset) or(o bitset) {
	for i, w := range o {
		b[i] |= w
	}
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

func countAnd(a, b bitset) int {
	n := 0
	for i := range min(len(a), len(b)) {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// positions lists the members of b in increasing order.
func (b bitset) positions() []int32 {
	out := make([]int32, 0, b.count())
	for i, w := range b {
		for w != 0 {
			out = append(out, int32(i<<6+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return out
}
