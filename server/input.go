package server

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
)

// maxFormBody bounds the urlencoded bodies this guard reads; handlers apply
// their own, usually smaller, limits afterwards.
const maxFormBody = 16 << 20

// maxDigits is the longest run of digits accepted as a whole value: 18
// digits always fit an int64, so no parser downstream can overflow on one.
// Codes the site uses (INSEE, SIREN, SIRET) are far shorter.
const maxDigits = 18

// checkInput is the one place where request text is decoded and checked:
// the path, the query and urlencoded form bodies must be valid UTF-8
// without NUL (PostgreSQL text cannot hold U+0000, and invalid bytes would
// fail deep in whichever store got them), and no value may be a number
// longer than any integer the site parses. Anything else is a 400 that says
// what is wrong, before a handler runs. JSON bodies are checked by the
// API's decoder; multipart bodies (file uploads) may carry any byte.
func checkInput(routes chi.Routes) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return guardInput(routes, next)
	}
}

func guardInput(routes chi.Routes, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg := checkURL(r.URL); msg != nil {
			if msg.field == "" {
				msg.field = pathParam(routes, r)
			}
			refuseInput(w, r, msg)
			return
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if r.Body != nil && ct == "application/x-www-form-urlencoded" {
			b, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
			r.Body.Close()
			if err != nil {
				refuseInput(w, r, &inputProblem{fr: "corps de requête illisible", en: "unreadable request body"})
				return
			}
			if len(b) > maxFormBody {
				Refuse(w, r, http.StatusRequestEntityTooLarge, "Formulaire trop volumineux.", "Form too large.")
				return
			}
			if msg := checkValues(string(b), "le formulaire", "the form"); msg != nil {
				refuseInput(w, r, msg)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		next.ServeHTTP(w, r)
	})
}

// inputProblem says what is wrong with a request, in both languages, and
// in which field (a parameter's name) when it is known.
type inputProblem struct{ fr, en, field string }

func refuseInput(w http.ResponseWriter, r *http.Request, p *inputProblem) {
	var fields []civiscope.FieldError
	if p.field != "" {
		fields = []civiscope.FieldError{{Field: p.field, Message: p.en}}
	}
	refuse(w, r, http.StatusBadRequest, "Requête refusée : "+p.fr+".", "Request refused: "+p.en+".", fields)
}

// pathParam names the route parameter that holds the bad part of the
// path ("slug" in /api/v1/tools/{slug}), "path" when no route matches.
func pathParam(routes chi.Routes, r *http.Request) string {
	if routes == nil {
		return "path"
	}
	rctx := chi.NewRouteContext()
	if !routes.Match(rctx, r.Method, r.URL.Path) {
		return "path"
	}
	// Mounted routers add a "*" holding the rest of the path: the named
	// parameter is the innermost one.
	for i := len(rctx.URLParams.Keys) - 1; i >= 0; i-- {
		k, v := rctx.URLParams.Keys[i], rctx.URLParams.Values[i]
		if k != "*" && (checkText(v, "", "") != nil || isLongNumber(v)) {
			return k
		}
	}
	return "path"
}

func checkURL(u *url.URL) *inputProblem {
	if p := checkText(u.Path, "l’adresse", "the address"); p != nil {
		return p
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if isLongNumber(seg) {
			return longNumber("l’adresse", "the address")
		}
	}
	return checkValues(u.RawQuery, "l’adresse", "the address")
}

// checkValues checks every key and value of an urlencoded string. A
// malformed escape is left to the handlers, which read what they can, as
// net/url does.
func checkValues(encoded, whereFR, whereEN string) *inputProblem {
	for encoded != "" {
		var pair string
		pair, encoded, _ = strings.Cut(encoded, "&")
		k, v, _ := strings.Cut(pair, "=")
		for _, s := range []string{k, v} {
			d, err := url.QueryUnescape(s)
			if err != nil {
				continue
			}
			p := checkText(d, whereFR, whereEN)
			if p == nil && isLongNumber(d) {
				p = longNumber(whereFR, whereEN)
			}
			if p != nil {
				p.field, _ = url.QueryUnescape(k)
				if !utf8.ValidString(p.field) || strings.IndexByte(p.field, 0) >= 0 {
					p.field = "" // the name itself is the problem: do not echo it
				}
				return p
			}
		}
	}
	return nil
}

func checkText(s, whereFR, whereEN string) *inputProblem {
	if strings.IndexByte(s, 0) >= 0 {
		return &inputProblem{
			fr: whereFR + " contient un caractère nul (U+0000), qu’aucun champ n’accepte",
			en: whereEN + " contains a NUL character (U+0000), which no field accepts"}
	}
	if !utf8.ValidString(s) {
		return &inputProblem{
			fr: whereFR + " contient des octets qui ne sont pas du texte UTF-8 valide",
			en: whereEN + " contains bytes that are not valid UTF-8 text"}
	}
	return nil
}

func isLongNumber(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if len(s) <= maxDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func longNumber(whereFR, whereEN string) *inputProblem {
	return &inputProblem{
		fr: fmt.Sprintf("%s contient un nombre de plus de %d chiffres, trop grand pour être un identifiant, une page ou une année", whereFR, maxDigits),
		en: fmt.Sprintf("%s contains a number of more than %d digits, too large to be an id, a page or a year", whereEN, maxDigits)}
}
