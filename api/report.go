package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/server"
)

// reportRoutes serves the published figures under /v1/reports: adoption
// trends, tool shares, entrants and exits, survival, declared vs observed,
// which sources cover which years,
// barometer results under disclosure control and open-data releases. They
// are read-only and public, mounted by routes() under /v1; openapi.json
// documents each one (the contract test requires both together).
func (a *API) reportRoutes(r chi.Router) {
	public := r.With(a.cached)
	public.Get("/adoptions/{dimension}", a.reportAdoptions)
	public.Get("/shares", a.reportShares)
	public.Get("/flows", a.reportFlows)
	public.Get("/survival", a.reportSurvival)
	public.Get("/declared-vs-observed", a.reportDeclared)
	public.Get("/source-coverage", a.reportSources)
	public.Get("/barometer/{year}", a.reportBarometer)
	public.Get("/barometer/{year}/response-rates", a.reportRates)
	public.Get("/barometer-series/{concept}", a.reportSeries)
	public.Get("/releases/{dataset}", a.reportReleases)
}

func trendParams() []string {
	return []string{"from", "to", "category", "tool", "region", "departement", "kind", "bracket"}
}

func (a *API) trendFilter(w http.ResponseWriter, r *http.Request, extra ...string) (reports.Filter, bool) {
	if err := onlyParams(r, append(trendParams(), extra...)...); err != nil {
		a.problem(w, r, err)
		return reports.Filter{}, false
	}
	f, err := reports.ParseFilter(r.URL.Query().Get)
	if err != nil {
		a.problem(w, r, err)
		return f, false
	}
	return f, true
}

func (a *API) reportAdoptions(w http.ResponseWriter, r *http.Request) {
	dim, err := reports.ParseDimension(chi.URLParam(r, "dimension"))
	if err != nil {
		a.problem(w, r, err)
		return
	}
	f, ok := a.trendFilter(w, r)
	if !ok {
		return
	}
	b, err := reports.Adoptions(r.Context(), a.db, dim, f)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, b)
}

// reportShares returns each tool's share within its category: the top 20
// per category unless ?top= says otherwise (1 to 10,000).
func (a *API) reportShares(w http.ResponseWriter, r *http.Request) {
	f, ok := a.trendFilter(w, r, "top")
	if !ok {
		return
	}
	top := 20
	if v := r.URL.Query().Get("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			a.problem(w, r, civiscope.Invalid([]civiscope.FieldError{{Field: "top", Message: "must be a whole number between 1 and 10000"}}))
			return
		}
		top = n
	}
	shares, at, err := reports.ToolShares(r.Context(), a.db, f, top)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	if shares == nil {
		shares = []reports.Share{}
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, map[string]any{"as_of": at, "filter": f, "shares": shares})
}

func (a *API) reportFlows(w http.ResponseWriter, r *http.Request) {
	f, ok := a.trendFilter(w, r)
	if !ok {
		return
	}
	flows, err := reports.Flows(r.Context(), a.db, f)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, map[string]any{"filter": f, "years": flows})
}

func (a *API) reportSurvival(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, "cohort"); err != nil {
		a.problem(w, r, err)
		return
	}
	width := 5
	if v := r.URL.Query().Get("cohort"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			a.problem(w, r, civiscope.Invalid([]civiscope.FieldError{{Field: "cohort", Message: "must be a whole number of years"}}))
			return
		}
		width = n
	}
	sv, err := reports.ToolSurvival(r.Context(), a.db, width, time.Now())
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, sv)
}

func (a *API) reportDeclared(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	cs, err := reports.DeclaredVsObserved(r.Context(), a.db)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	if cs == nil {
		cs = []reports.Comparison{}
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, map[string]any{"tools": cs})
}

func reportYear(r *http.Request) (int, error) {
	s := chi.URLParam(r, "year")
	return server.Year(s)
}

// reportBarometer returns an edition's protected tables: ?by= picks the
// breakdown (all by default), ?question= one question.
func (a *API) reportBarometer(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, "by", "question"); err != nil {
		a.problem(w, r, err)
		return
	}
	year, err := reportYear(r)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	q := r.URL.Query()
	res, err := a.barometer.Results(r.Context(), barometer.Query{Year: year, Dimension: q.Get("by"), Question: q.Get("question")})
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, res)
}

func (a *API) reportRates(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	year, err := reportYear(r)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	rates, err := a.barometer.Rates(r.Context(), year)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, map[string]any{"year": year, "rates": rates})
}

func (a *API) reportReleases(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	rels, err := export.Releases(r.Context(), a.db, chi.URLParam(r, "dataset"))
	if err != nil {
		a.problem(w, r, err)
		return
	}
	if len(rels) == 0 {
		a.problem(w, r, civiscope.Errorf(civiscope.ENOTFOUND, "no release of %q is published", chi.URLParam(r, "dataset")))
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, map[string]any{"releases": rels})
}

// reportSeries follows one concept across the published editions.
func (a *API) reportSeries(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	pts, err := barometer.Series(r.Context(), a.db, chi.URLParam(r, "concept"), barometer.Options{})
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, map[string]any{"concept": chi.URLParam(r, "concept"), "points": pts})
}
