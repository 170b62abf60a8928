package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/search"
)

// searchPage is the answer of GET /search: a page of hits, the total and,
// when asked, the facet counts.
type searchPage struct {
	Data       []hitJSON   `json:"data"`
	Total      int         `json:"total"`
	Facets     []facetJSON `json:"facets"`
	NextCursor *string     `json:"next_cursor"`
	Links      pageLinks   `json:"links"`
}

type hitJSON struct {
	Type      search.Type   `json:"type"`
	Slug      string        `json:"slug"`
	Name      string        `json:"name"`
	Summary   string        `json:"summary"`
	Adopters  int           `json:"adopters"`
	UpdatedAt time.Time     `json:"updated_at"`
	Highlight highlightJSON `json:"highlight"`
	Link      string        `json:"link"`
}

// highlightJSON keeps highlights as data (spans flagged as matches), never
// as HTML, so a client renders them safely in its own way.
type highlightJSON struct {
	Name    search.Highlight `json:"name"`
	Snippet search.Highlight `json:"snippet"`
}

type facetJSON struct {
	Name   string           `json:"name"`
	Label  directory.Label  `json:"label"`
	Values []facetValueJSON `json:"values"`
}

type facetValueJSON struct {
	Value    string          `json:"value"`
	Label    directory.Label `json:"label"`
	Count    int             `json:"count"`
	Selected bool            `json:"selected"`
}

// hitLink is the API address of what a hit describes.
func hitLink(h search.Hit) string {
	switch h.Type {
	case search.TypeTool:
		return "/api/v1/tools/" + h.Slug
	case search.TypeVendor:
		return "/api/v1/vendors/" + h.Slug
	case search.TypeTerritory:
		// Territory hits are KIND-CODE, such as commune-69123.
		if i := strings.LastIndexByte(h.Slug, '-'); i > 0 {
			return "/api/v1/territories/" + h.Slug[i+1:] + "?kind=" + h.Slug[:i]
		}
	}
	return ""
}

// searchParams are the parameters of GET /search besides the facets.
func searchParams() []string {
	return append([]string{"q", "sort", "facets", "limit", "cursor"}, search.FacetNames()...)
}

// search serves GET /api/v1/search: full-text search over tools, vendors
// and territories with the same facets as the web search page. Pages are
// opaque cursors like everywhere else; underneath they are page numbers of
// the engine, so the cursor is bound to the page size too.
func (a *API) search(w http.ResponseWriter, r *http.Request) {
	if a.engine == nil {
		a.problem(w, r, civiscope.Errorf(civiscope.EUNAVAILABLE, "search is not configured on this server"))
		return
	}
	if err := onlyParams(r, searchParams()...); err != nil {
		a.problem(w, r, err)
		return
	}
	in := r.URL.Query()
	limit, err := pageLimit(in)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	key := r.URL.Path + "?" + withoutCursor(in).Encode()
	page := 1
	if c := in.Get("cursor"); c != "" {
		if err := a.cursors.decode(c, key, &page); err != nil {
			a.problem(w, r, err)
			return
		}
	}
	v := withoutCursor(in)
	v.Del("limit")
	v.Set("page", strconv.Itoa(page))
	v.Set("per_page", strconv.Itoa(limit))
	q, err := search.ParseQuery(v)
	if err != nil {
		a.problem(w, r, renameSearchFields(err))
		return
	}
	res, err := a.engine.Search(r.Context(), q)
	if err != nil {
		a.problem(w, r, renameSearchFields(err))
		return
	}
	out := searchPage{Data: make([]hitJSON, len(res.Hits)), Total: res.Total, Facets: []facetJSON{},
		Links: pageLinks{Self: r.URL.RequestURI()}}
	for i, h := range res.Hits {
		out.Data[i] = hitJSON{Type: h.Type, Slug: h.Slug, Name: h.Name, Summary: h.Summary, Adopters: h.Adopters,
			UpdatedAt: h.UpdatedAt, Highlight: highlightJSON{Name: spans(h.Highlighted), Snippet: spans(h.Snippet)},
			Link: hitLink(h)}
	}
	for _, f := range res.Facets {
		fj := facetJSON{Name: f.Name, Label: f.Label, Values: []facetValueJSON{}}
		for _, fv := range f.Values {
			fj.Values = append(fj.Values, facetValueJSON{Value: fv.Value, Label: fv.Label, Count: fv.Count, Selected: fv.Selected})
		}
		out.Facets = append(out.Facets, fj)
	}
	if res.Page < res.Pages && res.Page*res.PerPage < search.MaxResultWindow {
		next := a.cursors.encode(key, res.Page+1)
		nv := withoutCursor(in)
		nv.Set("cursor", next)
		u := r.URL.Path + "?" + nv.Encode()
		out.NextCursor, out.Links.Next = &next, &u
		w.Header().Set("Link", "<"+u+`>; rel="next"`)
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, out)
}

func spans(h search.Highlight) search.Highlight {
	if h == nil {
		return search.Highlight{}
	}
	return h
}

func withoutCursor(in url.Values) url.Values {
	v := url.Values{}
	for k, vals := range in {
		if k != "cursor" {
			v[k] = vals
		}
	}
	return v
}

// renameSearchFields speaks of the API's parameters: the engine's page and
// per_page are the API's cursor and limit.
func renameSearchFields(err error) error {
	fields := civiscope.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	out := make([]civiscope.FieldError, len(fields))
	for i, f := range fields {
		switch f.Field {
		case "page":
			f.Field = "cursor"
		case "per_page":
			f.Field = "limit"
		}
		out[i] = f
	}
	return civiscope.Invalid(out)
}
