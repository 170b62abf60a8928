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

// lowered is a page body prepared for literal prefilters: the set of its
// three-byte sequences, ASCII letters lower-cased. Most rules never match
// most pages; the set rejects almost all of them without a search through
// the body, and the lower-cased copy a search needs is made only when a
// rule gets past it.
type lowered struct {
	raw, text []byte
	grams     trigramSet
}

// trigramSet is a 65,536-bit set of hashed three-byte sequences: no false
// negatives, and few false positives for a page of tens of kilobytes.
type trigramSet [1 << 10]uint64

func trigram(a, b, c byte) uint32 {
	return (uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 2654435761 >> 16
}

func lower(b []byte) *lowered {
	l := &lowered{raw: b}
	// w holds the last three bytes. The first two positions also add a
	// partial trigram: a harmless extra bit.
	var w uint32
	for _, c := range b {
		if c-'A' < 26 {
			c += 'a' - 'A'
		}
		w = (w<<8 | uint32(c)) & 0xFFFFFF
		h := w * 2654435761 >> 16
		l.grams[h>>6] |= 1 << (h & 63)
	}
	return l
}

// mayMatch reports whether the text contains every literal.
func (l *lowered) mayMatch(lits []string) bool {
	for _, lit := range lits {
		for i := 0; i+2 < len(lit); i++ {
			h := trigram(lit[i], lit[i+1], lit[i+2])
			if l.grams[h>>6]&(1<<(h&63)) == 0 {
				return false
			}
		}
	}
	if len(lits) > 0 && l.text == nil {
		l.text = lowerASCII(l.raw)
	}
	for _, lit := range lits {
		if !bytes.Contains(l.text, []byte(lit)) {
			return false
		}
	}
	return true
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

// selectorLiterals returns lower-cased texts that the source of any
// element the CSS selector matches must contain: class names, ids,
// attribute names and the values of [attr=value]-style tests. A page
// without them cannot match, so detection skips the walk of its tree.
// Selector groups (a, b) and anything inside parentheses (:not(...)) give
// no guarantee, so they are left out.
func selectorLiterals(sel string) []string {
	if strings.Contains(sel, ",") {
		return nil
	}
	var out []string
	add := func(s string) {
		if s = strings.ToLower(s); len(s) >= 3 && !contains(out, s) {
			out = append(out, s)
		}
	}
	ident := func(i int) (string, int) {
		j := i
		for j < len(sel) && (isIdentByte(sel[j]) || sel[j] >= 0x80) {
			j++
		}
		return sel[i:j], j
	}
	depth := 0
	for i := 0; i < len(sel); {
		c := sel[i]
		switch {
		case c == '(':
			depth++
			i++
		case c == ')':
			depth--
			i++
		case depth > 0:
			i++
		case c == '.' || c == '#':
			var s string
			s, i = ident(i + 1)
			add(s)
		case c == '[':
			end := strings.IndexByte(sel[i:], ']')
			if end < 0 {
				return nil
			}
			addAttrLiterals(sel[i+1:i+end], add)
			i += end + 1
		default:
			i++
		}
	}
	return out
}

// addAttrLiterals reads the inside of an attribute selector: [name],
// [name=value], [name*='value' i] and the like.
func addAttrLiterals(in string, add func(string)) {
	op := strings.IndexAny(in, "=~|^$*")
	if op < 0 {
		add(strings.TrimSpace(in))
		return
	}
	add(strings.TrimSpace(in[:op]))
	v := strings.TrimSpace(strings.TrimLeft(in[op:], "=~|^$*"))
	if len(v) > 1 && (v[0] == '\'' || v[0] == '"') {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			v = v[1 : 1+end]
		}
	} else if sp := strings.IndexByte(v, ' '); sp >= 0 {
		v = v[:sp]
	}
	if !strings.Contains(v, "\\") && !strings.Contains(v, "&") {
		add(v)
	}
}

func isIdentByte(c byte) bool {
	return c == '-' || c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
