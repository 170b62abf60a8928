package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/claim"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/server"
)

type toolFormView struct {
	view
	Form        form
	Tool        *directory.Tool // the listing edited, nil for a new one
	Categories  []directory.Category
	Models      []directory.Option
	Hostings    []directory.Option
	Lifecycles  []directory.Option
	Duplicates  []moderation.Match
	NeedConfirm bool
	Licences    []string
}

func (h *Handler) toolForm(r *http.Request, f form, t *directory.Tool) toolFormView {
	return toolFormView{view: contribBase(r), Form: f, Tool: t, Categories: directory.Categories(),
		Models: unknownFirst(directory.BusinessModels()), Hostings: unknownFirst(directory.Hostings()),
		Lifecycles: unknownFirst(directory.Lifecycles()), Licences: licenceChoices()}
}

func (h *Handler) proposeToolForm(w http.ResponseWriter, r *http.Request) {
	if h.requireUser(w, r) == nil {
		return
	}
	h.rd.Render(w, r, http.StatusOK, "contrib-toolform", h.toolForm(r, h.newForm(r), nil))
}

func (h *Handler) proposeTool(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	f := h.newForm(r)
	if isHoneypot(r) {
		h.log.Warn("honeypot filled on tool proposal", "ip", h.clientIP(r), "user", u.ID)
		h.rd.Render(w, r, http.StatusBadRequest, "contrib-toolform", h.toolForm(r, f.withError(errHoneypot), nil))
		return
	}
	year, yerr := optionalInt(f.V("founded_year"))
	d := moderation.ToolDraft{Name: f.V("name"), TaglineFR: f.V("tagline_fr"), TaglineEN: f.V("tagline_en"),
		DescriptionFR: f.V("description_fr"), DescriptionEN: f.V("description_en"), Website: f.V("website"),
		SourceRepo: f.V("source_repo"), Licence: licenceValue(f), Categories: f.Values["categories"],
		Languages: splitList(f.V("languages")), BusinessModel: f.V("business_model"), Hosting: f.V("hosting"),
		FoundedYear: year, VendorName: f.V("vendor_name"), VendorWebsite: f.V("vendor_website"),
		Note: f.V("note"), NotDuplicate: f.V("not_duplicate") == "1"}
	var p *moderation.Proposal
	err := yerr
	if err == nil {
		p, err = moderation.ProposeTool(r.Context(), h.db, u, d)
	}
	if err != nil {
		v := h.toolForm(r, f.withError(err), nil)
		var dup *moderation.DuplicateError
		if asError(err, &dup) {
			v.Duplicates, v.NeedConfirm = dup.Matches, true
		}
		h.formFail(w, r, "contrib-toolform", v, err)
		return
	}
	http.Redirect(w, r, "/contribuer/mes-propositions?envoye="+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}

func optionalInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("founded_year", "year", nil, "must be a year such as 2016")})
	}
	return n, nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, strings.ToLower(x))
	}
	return out
}

// toolValues pre-fills the edit form with the listing as it is.
func toolValues(t *directory.Tool) form {
	f := form{Values: map[string][]string{}, Errors: map[string]string{}}
	set := func(k, v string) { f.Values.Set(k, v) }
	set("name", t.Name)
	set("tagline_fr", t.TaglineFR)
	set("tagline_en", t.TaglineEN)
	set("description_fr", t.DescriptionFR)
	set("description_en", t.DescriptionEN)
	set("website", t.Website)
	set("source_repo", t.SourceRepo)
	if t.Licence != "" {
		setLicence(f, t.Licence)
	}
	set("business_model", string(t.BusinessModel))
	set("hosting", string(t.Hosting))
	set("languages", strings.Join(t.Languages, ", "))
	set("lifecycle", string(t.Lifecycle))
	set("lifecycle_reason", t.LifecycleReason)
	if t.FoundedYear != 0 {
		set("founded_year", strconv.Itoa(t.FoundedYear))
	}
	if t.LifecycleSince != nil {
		set("lifecycle_since", t.LifecycleSince.Format("2006-01-02"))
	}
	f.Values["categories"] = append([]string(nil), t.Categories...)
	return f
}

func (h *Handler) editForm(w http.ResponseWriter, r *http.Request) {
	if h.requireUser(w, r) == nil {
		return
	}
	t, err := directory.GetTool(r.Context(), h.db, chi.URLParam(r, "slug"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := toolValues(t)
	f.explain = h.explainer(r)
	h.rd.Render(w, r, http.StatusOK, "contrib-toolform", h.toolForm(r, f, t))
}

func (h *Handler) proposeEdit(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	ctx := r.Context()
	t, err := directory.GetTool(ctx, h.db, chi.URLParam(r, "slug"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := h.newForm(r)
	if isHoneypot(r) {
		h.rd.Render(w, r, http.StatusBadRequest, "contrib-toolform", h.toolForm(r, f.withError(errHoneypot), t))
		return
	}
	edited := *t
	edited.Name, edited.TaglineFR, edited.TaglineEN = f.V("name"), f.V("tagline_fr"), f.V("tagline_en")
	edited.DescriptionFR, edited.DescriptionEN = f.V("description_fr"), f.V("description_en")
	edited.Website, edited.SourceRepo, edited.Licence = f.V("website"), f.V("source_repo"), licenceValue(f)
	edited.Categories, edited.Languages = f.Values["categories"], splitList(f.V("languages"))
	edited.BusinessModel, edited.Hosting = directory.BusinessModel(f.V("business_model")), directory.Hosting(f.V("hosting"))
	edited.Lifecycle, edited.LifecycleReason = directory.Lifecycle(f.V("lifecycle")), f.V("lifecycle_reason")
	edited.LifecycleSince = nil
	var fields []civiscope.FieldError
	if s := strings.TrimSpace(f.V("lifecycle_since")); s != "" {
		d, perr := parseDate(s)
		if perr != nil {
			fields = append(fields, civiscope.Field("lifecycle_since", "date", nil, "must be a date YYYY-MM-DD"))
		}
		edited.LifecycleSince = d
	}
	year, yerr := optionalInt(f.V("founded_year"))
	if yerr != nil {
		fields = append(fields, civiscope.ErrorFields(yerr)...)
	}
	edited.FoundedYear = year
	err = civiscope.Invalid(fields)
	var p *moderation.Proposal
	if err == nil {
		p, err = moderation.ProposeEdit(ctx, h.db, u, t.ID, &edited, f.V("note"))
	}
	if err != nil {
		h.formFail(w, r, "contrib-toolform", h.toolForm(r, f.withError(err), t), err)
		return
	}
	http.Redirect(w, r, "/contribuer/mes-propositions?envoye="+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}

type declareView struct {
	view
	Form        form
	Territories []territory.Match
	Tools       []moderation.Match
}

func (h *Handler) declareForm(w http.ResponseWriter, r *http.Request) {
	if h.requireUser(w, r) == nil {
		return
	}
	f := h.newForm(r)
	f.Values.Set("tool", r.URL.Query().Get("outil"))
	h.rd.Render(w, r, http.StatusOK, "contrib-declare", declareView{view: contribBase(r), Form: f})
}

func (h *Handler) declare(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	ctx := r.Context()
	f := h.newForm(r)
	v := declareView{view: contribBase(r), Form: f}
	if isHoneypot(r) {
		v.Form = f.withError(errHoneypot)
		h.rd.Render(w, r, http.StatusBadRequest, "contrib-declare", v)
		return
	}
	toolID, err := h.pickTool(ctx, f.V("tool"))
	if err != nil {
		v.Form = f.withError(err)
		h.formFail(w, r, "contrib-declare", v, err)
		return
	}
	terrID, matches, err := h.pickTerritory(ctx, f.V("territory_id"), f.V("territory"))
	if err == nil && terrID == 0 {
		v.Territories = matches
		v.Form = f.fieldError("territory", "territory_choose", "several collectivités have this name; choose one")
		h.rd.Render(w, r, http.StatusBadRequest, "contrib-declare", v)
		return
	}
	if err != nil {
		v.Form = f.withError(err)
		h.formFail(w, r, "contrib-declare", v, err)
		return
	}
	p, err := moderation.DeclareAdoption(ctx, h.db, u, moderation.AdoptionDraft{ToolID: toolID, TerritoryID: terrID,
		InstanceURL: f.V("instance_url"), Since: f.V("since"), Note: f.V("note")})
	if err != nil {
		v.Form = f.withError(err)
		h.formFail(w, r, "contrib-declare", v, err)
		return
	}
	http.Redirect(w, r, "/contribuer/mes-propositions?envoye="+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}

// pickTool finds a listed tool by slug or by name, accents and case aside.
func (h *Handler) pickTool(ctx context.Context, q string) (int64, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return 0, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("tool", "required", nil, "is required")})
	}
	if t, err := directory.GetTool(ctx, h.db, q); err == nil {
		return t.ID, nil
	}
	ms, err := moderation.Duplicates(ctx, h.db, q, "")
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if m.ToolID != 0 {
			return m.ToolID, nil
		}
	}
	return 0, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("tool", "no_such_tool", nil, "no listed tool has this name; propose the tool first")})
}

// pickTerritory resolves a collectivité typed by name, or chosen among
// homonyms by id. It returns 0 and the candidates when the name is
// ambiguous.
func (h *Handler) pickTerritory(ctx context.Context, idText, name string) (int64, []territory.Match, error) {
	if idText != "" {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err == nil {
			if t, err := territory.GetByID(ctx, h.db, id); err == nil {
				return t.ID, nil, nil
			}
		}
		return 0, nil, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("territory", "no_such_territory", nil, "no such collectivité")})
	}
	if strings.TrimSpace(name) == "" {
		return 0, nil, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("territory", "required", nil, "is required")})
	}
	if len(name) > 200 {
		return 0, nil, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("territory", "too_long", civiscope.Params{"length": len([]rune(name)), "max": 200}, "is too long")})
	}
	ms, err := h.territories.Find(name, territory.FindOptions{Limit: 10})
	if err != nil {
		return 0, nil, err
	}
	var exact []territory.Match
	for _, m := range ms {
		if m.Rank == territory.Exact {
			exact = append(exact, m)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0].ID, nil, nil
	case len(ms) == 0:
		return 0, nil, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("territory", "no_such_territory", nil, "no collectivité has this name")})
	case len(exact) > 1:
		return 0, exact, nil
	}
	return 0, ms, nil
}

type proposalsView struct {
	view
	Proposals []moderation.Proposal
	Claims    []claim.Claim
	Sent      int64
}

func (h *Handler) myProposals(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	ps, err := moderation.BySubmitter(r.Context(), h.db, u.ID, 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cs, err := claim.Mine(r.Context(), h.db, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sent, _ := strconv.ParseInt(r.URL.Query().Get("envoye"), 10, 64)
	h.rd.Render(w, r, http.StatusOK, "contrib-mine", proposalsView{view: contribBase(r), Proposals: ps, Claims: cs, Sent: sent})
}

type claimView struct {
	view
	Tool    *directory.Tool
	Claim   *claim.Claim
	Problem Problem
	Member  bool
	// The rule the page states: how many approved contributions the user
	// has, and how many make a verified vendor's edits publish at once.
	Approved     int
	TrustedAfter int
	// A listing without a vendor or a website cannot be claimed yet: the
	// page says so before any click, and offers to name the vendor.
	NoVendor  bool
	NoWebsite bool
	Form      form
}

func (h *Handler) claimPage(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	h.renderClaim(w, r, u, chi.URLParam(r, "slug"), http.StatusOK, nil, nil, h.newForm(r))
}

func (h *Handler) renderClaim(w http.ResponseWriter, r *http.Request, u *account.User, slug string, status int, c *claim.Claim, problem error, f form) {
	ctx := r.Context()
	t, err := directory.GetTool(ctx, h.db, slug)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if c == nil {
		if cs, err := claim.Mine(ctx, h.db, u); err == nil {
			for i := range cs {
				if cs[i].ToolID == t.ID {
					c = &cs[i]
				}
			}
		}
	}
	v := claimView{view: contribBase(r), Tool: t, Claim: c, TrustedAfter: moderation.TrustedAfter, Form: f,
		NoVendor: t.VendorID == 0, NoWebsite: claim.Website(t.Website) == ""}
	if problem != nil {
		v.Problem = h.explainer(r)(problem)
	}
	if t.VendorID != 0 {
		if v.Member, err = account.IsVendorMember(ctx, h.db, u.ID, t.VendorID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if v.Approved, err = moderation.Approved(ctx, h.db, u.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.rd.Render(w, r, status, "contrib-claim", v)
}

// nameVendor proposes the vendor of a listing that names none, the step
// before claiming it.
func (h *Handler) nameVendor(w http.ResponseWriter, r *http.Request) {
	u, t := h.userAndTool(w, r)
	if t == nil {
		return
	}
	f := h.newForm(r)
	if isHoneypot(r) {
		h.renderClaim(w, r, u, t.Slug, http.StatusBadRequest, nil, nil, f.withError(errHoneypot))
		return
	}
	p, err := moderation.NameVendor(r.Context(), h.db, u, t.ID, f.V("vendor_name"), f.V("vendor_website"), f.V("note"))
	if err != nil {
		if !formError(err) {
			h.fail(w, r, err)
			return
		}
		setRetryAfter(w, err)
		h.renderClaim(w, r, u, t.Slug, server.HTTPStatus(err), nil, nil, f.withError(err))
		return
	}
	http.Redirect(w, r, "/contribuer/mes-propositions?envoye="+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}

// userAndTool reads the logged-in user and the listing of the URL, or
// answers the request (log in, not found) and returns nil.
func (h *Handler) userAndTool(w http.ResponseWriter, r *http.Request) (*account.User, *directory.Tool) {
	u := h.requireUser(w, r)
	if u == nil {
		return nil, nil
	}
	t, err := directory.GetTool(r.Context(), h.db, chi.URLParam(r, "slug"))
	if err != nil {
		h.fail(w, r, err)
		return nil, nil
	}
	return u, t
}

func (h *Handler) startClaim(w http.ResponseWriter, r *http.Request) {
	u, t := h.userAndTool(w, r)
	if t == nil {
		return
	}
	c, err := claim.Start(r.Context(), h.db, u, t.ID)
	if err != nil {
		if formError(err) {
			h.renderClaim(w, r, u, t.Slug, server.HTTPStatus(err), nil, err, h.newForm(r))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.renderClaim(w, r, u, t.Slug, http.StatusOK, c, nil, h.newForm(r))
}

func (h *Handler) verifyClaim(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.claims == nil {
		h.fail(w, r, civiscope.Errorf(civiscope.EUNAVAILABLE, "domain checks are not configured on this server"))
		return
	}
	c, err := h.claims.Verify(r.Context(), h.db, u, id)
	if err != nil && c == nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if err != nil {
		setRetryAfter(w, err)
		status = server.HTTPStatus(err)
	}
	h.renderClaim(w, r, u, c.ToolSlug, status, c, err, h.newForm(r))
}
