package web

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/search"
)

// templateFuncs are the language-independent helpers every template may use;
// language-dependent ones are methods of Page ($.T, $.Num, $.Pick).
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"add":      func(a, b int) int { return a + b },
		"mulf":     func(a, b float64) float64 { return a * b },
		"int":      func(n int64) int { return int(n) },
		"hasWord":  hasWord,
		"diffText": moderation.Text,
		// list builds a slice in a template, to loop over similar fields.
		"list": func(xs ...string) []string { return xs },
		"sub":  func(a, b int) int { return a - b },
		// pct is the share a/b as a whole percentage, for bar widths.
		"pct": func(a, b int) int {
			if b <= 0 {
				return 0
			}
			return a * 100 / b
		},
		"lower": strings.ToLower,
		// args builds the dot of a partial from key/value pairs:
		// {{template "pager" (args "Page" $ "P" .Pager)}}.
		"args": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				if k, ok := kv[i].(string); ok {
					m[k] = kv[i+1]
				}
			}
			return m
		},
		"territoryURL": territoryURL,
		"hitURL":       hitURL,
		// hitURLWith keeps a search's "used by" filters on a tool's page,
		// which then lists those adopters.
		"hitURLWith": func(h search.Hit, q url.Values) string {
			u := hitURL(h)
			if f := adopterFilters(q); h.Type == search.TypeTool && len(f) > 0 {
				u += "?" + f.Encode() + "#adopters"
			}
			return u
		},
		// kindKey is the message key naming a territory's type: the legal
		// form for an EPCI ("Métropole"), the kind otherwise.
		"kindKey": func(t territory.Territory) string {
			if t.Kind == territory.EPCI && t.LegalForm != "" {
				return "form." + t.LegalForm
			}
			return "kind." + string(t.Kind)
		},
		// withParam returns path?query with one parameter set (or removed when
		// value is empty) and the page reset, for facet and sort links.
		"withParam": func(path string, q url.Values, key, value string) string {
			return withParam(path, q, key, value)
		},
		// toggleParam adds value to a multi-valued parameter, or removes it
		// when present: a facet link.
		"toggleParam": func(path string, q url.Values, key, value string) string {
			return toggleParam(path, q, key, value)
		},
		"hasParam": func(q url.Values, key, value string) bool {
			for _, v := range q[key] {
				if v == value {
					return true
				}
			}
			return false
		},
	}
}

func cloneValues(q url.Values) url.Values {
	c := make(url.Values, len(q))
	for k, v := range q {
		if k == "page" {
			continue
		}
		c[k] = append([]string(nil), v...)
	}
	return c
}

func withParam(path string, q url.Values, key, value string) string {
	c := cloneValues(q)
	if value == "" {
		c.Del(key)
	} else {
		c.Set(key, value)
	}
	return encodeURL(path, c)
}

func toggleParam(path string, q url.Values, key, value string) string {
	c := cloneValues(q)
	var kept []string
	found := false
	for _, v := range c[key] {
		if v == value {
			found = true
			continue
		}
		kept = append(kept, v)
	}
	if !found {
		kept = append(kept, value)
	}
	if len(kept) == 0 {
		c.Del(key)
	} else {
		c[key] = kept
	}
	return encodeURL(path, c)
}

func encodeURL(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// territoryURL is the page of a territory: /territoires/{kind}/{code}.
func territoryURL(t territory.Territory) string {
	return territoryPath(t.Kind, t.Code)
}

func territoryPath(kind territory.Kind, code string) string {
	return "/territoires/" + string(kind) + "/" + url.PathEscape(code)
}
