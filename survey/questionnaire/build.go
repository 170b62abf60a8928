// Package questionnaire holds the barometer's questionnaires as Go source,
// so that a change of wording is a reviewable diff; `go generate` writes
// them as XLSForm workbooks into data/survey/ for people who edit forms in
// a spreadsheet.
package questionnaire

import (
	"strings"

	"github.com/civiscope/civiscope/survey/xlsform"
)

//go:generate go run ./gen -out ../../data/survey/barometre-2026.xlsx

// opt sets one column of a question.
type opt func(q *xlsform.Question)

func required() opt { return func(q *xlsform.Question) { q.Required = "yes" } }
func relevant(e string) opt {
	return func(q *xlsform.Question) { q.Relevant = e }
}
func constraint(e, fr, en string) opt {
	return func(q *xlsform.Question) {
		q.Constraint = e
		q.ConstraintMessage = xlsform.Text{"fr": fr, "en": en}
	}
}
func hint(fr, en string) opt {
	return func(q *xlsform.Question) { q.Hint = xlsform.Text{"fr": fr, "en": en} }
}
func concept(c string) opt { return func(q *xlsform.Question) { q.Concept = c } }

// ask builds a question; typ is "integer", "text", "select_one LIST"…
func ask(typ, name, fr, en string, opts ...opt) *xlsform.Question {
	head, list, _ := strings.Cut(typ, " ")
	q := &xlsform.Question{Type: xlsform.Type(head), List: list, Name: name, Label: xlsform.Text{"fr": fr, "en": en}}
	for _, o := range opts {
		o(q)
	}
	return q
}

func group(name, fr, en string, children ...*xlsform.Question) *xlsform.Question {
	return &xlsform.Question{Type: xlsform.Group, Name: name, Label: xlsform.Text{"fr": fr, "en": en}, Children: children}
}

func repeat(name, fr, en string, opts []opt, children ...*xlsform.Question) *xlsform.Question {
	q := &xlsform.Question{Type: xlsform.Repeat, Name: name, Label: xlsform.Text{"fr": fr, "en": en}, Children: children}
	for _, o := range opts {
		o(q)
	}
	return q
}

// choice is one entry of a list: name, French label, English label.
type choice [3]string

func lists(f *xlsform.Form, ls ...any) {
	f.Choices = map[string][]xlsform.Choice{}
	for i := 0; i < len(ls); i += 2 {
		name := ls[i].(string)
		f.Lists = append(f.Lists, name)
		for _, c := range ls[i+1].([]choice) {
			f.Choices[name] = append(f.Choices[name], xlsform.Choice{Name: c[0], Label: xlsform.Text{"fr": c[1], "en": c[2]}})
		}
	}
}
