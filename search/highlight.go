package search

import (
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Highlight is a text cut into spans, the matched words marked. It keeps the
// text as data, not HTML, so that no document can inject markup.
type Highlight []Span

// Span is a piece of a highlighted text.
type Span struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// String is the plain text.
func (h Highlight) String() string {
	var b strings.Builder
	for _, s := range h {
		b.WriteString(s.Text)
	}
	return b.String()
}

// HTML is the text escaped, each match in <mark>…</mark>.
func (h Highlight) HTML() template.HTML {
	var b strings.Builder
	for _, s := range h {
		if s.Match {
			b.WriteString("<mark>")
		}
		b.WriteString(template.HTMLEscapeString(s.Text))
		if s.Match {
			b.WriteString("</mark>")
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every piece is escaped above
}

// Matches lists the matched pieces, for tests and logs.
func (h Highlight) Matches() []string {
	var out []string
	for _, s := range h {
		if s.Match {
			out = append(out, s.Text)
		}
	}
	return out
}

func (h Highlight) add(text string, match bool) Highlight {
	if text == "" {
		return h
	}
	if n := len(h); n > 0 && h[n-1].Match == match {
		h[n-1].Text += text
		return h
	}
	return append(h, Span{Text: text, Match: match})
}

// Matcher decides which words of a document a query matched, for backends
// that highlight on the Go side. It knows the query's folded words, their
// typo corrections, their French stems, and which may be prefixes.
type Matcher struct {
	exact    map[string]bool
	prefixes []string
	stems    []string
}

// NewMatcher builds a matcher from the query's clauses; corrections and
// stems are folded words a backend found for them (either may be nil).
func NewMatcher(cs []Clause, corrections, stems []string) Matcher {
	m := Matcher{exact: map[string]bool{}}
	for _, c := range cs {
		for _, alt := range c.Alternatives {
			for _, w := range alt {
				m.exact[w] = true
				if c.Prefix {
					m.prefixes = append(m.prefixes, w)
				}
			}
		}
	}
	for _, w := range corrections {
		m.exact[w] = true
	}
	for _, s := range stems {
		if utf8.RuneCountInString(s) >= 4 {
			m.stems = append(m.stems, s)
		}
	}
	return m
}

// Match reports whether a folded document word matches. A stem matches the
// words it starts, when what follows is no longer than a French suffix.
func (m Matcher) Match(w string) bool {
	if m.exact[w] {
		return true
	}
	for _, p := range m.prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	for _, s := range m.stems {
		if strings.HasPrefix(w, s) && len(w)-len(s) <= 6 {
			return true
		}
	}
	return false
}

type word struct{ start, end int }

func wordsOf(text string) []word {
	var out []word
	start := -1
	for i, r := range text {
		in := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, word{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{start, len(text)})
	}
	return out
}

// Mark highlights every matching word of text.
func (m Matcher) Mark(text string) Highlight {
	var h Highlight
	pos := 0
	for _, w := range wordsOf(text) {
		if m.Match(Fold(text[w.start:w.end])) {
			h = h.add(text[pos:w.start], false)
			h = h.add(text[w.start:w.end], true)
			pos = w.end
		}
	}
	return h.add(text[pos:], false)
}

// Crop returns about n words of text around its first match (its start when
// nothing matches), with an ellipsis where text was cut, highlighted.
func (m Matcher) Crop(text string, n int) Highlight {
	ws := wordsOf(text)
	if len(ws) <= n {
		return m.Mark(text)
	}
	first := 0
	for i, w := range ws {
		if m.Match(Fold(text[w.start:w.end])) {
			first = i
			break
		}
	}
	from := max(0, first-n/3)
	to := min(len(ws), from+n)
	from = max(0, to-n)
	start, end := ws[from].start, ws[to-1].end
	if from == 0 {
		start = 0
	}
	var h Highlight
	if start > 0 {
		h = h.add("…", false)
	}
	h = append(h, m.Mark(text[start:end])...)
	if end < len(text) {
		if to == len(ws) {
			h = h.add(text[end:], false)
		} else {
			h = h.add("…", false)
		}
	}
	return h
}

// ParseMarked reads a text whose matches sit between pre and post markers,
// as Meilisearch returns them, into a Highlight.
func ParseMarked(s, pre, post string) Highlight {
	var h Highlight
	for s != "" {
		i := strings.Index(s, pre)
		if i < 0 {
			break
		}
		h = h.add(s[:i], false)
		s = s[i+len(pre):]
		j := strings.Index(s, post)
		if j < 0 {
			h = h.add(s, true)
			return h
		}
		h = h.add(s[:j], true)
		s = s[j+len(post):]
	}
	return h.add(s, false)
}
