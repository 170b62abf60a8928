package web

import (
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// surveyItem is one thing shown on a questionnaire page: a note, a field,
// or a nested group with its own items.
type surveyItem struct {
	Kind     string // "note", "field", "group"
	Key      string // field key, posted as "f:"+Key
	ID       string // HTML id
	Type     string
	Label    string
	Hint     string
	Required bool
	Value    string
	Missing  string
	Choices  []surveyChoice
	Error    string
	Items    []surveyItem
}

type surveyChoice struct {
	Name, Label string
	Checked     bool
}

// surveyRow is one row of a repeat page.
type surveyRow struct {
	Index int
	Items []surveyItem
}

// surveyErrorLink is one entry of the error summary.
type surveyErrorLink struct {
	ID, Label, Message string
}

// fieldID turns a key into an HTML id; keys hold only name characters and
// dots.
func fieldID(key string) string { return "q-" + strings.ReplaceAll(key, ".", "-") }

// buildItems builds the items of q's children for one repeat row.
func buildItems(f *xlsform.Form, a *survey.Answers, qs []*xlsform.Question, row int, lang string, errs map[string]string) []surveyItem {
	var out []surveyItem
	for _, q := range qs {
		if !survey.Relevant(f, a, q, row) {
			continue
		}
		label := q.Label.In(lang, f.DefaultLanguage)
		switch {
		case q.Type == xlsform.Note:
			out = append(out, surveyItem{Kind: "note", Label: label})
		case q.Type == xlsform.Group:
			out = append(out, surveyItem{Kind: "group", Label: label, Items: buildItems(f, a, q.Children, row, lang, errs)})
		case q.Answerable():
			key := survey.FieldKey(q, row)
			ans := a.Get(q, row)
			it := surveyItem{Kind: "field", Key: key, ID: fieldID(key), Type: string(q.Type), Label: label,
				Hint: q.Hint.In(lang, f.DefaultLanguage), Required: survey.IsRequired(f, a, q, row),
				Value: ans.Value, Missing: string(ans.Missing), Error: errs[key]}
			if q.Type == xlsform.SelectOne || q.Type == xlsform.SelectMultiple {
				sel := map[string]bool{}
				for _, s := range strings.Fields(ans.Value) {
					sel[s] = true
				}
				for _, c := range survey.Choices(f, a, q, row) {
					it.Choices = append(it.Choices, surveyChoice{Name: c.Name, Label: c.Label.In(lang, f.DefaultLanguage), Checked: sel[c.Name]})
				}
			}
			out = append(out, it)
		}
	}
	return out
}

// errorSummary lists the field errors in page order with their labels.
func errorSummary(items []surveyItem, rows []surveyRow, other []civiscope.FieldError, rowLabel func(int) string) []surveyErrorLink {
	var out []surveyErrorLink
	var walk func(items []surveyItem, prefix string)
	walk = func(items []surveyItem, prefix string) {
		for _, it := range items {
			if it.Kind == "group" {
				walk(it.Items, prefix)
			}
			if it.Error != "" {
				out = append(out, surveyErrorLink{ID: it.ID, Label: prefix + it.Label, Message: it.Error})
			}
		}
	}
	walk(items, "")
	for _, r := range rows {
		walk(r.Items, rowLabel(r.Index)+" : ")
	}
	for _, e := range other {
		out = append(out, surveyErrorLink{ID: fieldID(e.Field), Label: "", Message: e.Message})
	}
	return out
}

// reviewAnswer is one answer as the review page shows it.
type reviewAnswer struct {
	Label string
	Value string
	Empty bool
}

type reviewPage struct {
	Index int
	Label string
	Items []reviewAnswer
	Rows  [][]reviewAnswer
}

// buildReview lists every relevant answer of the response, page by page.
func buildReview(f *xlsform.Form, a *survey.Answers, lang string, cat *Catalogue) []reviewPage {
	l := Lang(lang)
	show := func(q *xlsform.Question, row int) reviewAnswer {
		ans := a.Get(q, row)
		ra := reviewAnswer{Label: q.Label.In(lang, f.DefaultLanguage)}
		switch {
		case ans.Missing != "":
			fr, en := ans.Missing.Label()
			ra.Value = Pick(l, fr, en).Text
		case ans.Value == "":
			ra.Value, ra.Empty = cat.T(l, "survey.review.empty"), true
		case q.Type == xlsform.SelectOne || q.Type == xlsform.SelectMultiple:
			var labels []string
			for _, s := range strings.Fields(ans.Value) {
				if c := f.Choice(q.List, s); c != nil {
					labels = append(labels, c.Label.In(lang, f.DefaultLanguage))
				}
			}
			ra.Value = strings.Join(labels, " ; ")
		default:
			ra.Value = ans.Value
		}
		return ra
	}
	var pages []reviewPage
	for i, p := range f.Pages() {
		if !survey.Relevant(f, a, p, 0) {
			continue
		}
		rp := reviewPage{Index: i, Label: p.Label.In(lang, f.DefaultLanguage)}
		var rec func(qs []*xlsform.Question, row int, into *[]reviewAnswer)
		rec = func(qs []*xlsform.Question, row int, into *[]reviewAnswer) {
			for _, q := range qs {
				if !survey.Relevant(f, a, q, row) {
					continue
				}
				if q.Type == xlsform.Group {
					rec(q.Children, row, into)
				} else if q.Answerable() {
					*into = append(*into, show(q, row))
				}
			}
		}
		if p.Type == xlsform.Repeat {
			for r := range a.Repeats[p.Name] {
				var row []reviewAnswer
				rec(p.Children, r, &row)
				rp.Rows = append(rp.Rows, row)
			}
		} else {
			rec(p.Children, 0, &rp.Items)
		}
		pages = append(pages, rp)
	}
	return pages
}
