package detect

import (
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// Page is what detection looks at: the final URL, the response headers and
// the body decoded to UTF-8.
type Page struct {
	URL    string
	Header map[string][]string
	Body   []byte
}

// Detection is one platform recognised on a page.
type Detection struct {
	Platform   string   `json:"platform"`
	Website    string   `json:"website,omitempty"`
	Categories []string `json:"categories,omitempty"`
	// Confidence is the sum of the matched markers' confidences, capped at
	// 100, as in Wappalyzer.
	Confidence int     `json:"confidence"`
	Version    string  `json:"version,omitempty"`
	Verified   bool    `json:"verified"`
	ImpliedBy  string  `json:"implied_by,omitempty"`
	Matches    []Match `json:"matches"`
}

// Match is one marker found, with the text that matched as evidence.
type Match struct {
	Kind       string `json:"kind"` // html, scriptSrc, meta, cookies, headers, dom, url
	Rule       string `json:"rule"`
	Evidence   string `json:"evidence"`
	Confidence int    `json:"confidence"`
}

// maxEvidence keeps evidence readable in a terminal and a table.
const maxEvidence = 160

// Detect runs every rule on the page. The result is sorted by confidence,
// then name; it is empty, never nil, when nothing matched.
func (rs *Rules) Detect(p Page) []Detection {
	doc := Extract(p.Body)
	return rs.DetectExtracted(p, doc)
}

// DetectExtracted is Detect on a page already extracted, so that a crawler
// that also needs the links parses the HTML once.
func (rs *Rules) DetectExtracted(p Page, doc *Document) []Detection {
	cookies := parseCookies(p.Header["Set-Cookie"])
	lc := lower(p.Body)
	found := map[string]*Detection{}
	for _, t := range rs.techs {
		var ms []Match
		version := ""
		add := func(kind, rule, evidence string, conf int, ver string) {
			ms = append(ms, Match{Kind: kind, Rule: rule, Evidence: clip(evidence), Confidence: conf})
			if ver != "" && version == "" {
				version = ver
			}
		}
		for _, pt := range t.url {
			if m := pt.re.FindStringSubmatch(p.URL); m != nil {
				add("url", pt.src, m[0], pt.confidence, expandVersion(pt.version, m))
			}
		}
		for _, pt := range t.html {
			if !lc.mayMatch(pt.literals) {
				continue
			}
			if loc := pt.re.FindSubmatchIndex(p.Body); loc != nil {
				m := submatches(p.Body, loc)
				add("html", pt.src, context(p.Body, loc[0], loc[1]), pt.confidence, expandVersion(pt.version, m))
			}
		}
		for _, pt := range t.scriptSrc {
			for _, src := range doc.ScriptSrc {
				if m := pt.re.FindStringSubmatch(src); m != nil {
					add("scriptSrc", pt.src, src, pt.confidence, expandVersion(pt.version, m))
					break
				}
			}
		}
		for name, pts := range t.meta {
			for _, content := range doc.Meta[name] {
				if matchValue(pts, content, add, "meta", name) {
					break
				}
			}
		}
		for name, pts := range t.headers {
			for _, v := range p.Header[name] {
				if matchValue(pts, v, add, "headers", name) {
					break
				}
			}
		}
		for name, pts := range t.cookies {
			if v, ok := cookies[name]; ok {
				matchValue(pts, v, add, "cookies", name)
			}
		}
		for _, d := range t.dom {
			if !lc.mayMatch(d.literals) {
				continue
			}
			if ev, ok := doc.domMatch(d); ok {
				add("dom", domRuleText(d), ev, d.confidence, "")
			}
		}
		if len(ms) == 0 {
			continue
		}
		conf := 0
		for _, m := range ms {
			conf += m.Confidence
		}
		found[t.Name] = &Detection{Platform: t.Name, Website: t.Website, Categories: t.Categories,
			Confidence: min(conf, 100), Version: version, Verified: t.Verified, Matches: ms}
	}
	rs.addImplied(found)
	out := make([]Detection, 0, len(found))
	for _, d := range found {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Confidence != out[j].Confidence {
			return out[i].Confidence > out[j].Confidence
		}
		return out[i].Platform < out[j].Platform
	})
	return out
}

// addImplied adds what detected platforms imply (Decidim implies Ruby on
// Rails), with the implying confidence scaled by the implication's.
func (rs *Rules) addImplied(found map[string]*Detection) {
	for changed := true; changed; {
		changed = false
		for _, name := range sortedKeys(found) {
			d := found[name]
			for _, im := range rs.index[name].implies {
				if _, ok := found[im.name]; ok {
					continue
				}
				t := rs.index[im.name]
				found[im.name] = &Detection{Platform: t.Name, Website: t.Website, Categories: t.Categories,
					Confidence: d.Confidence * im.confidence / 100, Verified: t.Verified, ImpliedBy: name,
					Matches: []Match{{Kind: "implies", Rule: name, Evidence: name + " detected", Confidence: im.confidence}}}
				changed = true
			}
		}
	}
}

func sortedKeys(m map[string]*Detection) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func matchValue(pts []pattern, v string, add func(kind, rule, ev string, conf int, ver string), kind, key string) bool {
	matched := false
	for _, pt := range pts {
		if pt.re == nil {
			add(kind, key, key+": "+v, pt.confidence, "")
			matched = true
			continue
		}
		if m := pt.re.FindStringSubmatch(v); m != nil {
			add(kind, key+": "+pt.src, key+": "+v, pt.confidence, expandVersion(pt.version, m))
			matched = true
		}
	}
	return matched
}

func domRuleText(d domPattern) string {
	switch {
	case d.re != nil && d.attr != "":
		return d.selector + " [" + d.attr + "~" + d.re.String()[4:] + "]"
	case d.re != nil:
		return d.selector + " [text~" + d.re.String()[4:] + "]"
	}
	return d.selector
}

// expandVersion fills \1… in a version template from the submatches.
func expandVersion(tpl string, m []string) string {
	if tpl == "" {
		return ""
	}
	out := tpl
	for i := len(m) - 1; i >= 1; i-- {
		out = strings.ReplaceAll(out, `\`+string(rune('0'+i%10)), m[i])
	}
	if strings.Contains(out, `\`) {
		return ""
	}
	return out
}

func submatches(b []byte, loc []int) []string {
	m := make([]string, len(loc)/2)
	for i := range m {
		if loc[2*i] >= 0 {
			m[i] = string(b[loc[2*i]:loc[2*i+1]])
		}
	}
	return m
}

// context returns the match with a little of what surrounds it, on valid
// UTF-8 boundaries.
func context(b []byte, start, end int) string {
	s := max(start-30, 0)
	e := min(end+30, len(b))
	for s > 0 && !utf8.RuneStart(b[s]) {
		s--
	}
	for e < len(b) && !utf8.RuneStart(b[e]) {
		e++
	}
	return strings.Join(strings.Fields(string(b[s:e])), " ")
}

func clip(s string) string {
	s = strings.ToValidUTF8(s, "�")
	if len(s) <= maxEvidence {
		return s
	}
	cut := maxEvidence
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// parseCookies reads the names and values of Set-Cookie headers.
func parseCookies(lines []string) map[string]string {
	out := map[string]string{}
	for _, l := range lines {
		nv, _, _ := strings.Cut(l, ";")
		n, v, ok := strings.Cut(nv, "=")
		if !ok {
			continue
		}
		n = strings.TrimSpace(n)
		if n != "" {
			if uv, err := url.QueryUnescape(strings.TrimSpace(v)); err == nil {
				v = uv
			}
			out[n] = v
		}
	}
	return out
}
