package territory

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// abbreviations expands the short forms that French sources use for saints,
// so that "St-Étienne" and "Saint-Étienne" normalise alike.
var abbreviations = map[string]string{
	"st":  "saint",
	"ste": "sainte",
	"sts": "saints",
}

// Normalize folds a name for comparison: accents, case, apostrophes and
// punctuation are ignored and abbreviations expanded. The same rules build
// territory.name_norm, so a query and a stored name meet on equal terms.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
			space = false
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		if full, ok := abbreviations[w]; ok {
			words[i] = full
		}
	}
	return strings.Join(words, " ")
}
