package web

import (
	"html/template"
	"net/http"

	"github.com/civiscope/civiscope/chart"
	"github.com/civiscope/civiscope/directory"
)

type homeView struct {
	Figures *directory.Figures
	Bars    template.HTML
}

func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	f, err := directory.KeyFigures(r.Context(), s.db, 6)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	lang := RequestLang(r)
	v := homeView{Figures: f}
	if len(f.ByCategory) > 0 {
		bars := make([]chart.Bar, len(f.ByCategory))
		for i, c := range f.ByCategory {
			label := c.Category
			if cat, ok := directory.CategoryBySlug(c.Category); ok {
				label = Pick(lang, cat.Label.FR, cat.Label.EN).Text
			}
			bars[i] = chart.Bar{Label: label, Value: c.Count}
		}
		v.Bars = chart.Bars(bars, func(n int) string { return FormatInt(lang, n) })
	}
	s.rd.RenderNav(w, r, http.StatusOK, "home", "home", v)
}
