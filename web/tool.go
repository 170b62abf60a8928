package web

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope/chart"
	"github.com/civiscope/civiscope/directory"
)

// toolView is the tool page: profile, adopters with evidence, the map of
// adopters by département with its table, and the revision history.
type toolView struct {
	Tool      *directory.Tool
	Adopters  adoptersView
	Map       mapView
	Revisions []directory.Revision
}

// mapView is a choropleth and the table that carries the same figures.
type mapView struct {
	// Link, when set, is the start of each row's link, completed by the
	// département's code; otherwise rows link to the département's page.
	Link   string
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
	v := toolView{Tool: t}
	if v.Adopters, err = s.toolAdopters(ctx, r, t); err != nil {
		return nil, err
	}
	counts, err := directory.AdoptersByDepartement(ctx, s.db, t.ID)
	if err != nil {
		return nil, err
	}
	lang := RequestLang(r)
	v.Map = s.departementMap(lang, "map-"+t.Slug, s.rd.cat.T(lang, "tool.map.title", t.Name), counts)
	// Each département of the table opens the tool's list narrowed to it.
	v.Map.Link = "/outils/" + url.PathEscape(t.Slug) + "?" + paramDept + "="
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
