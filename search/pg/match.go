package pg

import (
	"slices"

	"github.com/civiscope/civiscope/search"
)

// tsq is a text search query the way PostgreSQL's tsquery would hold it,
// evaluated over the snapshot's inverted indexes: clauses AND-ed, the
// alternatives of a clause (synonym phrases, typo corrections) OR-ed.
type tsq struct {
	op   byte // '&' or '|'; 0 for a word
	kids []tsq
	// A word matches by its French stem or as a whole word; a prefix also
	// matches every whole word it starts. wholeOnly keeps the whole words.
	word              string
	prefix, wholeOnly bool
}

func term(w string, prefix bool) tsq { return tsq{word: w, prefix: prefix} }

// query is the query of the clauses, with the typo corrections of their
// words.
func query(cs []search.Clause, t terms) tsq {
	and := tsq{op: '&'}
	for _, c := range cs {
		or := tsq{op: '|'}
		for _, alt := range c.Alternatives {
			words := tsq{op: '&'}
			for _, w := range alt {
				words.kids = append(words.kids, term(w, c.Prefix && len(alt) == 1))
			}
			or.kids = append(or.kids, words)
		}
		if c.Word != "" {
			for _, corr := range t[c.Word].corrections {
				or.kids = append(or.kids, term(corr, false))
			}
		}
		and.kids = append(and.kids, or)
	}
	return and
}

// words appends the words of q, which need their lexemes.
func (q tsq) words(out []string) []string {
	if q.op == 0 {
		if !slices.Contains(out, q.word) {
			out = append(out, q.word)
		}
		return out
	}
	for _, k := range q.kids {
		out = k.words(out)
	}
	return out
}

// eval returns the positions whose vector k matches q, and false for a
// query left empty (a stopword's French form), which as in tsquery drops
// out of the operators around it and alone matches nothing.
func (q tsq) eval(s *snapshot, k vectorKind, lex map[string]wordLexemes, sc *scratch) (bitset, bool) {
	if q.op == 0 {
		l := lex[q.word]
		if q.wholeOnly {
			return allOf(s, k, l.simple, q.prefix, sc)
		}
		french, ok := allOf(s, k, l.french, false, sc)
		whole, ok2 := allOf(s, k, l.simple, q.prefix, sc)
		switch {
		case ok && ok2:
			whole.or(french)
			return whole, true
		case ok:
			return french, true
		}
		return whole, ok2
	}
	var out bitset
	some := false
	for _, kid := range q.kids {
		b, ok := kid.eval(s, k, lex, sc)
		switch {
		case !ok:
		case !some:
			out, some = b, true
		case q.op == '&':
			out.and(b)
		default:
			out.or(b)
		}
	}
	return out, some
}

// allOf is the positions holding every lexeme (a word that PostgreSQL
// splits into several; as a phrase it would also need them in order).
func allOf(s *snapshot, k vectorKind, lexemes []string, prefix bool, sc *scratch) (bitset, bool) {
	var out bitset
	for i, l := range lexemes {
		b := sc.bits(s.words())
		s.mark(b, k, l, prefix)
		if i == 0 {
			out = b
		} else {
			out.and(b)
		}
	}
	return out, len(lexemes) > 0
}

// matches are the documents a query matches, and for relevance those
// whose name matches it and those whose name, summary or keywords do.
type matches struct {
	all, inTitle, inHead bitset
}

// match evaluates the clauses. A last word still being typed that is one
// or two letters long, or a stopword ("d", "pa", "les"), would match almost
// every description: alone, it matches as a prefix of a word of the name;
// after other words, it only ranks and highlights, and the words before it
// decide the matches.
//
// joined is the query's words run together ("fix my street" →
// fixmystreet), an alternative to all of them that the name vector's
// run-together form matches; "" for a one-word query.
func match(s *snapshot, cs []search.Clause, t terms, joined string, lex map[string]wordLexemes, sc *scratch) matches {
	eval := func(q tsq, k vectorKind) bitset {
		b, ok := q.eval(s, k, lex, sc)
		if !ok {
			return sc.bits(s.words())
		}
		return b
	}
	last := cs[len(cs)-1]
	weak := last.Prefix && (len([]rune(last.Word)) < 3 || search.IsStopword(last.Word))
	pre := tsq{word: last.Word, prefix: true, wholeOnly: true}
	var m matches
	switch {
	case !weak:
		q := query(cs, t)
		if joined != "" {
			q = tsq{op: '|', kids: []tsq{q, term(joined, last.Prefix)}}
		}
		m.inTitle = eval(q, title)
		m.all = eval(q, body)
		m.all.or(m.inTitle)
		m.inHead = eval(q, head)
	case len(cs) == 1:
		m.all = eval(pre, title)
		m.inTitle = m.all
		m.inHead = sc.bits(s.words())
	default:
		q := query(cs[:len(cs)-1], t)
		m.inTitle = eval(q, title)
		m.all = eval(q, body)
		m.all.or(m.inTitle)
		m.inTitle.or(eval(pre, title))
		m.inHead = eval(q, head)
	}
	return m
}

// matchWords are the words whose lexemes match needs, besides the
// corrections: every word of the clauses, and the joined form.
func matchWords(cs []search.Clause, joined string) []string {
	var out []string
	for _, c := range cs {
		for _, alt := range c.Alternatives {
			for _, w := range alt {
				if !slices.Contains(out, w) {
					out = append(out, w)
				}
			}
		}
	}
	if joined != "" && !slices.Contains(out, joined) {
		out = append(out, joined)
	}
	return out
}
