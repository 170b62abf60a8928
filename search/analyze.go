package search

import "slices"

// Clause is one required part of a query: it matches a document when one of
// its alternatives does, and an alternative matches when all its words do.
// A plain word has one alternative of one word; a synonym has one
// alternative per phrase of its group.
type Clause struct {
	Alternatives [][]string
	// Prefix is set on the last word of the query, the one still being
	// typed: "parti" also finds "participation".
	Prefix bool
	// Word is the folded word as typed, for a plain word clause ("" for a
	// synonym group); backends add typo corrections of it.
	Word string
}

// Analyze turns the text of a query into clauses: folded words, French
// stopwords dropped (except the last word, which may be a prefix), and
// synonym phrases expanded to their group.
func Analyze(text string) []Clause {
	words := Words(text)
	if len(words) > 64 {
		words = words[:64] // a search is a few words; the rest adds nothing but cost
	}
	type phrase struct {
		words []string
		group int
	}
	var phrases []phrase
	groups := Synonyms()
	for g, group := range groups {
		for _, p := range group {
			phrases = append(phrases, phrase{Words(p), g})
		}
	}
	// Longest phrases first, so "budget participatif" wins over "budget".
	slices.SortStableFunc(phrases, func(a, b phrase) int { return len(b.words) - len(a.words) })

	var out []Clause
	for i := 0; i < len(words); {
		matched := false
		for _, p := range phrases {
			if i+len(p.words) <= len(words) && slices.Equal(words[i:i+len(p.words)], p.words) {
				c := Clause{}
				for _, alt := range groups[p.group] {
					w := Words(alt)
					if !slices.ContainsFunc(c.Alternatives, func(x []string) bool { return slices.Equal(x, w) }) {
						c.Alternatives = append(c.Alternatives, w)
					}
				}
				out = append(out, c)
				i += len(p.words)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		w := words[i]
		last := i == len(words)-1
		i++
		if IsStopword(w) && !last {
			continue
		}
		out = append(out, Clause{Alternatives: [][]string{{w}}, Prefix: last, Word: w})
	}
	return out
}
