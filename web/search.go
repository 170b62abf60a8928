package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/civiscope/civiscope/search"
)

// searchView is the results page. Every state lives in the URL (query,
// facets, sort, page), so a search can be shared and the back button works.
type searchView struct {
	Q       string
	Sort    string
	Res     *search.Results
	Pager   Pager
	Active  []activeFilter // the filters in force, each with its removal link
	Relax   []relaxHint    // when nothing matched: what to drop, and what it gives
	Sorts   []string
	Hidden  []hiddenField // filters carried by the keyword form
	NoQuery bool
}

type activeFilter struct {
	Facet, Value, Label string
	RemoveURL           string
}

type relaxHint struct {
	Label string // the filter's label, "" for the keywords
	URL   string
	Total int
}

type hiddenField struct{ Name, Value string }

func (s *Site) searchPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lang := RequestLang(r)
	raw := r.URL.Query()
	params := url.Values{}
	for k, v := range raw {
		if k != "lang" { // the page's language is not a search parameter
			params[k] = v
		}
	}
	q, err := search.ParseQuery(params)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	// Results change only when the index applies a revision: cache the page
	// under the index's cursor, so it is never stale.
	var cursor int64 = -1
	if b, ok := s.search.(interface{ Name() string }); ok {
		if id, built, err := search.Cursor(ctx, s.db, b.Name()); err == nil && built {
			cursor = id
		}
	}
	key := string(lang) + " " + r.URL.RequestURI()
	if cursor >= 0 {
		if page, ok := s.searches.get(cursor, key); ok {
			writePage(w, lang, http.StatusOK, page)
			return
		}
	}
	q.Facets = true
	res, err := s.search.Search(ctx, q)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	v := searchView{Q: q.Text, Sort: string(q.Sort), Res: res, NoQuery: q.Text == "" && len(q.Filters) == 0,
		Sorts: []string{string(search.SortRelevance), string(search.SortAdopters), string(search.SortName), string(search.SortUpdated)}}
	v.Pager = Pager{Page: res.Page, PerPage: res.PerPage, Total: res.Total, path: r.URL.Path, query: raw}
	if v.Pager.Beyond() {
		s.rd.NotFound(w, r)
		return
	}
	names := make([]string, 0, len(q.Filters))
	for name := range q.Filters {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, val := range q.Filters[name] {
			v.Active = append(v.Active, activeFilter{
				Facet: name, Value: val, Label: s.facetValueLabel(lang, res, name, val),
				RemoveURL: toggleParam(r.URL.Path, raw, name, val),
			})
			v.Hidden = append(v.Hidden, hiddenField{name, val})
		}
	}
	if res.Total == 0 && !v.NoQuery {
		// Nothing matched: try the search without each filter (and without
		// the keywords) and offer the ones that give results.
		for _, f := range v.Active {
			rq := q
			rq.Filters = without(q.Filters, f.Facet, f.Value)
			rq.Facets, rq.Page = false, 1
			if n, err := s.count(r, rq); err == nil && n > 0 {
				v.Relax = append(v.Relax, relaxHint{Label: f.Label, URL: f.RemoveURL, Total: n})
			}
		}
		if q.Text != "" {
			rq := q
			rq.Text, rq.Facets, rq.Page = "", false, 1
			if n, err := s.count(r, rq); err == nil && n > 0 {
				v.Relax = append(v.Relax, relaxHint{URL: withParam(r.URL.Path, raw, "q", ""), Total: n})
			}
		}
	}
	html, err := s.rd.RenderBytes(r, http.StatusOK, "search", "search", v)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	if cursor >= 0 {
		s.searches.put(cursor, key, html)
	}
	writePage(w, lang, http.StatusOK, html)
}

func (s *Site) count(r *http.Request, q search.Query) (int, error) {
	q.PerPage = 1
	res, err := s.search.Search(r.Context(), q)
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

func without(f map[string][]string, name, value string) map[string][]string {
	out := make(map[string][]string, len(f))
	for k, vs := range f {
		for _, v := range vs {
			if k != name || v != value {
				out[k] = append(out[k], v)
			}
		}
	}
	return out
}

// facetValueLabel names a filter value as the facet list does.
func (s *Site) facetValueLabel(lang Lang, res *search.Results, name, value string) string {
	for _, f := range res.Facets {
		if f.Name != name {
			continue
		}
		for _, fv := range f.Values {
			if fv.Value == value {
				l := Pick(lang, fv.Label.FR, fv.Label.EN).Text
				if l == "" {
					l = value
				}
				return Pick(lang, f.Label.FR, f.Label.EN).Text + " : " + l
			}
		}
	}
	return value
}

// hitURL is the page of a search hit.
func hitURL(h search.Hit) string {
	switch h.Type {
	case search.TypeTool:
		return "/outils/" + url.PathEscape(h.Slug)
	case search.TypeVendor:
		return "/editeurs/" + url.PathEscape(h.Slug)
	}
	// Territories: KIND-CODE, such as "commune-69123".
	if kind, code, ok := strings.Cut(h.Slug, "-"); ok {
		return "/territoires/" + kind + "/" + url.PathEscape(code)
	}
	return "/recherche"
}
