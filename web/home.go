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
	s.cachedPage(w, r, "home", "home", func() (any, error) { return s.homeData(r) })
}

func (s *Site) homeData(r *http.Request) (any, error) {
	f, err := directory.KeyFigures(r.Context(), s.db, 6)
	if err != nil {
		return nil, err
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
	return v, nil
}
