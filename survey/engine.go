package survey

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/survey/expr"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// Limits on what a respondent can store: generous for people, small for a
// script.
const (
	MaxTextRunes  = 5000 // one answer
	MaxRepeatRows = 50   // rows of one repeat
)

// env evaluates expressions for one question, in one repeat row.
type env struct {
	form *xlsform.Form
	a    *Answers
	row  int
	self string
	q    *xlsform.Question
	// choice is the choice being filtered, for choice_filter.
	choice *xlsform.Choice
}

func (e env) Ref(name string) expr.Value {
	q := e.form.Question(name)
	if q == nil {
		return expr.Text("")
	}
	return typed(q, e.a.Get(q, e.row).Value)
}

func (e env) Self() expr.Value { return typed(e.q, e.self) }

func (e env) Field(name string) expr.Value {
	if e.choice == nil {
		return expr.Text("")
	}
	if name == "name" {
		return expr.Text(e.choice.Name)
	}
	return expr.Text(e.choice.Extra[name])
}

// typed gives numbers their type, so that "10" > "9" compares as numbers.
func typed(q *xlsform.Question, v string) expr.Value {
	if q != nil && (q.Type == xlsform.Integer || q.Type == xlsform.Decimal) && v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return expr.Number(f)
		}
	}
	return expr.Text(v)
}

// Relevant reports whether q and all its enclosing groups are relevant for
// the given repeat row.
func Relevant(f *xlsform.Form, a *Answers, q *xlsform.Question, row int) bool {
	for p := q; p != nil; p = p.Parent() {
		if e := p.RelevantExpr(); e != nil && !e.Bool(env{form: f, a: a, row: row, q: p}) {
			return false
		}
	}
	return true
}

// IsRequired evaluates q's required column.
func IsRequired(f *xlsform.Form, a *Answers, q *xlsform.Question, row int) bool {
	e := q.RequiredExpr()
	return e != nil && e.Bool(env{form: f, a: a, row: row, q: q})
}

// Choices returns q's choices that pass its choice_filter.
func Choices(f *xlsform.Form, a *Answers, q *xlsform.Question, row int) []xlsform.Choice {
	all := f.Choices[q.List]
	filter := q.ChoiceFilterExpr()
	if filter == nil {
		return all
	}
	var out []xlsform.Choice
	for i := range all {
		if filter.Bool(env{form: f, a: a, row: row, q: q, choice: &all[i]}) {
			out = append(out, all[i])
		}
	}
	return out
}

// prune deletes the answers of questions that are not relevant: a skipped
// question is not stored. Two passes settle chains of relevance that point
// backwards and forwards.
func prune(f *xlsform.Form, a *Answers) {
	for pass := 0; pass < 2; pass++ {
		f.Walk(func(q *xlsform.Question) {
			if !q.Answerable() {
				return
			}
			if r := q.InRepeat(); r != nil {
				for i := range a.Repeats[r.Name] {
					if !Relevant(f, a, q, i) {
						a.set(q, i, Answer{})
					}
				}
				return
			}
			if !Relevant(f, a, q, 0) {
				a.set(q, 0, Answer{})
			}
		})
		for _, p := range f.Pages() {
			if p.Type == xlsform.Repeat && !Relevant(f, a, p, 0) {
				delete(a.Repeats, p.Name)
			}
		}
	}
}

// FieldKey names an answer in forms and error lists: the question name, or
// "repeat.N.name" inside a repeat (N from 0).
func FieldKey(q *xlsform.Question, row int) string {
	if r := q.InRepeat(); r != nil {
		return fmt.Sprintf("%s.%d.%s", r.Name, row, q.Name)
	}
	return q.Name
}

// msg picks the French or English wording of a built-in message.
func msg(lang, fr, en string) string {
	if lang == "en" {
		return en
	}
	return fr
}

// validate checks the answers of the questions under scope (a page, or nil
// for the whole form) and returns one error per field. With draft, missing
// required answers are not errors yet.
func validate(f *xlsform.Form, a *Answers, scope []*xlsform.Question, draft bool, lang string) []civiscope.FieldError {
	var errs []civiscope.FieldError
	var check func(q *xlsform.Question, row int)
	check = func(q *xlsform.Question, row int) {
		if !Relevant(f, a, q, row) {
			return
		}
		if q.Type == xlsform.Repeat {
			n := len(a.Repeats[q.Name])
			if n > MaxRepeatRows {
				errs = append(errs, civiscope.FieldError{Field: q.Name, Message: msg(lang,
					fmt.Sprintf("%d lignes saisies : %d au plus sont acceptées.", n, MaxRepeatRows),
					fmt.Sprintf("%d rows entered: at most %d are accepted.", n, MaxRepeatRows))})
				return
			}
			if n == 0 && !draft && IsRequired(f, a, q, 0) {
				errs = append(errs, civiscope.FieldError{Field: q.Name, Message: msg(lang,
					"Ajoutez au moins une ligne.", "Add at least one row.")})
			}
			for i := 0; i < n; i++ {
				for _, c := range q.Children {
					check(c, i)
				}
			}
			return
		}
		if q.IsContainer() {
			for _, c := range q.Children {
				check(c, row)
			}
			return
		}
		if !q.Answerable() {
			return
		}
		if m := checkAnswer(f, a, q, row, draft, lang); m != "" {
			errs = append(errs, civiscope.FieldError{Field: FieldKey(q, row), Message: m})
		}
	}
	if scope == nil {
		scope = f.Pages()
	}
	for _, q := range scope {
		check(q, 0)
	}
	return errs
}

func checkAnswer(f *xlsform.Form, a *Answers, q *xlsform.Question, row int, draft bool, lang string) string {
	ans := a.Get(q, row)
	if ans.Missing != "" {
		if !ans.Missing.Valid() {
			return msg(lang, "Motif d'absence de réponse inconnu.", "Unknown reason for no answer.")
		}
		return ""
	}
	v := ans.Value
	if v == "" {
		if !draft && IsRequired(f, a, q, row) {
			return msg(lang, "Cette réponse est obligatoire. Si vous ne la connaissez pas, choisissez « Je ne sais pas ».",
				"This answer is required. If you do not know it, choose “Don't know”.")
		}
		return ""
	}
	if n := utf8.RuneCountInString(v); n > MaxTextRunes || !utf8.ValidString(v) {
		return msg(lang, fmt.Sprintf("La réponse fait %d caractères : %d au plus sont acceptés.", n, MaxTextRunes),
			fmt.Sprintf("The answer is %d characters long: at most %d are accepted.", n, MaxTextRunes))
	}
	if m := xlsform.CheckValue(f, q, v); m != "" {
		return typeMessage(q, lang, m)
	}
	if q.ChoiceFilterExpr() != nil {
		allowed := map[string]bool{}
		for _, c := range Choices(f, a, q, row) {
			allowed[c.Name] = true
		}
		for _, s := range strings.Fields(v) {
			if !allowed[s] {
				return msg(lang, "Ce choix ne correspond pas à vos réponses précédentes.", "This choice does not match your earlier answers.")
			}
		}
	}
	if c := q.ConstraintExpr(); c != nil && !c.Bool(env{form: f, a: a, row: row, q: q, self: v}) {
		if m := q.ConstraintMessage.In(lang, f.DefaultLanguage); m != "" {
			return m
		}
		return msg(lang, "Cette réponse n'est pas acceptée.", "This answer is not accepted.")
	}
	return ""
}

func typeMessage(q *xlsform.Question, lang, fallback string) string {
	switch q.Type {
	case xlsform.Integer:
		return msg(lang, "Saisissez un nombre entier, sans espace ni décimale (par exemple 12000).", "Enter a whole number, without spaces or decimals (e.g. 12000).")
	case xlsform.Decimal:
		return msg(lang, "Saisissez un nombre (par exemple 1500 ou 1500,50).", "Enter a number (e.g. 1500 or 1500.50).")
	case xlsform.Date:
		return msg(lang, "Saisissez une date au format AAAA-MM-JJ (par exemple 2024-09-01).", "Enter a date as YYYY-MM-DD (e.g. 2024-09-01).")
	case xlsform.SelectOne, xlsform.SelectMultiple:
		return msg(lang, "Ce choix ne fait pas partie de la liste proposée.", "This choice is not in the list.")
	}
	return fallback
}

// normalizeNumber accepts a French decimal comma and surrounding spaces,
// as people type numbers.
func normalizeNumber(q *xlsform.Question, v string) string {
	if q.Type != xlsform.Integer && q.Type != xlsform.Decimal {
		return v
	}
	v = strings.ReplaceAll(v, "\u00a0", "")
	v = strings.ReplaceAll(v, "\u202f", "")
	v = strings.ReplaceAll(v, " ", "")
	if q.Type == xlsform.Decimal {
		v = strings.Replace(v, ",", ".", 1)
	}
	return v
}
