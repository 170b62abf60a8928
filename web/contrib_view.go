package web

import (
	"net/http"
	"net/url"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
)

// view is what every page of the package gets: who is logged in and the
// CSRF token its forms carry.
type view struct {
	User *account.User
	CSRF string
}

func contribBase(r *http.Request) view { return view{User: currentUser(r), CSRF: csrfToken(r)} }

// form is a submitted form shown again: the values typed (nothing is lost on
// an error), the message for each field and for the whole form, said in the
// page's language (Catalogue.Explain).
type form struct {
	Values  url.Values
	Errors  map[string]string
	Message string
	// Problems lists the field messages in the domain's order, with each
	// field's label, for the summary at the top of the form.
	Problems []FieldProblem
	explain  func(error) Problem
}

func (h *Handler) newForm(r *http.Request) form {
	v := url.Values{}
	if r.PostForm != nil {
		v = r.PostForm
	}
	return form{Values: v, Errors: map[string]string{}, explain: h.explainer(r)}
}

// explainer says errors in the request's language.
func (h *Handler) explainer(r *http.Request) func(error) Problem {
	lang, cat := RequestLang(r), h.rd.Catalogue()
	return func(err error) Problem { return cat.Explain(lang, err) }
}

// V returns the submitted value of a field.
func (f form) V(name string) string { return f.Values.Get(name) }

// Has reports whether a multi-valued field (checkboxes) holds value.
func (f form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// E returns the message for a field.
func (f form) E(name string) string { return f.Errors[name] }

// withError puts err's messages on the form, in the page's language.
func (f form) withError(err error) form {
	p := f.explain(err)
	f.Message = p.Message
	errs := make(map[string]string, len(f.Errors)+len(p.Fields))
	for k, v := range f.Errors {
		errs[k] = v
	}
	for _, fp := range p.Fields {
		if errs[fp.Field] == "" {
			errs[fp.Field] = fp.Message
			f.Problems = append(f.Problems, fp)
		}
	}
	f.Errors = errs
	return f
}

// fieldError is withError for one rule broken on one field of the page's
// own (not the domain's), such as two passwords that differ.
func (f form) fieldError(field, rule, english string) form {
	return f.withError(civiscope.Invalid([]civiscope.FieldError{civiscope.Field(field, rule, nil, "%s", english)}))
}

func urlEscape(s string) string { return url.QueryEscape(s) }
