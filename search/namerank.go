package search

import (
	"slices"
	"strings"
)

// NameRanker says how well a query matches a document's name, for
// relevance: an exact name beats a name that starts with the query, which
// beats a name holding every word, which beats a name holding them as
// prefixes. Spaces, hyphens, dots and apostrophes do not count, so
// "capcollectif", "cap-collectif" and "Cap Collectif" are the same name.
type NameRanker struct {
	forms   []string   // the query's word sequences, joined by spaces
	compact []string   // the same without spaces
	clauses [][]string // per clause, every word that satisfies it
	prefix  string     // the last clause's typed word, when still being typed
}

// Name match strengths, from NameRanker.Rank.
const (
	NameNone       = 0
	NameWordPrefix = 1 // every word starts a word of the name
	NameHasWords   = 2 // every word is a word of the name
	NameStartsWith = 3 // the name starts with the query's words
	NameExact      = 4 // the name is the query
)

// NewNameRanker prepares the ranking of names against the query text, its
// clauses, and the typo corrections the backend found.
func NewNameRanker(text string, cs []Clause, corrections map[string][]string) *NameRanker {
	r := &NameRanker{}
	add := func(words []string) {
		if len(words) == 0 {
			return
		}
		f := strings.Join(words, " ")
		if !slices.Contains(r.forms, f) {
			r.forms = append(r.forms, f)
			r.compact = append(r.compact, strings.Join(words, ""))
		}
	}
	add(Words(text))
	// Synonym alternatives make more forms ("st etienne" → "saint
	// etienne"); their product is bounded, as a query is a few words.
	seqs := [][]string{nil}
	for _, c := range cs {
		var next [][]string
		for _, s := range seqs {
			for _, alt := range c.Alternatives {
				if len(next) < 32 {
					next = append(next, append(slices.Clone(s), alt...))
				}
			}
		}
		seqs = next
		var ok []string
		for _, alt := range c.Alternatives {
			ok = append(ok, strings.Join(alt, " "))
		}
		ok = append(ok, corrections[c.Word]...)
		r.clauses = append(r.clauses, ok)
	}
	for _, s := range seqs {
		add(s)
	}
	if n := len(cs); n > 0 && cs[n-1].Prefix {
		r.prefix = cs[n-1].Word
	}
	return r
}

// Rank scores a name given as its sort key (SortKey: folded words joined
// by single spaces). It allocates nothing: a broad query ranks thousands
// of names.
func (r *NameRanker) Rank(nameKey string) int {
	if len(r.forms) == 0 {
		return NameNone
	}
	for _, c := range r.compact {
		if n, ok := skipSpaces(nameKey, c); ok && n == len(nameKey) {
			return NameExact
		}
	}
	for _, f := range r.forms {
		if len(nameKey) > len(f) && nameKey[len(f)] == ' ' && strings.HasPrefix(nameKey, f) {
			return NameStartsWith
		}
	}
	whole, start := true, true
	for i, ok := range r.clauses {
		hasWhole := slices.ContainsFunc(ok, func(w string) bool { return hasWord(nameKey, w, false) })
		if hasWhole {
			continue
		}
		whole = false
		last := i == len(r.clauses)-1
		if !last || r.prefix == "" || !hasWord(nameKey, r.prefix, true) {
			start = false
		}
	}
	switch {
	case whole:
		return NameHasWords
	case start:
		return NameWordPrefix
	}
	for _, c := range r.compact {
		if _, ok := skipSpaces(nameKey, c); r.prefix != "" && ok {
			return NameWordPrefix // "cap col" as typed, "capcol" as a start of the name
		}
	}
	return NameNone
}

// hasWord reports whether w occurs in the space-separated key as whole
// words, or with prefix as the start of a word.
func hasWord(key, w string, prefix bool) bool {
	for from := 0; from <= len(key); {
		i := strings.Index(key[from:], w)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(w)
		if (i == 0 || key[i-1] == ' ') && (prefix || end == len(key) || key[end] == ' ') {
			return true
		}
		from = i + 1
	}
	return false
}

// skipSpaces matches c, which holds no space, against the start of key
// with its spaces left out, and returns how much of key it covered.
func skipSpaces(key, c string) (int, bool) {
	i := 0
	for j := 0; j < len(c); j++ {
		for i < len(key) && key[i] == ' ' {
			i++
		}
		if i == len(key) || key[i] != c[j] {
			return i, false
		}
		i++
	}
	return i, true
}

// NameForms is a name split at every punctuation mark and run together:
// "Make.org" → "make org makeorg", the forms a search backend indexes so
// that either spelling finds it.
func NameForms(name string) string {
	w := Words(name)
	return strings.Join(w, " ") + " " + strings.Join(w, "")
}
