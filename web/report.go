package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/chart"
	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/reports/svg"
	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/survey"
)

// Reports are the observatory's published figures: adoption trends,
// survival of tools, barometer results under disclosure control, and the
// open-data releases. Every chart comes with its data table and a link to
// download the exact data behind it.
type Reports struct {
	log  *slog.Logger
	db   *pgxpool.Pool
	rd   *Renderer
	maps *chart.France
	dir  string // open-data releases on disk
	// editions reads published editions' protected results.
	editions *barometer.Reports
}

func newReports(d Deps, rd *Renderer, fr *chart.France) *Reports {
	if d.Editions == nil {
		d.Editions = barometer.NewReports(d.Pool)
	}
	return &Reports{log: d.Log, db: d.Pool, rd: rd, maps: fr, dir: d.OpenDataDir, editions: d.Editions}
}

func lang(r *http.Request) string { return string(RequestLang(r)) }

func (s *Reports) index(w http.ResponseWriter, r *http.Request) {
	years, err := barometer.Published(r.Context(), s.db)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	type link struct{ URL, Label string }
	var dims []link
	for _, d := range reports.Dimensions() {
		dims = append(dims, link{"/rapports/adoptions/" + d.Value, d.Label.In(lang(r))})
	}
	dims = append(dims, link{"/rapports/parts", s.t(r, "report.link.shares")},
		link{"/rapports/flux", s.t(r, "report.link.flows")})
	s.rd.Render(w, r, http.StatusOK, "report_index", map[string]any{"Dimensions": dims, "Years": years})
}

// writeCSV sends the table behind a page as a CSV download, in the
// open-data files' format.
func (s *Reports) writeCSV(w http.ResponseWriter, r *http.Request, res export.Resource) {
	w.Header().Set("Content-Type", export.MediaType(".csv"))
	w.Header().Set("Content-Disposition", `attachment; filename="`+res.Name+`.csv"`)
	if _, err := export.WriteCSV(r.Context(), w, res); err != nil {
		// The status is sent; the client sees a cut file.
		s.log.Warn("report CSV", "file", res.Name, "err", err)
	}
}

func wantsCSV(r *http.Request) bool { return r.URL.Query().Get("format") == "csv" }

func (s *Reports) adoptions(w http.ResponseWriter, r *http.Request) {
	dim, err := reports.ParseDimension(chi.URLParam(r, "dim"))
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	f, err := reports.ParseFilter(r.URL.Query().Get)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	b, err := reports.Adoptions(r.Context(), s.db, dim, f)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	l := lang(r)
	if wantsCSV(r) {
		s.writeCSV(w, r, reports.AdoptionsResource(b, l))
		return
	}
	title := ""
	for _, d := range reports.Dimensions() {
		if d.Value == string(dim) {
			title = d.Label.In(l)
		}
	}
	desc := s.t(r, "report.chart.same")
	var pic template.HTML
	switch dim {
	case reports.ByYear:
		// A year without any adoption in the data is a gap in the line,
		// not a zero: the sources simply do not cover it.
		var pts []svg.Point
		for _, c := range b.Rows {
			if y, err := strconv.Atoi(c.Key); err == nil {
				for len(pts) > 0 && pts[len(pts)-1].X+1 < float64(y) {
					pts = append(pts, svg.Point{X: pts[len(pts)-1].X + 1, Y: math.NaN()})
				}
				pts = append(pts, svg.Point{X: float64(y), Y: float64(c.N)})
			}
		}
		desc = s.t(r, "report.chart.gaps")
		pic = svg.Lines(svg.Chart{ID: "trend", Title: title, Desc: desc, XLabel: s.t(r, "report.axis.year"), Series: []svg.Series{{Name: "adoptions", Points: pts}}})
	case reports.ByDepartement:
		vals := map[string]int{}
		for _, c := range b.Rows {
			vals[c.Key] = c.N
		}
		pic = s.maps.SVG(chart.Choropleth{ID: "map", Title: title, Desc: desc, Values: vals,
			Label: func(code, name string, v int) string { return fmt.Sprintf("%s (%s) : %d", name, code, v) }})
	default:
		var bars []chart.Bar
		for _, c := range b.Rows {
			bars = append(bars, chart.Bar{Label: c.Label.In(l), Value: c.N})
		}
		pic = chart.Bars(bars, nil)
	}
	scope := s.adoptionScope(l, dim, f)
	if dim == reports.ByYear {
		cov, err := reports.SourceCoverage(r.Context(), s.db)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		scope.Sources = sourceRows(cov)
	}
	q := r.URL.Query()
	q.Set("format", "csv")
	s.rd.Render(w, r, http.StatusOK, "report_adoptions", map[string]any{
		"Title": title, "Chart": pic, "Breakdown": b, "Filter": f, "CSV": r.URL.Path + "?" + q.Encode(),
		"Rows": labelled(b.Rows, l), "Categories": categoryOptions(l), "Kinds": reports.AdopterKinds(), "Scope": scope,
		// A row's key is worth a column only where readers use it: the
		// INSEE code of a région or département. Elsewhere it is the label
		// again (a year) or an internal slug, which the CSV keeps.
		"Dimension": string(dim), "Codes": dim == reports.ByRegion || dim == reports.ByDepartement,
	})
}

type labelledCount struct {
	Key, Label string
	N          int
}

func labelled(cs []reports.Count, l string) []labelledCount {
	out := make([]labelledCount, len(cs))
	for i, c := range cs {
		out[i] = labelledCount{c.Key, c.Label.In(l), c.N}
	}
	return out
}

type option struct{ Value, Label string }

func categoryOptions(l string) []option {
	var out []option
	for _, c := range reportsCategories() {
		out = append(out, option{c.Slug, c.Label.In(l)})
	}
	return out
}

// t says a report message in the request's language.
func (s *Reports) t(r *http.Request, key string, args ...any) string {
	return s.rd.cat.T(RequestLang(r), key, args...)
}

func (s *Reports) survival(w http.ResponseWriter, r *http.Request) {
	width := 5
	if v := r.URL.Query().Get("cohorte"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.rd.Error(w, r, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("cohorte", "whole_number", civiscope.Params{"value": v}, "%q is not a number of years", v)}))
			return
		}
		width = n
	}
	sv, err := reports.ToolSurvival(r.Context(), s.db, width, time.Now())
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	if wantsCSV(r) {
		s.writeCSV(w, r, reports.SurvivalResource(sv))
		return
	}
	var series []svg.Series
	for _, c := range sv.Cohorts {
		s := svg.Series{Name: c.Label}
		for _, st := range c.Curve {
			s.Points = append(s.Points, svg.Point{X: float64(st.Years), Y: st.Survival})
		}
		series = append(series, s)
	}
	title := s.t(r, "report.survival.title")
	pic := svg.Steps(svg.Chart{ID: "km", Title: title, Desc: s.t(r, "report.chart.same"),
		XLabel: s.t(r, "report.axis.since_launch"), Percent: true, YMax: 1, Series: series})
	s.rd.Render(w, r, http.StatusOK, "report_survival", map[string]any{"Title": title, "Chart": pic, "Survival": sv, "Width": width})
}

func (s *Reports) barometer(w http.ResponseWriter, r *http.Request) {
	year, err := server.Year(chi.URLParam(r, "year"))
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	dim, err := barometer.ParseDimension(r.URL.Query().Get("par"))
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	res, err := s.editions.Results(r.Context(), barometer.Query{Year: year, Dimension: dim, Lang: lang(r)})
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	tables := res.Tables
	if wantsCSV(r) {
		s.writeCSV(w, r, barometer.TablesResource(res, dim))
		return
	}
	// Overall tables get a bar chart of their shown percentages; hidden
	// cells have no bar, as they have no number.
	charts := map[string]template.HTML{}
	if dim == barometer.All {
		for _, t := range tables {
			var bars []chart.Bar
			for j, c := range t.Columns {
				if cell := t.Cells[0][j]; cell.Shown && cell.Base > 0 {
					bars = append(bars, chart.Bar{Label: c.Label, Value: int(cell.Percent + 0.5)})
				}
			}
			if len(bars) > 0 {
				charts[t.Question] = chart.Bars(bars, func(v int) string { return strconv.Itoa(v) + " %" })
			}
		}
	}
	rates, err := s.editions.Rates(r.Context(), year)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	var shownRates []barometer.Rate
	for _, rt := range rates {
		if rt.Dimension == barometer.RateDimension(dim) {
			rt.Label = survey.GroupLabel(rt.Dimension, rt.Group, rt.Label, lang(r))
			shownRates = append(shownRates, rt)
		}
	}
	q := r.URL.Query()
	q.Set("format", "csv")
	s.rd.Render(w, r, http.StatusOK, "report_barometer", map[string]any{
		"Results": res, "Tables": tables, "Dim": dim, "Dims": barometer.Dimensions(), "CSV": r.URL.Path + "?" + q.Encode(),
		"Charts": charts, "Rates": shownRates, "Year": year,
	})
}

func (s *Reports) openData(w http.ResponseWriter, r *http.Request) {
	type set struct {
		Name     string
		Releases []export.Release
	}
	names := []string{reports.DirectoryDataset}
	years, err := barometer.Published(r.Context(), s.db)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	for _, y := range years {
		names = append(names, barometer.DatasetName(y))
	}
	var sets []set
	for _, n := range names {
		rels, err := export.Releases(r.Context(), s.db, n)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		sets = append(sets, set{n, rels})
	}
	s.rd.Render(w, r, http.StatusOK, "report_opendata", map[string]any{"Sets": sets})
}

// download serves one file of a release, only if the database lists it, so
// no other path on disk can be reached.
func (s *Reports) download(w http.ResponseWriter, r *http.Request) {
	rel, err := export.FindRelease(r.Context(), s.db, chi.URLParam(r, "dataset"), chi.URLParam(r, "version"))
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	fh, f, err := rel.Open(s.dir, chi.URLParam(r, "file"))
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	defer fh.Close()
	w.Header().Set("Content-Type", f.MediaType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	if f.SHA256 != "" {
		w.Header().Set("Digest", "sha-256="+f.SHA256)
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, f.Name, rel.CreatedAt, fh)
}

// shares shows the ten most adopted tools of each category with their
// share of the category.
func (s *Reports) shares(w http.ResponseWriter, r *http.Request) {
	f, err := reports.ParseFilter(r.URL.Query().Get)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	top := 10
	if wantsCSV(r) {
		top = 0
	}
	shares, at, err := reports.ToolShares(r.Context(), s.db, f, top)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	l := lang(r)
	if wantsCSV(r) {
		s.writeCSV(w, r, reports.SharesResource(shares))
		return
	}
	type group struct {
		Label  string
		Total  int
		Chart  template.HTML
		Shares []reports.Share
	}
	var groups []group
	for _, sh := range shares {
		if len(groups) == 0 || groups[len(groups)-1].Shares[0].Category != sh.Category {
			groups = append(groups, group{Label: sh.Label.In(l), Total: sh.Total})
		}
		g := &groups[len(groups)-1]
		g.Shares = append(g.Shares, sh)
	}
	for i := range groups {
		var bars []chart.Bar
		for _, sh := range groups[i].Shares {
			bars = append(bars, chart.Bar{Label: sh.ToolName, Value: int(sh.Percent + 0.5)})
		}
		groups[i].Chart = chart.Bars(bars, func(v int) string { return strconv.Itoa(v) + " %" })
	}
	q := r.URL.Query()
	q.Set("format", "csv")
	s.rd.Render(w, r, http.StatusOK, "report_shares", map[string]any{"Groups": groups, "AsOf": at, "CSV": r.URL.Path + "?" + q.Encode()})
}

// flows shows tools entering and leaving, and adoptions starting and
// ending, per year.
func (s *Reports) flows(w http.ResponseWriter, r *http.Request) {
	f, err := reports.ParseFilter(r.URL.Query().Get)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	flows, err := reports.Flows(r.Context(), s.db, f)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	if wantsCSV(r) {
		s.writeCSV(w, r, reports.FlowsResource(flows))
		return
	}
	var in, out []svg.Point
	for _, fl := range flows {
		in = append(in, svg.Point{X: float64(fl.Year), Y: float64(fl.ToolsEntered)})
		out = append(out, svg.Point{X: float64(fl.Year), Y: float64(fl.ToolsExited)})
	}
	title := s.t(r, "report.flows.title")
	pic := svg.Lines(svg.Chart{ID: "flows", Title: title, Desc: s.t(r, "report.chart.same"),
		XLabel: s.t(r, "report.axis.year"), Series: []svg.Series{{Name: s.t(r, "report.flows.entered"), Points: in}, {Name: s.t(r, "report.flows.left"), Points: out}}})
	q := r.URL.Query()
	q.Set("format", "csv")
	s.rd.Render(w, r, http.StatusOK, "report_flows", map[string]any{"Title": title, "Chart": pic, "Flows": flows, "CSV": r.URL.Path + "?" + q.Encode()})
}
