// Package detect recognises which civic-tech platform serves a page, from
// rules written in the Wappalyzer technology format (html, scriptSrc, meta,
// cookies, headers, dom, url, confidence, implies). The observatory's own
// rules file is embedded; see rules/civic-platforms.json for the sources of
// every marker.
package detect

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
)

//go:embed rules/civic-platforms.json
var embeddedRules []byte

// Embedded parses the rules shipped in the binary.
func Embedded() (*Rules, error) { return Parse(embeddedRules) }

// Rules is a compiled rules file. It is read-only once built and safe for
// concurrent use.
type Rules struct {
	techs []*tech
	index map[string]*tech
}

// Platform describes one technology the rules know.
type Platform struct {
	Name string `json:"name"`
	// Slug is the tool's slug in the directory; "" for technologies that
	// are no civic tool (web frameworks).
	Slug        string   `json:"slug,omitempty"`
	Website     string   `json:"website,omitempty"`
	Description string   `json:"description,omitempty"`
	Categories  []string `json:"categories,omitempty"`
	Sources     []string `json:"sources,omitempty"`
	// Verified is false for platforms whose markers are hints that no
	// public source confirms; their findings never publish on their own.
	Verified bool `json:"verified"`
}

type tech struct {
	Platform
	html, scriptSrc, url []pattern
	meta, cookies        map[string][]pattern
	headers              map[string][]pattern
	dom                  []domPattern
	implies              []impliedTech
}

type pattern struct {
	kind       string
	key        string // meta name, header or cookie name
	src        string
	re         *regexp.Regexp // nil: presence is enough
	literals   []string       // lower-cased texts every match contains
	confidence int
	version    string
}

type domPattern struct {
	selector   string
	match      cascadia.Selector
	attr       string // attribute tested by re; "" tests the text
	re         *regexp.Regexp
	literals   []string // lower-cased texts the page source must contain
	confidence int
}

type impliedTech struct {
	name       string
	confidence int
}

// fileFormat is the Wappalyzer layout, plus the observatory's "sources" and
// "verified" per technology and a categories table.
type fileFormat struct {
	Categories   map[string]string          `json:"categories"`
	Technologies map[string]json.RawMessage `json:"technologies"`
}

type techFormat struct {
	Slug        string                     `json:"slug"`
	Cats        []int                      `json:"cats"`
	Website     string                     `json:"website"`
	Description string                     `json:"description"`
	HTML        stringList                 `json:"html"`
	ScriptSrc   stringList                 `json:"scriptSrc"`
	Scripts     stringList                 `json:"scripts"`
	URL         stringList                 `json:"url"`
	Meta        map[string]stringList      `json:"meta"`
	Cookies     map[string]stringList      `json:"cookies"`
	Headers     map[string]stringList      `json:"headers"`
	DOM         json.RawMessage            `json:"dom"`
	Implies     stringList                 `json:"implies"`
	Sources     []string                   `json:"sources"`
	Verified    *bool                      `json:"verified"`
	Extra       map[string]json.RawMessage `json:"-"`
}

// stringList accepts a string or an array of strings, as Wappalyzer does.
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*s = many
	return nil
}

// domRule is the object form of a Wappalyzer dom entry.
type domRule struct {
	Exists     *string               `json:"exists"`
	Text       string                `json:"text"`
	Attributes map[string]stringList `json:"attributes"`
}

// Parse compiles a rules file. Every pattern and selector is checked, so a
// broken rule fails at load and never silently matches nothing.
func Parse(b []byte) (*Rules, error) {
	var f fileFormat
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	rs := &Rules{index: map[string]*tech{}}
	names := make([]string, 0, len(f.Technologies))
	for n := range f.Technologies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		var tf techFormat
		if err := json.Unmarshal(f.Technologies[name], &tf); err != nil {
			return nil, fmt.Errorf("rules: %s: %w", name, err)
		}
		t, err := compileTech(name, tf, f.Categories)
		if err != nil {
			return nil, fmt.Errorf("rules: %s: %w", name, err)
		}
		rs.techs = append(rs.techs, t)
		rs.index[name] = t
	}
	for _, t := range rs.techs {
		for _, im := range t.implies {
			if rs.index[im.name] == nil {
				return nil, fmt.Errorf("rules: %s implies unknown %q", t.Name, im.name)
			}
		}
	}
	return rs, nil
}

func compileTech(name string, tf techFormat, cats map[string]string) (*tech, error) {
	t := &tech{Platform: Platform{Name: name, Slug: tf.Slug, Website: tf.Website, Description: tf.Description, Sources: tf.Sources, Verified: tf.Verified == nil || *tf.Verified}}
	for _, c := range tf.Cats {
		if n, ok := cats[strconv.Itoa(c)]; ok {
			t.Categories = append(t.Categories, n)
		}
	}
	var err error
	if t.html, err = compileList("html", "", tf.HTML); err != nil {
		return nil, err
	}
	if t.scriptSrc, err = compileList("scriptSrc", "", append(tf.ScriptSrc, tf.Scripts...)); err != nil {
		return nil, err
	}
	if t.url, err = compileList("url", "", tf.URL); err != nil {
		return nil, err
	}
	if t.meta, err = compileMap("meta", tf.Meta, strings.ToLower); err != nil {
		return nil, err
	}
	if t.cookies, err = compileMap("cookies", tf.Cookies, func(s string) string { return s }); err != nil {
		return nil, err
	}
	if t.headers, err = compileMap("headers", tf.Headers, canonicalHeader); err != nil {
		return nil, err
	}
	if t.dom, err = compileDOM(tf.DOM); err != nil {
		return nil, err
	}
	for _, im := range tf.Implies {
		p, err := parsePattern("implies", "", im)
		if err != nil {
			return nil, err
		}
		t.implies = append(t.implies, impliedTech{name: strings.TrimSpace(p.src), confidence: p.confidence})
	}
	return t, nil
}

func compileList(kind, key string, srcs []string) ([]pattern, error) {
	var ps []pattern
	for _, s := range srcs {
		p, err := parsePattern(kind, key, s)
		if err != nil {
			return nil, err
		}
		if p.re == nil && kind != "meta" && kind != "cookies" && kind != "headers" {
			return nil, fmt.Errorf("%s: empty pattern", kind)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func compileMap(kind string, m map[string]stringList, norm func(string) string) (map[string][]pattern, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := map[string][]pattern{}
	for k, srcs := range m {
		ps, err := compileList(kind, norm(k), srcs)
		if err != nil {
			return nil, err
		}
		out[norm(k)] = ps
	}
	return out, nil
}

func compileDOM(raw json.RawMessage) ([]domPattern, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var list stringList
	if err := json.Unmarshal(raw, &list); err == nil {
		var out []domPattern
		for _, s := range list {
			d, err := parseDOMSelector(s)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	}
	var obj map[string]domRule
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("dom: want selectors or an object of selectors: %w", err)
	}
	var out []domPattern
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, sel := range keys {
		r := obj[sel]
		base, err := parseDOMSelector(sel)
		if err != nil {
			return nil, err
		}
		if r.Exists != nil {
			d := base
			if p, err := parsePattern("dom", "", *r.Exists); err != nil {
				return nil, err
			} else if strings.Contains(*r.Exists, `\;confidence`) {
				d.confidence = p.confidence
			}
			out = append(out, d)
		}
		if r.Text != "" {
			p, err := parsePattern("dom text", "", r.Text)
			if err != nil {
				return nil, err
			}
			d := base
			d.re, d.confidence = p.re, p.confidence
			out = append(out, d)
		}
		for attr, srcs := range r.Attributes {
			for _, s := range srcs {
				p, err := parsePattern("dom attribute", attr, s)
				if err != nil {
					return nil, err
				}
				d := base
				d.attr, d.re, d.confidence = attr, p.re, p.confidence
				out = append(out, d)
			}
		}
	}
	return out, nil
}

func parseDOMSelector(s string) (domPattern, error) {
	p, err := parsePattern("dom", "", s) // selectors may carry \;confidence too
	if err != nil {
		return domPattern{}, err
	}
	sel, err := cascadia.Compile(p.src)
	if err != nil {
		return domPattern{}, fmt.Errorf("dom selector %q: %w", p.src, err)
	}
	return domPattern{selector: p.src, match: sel, literals: selectorLiterals(p.src), confidence: p.confidence}, nil
}

// parsePattern reads "regex\;confidence:50\;version:\1". Patterns are
// case-insensitive, as in Wappalyzer.
func parsePattern(kind, key, s string) (pattern, error) {
	parts := strings.Split(s, `\;`)
	p := pattern{kind: kind, key: key, src: parts[0], confidence: 100}
	for _, tag := range parts[1:] {
		k, v, _ := strings.Cut(tag, ":")
		switch k {
		case "confidence":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 {
				return p, fmt.Errorf("%s %q: confidence must be 0–100", kind, s)
			}
			p.confidence = n
		case "version":
			p.version = v
		}
	}
	if kind == "dom" || kind == "implies" || p.src == "" {
		return p, nil
	}
	re, err := regexp.Compile("(?i)" + p.src)
	if err != nil {
		return p, fmt.Errorf("%s pattern %q: %w", kind, p.src, err)
	}
	p.re = re
	p.literals = requiredLiterals(p.src)
	return p, nil
}

func canonicalHeader(h string) string {
	parts := strings.Split(strings.ToLower(h), "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "-")
}

// Platforms lists the technologies the rules know, by name.
func (rs *Rules) Platforms() []Platform {
	out := make([]Platform, len(rs.techs))
	for i, t := range rs.techs {
		out[i] = t.Platform
	}
	return out
}

// Platform returns one technology by name.
func (rs *Rules) Platform(name string) (Platform, bool) {
	t, ok := rs.index[name]
	if !ok {
		return Platform{}, false
	}
	return t.Platform, true
}
