package web

import (
	"strconv"
	"strings"

	"github.com/civiscope/civiscope/reports"
)

// reportScope is what a report's figures count, said next to each chart
// and table: the unit and the population they cover, then how the
// filters narrow it.
type reportScope struct {
	Text    []string // sentences, in order
	Sources []sourceRow
}

type sourceRow struct {
	Source, Years, Snapshots string
	Adoptions                int
}

// adoptionScope says what a breakdown of adoptions by dim counts under f.
func (s *Reports) adoptionScope(l string, dim reports.Dimension, f reports.Filter) reportScope {
	t := func(key string, args ...any) string { return s.rd.cat.T(Lang(l), key, args...) }
	sc := reportScope{Text: []string{t("report.scope.adoptions")}}
	switch dim {
	case reports.ByYear:
		sc.Text = append(sc.Text, t("report.scope.year"))
	case reports.ByBracket, reports.ByKindBracket:
		sc.Text = append(sc.Text, t("report.scope.bracket"))
	}
	if fs := s.filterWords(l, f); fs != "" {
		sc.Text = append(sc.Text, t("report.scope.filtered", fs))
	}
	return sc
}

// filterWords lists the filters set on a report, in the page's language.
func (s *Reports) filterWords(l string, f reports.Filter) string {
	var out []string
	add := func(name, v string) {
		if v != "" && v != "0" {
			out = append(out, s.rd.cat.T(Lang(l), "report.filter."+name)+" "+v)
		}
	}
	add("from", strconv.Itoa(f.YearFrom))
	add("to", strconv.Itoa(f.YearTo))
	for _, c := range reportsCategories() {
		if c.Slug == f.Category {
			add("category", c.Label.In(l))
		}
	}
	add("tool", f.Tool)
	add("region", f.Region)
	add("departement", f.Departement)
	for _, k := range reports.AdopterKinds() {
		if k.Value == f.Kind {
			add("kind", k.Label.In(l))
		}
	}
	if f.Bracket > 0 && f.Bracket < len(reports.Brackets()) {
		add("bracket", reports.Brackets()[f.Bracket].Label.In(l))
	}
	return strings.Join(out, ", ")
}

func sourceRows(cov []reports.SourceYears) []sourceRow {
	out := make([]sourceRow, len(cov))
	for i, c := range cov {
		out[i] = sourceRow{Source: c.Source, Years: reports.YearRanges(c.Years), Snapshots: reports.YearRanges(c.SnapshotYears), Adoptions: c.Adoptions}
	}
	return out
}
