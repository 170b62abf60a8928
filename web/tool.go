package web

import (
	"html/template"
	"net/http"
	"sort"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/chart"
	"github.com/civiscope/civiscope/directory"
)

// toolView is the tool page: profile, adopters with evidence, the map of
// adopters by département with its table, and the revision history.
type toolView struct {
	Tool      *directory.Tool
	Adoptions []directory.Adoption
	Next      string // the next page of adopters, "" on the last
	First     bool   // on the first page of adopters
	Map       mapView
	Revisions []directory.Revision
}

// mapView is a choropleth and the table that carries the same figures.
type mapView struct {
	SVG    template.HTML
	Rows   []mapRow
	Legend []chart.Legend
	Total  int
}

type mapRow struct {
	Code, Name string
	Count      int
	OnMap      bool
}

const adoptersPerPage = 50

func (s *Site) tool(w http.ResponseWriter, r *http.Request) {
	s.cachedPage(w, r, "tool", "search", func() (any, error) { return s.toolData(r) })
}

func (s *Site) toolData(r *http.Request) (any, error) {
	ctx := r.Context()
	t, err := directory.GetTool(ctx, s.db, chi.URLParam(r, "slug"))
	if err != nil {
		return nil, err
	}
	f := directory.AdoptionFilter{ToolID: t.ID, Limit: adoptersPerPage}
	if a := r.URL.Query().Get("apres"); a != "" {
		f.After, err = strconv.ParseInt(a, 10, 64)
		if err != nil || f.After < 0 {
			return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "apres", Message: "must be an adoption id"}})
		}
	}
	page, err := directory.ListAdoptions(ctx, s.db, f)
	if err != nil {
		return nil, err
	}
	v := toolView{Tool: t, Adoptions: page.Adoptions, First: f.After == 0}
	if page.Next != 0 {
		v.Next = withParam(r.URL.Path, r.URL.Query(), "apres", strconv.FormatInt(page.Next, 10)) + "#adopters"
	}
	counts, err := directory.AdoptersByDepartement(ctx, s.db, t.ID)
	if err != nil {
		return nil, err
	}
	lang := RequestLang(r)
	v.Map = s.departementMap(lang, "map-"+t.Slug, s.rd.cat.T(lang, "tool.map.title", t.Name), counts)
	if v.Revisions, err = directory.ListRevisions(ctx, s.db, directory.EntityTool, t.ID, 20); err != nil {
		return nil, err
	}
	return v, nil
}

// departementMap draws counts per département and builds the table that
// goes with it; overseas départements are in the table only.
func (s *Site) departementMap(lang Lang, id, title string, counts map[string]int) mapView {
	var v mapView
	for code, n := range counts {
		v.Rows = append(v.Rows, mapRow{Code: code, Name: s.deptNames[code], Count: n, OnMap: s.maps.Has(code)})
		v.Total += n
	}
	sort.Slice(v.Rows, func(i, j int) bool {
		if v.Rows[i].Count != v.Rows[j].Count {
			return v.Rows[i].Count > v.Rows[j].Count
		}
		return v.Rows[i].Code < v.Rows[j].Code
	})
	c := chart.Choropleth{
		ID: id, Title: title, Desc: s.rd.cat.T(lang, "map.desc"), Values: counts,
		Label: func(code, name string, n int) string {
			return s.rd.cat.T(lang, "map.label", name, code, FormatInt(lang, n))
		},
	}
	v.SVG = s.maps.SVG(c)
	v.Legend = chart.LegendFor(c.Max())
	return v
}
