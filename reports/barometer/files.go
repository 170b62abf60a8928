package barometer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// DatasetName is the open-data name of an edition.
func DatasetName(year int) string { return fmt.Sprintf("civiscope-barometre-%d", year) }

func rows(list [][]any) func(context.Context, func(export.Row) error) error {
	return func(ctx context.Context, emit func(export.Row) error) error {
		for _, r := range list {
			if err := emit(export.Row(r)); err != nil {
				return err
			}
		}
		return nil
	}
}

func field(name, typ, fr, en string) export.Field {
	return export.Field{Name: name, Type: typ, Title: fr, TitleEN: en}
}

// resultsResource is every protected table in long form: one line per
// question × breakdown × group × answer. Hidden cells have no n and no %,
// only their status.
func resultsResource(res *Results) export.Resource {
	var list [][]any
	for _, t := range res.Tables {
		for i, g := range t.Groups {
			for j, c := range t.Columns {
				cell := t.Cells[i][j]
				var n, base, pct any
				if cell.Shown {
					n = cell.N
					if cell.Base > 0 {
						base, pct = cell.Base, round(cell.Percent)
					}
				}
				list = append(list, []any{t.Question, t.Concept, t.Dimension, g.Key, g.Label, c.Key, c.Label, c.Missing, t.Multiple, n, base, pct, cell.Status})
			}
		}
	}
	return export.Resource{
		Name: "results", Title: "Résultats protégés / Protected results",
		Description: "Counts, n and % per question and breakdown, protected together with every other table of the edition (" + res.Policy.String() + "): sensitive cells are suppressed (primary), and others so that no combination of published figures gives one back (secondary).",
		Fields: []export.Field{
			field("question", export.String, "question", "question"),
			field("concept", export.String, "concept", "concept (stable across editions)"),
			{Name: "dimension", Type: export.String, Title: "ventilation", TitleEN: "breakdown", Categories: []export.Category{{Value: All}, {Value: Kind}, {Value: Bracket}, {Value: Region}}},
			field("group", export.String, "groupe", "group"),
			field("group_label", export.String, "libellé du groupe", "group label"),
			field("answer", export.String, "réponse", "answer"),
			field("answer_label", export.String, "libellé de la réponse", "answer label"),
			field("is_missing", export.Boolean, "valeur manquante", "missing-value category"),
			field("multiple", export.Boolean, "choix multiple", "select_multiple: % of respondents, rows do not add up to 100"),
			field("n", export.Integer, "effectif", "respondents"),
			field("base", export.Integer, "base", "respondents the % is of"),
			field("percent", export.Number, "pourcentage", "percent"),
			{Name: "status", Type: export.String, Title: "statut", TitleEN: "status", Categories: []export.Category{{Value: "shown"}, {Value: "primary", Label: "suppressed: fewer than k respondents"}, {Value: "secondary", Label: "suppressed: would let a primary cell be recomputed"}}},
		},
		Rows: rows(list),
	}
}

func round(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 1, 64), 64)
	return v
}

func numericResource(res *Results) export.Resource {
	var list [][]any
	for _, n := range res.Numerics {
		for i, g := range n.Groups {
			s := n.Stats[i]
			var cnt, mean, med any
			if s.NShown {
				cnt = s.N
			}
			if s.Shown {
				mean, med = round(s.Mean), round(s.Median)
			}
			list = append(list, []any{n.Question, n.Dimension, g.Key, g.Label, n.Unit, cnt, mean, med, s.Status})
		}
	}
	return export.Resource{
		Name: "numeric_results", Title: "Questions numériques / Numeric questions",
		Fields: []export.Field{
			field("question", export.String, "question", "question"),
			field("dimension", export.String, "ventilation", "breakdown"),
			field("group", export.String, "groupe", "group"),
			field("group_label", export.String, "libellé du groupe", "group label"),
			{Name: "unit", Type: export.String, Title: "unité", TitleEN: "what one value is", Categories: []export.Category{{Value: "respondent", Label: "a respondent"}, {Value: "tool", Label: "one tool of a respondent"}}},
			field("n", export.Integer, "effectif", "values (respondents, or tools for per-tool questions)"),
			field("mean", export.Number, "moyenne", "mean"),
			field("median", export.Number, "médiane", "median"),
			{Name: "status", Type: export.String, Title: "statut de la moyenne et de la médiane", TitleEN: "status of mean and median", Categories: []export.Category{{Value: "shown"}, {Value: "primary", Label: "suppressed: too few values, or one value dominates"}, {Value: "secondary", Label: "suppressed: would let a primary cell be recomputed"}}},
		},
		Rows: rows(list),
	}
}

func ratesResource(rs []Rate) export.Resource {
	var list [][]any
	for _, r := range rs {
		var resp, pct any
		status := "primary"
		if r.Shown {
			resp, pct, status = r.Responded, round(r.Percent), "shown"
		}
		list = append(list, []any{r.Dimension, r.Group, r.Label, r.Frame, resp, pct, status})
	}
	return export.Resource{
		Name: "response_rates", Title: "Taux de réponse / Response rates",
		Description: "Respondents against the sampling frame, by stratum.",
		Fields: []export.Field{
			field("dimension", export.String, "ventilation", "breakdown"),
			{Name: "group", Type: export.String, Title: "groupe", TitleEN: "group", Text: true},
			field("label", export.String, "libellé", "label"),
			field("frame", export.Integer, "base de sondage", "frame size"),
			field("responded", export.Integer, "répondants", "respondents"),
			field("percent", export.Number, "taux de réponse (%)", "response rate (%)"),
			field("status", export.String, "statut", "status"),
		},
		Rows: rows(list),
	}
}

// microFields describes one column per answer: select_multiple becomes
// one 0/1 column per choice (NAME__CHOICE).
func microFields(f *xlsform.Form, qs []*xlsform.Question) []export.Field {
	var out []export.Field
	for _, q := range qs {
		title := q.Label.In("fr", "")
		titleEN := q.Label.In("en", "fr")
		switch q.Type {
		case xlsform.SelectMultiple:
			for _, c := range f.Choices[q.List] {
				out = append(out, export.Field{Name: q.Name + "__" + c.Name, Type: export.Integer,
					Title: title + " : " + c.Label.In("fr", ""), TitleEN: titleEN + ": " + c.Label.In("en", "fr"),
					Description: "1 = chosen, 0 = not chosen",
					Categories:  []export.Category{{Value: "0", Label: "non / no"}, {Value: "1", Label: "oui / yes"}}})
			}
		case xlsform.SelectOne:
			fl := export.Field{Name: q.Name, Type: export.String, Title: title, TitleEN: titleEN}
			for _, c := range f.Choices[q.List] {
				fl.Categories = append(fl.Categories, export.Category{Value: c.Name, Label: c.Label.In("fr", "") + " / " + c.Label.In("en", "fr")})
			}
			out = append(out, fl)
		case xlsform.Integer:
			out = append(out, export.Field{Name: q.Name, Type: export.Integer, Title: title, TitleEN: titleEN})
		case xlsform.Decimal:
			out = append(out, export.Field{Name: q.Name, Type: export.Number, Title: title, TitleEN: titleEN})
		case xlsform.Date:
			out = append(out, export.Field{Name: q.Name, Type: export.Date, Title: title, TitleEN: titleEN})
		default:
			out = append(out, export.Field{Name: q.Name, Type: export.String, Title: title, TitleEN: titleEN})
		}
	}
	return out
}

// microValues encodes one answer for microFields.
func microValues(f *xlsform.Form, q *xlsform.Question, v survey.Value) []any {
	if q.Type == xlsform.SelectMultiple {
		cs := f.Choices[q.List]
		out := make([]any, len(cs))
		chosen := map[string]bool{}
		for _, s := range splitFields(v.Value) {
			chosen[s] = true
		}
		for i, c := range cs {
			switch {
			case v.Missing != "":
				out[i] = missingCode(v.Missing)
			case chosen[c.Name]:
				out[i] = 1
			default:
				out[i] = 0
			}
		}
		return out
	}
	if v.Missing != "" {
		return []any{missingCode(v.Missing)}
	}
	switch q.Type {
	case xlsform.Integer:
		if n, err := strconv.ParseInt(v.Value, 10, 64); err == nil {
			return []any{n}
		}
	case xlsform.Decimal:
		if n, err := strconv.ParseFloat(v.Value, 64); err == nil {
			return []any{n}
		}
	}
	return []any{v.Value}
}

// questions returns the answerable questions outside repeats, and each
// repeat with its answerable children.
func questions(f *xlsform.Form) (top []*xlsform.Question, repeats []*xlsform.Question) {
	f.Walk(func(q *xlsform.Question) {
		switch {
		case q.Type == xlsform.Repeat:
			repeats = append(repeats, q)
		case q.Answerable() && q.InRepeat() == nil:
			top = append(top, q)
		}
	})
	return top, repeats
}

func children(rep *xlsform.Question) []*xlsform.Question {
	var out []*xlsform.Question
	var rec func(qs []*xlsform.Question)
	rec = func(qs []*xlsform.Question) {
		for _, q := range qs {
			if q.Answerable() {
				out = append(out, q)
			}
			if q.Type == xlsform.Group {
				rec(q.Children)
			}
		}
	}
	rec(rep.Children)
	return out
}

func idFields() []export.Field {
	return []export.Field{
		{Name: "territory_code", Type: export.String, Title: "code INSEE", TitleEN: "INSEE code", Text: true, Description: "INSEE code; SIREN for EPCI and EPT"},
		field("territory_name", export.String, "collectivité", "collectivité"),
		kindField(),
		{Name: "departement", Type: export.String, Title: "département", TitleEN: "département", Text: true},
		{Name: "region", Type: export.String, Title: "région", TitleEN: "région", Text: true},
		{Name: "population_bracket", Type: export.Integer, Title: "tranche de population", TitleEN: "population bracket", Categories: bracketCategories()},
		field("submitted_at", export.DateTime, "envoyé le", "submitted at"),
	}
}

func kindField() export.Field {
	f := export.Field{Name: "kind", Type: export.String, Title: "type", TitleEN: "kind", Description: "with territory_code, identifies the collectivité"}
	for _, k := range reports.AdopterKinds() {
		f.Categories = append(f.Categories, export.Category{Value: k.Value, Label: k.Label.In("fr") + " / " + k.Label.In("en")})
	}
	return f
}

// bracketCategories labels the population brackets; 0 is "unknown".
func bracketCategories() []export.Category {
	var out []export.Category
	for _, b := range reports.Brackets() {
		out = append(out, export.Category{Value: strconv.Itoa(b.ID), Label: b.Label.In("fr") + " / " + b.Label.In("en")})
	}
	return out
}

func idValues(r *survey.Result) []any {
	t := r.Territory
	b := 0
	if t.Population != nil {
		b = reports.BracketOf(t.Kind, *t.Population)
	}
	return []any{t.Code, t.Name, string(t.Kind), t.Departement, t.Region, b, r.SubmittedAt}
}

// microdataResources publishes answers per collectivité, only for the
// respondents who allowed it.
func microdataResources(set *survey.ResultSet) []export.Resource {
	top, reps := questions(set.Form)
	consented := func(emit func(r *survey.Result) error) error {
		for i := range set.Responses {
			if set.Responses[i].Publish {
				if err := emit(&set.Responses[i]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	out := []export.Resource{{
		Name: "microdata", Title: "Réponses par collectivité (consentantes) / Answers per collectivité (with consent)",
		Description:   "Only collectivités that agreed to publication. select_multiple questions have one 0/1 column per choice.",
		Fields:        append(idFields(), microFields(set.Form, top)...),
		MissingValues: MissingCodes(),
		PrimaryKey:    []string{"kind", "territory_code"},
		Rows: func(ctx context.Context, emit func(export.Row) error) error {
			return consented(func(r *survey.Result) error {
				row := idValues(r)
				for _, q := range top {
					row = append(row, microValues(set.Form, q, r.Values[q.Name])...)
				}
				return emit(row)
			})
		},
	}}
	for _, rep := range reps {
		qs := children(rep)
		out = append(out, export.Resource{
			Name: "microdata_" + rep.Name, Title: "Réponses par ligne de « " + rep.Label.In("fr", "") + " »",
			Fields: append([]export.Field{
				kindField(),
				{Name: "territory_code", Type: export.String, Title: "code INSEE", TitleEN: "INSEE code", Text: true},
				field("row", export.Integer, "ligne", "row"),
			}, microFields(set.Form, qs)...),
			MissingValues: MissingCodes(),
			PrimaryKey:    []string{"kind", "territory_code", "row"},
			ForeignKeys:   []export.ForeignKey{{Fields: []string{"kind", "territory_code"}, Resource: "microdata", RefFields: []string{"kind", "territory_code"}}},
			Rows: func(ctx context.Context, emit func(export.Row) error) error {
				return consented(func(r *survey.Result) error {
					for i, line := range r.Repeats[rep.Name] {
						row := []any{string(r.Territory.Kind), r.Territory.Code, i + 1}
						for _, q := range qs {
							row = append(row, microValues(set.Form, q, line[q.Name])...)
						}
						if err := emit(row); err != nil {
							return err
						}
					}
					return nil
				})
			},
		})
	}
	return out
}

// EditionData describes an edition's files.
func EditionData(set *survey.ResultSet, res *Results, rates []Rate, version string, now time.Time, homepage string) export.Dataset {
	ds := export.Dataset{
		Name:    DatasetName(res.Year),
		Title:   fmt.Sprintf("Baromètre Civiscope de la démocratie numérique locale %d", res.Year),
		Version: version,
		Created: now,
		Description: fmt.Sprintf("Résultats protégés du baromètre %d : %d répondants. Protected results of the %d barometer. Disclosure control: %s. Missing values: %s. Files: %s Sampling frame: %s",
			res.Year, res.Respondents, res.Year, res.Policy, "-991 not applicable, -992 don't know, -993 refused, -999 no answer", export.FilesNote, frameRule(set.Edition)),
		Homepage: homepage,
		Sources:  []export.Source{{Title: "Civiscope, baromètre " + strconv.Itoa(res.Year) + " (réponses des collectivités)", Path: homepage}},
	}
	ds.Resources = append(ds.Resources, resultsResource(res), numericResource(res), ratesResource(rates))
	ds.Resources = append(ds.Resources, microdataResources(set)...)
	return ds
}

func editionSummary(ds export.Dataset, res *Results) export.Summary {
	sum := export.Summary{
		Title: ds.Title,
		Facts: [][2]string{
			{"Jeu de données / Dataset", ds.Name},
			{"Version", ds.Version},
			{"Répondants / Respondents", strconv.Itoa(res.Respondents)},
			{"Secret statistique / Disclosure control", fmt.Sprintf("politique de l'édition / edition policy: %s; masquage secondaire commun à toutes les tables / secondary suppression across all tables", res.Policy)},
			{"Valeurs manquantes / Missing values", "-991 sans objet, -992 ne sait pas, -993 refus, -999 sans réponse"},
			{"Licence", export.Etalab2().Title},
			{"Citer / Cite as", fmt.Sprintf("Civiscope (%d). %s, version %s.", ds.Created.Year(), ds.Title, ds.Version)},
		},
	}
	var names []string
	for _, t := range res.Tables {
		if t.Dimension != All {
			continue
		}
		names = append(names, t.Question)
		if len(sum.Charts) < 3 {
			c := export.SummaryChart{Title: t.Label + " (n = " + strconv.Itoa(t.Bases[0].Base) + ")", Kind: "bar", Header: [2]string{"réponse", "%"}}
			for j, col := range t.Columns {
				if cell := t.Cells[0][j]; cell.Shown && !col.Missing {
					c.Labels = append(c.Labels, col.Label)
					c.Values = append(c.Values, round(cell.Percent))
				}
			}
			sum.Charts = append(sum.Charts, c)
		}
	}
	if len(names) > 0 {
		sum.Picker = &export.Picker{
			Label: "Question", Options: names, Result: "Libellé / Wording",
			Formula: `IFERROR(INDEX(codebook!D:D,MATCH({cell},codebook!B:B,0)),"")`,
		}
	}
	return sum
}

// WriteEdition writes every file of an edition into dir: the data set in
// all formats, the questionnaire as XLSForm and the label scripts.
func WriteEdition(ctx context.Context, dir string, set *survey.ResultSet, res *Results, rates []Rate, version string, now time.Time, homepage string) (map[string]int64, error) {
	ds := EditionData(set, res, rates, version, now, homepage)
	// The questionnaire, the SPSS copies and the scripts first, so that
	// datapackage.json lists them with their checksums.
	f, err := os.Create(filepath.Join(dir, "questionnaire.xlsx"))
	if err != nil {
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	if err := xlsform.Write(f, set.Form); err != nil {
		f.Close()
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	ds.Files = append(ds.Files, "questionnaire.xlsx")
	for _, r := range ds.Resources {
		if !strings.HasPrefix(r.Name, "microdata") {
			continue
		}
		if err := writeSPSSCopy(ctx, dir, r); err != nil {
			return nil, err
		}
		ds.Files = append(ds.Files, SPSSFile(r.Name))
		scripts := LabelScripts(r)
		var names []string
		for name := range scripts {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(scripts[name]), 0o644); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			ds.Files = append(ds.Files, name)
		}
	}
	return export.WriteAll(ctx, dir, ds, editionSummary(ds, res))
}

// PublishEdition publishes a new release of a published edition's files,
// always under the edition's stored policy. With private set, the files
// go under root for internal use and are never recorded or listed.
func PublishEdition(ctx context.Context, pool *pgxpool.Pool, root string, year int, opts Options, homepage string, now time.Time, private bool) (*export.Release, error) {
	var res *Results
	if opts.Policy == nil && opts.RegionNames == nil && opts.Lang == "" {
		// The results the pages show, stored at publication: the files
		// hide the same cells, and a large edition is not protected again.
		e, err := publishedEdition(ctx, pool, year)
		if err != nil {
			return nil, err
		}
		if res, err = NewReports(pool).results(ctx, e, "fr"); err != nil {
			return nil, err
		}
	}
	set, err := Load(ctx, pool, year)
	if err != nil {
		return nil, err
	}
	if res == nil {
		if opts.RegionNames == nil {
			if opts.RegionNames, err = RegionNames(ctx, pool); err != nil {
				return nil, err
			}
		}
		if res, err = Tabulate(set, opts); err != nil {
			return nil, err
		}
	}
	rs, err := survey.ResponseRates(ctx, pool, year)
	if err != nil {
		return nil, err
	}
	rates := protectRates(rs, res.Policy.K)
	version := export.VersionAt(now)
	build := func(ctx context.Context, dir string) (map[string]int64, error) {
		return WriteEdition(ctx, dir, set, res, rates, version, now, homepage)
	}
	if private {
		return export.WritePrivate(ctx, root, DatasetName(year), version, build)
	}
	return export.Publish(ctx, pool, root, DatasetName(year), version, build)
}

// writeSPSSCopy writes the table again with line breaks inside answers
// turned into " / ", the one thing SPSS and PSPP cannot read in a CSV.
func writeSPSSCopy(ctx context.Context, dir string, r export.Resource) error {
	flat := r
	flat.Rows = func(ctx context.Context, emit func(export.Row) error) error {
		return r.Rows(ctx, func(row export.Row) error {
			out := make(export.Row, len(row))
			for i, v := range row {
				if s, ok := v.(string); ok {
					v = lineBreaks.Replace(s)
				}
				out[i] = v
			}
			return emit(out)
		})
	}
	f, err := os.Create(filepath.Join(dir, SPSSFile(r.Name)))
	if err != nil {
		return fmt.Errorf("%s: %w", SPSSFile(r.Name), err)
	}
	if _, err := export.WriteCSV(ctx, f, flat); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", SPSSFile(r.Name), err)
	}
	return f.Close()
}

var lineBreaks = strings.NewReplacer("\r\n", " / ", "\n", " / ", "\r", " / ")

func frameRule(e *survey.Edition) string {
	if e == nil || e.FrameRule == "" {
		return "as imported by the staff (no drawing rule recorded)."
	}
	return e.FrameRule
}
