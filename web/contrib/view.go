package contrib

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/moderation"
)

// view is what every page of the package gets: who is logged in and the
// CSRF token its forms carry.
type view struct {
	User *account.User
	CSRF string
}

func base(r *http.Request) view { return view{User: currentUser(r), CSRF: csrfToken(r)} }

// form is a submitted form shown again: the values typed (nothing is lost on
// an error), the message for each field, and a message for the whole form.
type form struct {
	Values  url.Values
	Errors  map[string]string
	Message string
}

func newForm(r *http.Request) form {
	v := url.Values{}
	if r.PostForm != nil {
		v = r.PostForm
	}
	return form{Values: v, Errors: map[string]string{}}
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

// withError puts err's field messages on the form.
func (f form) withError(err error) form {
	f.Message = civiscope.ErrorMessage(err)
	for _, fe := range civiscope.ErrorFields(err) {
		name := fe.Field
		if i := strings.IndexAny(name, ".["); i > 0 {
			name = name[:i]
		}
		if f.Errors[name] == "" {
			f.Errors[name] = fe.Message
		}
	}
	return f
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"diffText": moderation.Text,
		// list builds a slice in a template, to loop over similar fields.
		"list": func(xs ...string) []string { return xs },
	}
}

func urlEscape(s string) string { return url.QueryEscape(s) }
