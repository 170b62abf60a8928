package pg

import (
	"slices"
	"sort"
	"strings"
)

// textIndex is an inverted index of the lexemes of one tsvector column
// (body, title or head) over snapshot positions. PostgreSQL computes the
// lexemes (stems, unaccent, name forms); matching them here costs
// microseconds where a GIN scan of thousands of matches costs
// milliseconds. It is immutable once built.
type textIndex struct {
	lex  []string // sorted bytewise, as tsquery prefixes compare
	off  []int32  // lexeme i's positions are pos[off[i]:off[i+1]]
	post []int32
}

// postings collects the positions of each lexeme while documents are read.
type postings map[string][]int32

func (p postings) add(pos int32, lexemes []string) {
	for _, l := range lexemes {
		if v, ok := p[l]; ok {
			p[l] = append(v, pos)
		} else {
			p[strings.Clone(l)] = []int32{pos}
		}
	}
}

func (p postings) build() *textIndex {
	t := &textIndex{lex: make([]string, 0, len(p)), off: make([]int32, 1, len(p)+1)}
	n := 0
	for l, ps := range p {
		t.lex = append(t.lex, l)
		n += len(ps)
	}
	slices.Sort(t.lex)
	t.post = make([]int32, 0, n)
	for _, l := range t.lex {
		t.post = append(t.post, p[l]...)
		t.off = append(t.off, int32(len(t.post)))
	}
	return t
}

// mark sets in dst the positions of the documents holding lexeme, or with
// prefix a lexeme that starts with it.
func (t *textIndex) mark(dst bitset, lexeme string, prefix bool) {
	if t == nil {
		return
	}
	i := sort.SearchStrings(t.lex, lexeme)
	for ; i < len(t.lex); i++ {
		if t.lex[i] != lexeme && (!prefix || !strings.HasPrefix(t.lex[i], lexeme)) {
			return
		}
		for _, p := range t.post[t.off[i]:t.off[i+1]] {
			dst[p>>6] |= 1 << (uint(p) & 63)
		}
		if !prefix {
			return
		}
	}
}

func (t *textIndex) size() int {
	if t == nil {
		return 0
	}
	n := 0
	for _, l := range t.lex {
		n += len(l) + 16
	}
	return n + 4*(len(t.off)+len(t.post))
}

// vectorKind names the tsvector columns of search_document that searches
// match: body (every word, stemmed and whole), title (the name's whole
// words and forms) and head (name, summary and keywords).
type vectorKind int

const (
	body vectorKind = iota
	title
	head
	vectorKinds
)

// textIndexes are the inverted indexes of the three vectors.
type textIndexes [vectorKinds]*textIndex

// collector gathers postings of the three vectors while rows are read.
type collector [vectorKinds]postings

func newCollector() collector {
	var c collector
	for k := range c {
		c[k] = postings{}
	}
	return c
}

func (c collector) add(pos int32, d docText) {
	c[body].add(pos, d.body)
	c[title].add(pos, d.title)
	c[head].add(pos, d.head)
}

func (c collector) build() textIndexes {
	var t textIndexes
	for k := range c {
		t[k] = c[k].build()
	}
	return t
}
