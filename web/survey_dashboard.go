package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/survey"
)

// participation shows an edition's response rates against its sampling
// frame. The page is public, so it shows only what the reports publish:
// respondents per stratum under disclosure control (k, with secondary
// suppression), every percentage with its n. The unprotected counts
// (invitations, started drafts, small strata) are for staff only: the
// moderators' dashboard at /moderation/barometre/{year} (web/barometer_pages.go) and
// `civiscope survey rates`.
func (s *SurveyFlow) participation(w http.ResponseWriter, r *http.Request) {
	year, err := server.Year(chi.URLParam(r, "year"))
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	e, err := survey.GetEdition(r.Context(), s.db, year)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	raw, err := survey.ResponseRates(r.Context(), s.db, year)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	// The edition's stored k, the one its published results will use.
	k := barometer.EditionPolicy(e).K
	rates, total := barometer.ProtectRates(raw, k)
	by := map[string][]barometer.Rate{}
	for _, rt := range rates {
		rt.Label = survey.GroupLabel(rt.Dimension, rt.Group, rt.Label, string(RequestLang(r)))
		by[rt.Dimension] = append(by[rt.Dimension], rt)
	}
	s.rd.Render(w, r, http.StatusOK, "survey_rates", map[string]any{
		"Edition": e, "K": k, "Total": total,
		"Kinds": by["kind"], "Brackets": by["population"], "Regions": by["region"],
	})
}
