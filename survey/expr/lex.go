// Package expr is the expression language of XLSForm questionnaires: the
// subset of ODK XPath that `relevant`, `constraint`, `required`,
// `choice_filter` and `default` columns use. A form is checked once at
// import (Parse, Refs), then expressions are evaluated on the server each
// time a page is saved, so a respondent's browser never decides what is
// stored.
package expr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLength bounds an expression's source; forms hold short expressions and
// a bound keeps a hostile file from costing much.
const MaxLength = 4096

// maxDepth bounds nesting so a deeply parenthesised input returns an error
// instead of exhausting the stack.
const maxDepth = 64

// Error is a parse error with the 1-based column (in characters) where it
// was found.
type Error struct {
	Column int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Column, e.Msg) }

type tokKind int

const (
	tEOF tokKind = iota
	tNumber
	tString
	tRef    // ${name}
	tDot    // .
	tName   // bare name: function, operator word (and, or, div, mod) or choice column
	tLParen // (
	tRParen // )
	tComma
	tOp // = != < <= > >= + - *
)

type token struct {
	kind tokKind
	text string
	col  int // 1-based, in runes
}

// lex splits src into tokens. Names may hold letters, digits, '_', '-' and
// '.', as XPath allows (count-selected, string-length).
func lex(src string) ([]token, error) {
	var toks []token
	col := 0
	i := 0
	for i < len(src) {
		r, w := utf8.DecodeRuneInString(src[i:])
		col++
		start := col
		switch {
		case r == utf8.RuneError && w == 1:
			return nil, &Error{start, "the expression is not valid UTF-8"}
		case unicode.IsSpace(r):
			i += w
		case r == '$':
			if !strings.HasPrefix(src[i:], "${") {
				return nil, &Error{start, "a reference is written ${name}"}
			}
			end := strings.IndexByte(src[i:], '}')
			if end < 0 {
				return nil, &Error{start, "the reference ${… is not closed with }"}
			}
			name := src[i+2 : i+end]
			if !ValidName(name) {
				return nil, &Error{start, fmt.Sprintf("%q is not a valid question name in ${…}", name)}
			}
			toks = append(toks, token{tRef, name, start})
			col += utf8.RuneCountInString(src[i+1 : i+end+1])
			i += end + 1
		case r == '\'' || r == '"':
			end := strings.IndexRune(src[i+1:], r)
			if end < 0 {
				return nil, &Error{start, "the text starting here is not closed with " + string(r)}
			}
			s := src[i+1 : i+1+end]
			toks = append(toks, token{tString, s, start})
			col += utf8.RuneCountInString(s) + 1
			i += end + 2
		case r >= '0' && r <= '9' || (r == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'):
			j := i
			dots := 0
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				if src[j] == '.' {
					dots++
				}
				j++
			}
			if dots > 1 {
				return nil, &Error{start, fmt.Sprintf("%q is not a number", src[i:j])}
			}
			toks = append(toks, token{tNumber, src[i:j], start})
			col += j - i - 1
			i = j
		case r == '.':
			toks = append(toks, token{tDot, ".", start})
			i += w
		case r == '(':
			toks = append(toks, token{tLParen, "(", start})
			i += w
		case r == ')':
			toks = append(toks, token{tRParen, ")", start})
			i += w
		case r == ',':
			toks = append(toks, token{tComma, ",", start})
			i += w
		case r == '!' || r == '<' || r == '>':
			if i+1 < len(src) && src[i+1] == '=' {
				toks = append(toks, token{tOp, src[i : i+2], start})
				col++
				i += 2
				continue
			}
			if r == '!' {
				return nil, &Error{start, "'!' must be followed by '=' (use not(…) to negate)"}
			}
			toks = append(toks, token{tOp, string(r), start})
			i += w
		case r == '=' || r == '+' || r == '-' || r == '*':
			toks = append(toks, token{tOp, string(r), start})
			i += w
		case unicode.IsLetter(r) || r == '_':
			j := i
			for j < len(src) {
				r2, w2 := utf8.DecodeRuneInString(src[j:])
				if !(unicode.IsLetter(r2) || unicode.IsDigit(r2) || r2 == '_' || r2 == '-' || r2 == '.') {
					break
				}
				j += w2
			}
			name := src[i:j]
			// "a-b" is read as one name, as XPath does; a trailing '-' is
			// subtraction with a missing space, which we refuse clearly.
			toks = append(toks, token{tName, name, start})
			col += utf8.RuneCountInString(name) - 1
			i = j
		default:
			return nil, &Error{start, fmt.Sprintf("unexpected character %q", r)}
		}
	}
	toks = append(toks, token{tEOF, "", col + 1})
	return toks, nil
}

// ValidName reports whether s is a valid XLSForm question or choice name:
// a letter or '_' first, then letters, digits, '_', '-' or '.'.
func ValidName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_'):
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}
