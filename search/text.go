package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowers the case of s and removes its accents and ligatures, the way
// PostgreSQL's unaccent does for French: "Œuvre Démocratie" → "oeuvre
// democratie".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Words splits s into folded words of letters and digits. Everything else —
// apostrophes, hyphens, quotes, the operators of tsquery and Meilisearch —
// separates words, which is what makes them plain text.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// SortKey is the key that SortName orders by in every backend.
func SortKey(name string) string { return strings.Join(Words(name), " ") }

// IsStopword reports French (and a few English) words too common to
// require: a query keeps them only as the last, still-being-typed word.
func IsStopword(w string) bool {
	switch w {
	case "a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le",
		"les", "leur", "leurs", "n", "ne", "ou", "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se",
		"ses", "son", "sur", "un", "une", "y", "the", "of", "and", "for", "to", "in", "an":
		return true
	}
	return false
}

// Synonyms are groups of interchangeable phrases: searching any phrase of a
// group also finds documents with another. Both backends use this list
// (search/meili sends it as the index's synonyms setting).
func Synonyms() [][]string {
	return [][]string{
		{"bp", "budget participatif", "budgets participatifs", "participatory budgeting"},
		{"signalement", "signalements", "issue reporting"},
		{"pétition", "petition", "pétitions", "petitions"},
		{"concertation", "consultation"},
		{"civic tech", "civictech"},
		{"st", "saint"},
		{"ste", "sainte"},
		{"open data", "opendata", "données ouvertes"},
		{"crowdfunding", "financement participatif"},
		{"coécriture", "co-écriture", "écriture collaborative", "co-writing"},
		{"grc", "gestion de la relation citoyen", "relation citoyen", "relation usager"},
		// The names collectivités are commonly called by, each for the one
		// register entry it names.
		{"grand lyon", "métropole de lyon"},
		{"mel", "métropole européenne de lille"},
		{"amp", "aix-marseille-provence", "métropole d'aix-marseille-provence"},
		{"mgp", "grand paris", "métropole du grand paris"},
		{"ems", "eurométropole de strasbourg"},
		{"tpm", "métropole toulon-provence-méditerranée"},
		{"nca", "métropole nice côte d'azur"},
		{"grand toulouse", "toulouse métropole"},
		{"idf", "île-de-france"},
		{"paca", "provence-alpes-côte d'azur"},
		{"aura", "auvergne-rhône-alpes"},
	}
}

// maxTypos is the typo budget of a query word: none under 5 letters, one
// from 5, two from 9, as Meilisearch does by default.
func maxTypos(w string) int {
	n := len([]rune(w))
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// typoDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of two neighbours each
// count one), or limit+1 as soon as it exceeds limit.
func typoDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// WithinTypos reports whether the folded word w is at most w's typo budget
// away from the folded word candidate.
func WithinTypos(w, candidate string) bool {
	if HasDigit(w) {
		return false // codes are exact: 92000 is not 92002
	}
	limit := maxTypos(w)
	return limit > 0 && typoDistance(w, candidate, limit) <= limit
}

// HasDigit reports whether w holds a digit: codes (INSEE, SIREN, postal)
// never get typo corrections.
func HasDigit(w string) bool { return strings.IndexFunc(w, unicode.IsDigit) >= 0 }
