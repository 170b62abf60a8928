package xlsform

import (
	"fmt"
	"strconv"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/survey/expr"
)

// Problem is one reason a form is refused, located in the workbook.
type Problem struct {
	Sheet  string
	Row    int    // 1-based, as the spreadsheet shows it; 0 for the whole sheet
	Column string // header name, e.g. "relevant"
	Reason string
}

func (p Problem) where() string {
	switch {
	case p.Row == 0 && p.Column == "":
		return fmt.Sprintf("sheet %s", p.Sheet)
	case p.Row == 0:
		return fmt.Sprintf("sheet %s, column %s", p.Sheet, p.Column)
	case p.Column == "":
		return fmt.Sprintf("sheet %s, row %d", p.Sheet, p.Row)
	}
	return fmt.Sprintf("sheet %s, row %d, column %s", p.Sheet, p.Row, p.Column)
}

// maxProblems caps the list a broken file produces; the first ones are the
// ones to fix first anyway.
const maxProblems = 100

type problems []Problem

func (ps *problems) add(sheet string, row int, col, format string, args ...any) {
	if len(*ps) < maxProblems {
		*ps = append(*ps, Problem{sheet, row, col, fmt.Sprintf(format, args...)})
	}
}

// err turns the problems into one EINVALID error whose fields locate each.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	fields := make([]civiscope.FieldError, len(ps))
	for i, p := range ps {
		fields[i] = civiscope.FieldError{Field: p.where(), Message: p.Reason}
	}
	e := civiscope.Invalid(fields).(*civiscope.Error)
	e.Message = fmt.Sprintf("the questionnaire has %d problem(s) and was not loaded", len(ps))
	return e
}

// Compile checks a form built in memory or read back from JSON and
// prepares its expressions. Reading a workbook calls it; so does loading a
// stored form, so a form in the database is always a checked one.
func (f *Form) Compile() error {
	var ps problems
	f.check(&ps)
	return ps.err()
}

func (f *Form) check(ps *problems) {
	if !expr.ValidName(f.ID) {
		ps.add("settings", 0, "form_id", "form_id %q must be a name (letters, digits, _ - .)", f.ID)
	}
	if f.Version == "" {
		ps.add("settings", 0, "version", "version is required, so that editions can tell forms apart")
	}
	if f.DefaultLanguage == "" {
		f.DefaultLanguage = "fr"
	}
	if len(f.Languages) == 0 {
		f.Languages = []string{f.DefaultLanguage}
	}
	f.byName = map[string]*Question{}
	concepts := map[string]int{}
	var link func(qs []*Question, parent *Question)
	link = func(qs []*Question, parent *Question) {
		for _, q := range qs {
			q.parent = parent
			if prev, dup := f.byName[q.Name]; dup && q.Name != "" {
				ps.add("survey", q.Row, "name", "the name %q is already used on row %d; names must be unique in the form", q.Name, prev.Row)
			} else if q.Name != "" {
				f.byName[q.Name] = q
			}
			if q.Concept != "" {
				if prev, dup := concepts[q.Concept]; dup {
					ps.add("survey", q.Row, "concept", "the concept %q is already used on row %d; a concept names one question", q.Concept, prev)
				}
				concepts[q.Concept] = q.Row
			}
			link(q.Children, q)
		}
	}
	link(f.Questions, nil)
	if len(f.Questions) == 0 {
		ps.add("survey", 0, "", "the survey sheet has no questions")
	}
	for _, q := range f.Questions {
		if !q.IsContainer() {
			ps.add("survey", q.Row, "type", "%q is outside any group; every top-level row must be a group or a repeat, because each one is a page of the questionnaire", q.Name)
		}
	}
	f.Walk(func(q *Question) { f.checkQuestion(q, ps) })
}

func (f *Form) checkQuestion(q *Question, ps *problems) {
	if !expr.ValidName(q.Name) {
		ps.add("survey", q.Row, "name", "%q is not a valid name: start with a letter or _, then letters, digits, _ - or . (at most 64)", q.Name)
	}
	if q.Concept != "" && !expr.ValidName(q.Concept) {
		ps.add("survey", q.Row, "concept", "%q is not a valid concept name", q.Concept)
	}
	if q.Label[f.DefaultLanguage] == "" && q.Type != Group {
		ps.add("survey", q.Row, "label::"+f.DefaultLanguage, "a label in the default language (%s) is required", f.DefaultLanguage)
	}
	if q.Type == Repeat && q.InRepeat() != nil {
		ps.add("survey", q.Row, "type", "a repeat inside a repeat is not supported")
	}
	switch q.Type {
	case SelectOne, SelectMultiple:
		if _, ok := f.Choices[q.List]; !ok {
			ps.add("survey", q.Row, "type", "the choice list %q does not exist in the choices sheet", q.List)
		}
	case Integer, Decimal, TextType, Date, Note, Group, Repeat:
	default:
		ps.add("survey", q.Row, "type", "unknown type %q", q.Type)
	}
	if !q.Answerable() {
		for col, v := range map[string]string{"required": q.Required, "constraint": q.Constraint, "default": q.Default, "choice_filter": q.ChoiceFilter} {
			// A required repeat needs at least one row.
			if v != "" && !(col == "required" && q.Type == Repeat) {
				ps.add("survey", q.Row, col, "a %s takes no %s", q.Type, col)
			}
		}
	}
	if q.ChoiceFilter != "" && q.Type != SelectOne && q.Type != SelectMultiple {
		ps.add("survey", q.Row, "choice_filter", "only select questions take a choice_filter")
	}
	if lit, ok := requiredLiteral(q.Required); ok {
		q.required = nil
		if lit {
			q.required = expr.MustParse("true()")
		}
	} else {
		q.required = f.compile(q, "required", q.Required, false, ps)
	}
	q.relevant = f.compile(q, "relevant", q.Relevant, false, ps)
	q.constraint = f.compile(q, "constraint", q.Constraint, true, ps)
	q.choiceFilter = f.compile(q, "choice_filter", q.ChoiceFilter, false, ps)
	if q.Default != "" {
		if msg := CheckValue(f, q, q.Default); msg != "" {
			ps.add("survey", q.Row, "default", "the default %q is not a valid answer: %s", q.Default, msg)
		}
	}
}

// compile parses one expression column and checks what it refers to.
func (f *Form) compile(q *Question, col, src string, dotOK bool, ps *problems) *expr.Expr {
	if src == "" {
		return nil
	}
	e, err := expr.Parse(src)
	if err != nil {
		ps.add("survey", q.Row, col, "%v in %q", err, src)
		return nil
	}
	bad := false
	for _, r := range e.Refs() {
		target := f.byName[r]
		switch {
		case target == nil:
			ps.add("survey", q.Row, col, "${%s} refers to no question of this form", r)
			bad = true
		case target.IsContainer():
			ps.add("survey", q.Row, col, "${%s} is a %s, not a question", r, target.Type)
			bad = true
		case target.InRepeat() != nil && target.InRepeat() != q.InRepeat() && target.InRepeat() != q:
			ps.add("survey", q.Row, col, "${%s} is inside the repeat %q and cannot be read from outside it", r, target.InRepeat().Name)
			bad = true
		}
	}
	if e.UsesDot() && !dotOK {
		ps.add("survey", q.Row, col, "'.' (the current answer) is only allowed in constraint")
		bad = true
	}
	for _, fld := range e.Fields() {
		if col != "choice_filter" {
			ps.add("survey", q.Row, col, "bare name %q: write ${%s} to refer to a question", fld, fld)
			bad = true
			continue
		}
		if fld != "name" && !contains(f.ChoiceColumns, fld) {
			ps.add("survey", q.Row, col, "%q is not a column of the choices sheet", fld)
			bad = true
		}
	}
	if bad {
		return nil
	}
	return e
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// CheckValue checks that v is a well-formed answer to q, ignoring
// constraint and choice_filter, and returns a reason when it is not.
func CheckValue(f *Form, q *Question, v string) string {
	switch q.Type {
	case Integer:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "a whole number is expected, without spaces or decimals"
		}
	case Decimal:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n != n || n > 1e15 || n < -1e15 {
			return "a number is expected, with a dot or comma for decimals"
		}
	case Date:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "a date is expected, as YYYY-MM-DD"
		}
	case SelectOne:
		if f.Choice(q.List, v) == nil {
			return fmt.Sprintf("%q is not one of the proposed choices", v)
		}
	case SelectMultiple:
		for _, s := range splitFields(v) {
			if f.Choice(q.List, s) == nil {
				return fmt.Sprintf("%q is not one of the proposed choices", s)
			}
		}
	}
	return ""
}
