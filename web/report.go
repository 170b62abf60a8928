package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	k    int
	// results caches the protected tables of published editions, which
	// never change once published (no response can be saved or submitted
	// then); protecting a large edition takes seconds, a page must not.
	resultsMu sync.Mutex
	results   map[string]*barometer.Results
}

// ReportsDeps is what the report pages need. OpenDataDir is where
// releases are published (`civiscope export … --dir`); K is the disclosure
// threshold (5 when 0).
type ReportsDeps struct {
	Log         *slog.Logger
	Pool        *pgxpool.Pool
	OpenDataDir string
	K           int
}

// NewReports parses the report templates with the site layout.
func NewReports(d ReportsDeps) (*Reports, error) {
	pages, err := fs.Sub(templateFS, "templates/reports")
	if err != nil {
		return nil, fmt.Errorf("report templates: %w", err)
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	rd, err := NewRenderer(RendererOptions{Log: d.Log, Pages: pages, Messages: reportMessages(), Funcs: template.FuncMap{
		"mulf": func(a, b float64) float64 { return a * b },
		"int":  func(n int64) int { return int(n) },
	}})
	if err != nil {
		return nil, err
	}
	fr, err := chart.LoadFrance()
	if err != nil {
		return nil, err
	}
	if d.K == 0 {
		d.K = 5
	}
	return &Reports{log: d.Log, db: d.Pool, rd: rd, maps: fr, dir: d.OpenDataDir, k: d.K}, nil
}

// Mount attaches the report pages under /rapports.
func (s *Reports) Mount() server.Mount {
	return func(r chi.Router) {
		r.Route("/rapports", func(r chi.Router) {
			r.Use(SecurityHeaders)
			r.Get("/", s.index)
			r.Get("/adoptions/{dim}", s.adoptions)
			r.Get("/survie", s.survival)
			r.Get("/parts", s.shares)
			r.Get("/flux", s.flows)
			r.Get("/barometre/{year}", s.barometer)
			r.Get("/donnees", s.openData)
			r.Get("/donnees/{dataset}/{version}/{file}", s.download)
		})
	}
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
	dims = append(dims, link{"/rapports/parts", pickText(lang(r), "Part de chaque outil dans sa catégorie", "Each tool's share of its category")},
		link{"/rapports/flux", pickText(lang(r), "Entrées et sorties d'outils", "Tools entering and leaving")})
	s.rd.Render(w, r, http.StatusOK, "report_index", map[string]any{"Dimensions": dims, "Years": years})
}

// writeCSV sends a small table as a CSV download: UTF-8 without BOM.
func writeCSV(w http.ResponseWriter, name string, head []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(head)
	_ = cw.WriteAll(rows)
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
		var rows [][]string
		for _, c := range b.Rows {
			rows = append(rows, []string{c.Key, c.Label.In(l), strconv.Itoa(c.N)})
		}
		writeCSV(w, "adoptions-"+string(dim)+".csv", []string{string(dim), "label", "adoptions"}, rows)
		return
	}
	title := ""
	for _, d := range reports.Dimensions() {
		if d.Value == string(dim) {
			title = d.Label.In(l)
		}
	}
	desc := pickText(l, "Les mêmes chiffres sont dans le tableau qui suit.", "The same figures are in the table below.")
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
		desc = pickText(l, "Une année sans donnée laisse un vide dans la courbe. Les mêmes chiffres sont dans le tableau qui suit.",
			"A year without data leaves a gap in the line. The same figures are in the table below.")
		pic = svg.Lines(svg.Chart{ID: "trend", Title: title, Desc: desc, XLabel: pickText(l, "année", "year"), Series: []svg.Series{{Name: "adoptions", Points: pts}}})
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

func pickText(l, fr, en string) string {
	if l == "en" {
		return en
	}
	return fr
}

func (s *Reports) survival(w http.ResponseWriter, r *http.Request) {
	width := 5
	if v := r.URL.Query().Get("cohorte"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.rd.Error(w, r, civiscope.Invalid([]civiscope.FieldError{{Field: "cohorte", Message: fmt.Sprintf("%q is not a number of years", v)}}))
			return
		}
		width = n
	}
	sv, err := reports.ToolSurvival(r.Context(), s.db, width, time.Now())
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	l := lang(r)
	if wantsCSV(r) {
		var rows [][]string
		for _, c := range sv.Cohorts {
			for _, st := range c.Curve {
				rows = append(rows, []string{c.Label, strconv.Itoa(st.Years), strconv.FormatFloat(st.Survival, 'f', 4, 64),
					strconv.Itoa(st.AtRisk), strconv.Itoa(st.Events), strconv.Itoa(st.Censored)})
			}
		}
		writeCSV(w, "survie-outils.csv", []string{"cohort", "years", "survival", "at_risk", "events", "censored"}, rows)
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
	title := pickText(l, "Survie des outils par cohorte de lancement (Kaplan–Meier)", "Survival of tools by launch cohort (Kaplan–Meier)")
	pic := svg.Steps(svg.Chart{ID: "km", Title: title, Desc: pickText(l, "Les mêmes chiffres sont dans le tableau qui suit.", "The same figures are in the table below."),
		XLabel: pickText(l, "années depuis le lancement", "years since launch"), Percent: true, YMax: 1, Series: series})
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
	res, err := s.barometerResults(r, year)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	var tables []barometer.Table
	for _, t := range res.Tables {
		if t.Dimension == dim {
			tables = append(tables, t)
		}
	}
	if wantsCSV(r) {
		var rows [][]string
		for _, t := range tables {
			for i, g := range t.Groups {
				for j, c := range t.Columns {
					cell := t.Cells[i][j]
					n, base, pct := "", "", ""
					if cell.Shown {
						n = strconv.Itoa(cell.N)
						if cell.Base > 0 {
							base, pct = strconv.Itoa(cell.Base), strconv.FormatFloat(cell.Percent, 'f', 1, 64)
						}
					}
					rows = append(rows, []string{t.Question, g.Key, g.Label, c.Key, c.Label, n, base, pct, cell.Status})
				}
			}
		}
		writeCSV(w, fmt.Sprintf("barometre-%d-%s.csv", year, dim), []string{"question", "group", "group_label", "answer", "answer_label", "n", "base", "percent", "status"}, rows)
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
	rates, err := barometer.ResponseRates(r.Context(), s.db, year, res.Policy.K)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	var shownRates []barometer.Rate
	for _, rt := range rates {
		if rt.Dimension == map[string]string{barometer.All: "kind", barometer.Kind: "kind", barometer.Bracket: "population", barometer.Region: "region"}[dim] {
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

// barometerResults returns the protected tables of a published edition,
// computed once per edition and language.
func (s *Reports) barometerResults(r *http.Request, year int) (*barometer.Results, error) {
	e, err := survey.GetEdition(r.Context(), s.db, year)
	if err == nil && e.Status == survey.Published {
		key := fmt.Sprintf("%d/%d/%s", e.ID, year, lang(r))
		s.resultsMu.Lock()
		res := s.results[key]
		s.resultsMu.Unlock()
		if res != nil {
			return res, nil
		}
		res, err := s.tabulate(r, year)
		if err != nil {
			return nil, err
		}
		s.resultsMu.Lock()
		if s.results == nil {
			s.results = map[string]*barometer.Results{}
		}
		s.results[key] = res
		s.resultsMu.Unlock()
		return res, nil
	}
	return s.tabulate(r, year)
}

func (s *Reports) tabulate(r *http.Request, year int) (*barometer.Results, error) {
	set, err := barometer.Load(r.Context(), s.db, year)
	if err != nil {
		return nil, err
	}
	names, err := barometer.RegionNames(r.Context(), s.db)
	if err != nil {
		return nil, err
	}
	return barometer.Tabulate(set, barometer.Options{RegionNames: names, Lang: lang(r)})
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
	dataset, version, file := chi.URLParam(r, "dataset"), chi.URLParam(r, "version"), chi.URLParam(r, "file")
	rel, err := export.FindRelease(r.Context(), s.db, dataset, version)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	if file == "SHA256SUMS" {
		// The checksum list is the one file not listed in the release (it
		// cannot hold its own hash); it is served as text.
		fh, err := os.Open(filepath.Join(s.dir, dataset, rel.Version, file))
		if err != nil {
			s.rd.Error(w, r, civiscope.Errorf(civiscope.ENOTFOUND, "%s %s is recorded but its files are not on this server", dataset, rel.Version))
			return
		}
		defer fh.Close()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="SHA256SUMS"`)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, file, rel.CreatedAt, fh)
		return
	}
	for _, f := range rel.Files {
		if f.Name != file || strings.ContainsAny(file, `/\`) {
			continue
		}
		path := filepath.Join(s.dir, dataset, rel.Version, f.Name)
		fh, err := os.Open(path)
		if err != nil {
			s.rd.Error(w, r, civiscope.Errorf(civiscope.ENOTFOUND, "%s %s is recorded but its files are not on this server", dataset, rel.Version))
			return
		}
		defer fh.Close()
		w.Header().Set("Content-Type", f.MediaType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
		w.Header().Set("Digest", "sha-256="+f.SHA256)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, f.Name, rel.CreatedAt, fh)
		return
	}
	s.rd.Error(w, r, civiscope.Errorf(civiscope.ENOTFOUND, "%s %s has no file %q", dataset, rel.Version, file))
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
		var rows [][]string
		for _, sh := range shares {
			rows = append(rows, []string{sh.Category, sh.Tool, sh.ToolName, strconv.Itoa(sh.N), strconv.Itoa(sh.Total), strconv.FormatFloat(sh.Percent, 'f', 1, 64)})
		}
		writeCSV(w, "parts-outils.csv", []string{"category", "tool", "tool_name", "adoptions", "category_total", "percent"}, rows)
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
	l := lang(r)
	if wantsCSV(r) {
		var rows [][]string
		for _, fl := range flows {
			rows = append(rows, []string{strconv.Itoa(fl.Year), strconv.Itoa(fl.ToolsEntered), strconv.Itoa(fl.ToolsExited), strconv.Itoa(fl.AdoptionsStarted), strconv.Itoa(fl.AdoptionsEnded)})
		}
		writeCSV(w, "entrees-sorties.csv", []string{"year", "tools_entered", "tools_exited", "adoptions_started", "adoptions_ended"}, rows)
		return
	}
	var in, out []svg.Point
	for _, fl := range flows {
		in = append(in, svg.Point{X: float64(fl.Year), Y: float64(fl.ToolsEntered)})
		out = append(out, svg.Point{X: float64(fl.Year), Y: float64(fl.ToolsExited)})
	}
	title := pickText(l, "Entrées et sorties d'outils par année", "Tools entering and leaving, per year")
	pic := svg.Lines(svg.Chart{ID: "flows", Title: title, Desc: pickText(l, "Les mêmes chiffres sont dans le tableau qui suit.", "The same figures are in the table below."),
		XLabel: pickText(l, "année", "year"), Series: []svg.Series{{Name: pickText(l, "entrées", "entered"), Points: in}, {Name: pickText(l, "sorties", "left"), Points: out}}})
	q := r.URL.Query()
	q.Set("format", "csv")
	s.rd.Render(w, r, http.StatusOK, "report_flows", map[string]any{"Title": title, "Chart": pic, "Flows": flows, "CSV": r.URL.Path + "?" + q.Encode()})
}
