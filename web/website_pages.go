package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/website"
	"github.com/civiscope/civiscope/moderation"
)

// websiteView is the form that reports a collectivité's official website
// as wrong.
type websiteView struct {
	view
	Form    form
	T       *territory.Territory
	Current string // the official website shown today, "" when none
}

// websiteTarget reads the collectivité of the URL and its official site.
func (h *Handler) websiteTarget(r *http.Request, f form) (websiteView, error) {
	kind := territory.Kind(chi.URLParam(r, "kind"))
	if !kind.Valid() {
		return websiteView{}, civiscope.Errorf(civiscope.ENOTFOUND, "unknown territory type %q", kind)
	}
	t, err := territory.Get(r.Context(), h.db, kind, strings.ToUpper(chi.URLParam(r, "code")))
	if err != nil {
		return websiteView{}, err
	}
	cur, err := website.Official(r.Context(), h.db, t.ID)
	if err != nil {
		return websiteView{}, err
	}
	return websiteView{view: contribBase(r), Form: f, T: t, Current: cur}, nil
}

func (h *Handler) websiteForm(w http.ResponseWriter, r *http.Request) {
	if h.requireUser(w, r) == nil {
		return
	}
	v, err := h.websiteTarget(r, h.newForm(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rd.Render(w, r, http.StatusOK, "contrib-website", v)
}

func (h *Handler) proposeWebsite(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	f := h.newForm(r)
	v, err := h.websiteTarget(r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if isHoneypot(r) {
		v.Form = f.withError(errHoneypot)
		h.rd.Render(w, r, http.StatusBadRequest, "contrib-website", v)
		return
	}
	p, err := moderation.ProposeWebsite(r.Context(), h.db, u, v.T.ID, f.V("url"), f.V("reason"))
	if err != nil {
		v.Form = f.withError(err)
		h.formFail(w, r, "contrib-website", v, err)
		return
	}
	http.Redirect(w, r, "/contribuer/mes-propositions?envoye="+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}
