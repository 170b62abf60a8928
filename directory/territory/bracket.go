package territory

import (
	"fmt"
	"strconv"
	"strings"
)

// Bracket is a population band of one kind of collectivité: the one scheme
// that peers, search facets, tool pages, compare and reports share. Each
// kind has its own strata, as in the DGCL's "Les collectivités locales en
// chiffres": a commune of 40,000 is a large commune, an EPCI of 40,000 a
// small one.
type Bracket struct {
	Kind     Kind
	Min, Max int // Max is exclusive; 0 means no upper bound
}

// bracketBounds are the lower bounds of each kind's bands, in inhabitants.
// Communes: the strata of French local statistics, with the thresholds
// where electoral and budget rules change (1,000, 3,500, 10,000, 20,000);
// reports' materialised views compute the same bands (migration 00600).
// EPCI and EPT: the DGCL's strata of groupements à fiscalité propre.
// Départements: the DGCL's four strata. Régions: too few to split.
func bracketBounds(k Kind) []int {
	switch k {
	case Commune:
		return []int{0, 1000, 3500, 10000, 20000, 50000, 100000}
	case EPCI, EPT:
		return []int{0, 15000, 30000, 50000, 100000, 300000}
	case Departement:
		return []int{0, 250000, 500000, 1000000}
	}
	return []int{0}
}

// Brackets lists the bands of a kind, smallest first.
func Brackets(k Kind) []Bracket {
	bs := bracketBounds(k)
	out := make([]Bracket, len(bs))
	for i, lo := range bs {
		out[i] = Bracket{Kind: k, Min: lo}
		if i+1 < len(bs) {
			out[i].Max = bs[i+1]
		}
	}
	return out
}

// bracketKinds is the order of AllBrackets, which numbers the bands.
func bracketKinds() []Kind { return []Kind{Commune, EPCI, EPT, Departement, Region} }

// AllBrackets lists the bands of every kind, communes first.
func AllBrackets() []Bracket {
	var out []Bracket
	for _, k := range bracketKinds() {
		out = append(out, Brackets(k)...)
	}
	return out
}

// BracketNumber is the place, from 1, in AllBrackets of the band of a
// territory of kind k and population pop; 0 for a kind without bands. The
// reports' views number bands the same way (population_bracket, migration
// 00608). It builds no list: a large barometer edition asks for the band
// of every respondent several times.
func BracketNumber(k Kind, pop int) int {
	n := 0
	for _, kk := range bracketKinds() {
		bs := bracketBounds(kk)
		if kk == k {
			i := len(bs) - 1
			for i > 0 && pop < bs[i] {
				i--
			}
			return n + i + 1
		}
		n += len(bs)
	}
	return 0
}

// BracketOf returns the band of a territory of kind k and population pop.
func BracketOf(k Kind, pop int) Bracket {
	bs := Brackets(k)
	for i := len(bs) - 1; i > 0; i-- {
		if pop >= bs[i].Min {
			return bs[i]
		}
	}
	return bs[0]
}

// Contains reports whether pop falls in the band.
func (b Bracket) Contains(pop int) bool {
	return pop >= b.Min && (b.Max == 0 || pop < b.Max)
}

// Value is the band in URLs and facets: "commune-20000-49999",
// "epci-300000-plus", "region-all".
func (b Bracket) Value() string {
	switch {
	case b.Min == 0 && b.Max == 0:
		return string(b.Kind) + "-all"
	case b.Max == 0:
		return fmt.Sprintf("%s-%d-plus", b.Kind, b.Min)
	}
	return fmt.Sprintf("%s-%d-%d", b.Kind, b.Min, b.Max-1)
}

// ParseBracket reads a Value back; only bands of the scheme are accepted.
func ParseBracket(v string) (Bracket, bool) {
	for _, b := range AllBrackets() {
		if b.Value() == v {
			return b, true
		}
	}
	return Bracket{}, false
}

// Label says the band in French or English ("en"): "20 000 à 49 999 hab.".
func (b Bracket) Label(lang string) string {
	n := func(x int) string { return groupDigits(x, lang) }
	en := lang == "en"
	switch {
	case b.Min == 0 && b.Max == 0:
		return map[bool]string{false: "toutes tailles", true: "all sizes"}[en]
	case b.Min == 0:
		if en {
			return "under " + n(b.Max)
		}
		return "moins de " + n(b.Max) + " hab."
	case b.Max == 0:
		if en {
			return n(b.Min) + " and over"
		}
		return n(b.Min) + " hab. et plus"
	}
	if en {
		return n(b.Min) + "–" + n(b.Max-1)
	}
	return n(b.Min) + " à " + n(b.Max-1) + " hab."
}

// KindLabel names the kind with the band, for lists that mix kinds:
// "communes de 20 000 à 49 999 hab.".
func (b Bracket) KindLabel(lang string) string {
	if lang == "en" {
		kinds := map[Kind]string{Commune: "municipalities", EPCI: "inter-municipal bodies", EPT: "territorial public bodies",
			Departement: "départements", Region: "regions"}
		return kinds[b.Kind] + " " + b.Label(lang)
	}
	kinds := map[Kind]string{Commune: "communes", EPCI: "EPCI", EPT: "EPT", Departement: "départements", Region: "régions"}
	if b.Max == 0 && b.Min == 0 {
		return kinds[b.Kind] + ", " + b.Label(lang)
	}
	return kinds[b.Kind] + " de " + b.Label(lang)
}

// groupDigits writes 20000 as "20 000" (French, narrow no-break space) or
// "20,000" (English).
func groupDigits(x int, lang string) string {
	s := strconv.Itoa(x)
	sep := "\u202f"
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
