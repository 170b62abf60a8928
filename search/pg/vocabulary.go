package pg

import (
	"slices"
	"sort"
	"strings"
	"unicode"
)

// similarityThreshold is pg_trgm's: one typo in a five-letter word can
// leave only 0.2 of the trigrams in common (migration 00204).
const similarityThreshold = 0.19

// vocabulary is the search_word table in memory, the words typo
// corrections come from, with a trigram index that answers what pg_trgm's
// "word % w ORDER BY similarity(word, w) DESC, word" would: the GIN lookup
// of a long misspelt word visited thousands of candidates in milliseconds.
// It is immutable: learn returns a new one.
type vocabulary struct {
	words []string           // sorted bytewise, as the column's "C" collation
	ntrg  []uint16           // each word's number of distinct trigrams
	trg   map[uint64][]int32 // trigram → the words holding it
	extra []string           // sorted: words learnt since the load, not in words
}

func newVocabulary(words []string) *vocabulary {
	v := &vocabulary{words: words, ntrg: make([]uint16, len(words)), trg: map[uint64][]int32{}}
	var buf []uint64
	for i, w := range words {
		buf = trigrams(buf[:0], w)
		v.ntrg[i] = uint16(min(len(buf), 1<<16-1))
		for _, t := range buf {
			v.trg[t] = append(v.trg[t], int32(i))
		}
	}
	return v
}

// learn returns the vocabulary with the words ws added.
func (v *vocabulary) learn(ws []string) *vocabulary {
	var add []string
	for _, w := range ws {
		if !v.has(w) {
			add = append(add, w)
		}
	}
	if len(add) == 0 {
		return v
	}
	c := *v
	c.extra = append(slices.Clone(v.extra), add...)
	slices.Sort(c.extra)
	c.extra = slices.Compact(c.extra)
	return &c
}

func (v *vocabulary) has(w string) bool {
	_, ok := slices.BinarySearch(v.words, w)
	if !ok {
		_, ok = slices.BinarySearch(v.extra, w)
	}
	return ok
}

// extends reports whether a word longer than w starts with w: then a
// prefix being typed is no typo.
func (v *vocabulary) extends(w string) bool {
	for _, ws := range [][]string{v.words, v.extra} {
		i := sort.SearchStrings(ws, w)
		for ; i < len(ws) && ws[i] == w; i++ {
		}
		if i < len(ws) && strings.HasPrefix(ws[i], w) {
			return true
		}
	}
	return false
}

// similar returns the n words most similar to w by pg_trgm's similarity,
// at least similarityThreshold, the most similar first, then bytewise.
func (v *vocabulary) similar(w string, n int, sc *scratch) []string {
	q := trigrams(nil, w)
	type near struct {
		word string
		sim  float32
	}
	var found []near
	keep := func(word string, common, other int) {
		// As pg_trgm computes it, in single precision.
		sim := float32(common) / float32(len(q)+other-common)
		if float64(sim) >= similarityThreshold {
			found = append(found, near{word, sim})
		}
	}
	counts := sc.trigramCounts(len(v.words))
	var touched []int32
	for _, t := range q {
		for _, i := range v.trg[t] {
			if counts[i] == 0 {
				touched = append(touched, i)
			}
			counts[i]++
		}
	}
	for _, i := range touched {
		keep(v.words[i], int(counts[i]), int(v.ntrg[i]))
		counts[i] = 0
	}
	var buf []uint64
	for _, x := range v.extra {
		buf = trigrams(buf[:0], x)
		common := 0
		for _, t := range buf {
			if _, ok := slices.BinarySearch(q, t); ok {
				common++
			}
		}
		if common > 0 {
			keep(x, common, len(buf))
		}
	}
	slices.SortFunc(found, func(a, b near) int {
		if a.sim != b.sim {
			return btoi(a.sim < b.sim)*2 - 1
		}
		return strings.Compare(a.word, b.word)
	})
	out := make([]string, 0, min(n, len(found)))
	for _, f := range found[:min(n, len(found))] {
		out = append(out, f.word)
	}
	return out
}

// trigrams appends the distinct trigrams of s to buf, sorted, the way
// pg_trgm makes them: each run of letters and digits lowered and padded
// with two spaces before and one after, three characters packed into a
// number.
func trigrams(buf []uint64, s string) []uint64 {
	from := len(buf)
	var r []rune
	for _, word := range strings.FieldsFunc(s, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) {
		r = append(r[:0], ' ', ' ')
		for _, c := range word {
			r = append(r, unicode.ToLower(c))
		}
		r = append(r, ' ')
		for i := 0; i+3 <= len(r); i++ {
			buf = append(buf, uint64(r[i])<<42|uint64(r[i+1])<<21|uint64(r[i+2]))
		}
	}
	slices.Sort(buf[from:])
	return append(buf[:from], slices.Compact(buf[from:])...)
}

func (v *vocabulary) size() int {
	n := 0
	for _, w := range v.words {
		n += len(w) + 16 + 2
	}
	for _, ps := range v.trg {
		n += 4*len(ps) + 40
	}
	return n
}
