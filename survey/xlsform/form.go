// Package xlsform reads and writes questionnaires in the XLSForm convention
// (an .xlsx with the sheets survey, choices and settings) and holds the
// checked form model the survey package runs. A form is either fully valid
// or rejected with every problem located by sheet, row and column; nothing
// half-checked ever reaches an edition.
package xlsform

import (
	"strings"

	"github.com/civiscope/civiscope/survey/expr"
)

// Type is a question type of the survey sheet.
type Type string

const (
	SelectOne      Type = "select_one"
	SelectMultiple Type = "select_multiple"
	Integer        Type = "integer"
	Decimal        Type = "decimal"
	TextType       Type = "text"
	Date           Type = "date"
	Note           Type = "note"
	Group          Type = "group"  // begin group … end group
	Repeat         Type = "repeat" // begin repeat … end repeat
)

// Text is a translatable text: language code → wording.
type Text map[string]string

// In returns the text in lang, falling back to fallback, then to any
// language, so a missing translation shows something rather than nothing.
func (t Text) In(lang, fallback string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t[fallback]; s != "" {
		return s
	}
	for _, s := range t {
		if s != "" {
			return s
		}
	}
	return ""
}

// Question is one row of the survey sheet; groups and repeats hold their
// rows in Children.
type Question struct {
	Type              Type        `json:"type"`
	List              string      `json:"list,omitempty"` // choice list of a select
	Name              string      `json:"name"`
	Label             Text        `json:"label,omitempty"`
	Hint              Text        `json:"hint,omitempty"`
	Required          string      `json:"required,omitempty"`
	Relevant          string      `json:"relevant,omitempty"`
	Constraint        string      `json:"constraint,omitempty"`
	ConstraintMessage Text        `json:"constraint_message,omitempty"`
	ChoiceFilter      string      `json:"choice_filter,omitempty"`
	Default           string      `json:"default,omitempty"`
	Concept           string      `json:"concept,omitempty"`
	Children          []*Question `json:"children,omitempty"`
	Row               int         `json:"row,omitempty"` // row of the survey sheet, for messages

	required, relevant, constraint, choiceFilter *expr.Expr
	parent                                       *Question
}

// IsContainer reports whether q is a group or a repeat.
func (q *Question) IsContainer() bool { return q.Type == Group || q.Type == Repeat }

// Answerable reports whether q takes an answer (not a note or container).
func (q *Question) Answerable() bool { return !q.IsContainer() && q.Type != Note }

// Parent is the enclosing group or repeat, nil at top level.
func (q *Question) Parent() *Question { return q.parent }

// InRepeat returns the repeat enclosing q, or nil.
func (q *Question) InRepeat() *Question {
	for p := q.parent; p != nil; p = p.parent {
		if p.Type == Repeat {
			return p
		}
	}
	return nil
}

// RequiredExpr, RelevantExpr, ConstraintExpr and ChoiceFilterExpr are the
// compiled expressions, nil when the column is empty.
func (q *Question) RequiredExpr() *expr.Expr     { return q.required }
func (q *Question) RelevantExpr() *expr.Expr     { return q.relevant }
func (q *Question) ConstraintExpr() *expr.Expr   { return q.constraint }
func (q *Question) ChoiceFilterExpr() *expr.Expr { return q.choiceFilter }

// Choice is one row of the choices sheet.
type Choice struct {
	Name  string            `json:"name"`
	Label Text              `json:"label"`
	Extra map[string]string `json:"extra,omitempty"` // other columns, for choice_filter
}

// Form is a whole questionnaire.
type Form struct {
	ID              string              `json:"id"`
	Title           string              `json:"title"`
	Version         string              `json:"version"`
	DefaultLanguage string              `json:"default_language"`
	Languages       []string            `json:"languages"`
	Questions       []*Question         `json:"questions"`
	Lists           []string            `json:"lists"` // choice list names, in sheet order
	Choices         map[string][]Choice `json:"choices"`
	ChoiceColumns   []string            `json:"choice_columns,omitempty"` // extra columns of the choices sheet

	byName map[string]*Question
}

// Question returns the question, group or repeat named name, or nil.
func (f *Form) Question(name string) *Question { return f.byName[name] }

// Walk calls fn for every question in document order, containers before
// their children.
func (f *Form) Walk(fn func(q *Question)) {
	var rec func(qs []*Question)
	rec = func(qs []*Question) {
		for _, q := range qs {
			fn(q)
			rec(q.Children)
		}
	}
	rec(f.Questions)
}

// Pages are the top-level groups and repeats: one page each in the
// respondent flow.
func (f *Form) Pages() []*Question { return f.Questions }

// Choice returns the choice of list with name, or nil.
func (f *Form) Choice(list, name string) *Choice {
	for i := range f.Choices[list] {
		if f.Choices[list][i].Name == name {
			return &f.Choices[list][i]
		}
	}
	return nil
}

// IsRequiredLiteral reports whether a required column holds a yes/no
// literal rather than an expression.
func requiredLiteral(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "true()", "1":
		return true, true
	case "", "no", "false", "false()", "0":
		return false, true
	}
	return false, false
}
