package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/survey"
)

// participation shows an edition's response rates against its sampling
// frame: aggregates only, so the page is public, as the observatory
// publishes its participation figures.
func (s *SurveyFlow) participation(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(chi.URLParam(r, "year"))
	if err != nil {
		s.rd.Error(w, r, civiscope.Errorf(civiscope.ENOTFOUND, "%q n'est pas une année", chi.URLParam(r, "year")))
		return
	}
	e, err := survey.GetEdition(r.Context(), s.db, year)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	rates, err := survey.ResponseRates(r.Context(), s.db, year)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	type row struct {
		survey.Rate
		Pct int
	}
	by := map[string][]row{}
	total := row{}
	for _, rt := range rates {
		by[rt.Dimension] = append(by[rt.Dimension], row{rt, int(100*rt.ResponseRate() + 0.5)})
		if rt.Dimension == "kind" {
			total.Frame += rt.Frame
			total.Invited += rt.Invited
			total.Started += rt.Started
			total.Submitted += rt.Submitted
		}
	}
	total.Pct = int(100*total.ResponseRate() + 0.5)
	s.rd.Render(w, r, http.StatusOK, "survey_rates", map[string]any{
		"Edition": e, "Kinds": by["kind"], "Brackets": by["population"], "Regions": by["region"], "Total": total,
	})
}
