package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/survey"
)

// The staff side of the barometer's participation dashboard. The public
// page /barometre/{year}/participation publishes respondents per stratum
// under disclosure control only; observatory staff, who run the reminders,
// need the raw counts (frame, invited, started, submitted) per stratum, so
// they read them here, behind the moderator check.

type barometerIndexView struct {
	view
	Editions []*survey.Edition
}

// barometerEditions lists the editions, each linking to its participation.
func (h *Handler) barometerEditions(w http.ResponseWriter, r *http.Request) {
	if h.requireModerator(w, r) == nil {
		return
	}
	es, err := survey.ListEditions(r.Context(), h.db)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rd.Render(w, r, http.StatusOK, "contrib-barometer-index", barometerIndexView{view: contribBase(r), Editions: es})
}

// rateRow is one stratum as the page shows it.
type rateRow struct {
	survey.Rate
	// Key names the stratum in the catalogue, for the English page; empty
	// for a région, whose name is a proper noun (Label).
	Key     string
	Percent string // response rate, formatted for the page's language
}

// rateTable is one dimension of the dashboard (kind, bracket, région) with
// its total, which is the whole frame for each dimension.
type rateTable struct {
	Dimension string
	Rows      []rateRow
	Total     rateRow
}

type barometerView struct {
	view
	Edition *survey.Edition
	Total   rateRow
	Tables  []rateTable
}

// barometerParticipation shows an edition's unprotected response rates.
func (h *Handler) barometerParticipation(w http.ResponseWriter, r *http.Request) {
	if h.requireModerator(w, r) == nil {
		return
	}
	year, err := server.Year(chi.URLParam(r, "year"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	e, err := survey.GetEdition(ctx, h.db, year)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rates, err := survey.ResponseRates(ctx, h.db, year)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := RequestLang(r)
	v := barometerView{view: contribBase(r), Edition: e}
	for _, dim := range []string{"kind", "population", "region"} {
		t := rateTable{Dimension: dim, Total: rateRow{Rate: survey.Rate{Dimension: dim}}}
		for _, rt := range rates {
			if rt.Dimension != dim {
				continue
			}
			row := rateRow{Rate: rt, Percent: formatRate(lang, rt.ResponseRate())}
			if k := groupKey(rt); h.rd.Catalogue().Has(k) {
				row.Key = k
			} else {
				row.Label = survey.GroupLabel(rt.Dimension, rt.Group, rt.Label, string(lang))
			}
			t.Rows = append(t.Rows, row)
			t.Total.Frame += rt.Frame
			t.Total.Invited += rt.Invited
			t.Total.Started += rt.Started
			t.Total.Submitted += rt.Submitted
		}
		t.Total.Percent = formatRate(lang, t.Total.ResponseRate())
		v.Tables = append(v.Tables, t)
	}
	// Every member of the frame is in exactly one kind: that table's total
	// is the edition's.
	v.Total = v.Tables[0].Total
	h.rd.Render(w, r, http.StatusOK, "contrib-barometer", v)
}

// formatRate writes a share as a percentage with one decimal: "16,7 %" in
// French, "16.7%" in English.
func formatRate(lang Lang, share float64) string {
	s := strconv.FormatFloat(share*100, 'f', 1, 64)
	if lang == EN {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + "\u00a0%"
}

// groupKey is the message naming a stratum; région codes have none, their
// names being proper nouns, except the group of those without a région.
func groupKey(rt survey.Rate) string {
	g := rt.Group
	if g == "" {
		g = "none"
	}
	return "contrib.barometer.group." + rt.Dimension + "." + g
}
