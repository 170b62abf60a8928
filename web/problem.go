package web

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
)

// Problem is an error as a page shows it, in the page's language: one
// message for the whole form and one per field, each field named by its
// label rather than its internal id.
type Problem struct {
	Code    string
	Message string
	Fields  []FieldProblem
}

// FieldProblem is one field's message. Field is the form field the message
// belongs next to (the part of the domain's name before any "." or "[").
type FieldProblem struct {
	Field   string
	Label   string
	Message string
}

// Explain says err in lang. A domain error names its rule and parameters
// (civiscope.Error.Rule, FieldError.Rule), which the catalogue words as
// "rule.<rule>" with {param} blanks. An error without a rule falls back to
// its English message on English pages and to a message for its code on
// French ones, so that no English sentence reaches a French page.
func (c *Catalogue) Explain(lang Lang, err error) Problem {
	var e *civiscope.Error
	if err == nil {
		return Problem{}
	}
	if !errors.As(err, &e) || e.Code == civiscope.EINTERNAL {
		return Problem{Code: civiscope.EINTERNAL, Message: c.T(lang, "problem.code.internal")}
	}
	p := Problem{Code: e.Code}
	for _, f := range e.Fields {
		name := f.Field
		if i := strings.IndexAny(name, ".["); i > 0 {
			name = name[:i]
		}
		p.Fields = append(p.Fields, FieldProblem{Field: name, Label: c.FieldLabel(lang, name),
			Message: c.say(lang, f.Rule, f.Params, f.Message, "problem.field.unexplained")})
	}
	switch {
	case e.Rule != "" || lang == EN && len(e.Fields) == 0:
		p.Message = c.say(lang, e.Rule, e.Params, e.Message, "problem.code."+e.Code)
	case len(e.Fields) == 1:
		p.Message = c.T(lang, "problem.fields.one")
	case len(e.Fields) > 1:
		p.Message = c.T(lang, "problem.fields.many", len(e.Fields))
	case e.Code == civiscope.ETOOMANY:
		p.Message = c.T(lang, "problem.code.too_many")
		if wait, ok := account.RetryAfter(err); ok {
			p.Message = c.T(lang, "problem.too_many.wait", int(math.Ceil(wait.Minutes())))
		}
	default:
		p.Message = c.T(lang, "problem.code."+e.Code)
	}
	return p
}

// FieldLabel names a form field in lang ("field.<name>"), or returns the
// name itself when the catalogue has no label for it.
func (c *Catalogue) FieldLabel(lang Lang, name string) string {
	if c.Has("field." + name) {
		return c.T(lang, "field."+name)
	}
	return name
}

// say words a rule with its parameters; without a known rule, the English
// message on English pages and the fallback key's message on French ones.
func (c *Catalogue) say(lang Lang, rule string, params civiscope.Params, english, fallback string) string {
	if rule != "" && c.Has("rule."+rule) {
		return c.fill(lang, c.T(lang, "rule."+rule), params)
	}
	if lang == EN && english != "" {
		return english
	}
	if c.Has(fallback) {
		return c.T(lang, fallback)
	}
	return c.T(lang, "problem.field.unexplained")
}

// fill replaces each {name} in s with the parameter's value, numbers
// written the language's way (a year is passed as a string, so that it
// stays 2016 and not 2 016) and a "field" parameter by the field's label.
func (c *Catalogue) fill(lang Lang, s string, params civiscope.Params) string {
	if len(params) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, 2*len(params))
	for k, v := range params {
		var text string
		switch x := v.(type) {
		case int:
			text = FormatInt(lang, x)
		case int64:
			text = FormatInt(lang, int(x))
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1e15 {
				text = FormatInt(lang, int(x))
			} else {
				text = fmt.Sprint(x)
			}
		case string:
			text = x
			if k == "field" {
				text = c.FieldLabel(lang, x)
			}
		default:
			text = fmt.Sprint(x)
		}
		pairs = append(pairs, "{"+k+"}", text)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
