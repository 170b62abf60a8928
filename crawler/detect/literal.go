package detect

import (
	"bytes"
	"regexp/syntax"
	"strings"
	"unicode"
)

// requiredLiterals returns lower-cased strings that every match of the
// pattern must contain (the literal runs of its top-level sequence), none
// when it has no such run. Detection first looks for it
// with a plain byte search: case-insensitive regexps get no literal prefix
// optimisation in Go, and most rules never match most pages.
func requiredLiterals(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl|syntax.FoldCase)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	var out []string
	if re.Op == syntax.OpConcat {
		var run []rune
		flush := func() {
			if s := literalText(run); len(s) >= 3 {
				out = append(out, s)
			}
			run = nil
		}
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral {
				run = append(run, sub.Rune...)
				continue
			}
			flush()
		}
		flush()
	}
	if l := longestLiteral(re); l != "" && !contains(out, l) {
		out = append(out, l)
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// requiredLiteral is the longest of them, "" if none.
func requiredLiteral(expr string) string {
	re, err := syntax.Parse(expr, syntax.Perl|syntax.FoldCase)
	if err != nil {
		return ""
	}
	return longestLiteral(re.Simplify())
}

func longestLiteral(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		return literalText(re.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return longestLiteral(re.Sub[0])
	case syntax.OpConcat:
		best := ""
		var run []rune
		flush := func() {
			if s := literalText(run); len(s) > len(best) {
				best = s
			}
			run = nil
		}
		for _, s := range re.Sub {
			if s.Op == syntax.OpLiteral {
				run = append(run, s.Rune...)
				continue
			}
			flush()
			if l := longestLiteral(s); len(l) > len(best) && s.Op != syntax.OpStar && s.Op != syntax.OpQuest {
				best = l
			}
		}
		flush()
		return best
	}
	return ""
}

func literalText(rs []rune) string {
	for _, r := range rs {
		if r > unicode.MaxASCII {
			return "" // keep to ASCII so a byte search on a lower-cased body is exact
		}
	}
	return strings.ToLower(string(rs))
}

// lowerASCII lower-cases ASCII letters only, keeping byte offsets.
func lowerASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

func mayMatch(lower []byte, lits []string) bool {
	for _, l := range lits {
		if !bytes.Contains(lower, []byte(l)) {
			return false
		}
	}
	return true
}
