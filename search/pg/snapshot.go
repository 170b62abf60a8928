package pg

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// snapshot is an in-memory copy of what filtering, facet counting and
// sorting need from search_document: per document its sort keys, and per
// facet term the set of documents carrying it. Text matching stays in
// PostgreSQL; everything over the matches happens here, in microseconds,
// where SQL needs tens of milliseconds for ten thousand matches.
//
// A snapshot is never modified once published: a refresh clones it, applies
// what changed since its seq, and swaps the pointer.
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
	docTerms [][]string // facet terms of each position, to clear on change
	terms    map[string]bitset
	live     bitset

	nameOnce sync.Once
	nameRank []int32 // position → rank by name, computed on first use
}

func newSnapshot() *snapshot {
	return &snapshot{pos: map[int64]int32{}, terms: map[string]bitset{}}
}

func (s *snapshot) clone() *snapshot {
	c := &snapshot{seq: s.seq, fullAt: s.fullAt, checkedAt: s.checkedAt,
		pos: make(map[int64]int32, len(s.pos)), docNo: slices.Clone(s.docNo),
		adopters: slices.Clone(s.adopters), pop: slices.Clone(s.pop), name: slices.Clone(s.name), updated: slices.Clone(s.updated),
		docTerms: slices.Clone(s.docTerms), terms: make(map[string]bitset, len(s.terms)), live: slices.Clone(s.live)}
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
	s.live.clear(p)
	delete(s.pos, docNo)
}

func (s *snapshot) put(r docRow) {
	s.remove(r.docNo)
	p := int32(len(s.docNo))
	s.docNo = append(s.docNo, r.docNo)
	s.adopters = append(s.adopters, r.adopters)
	s.pop = append(s.pop, r.pop)
	s.name = append(s.name, r.name)
	s.updated = append(s.updated, r.updated.UnixMicro())
	s.docTerms = append(s.docTerms, r.terms)
	s.pos[r.docNo] = p
	s.live = s.live.set(p)
	for _, t := range r.terms {
		s.terms[t] = s.terms[t].set(p)
	}
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

// snapshots hands out a current snapshot, refreshing it when the table has
// moved on. Refreshes are serialised; searches never wait for each other
// otherwise.
type snapshots struct {
	mu  sync.Mutex
	cur *snapshot
}

// staleAfter is how long a snapshot may go without being compared with the
// table before it is reloaded from scratch: tombstones live longer than
// that (see pruneTombstones), so incremental refreshes never miss a delete.
const staleAfter = 30 * time.Minute

func (ss *snapshots) get(ctx context.Context, db *pgxpool.Pool, tableSeq int64) (*snapshot, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.cur
	now := time.Now()
	if s != nil && s.seq >= tableSeq && now.Sub(s.checkedAt) < staleAfter {
		s.checkedAt = now // only ever read and written under ss.mu
		return s, nil
	}
	var next *snapshot
	// Updates append positions; reload once holes outnumber documents.
	if s == nil || now.Sub(s.checkedAt) >= staleAfter || len(s.docNo) > 2*len(s.pos)+1000 {
		next = newSnapshot()
		next.fullAt = now
	} else {
		next = s.clone()
	}
	if err := next.load(ctx, db); err != nil {
		return nil, err
	}
	next.checkedAt = now
	ss.cur = next
	return next, nil
}

// load applies every document and tombstone newer than s.seq.
func (s *snapshot) load(ctx context.Context, db *pgxpool.Pool) error {
	rows, err := db.Query(ctx, `SELECT doc_no, seq FROM search_tombstone WHERE seq > $1 ORDER BY seq`, s.seq)
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
	rows, err = db.Query(ctx, `SELECT doc_no, seq, adopters, population, name_sort, updated_at, facets
		FROM search_document WHERE seq > $1`, s.seq)
	if err != nil {
		return fmt.Errorf("read search documents: %w", err)
	}
	defer rows.Close()
	intern := map[string]string{}
	for t := range s.terms {
		intern[t] = t
	}
	for rows.Next() {
		var r docRow
		var seq int64
		if err := rows.Scan(&r.docNo, &seq, &r.adopters, &r.pop, &r.name, &r.updated, &r.terms); err != nil {
			return fmt.Errorf("read search documents: %w", err)
		}
		for i, t := range r.terms {
			if it, ok := intern[t]; ok {
				r.terms[i] = it
			} else {
				intern[t] = t
			}
		}
		s.put(r)
		maxSeq = max(maxSeq, seq)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read search documents: %w", err)
	}
	s.seq = maxSeq
	return nil
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
