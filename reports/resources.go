package reports

import (
	"context"
	"strconv"

	"github.com/civiscope/civiscope/reports/export"
)

// The tables behind each report page, as export resources: the page's
// "download the data" link and `civiscope report … --csv` write them with
// export.WriteCSV, so a figure's columns are defined once.

func rowsOf(list []export.Row) func(context.Context, func(export.Row) error) error {
	return func(ctx context.Context, emit func(export.Row) error) error {
		for _, r := range list {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// rounded keeps digits decimals of f, as the pages show it.
func rounded(f float64, digits int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', digits, 64), 64)
	return v
}

// AdoptionsResource is a breakdown of adoptions, labels in lang.
func AdoptionsResource(b *Breakdown, lang string) export.Resource {
	var list []export.Row
	for _, c := range b.Rows {
		list = append(list, export.Row{c.Key, c.Label.In(lang), c.N})
	}
	return export.Resource{
		Name: "adoptions-" + string(b.Dimension), Title: "Adoptions / Adoptions",
		Fields: []export.Field{
			{Name: string(b.Dimension), Type: export.String, Title: "clé", TitleEN: "key", Text: true},
			{Name: "label", Type: export.String, Title: "libellé", TitleEN: "label"},
			{Name: "adoptions", Type: export.Integer, Title: "adoptions", TitleEN: "adoptions"},
		},
		Rows: rowsOf(list),
	}
}

// SurvivalResource is the Kaplan–Meier curve of each launch cohort.
func SurvivalResource(sv *Survival) export.Resource {
	var list []export.Row
	for _, c := range sv.Cohorts {
		for _, st := range c.Curve {
			list = append(list, export.Row{c.Label, st.Years, rounded(st.Survival, 4), st.AtRisk, st.Events, st.Censored})
		}
	}
	return export.Resource{
		Name: "survie-outils", Title: "Survie des outils / Survival of tools",
		Fields: []export.Field{
			{Name: "cohort", Type: export.String, Title: "cohorte de lancement", TitleEN: "launch cohort"},
			{Name: "years", Type: export.Integer, Title: "années depuis le lancement", TitleEN: "years since launch"},
			{Name: "survival", Type: export.Number, Title: "survie (0 à 1)", TitleEN: "survival (0 to 1)"},
			{Name: "at_risk", Type: export.Integer, Title: "outils encore observés", TitleEN: "tools still observed"},
			{Name: "events", Type: export.Integer, Title: "outils arrêtés", TitleEN: "tools that ended"},
			{Name: "censored", Type: export.Integer, Title: "observations interrompues", TitleEN: "observations that stop"},
		},
		Rows: rowsOf(list),
	}
}

// SharesResource is each tool's share of its category.
func SharesResource(shares []Share) export.Resource {
	var list []export.Row
	for _, sh := range shares {
		list = append(list, export.Row{sh.Category, sh.Tool, sh.ToolName, sh.N, sh.Total, rounded(sh.Percent, 1)})
	}
	return export.Resource{
		Name: "parts-outils", Title: "Parts des outils / Tool shares",
		Fields: []export.Field{
			{Name: "category", Type: export.String, Title: "catégorie", TitleEN: "category"},
			{Name: "tool", Type: export.String, Title: "outil", TitleEN: "tool"},
			{Name: "tool_name", Type: export.String, Title: "nom de l'outil", TitleEN: "tool name"},
			{Name: "adoptions", Type: export.Integer, Title: "adoptions", TitleEN: "adoptions"},
			{Name: "category_total", Type: export.Integer, Title: "adoptions de la catégorie", TitleEN: "adoptions in the category"},
			{Name: "percent", Type: export.Number, Title: "pourcentage", TitleEN: "percent"},
		},
		Rows: rowsOf(list),
	}
}

// FlowsResource is tools and adoptions entering and leaving, per year.
func FlowsResource(flows []Flow) export.Resource {
	var list []export.Row
	for _, f := range flows {
		list = append(list, export.Row{f.Year, f.ToolsEntered, f.ToolsExited, f.AdoptionsStarted, f.AdoptionsEnded})
	}
	return export.Resource{
		Name: "entrees-sorties", Title: "Entrées et sorties / Entries and exits",
		Fields: []export.Field{
			{Name: "year", Type: export.Integer, Title: "année", TitleEN: "year"},
			{Name: "tools_entered", Type: export.Integer, Title: "outils entrés (première adoption connue)", TitleEN: "tools entered (first known adoption)"},
			{Name: "tools_exited", Type: export.Integer, Title: "outils arrêtés", TitleEN: "tools that became defunct"},
			{Name: "adoptions_started", Type: export.Integer, Title: "adoptions commencées", TitleEN: "adoptions started"},
			{Name: "adoptions_ended", Type: export.Integer, Title: "adoptions terminées", TitleEN: "adoptions ended"},
		},
		Rows: rowsOf(list),
	}
}
