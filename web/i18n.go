package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Lang is a language the site speaks. French is the default; English is the
// second language.
type Lang string

const (
	FR Lang = "fr"
	EN Lang = "en"
)

// DefaultLang is what a visitor sees before choosing.
const DefaultLang = FR

// langCookie remembers the visitor's choice; the switch is a plain link, so
// it works without JavaScript.
const langCookie = "lang"

// ParseLang returns the language named by s, and false when it is not one the
// site speaks.
func ParseLang(s string) (Lang, bool) {
	switch Lang(strings.ToLower(strings.TrimSpace(s))) {
	case FR:
		return FR, true
	case EN:
		return EN, true
	}
	return "", false
}

// Other is the language the switch offers.
func (l Lang) Other() Lang {
	if l == EN {
		return FR
	}
	return EN
}

// Name is the language's name in itself, as language switches show it.
func (l Lang) Name() string {
	if l == EN {
		return "English"
	}
	return "Français"
}

// RequestLang picks the language of a request: an explicit ?lang= in the URL
// (so a shared link keeps its language), then the cookie set by the switch,
// then French.
func RequestLang(r *http.Request) Lang {
	if l, ok := ParseLang(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := ParseLang(c.Value); ok {
			return l
		}
	}
	return DefaultLang
}

// Message is one UI string in both languages. Keeping the two side by side
// makes a missing translation visible in review, and NewCatalogue rejects it.
type Message struct {
	Key string
	FR  string
	EN  string
}

// Catalogue holds every UI string. It is built once at start and only read
// afterwards, so it needs no lock.
type Catalogue struct {
	m map[string]Message
}

// NewCatalogue builds a catalogue from lists of messages (the web package's
// own, plus those of any package that reuses the renderer, such as survey).
// A key defined twice or a message missing a language is an error, found at
// start rather than by a visitor.
func NewCatalogue(lists ...[]Message) (*Catalogue, error) {
	c := &Catalogue{m: map[string]Message{}}
	var errs []string
	for _, list := range lists {
		for _, msg := range list {
			switch {
			case msg.Key == "":
				errs = append(errs, fmt.Sprintf("message with FR %q has no key", msg.FR))
			case msg.FR == "" || msg.EN == "":
				errs = append(errs, fmt.Sprintf("message %q lacks a language", msg.Key))
			case c.m[msg.Key].Key != "":
				errs = append(errs, fmt.Sprintf("message %q is defined twice", msg.Key))
			default:
				c.m[msg.Key] = msg
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("message catalogue: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// Has reports whether key is in the catalogue.
func (c *Catalogue) Has(key string) bool { _, ok := c.m[key]; return ok }

// Keys lists every key, sorted.
func (c *Catalogue) Keys() []string {
	out := make([]string, 0, len(c.m))
	for k := range c.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// T returns the message for key in lang, formatted with args (fmt verbs).
// An unknown key shows as itself in brackets, so the page still renders and
// the tests, which look for "[", catch it.
func (c *Catalogue) T(lang Lang, key string, args ...any) string {
	msg, ok := c.m[key]
	if !ok {
		return "[" + key + "]"
	}
	s := msg.FR
	if lang == EN {
		s = msg.EN
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Plural is T for a message about n things: the key's ".one" form when n
// is singular in lang, the key itself otherwise. French treats 0 and 1 as
// singular ("0 outil", "1 outil"), English only 1 ("0 tools", "1 tool").
func (c *Catalogue) Plural(lang Lang, key string, n int, args ...any) string {
	if singular(lang, n) && c.Has(key+".one") {
		key += ".one"
	}
	return c.T(lang, key, args...)
}

func singular(lang Lang, n int) bool {
	if lang == EN {
		return n == 1
	}
	return n == 0 || n == 1
}

// Localized is a content field in the language shown. Lang differs from the
// page's language when the field fell back to the other one, so templates can
// set a lang attribute on it.
type Localized struct {
	Text     string
	Lang     Lang
	Fallback bool
}

func (l Localized) String() string { return l.Text }

// Pick returns the content in lang, falling back to the other language when
// it is empty there.
func Pick(lang Lang, fr, en string) Localized {
	want, other := fr, en
	if lang == EN {
		want, other = en, fr
	}
	if strings.TrimSpace(want) != "" {
		return Localized{Text: want, Lang: lang}
	}
	if strings.TrimSpace(other) != "" {
		return Localized{Text: other, Lang: lang.Other(), Fallback: true}
	}
	return Localized{Lang: lang}
}

// FormatInt writes n with the language's digit grouping: a narrow no-break
// space in French, a comma in English.
func FormatInt(lang Lang, n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "\u202f"
	if lang == EN {
		sep = ","
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return b.String()
}
