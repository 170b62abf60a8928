package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/api/token"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/moderation"
)

// Contributions through the API are moderation proposals made as the user
// account the write token acts for: the same rules as the web forms apply
// (validation, duplicate detection, per-account caps, a verified vendor's
// descriptive edits published at once after its first moderated ones). No
// endpoint writes to the directory directly.

// proposalJSON is a contribution and where it stands.
type proposalJSON struct {
	ID        int64             `json:"id"`
	Kind      moderation.Kind   `json:"kind"`
	Status    moderation.Status `json:"status"`
	Title     string            `json:"title"`
	Payload   map[string]any    `json:"payload"`
	Base      map[string]any    `json:"base"`
	Note      *string           `json:"note"`
	Reason    *string           `json:"reason"`
	CreatedAt time.Time         `json:"created_at"`
	DecidedAt *time.Time        `json:"decided_at"`
	Links     struct {
		Self string `json:"self"`
	} `json:"links"`
}

func newProposalJSON(p *moderation.Proposal) proposalJSON {
	out := proposalJSON{ID: p.ID, Kind: p.Kind, Status: p.Status, Title: p.Title, Payload: p.Payload,
		Base: p.Base, Note: nullable(p.Note), Reason: nullable(p.Reason), CreatedAt: p.CreatedAt, DecidedAt: p.DecidedAt}
	if out.Payload == nil {
		out.Payload = map[string]any{}
	}
	out.Links.Self = "/api/v1/proposals/" + strconv.FormatInt(p.ID, 10)
	return out
}

// contributor returns the account the caller's token acts for.
func (a *API) contributor(r *http.Request) (*account.User, error) {
	t := callerToken(r.Context())
	if t == nil || t.UserID == 0 {
		return nil, civiscope.Errorf(civiscope.EFORBIDDEN, "this token acts for no user account; contributions need a write token created for a user (civiscope tokens create --scope write --user EMAIL)")
	}
	u, err := account.Get(r.Context(), a.db, t.UserID)
	if err != nil {
		return nil, err
	}
	if u.Deleted() {
		return nil, civiscope.Errorf(civiscope.EUNAUTHORIZED, "the token's account was deleted")
	}
	return u, nil
}

// readContribution checks that the caller may contribute and reads the
// body into req; when it returns false it has already answered.
func (a *API) readContribution(w http.ResponseWriter, r *http.Request, req any) (*account.User, bool) {
	u, err := a.contributor(r)
	if err == nil {
		err = onlyParams(r)
	}
	if err == nil {
		err = a.decode(w, r, req)
	}
	if err != nil {
		a.problem(w, r, err)
		return nil, false
	}
	return u, true
}

// accepted answers a queued (or directly published) proposal with 202.
func (a *API) accepted(w http.ResponseWriter, r *http.Request, p *moderation.Proposal) {
	w.Header().Set("Location", "/api/v1/proposals/"+strconv.FormatInt(p.ID, 10))
	a.writeJSON(w, r, http.StatusAccepted, cacheNever, newProposalJSON(p))
}

// newToolRequest is the body of POST /api/v1/tools.
type newToolRequest struct {
	Name          string   `json:"name"`
	TaglineFR     string   `json:"tagline_fr"`
	TaglineEN     string   `json:"tagline_en"`
	DescriptionFR string   `json:"description_fr"`
	DescriptionEN string   `json:"description_en"`
	Website       string   `json:"website"`
	SourceRepo    string   `json:"source_repo"`
	Licence       string   `json:"licence"`
	Categories    []string `json:"categories"`
	Languages     []string `json:"languages"`
	BusinessModel string   `json:"business_model"`
	Hosting       string   `json:"hosting"`
	FoundedYear   int      `json:"founded_year"`
	Vendor        string   `json:"vendor"`
	VendorName    string   `json:"vendor_name"`
	VendorWebsite string   `json:"vendor_website"`
	Note          string   `json:"note"`
	NotDuplicate  bool     `json:"not_duplicate"`
}

// proposeTool serves POST /api/v1/tools: a new listing, queued for
// moderation.
func (a *API) proposeTool(w http.ResponseWriter, r *http.Request) {
	var req newToolRequest
	u, ok := a.readContribution(w, r, &req)
	if !ok {
		return
	}
	p, err := moderation.ProposeTool(r.Context(), a.db, u, moderation.ToolDraft{
		Name: req.Name, TaglineFR: req.TaglineFR, TaglineEN: req.TaglineEN, DescriptionFR: req.DescriptionFR,
		DescriptionEN: req.DescriptionEN, Website: req.Website, SourceRepo: req.SourceRepo, Licence: req.Licence,
		Categories: req.Categories, Languages: req.Languages, BusinessModel: req.BusinessModel, Hosting: req.Hosting,
		FoundedYear: req.FoundedYear, VendorSlug: req.Vendor, VendorName: req.VendorName,
		VendorWebsite: req.VendorWebsite, Note: req.Note, NotDuplicate: req.NotDuplicate,
	})
	if err != nil {
		a.problem(w, r, duplicateFields(err))
		return
	}
	a.accepted(w, r, p)
}

// duplicateFields lists the existing listings a new one resembles, as
// field errors a client can show, and says how to confirm.
func duplicateFields(err error) error {
	var dup *moderation.DuplicateError
	if civiscope.ErrorCode(err) != civiscope.ECONFLICT || !errors.As(err, &dup) {
		return err
	}
	e := &civiscope.Error{Code: civiscope.ECONFLICT, Err: err,
		Message: civiscope.ErrorMessage(err) + "; to confirm, send the same body with \"not_duplicate\": true"}
	for _, m := range dup.Matches {
		msg := fmt.Sprintf("resembles %q (same %s)", m.Name, m.Reason)
		if m.ToolID != 0 {
			msg += ", /api/v1/tools/" + m.Slug
		} else {
			msg += fmt.Sprintf(", pending proposal #%d", m.ProposalID)
		}
		e.Fields = append(e.Fields, civiscope.FieldError{Field: "name", Message: msg})
	}
	return e
}

// toolEditRequest is the body of POST /api/v1/tools/{slug}/edits: only the
// fields present change.
type toolEditRequest struct {
	Name             *string   `json:"name"`
	TaglineFR        *string   `json:"tagline_fr"`
	TaglineEN        *string   `json:"tagline_en"`
	DescriptionFR    *string   `json:"description_fr"`
	DescriptionEN    *string   `json:"description_en"`
	Categories       *[]string `json:"categories"`
	Website          *string   `json:"website"`
	SourceRepo       *string   `json:"source_repo"`
	Licence          *string   `json:"licence"`
	BusinessModel    *string   `json:"business_model"`
	Hosting          *string   `json:"hosting"`
	Languages        *[]string `json:"languages"`
	Accessibility    *string   `json:"accessibility"`
	AccessibilityURL *string   `json:"accessibility_url"`
	FoundedYear      *int      `json:"founded_year"`
	Lifecycle        *string   `json:"lifecycle"`
	LifecycleSince   *string   `json:"lifecycle_since"`
	LifecycleReason  *string   `json:"lifecycle_reason"`
	Note             string    `json:"note"`
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// apply writes the present fields onto t.
func (e *toolEditRequest) apply(t *directory.Tool) error {
	set(&t.Name, e.Name)
	set(&t.TaglineFR, e.TaglineFR)
	set(&t.TaglineEN, e.TaglineEN)
	set(&t.DescriptionFR, e.DescriptionFR)
	set(&t.DescriptionEN, e.DescriptionEN)
	set(&t.Categories, e.Categories)
	set(&t.Website, e.Website)
	set(&t.SourceRepo, e.SourceRepo)
	set(&t.Licence, e.Licence)
	set(&t.Languages, e.Languages)
	set(&t.AccessibilityURL, e.AccessibilityURL)
	set(&t.FoundedYear, e.FoundedYear)
	set(&t.LifecycleReason, e.LifecycleReason)
	if e.BusinessModel != nil {
		t.BusinessModel = directory.BusinessModel(*e.BusinessModel)
	}
	if e.Hosting != nil {
		t.Hosting = directory.Hosting(*e.Hosting)
	}
	if e.Accessibility != nil {
		t.Accessibility = directory.Accessibility(*e.Accessibility)
	}
	if e.Lifecycle != nil {
		t.Lifecycle = directory.Lifecycle(*e.Lifecycle)
	}
	if e.LifecycleSince != nil {
		if *e.LifecycleSince == "" {
			t.LifecycleSince = nil
		} else {
			d, err := time.Parse(time.DateOnly, *e.LifecycleSince)
			if err != nil {
				return civiscope.Invalid([]civiscope.FieldError{{Field: "lifecycle_since", Message: "must be a date such as 2024-06-01"}})
			}
			t.LifecycleSince = &d
		}
	}
	return nil
}

// proposeEdit serves POST /api/v1/tools/{slug}/edits.
func (a *API) proposeEdit(w http.ResponseWriter, r *http.Request) {
	slug, err := pathSlug(r, "tool")
	if err != nil {
		a.problem(w, r, err)
		return
	}
	var req toolEditRequest
	u, ok := a.readContribution(w, r, &req)
	if !ok {
		return
	}
	cur, err := directory.GetTool(r.Context(), a.db, slug)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	edited := *cur
	if err := req.apply(&edited); err != nil {
		a.problem(w, r, err)
		return
	}
	p, err := moderation.ProposeEdit(r.Context(), a.db, u, cur.ID, &edited, req.Note)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.accepted(w, r, p)
}

// adoptionRequest is the body of POST /api/v1/adoptions.
type adoptionRequest struct {
	Tool          string `json:"tool"`
	Territory     string `json:"territory"`
	TerritoryKind string `json:"territory_kind"`
	InstanceURL   string `json:"instance_url"`
	Since         string `json:"since"`
	Note          string `json:"note"`
}

// declareAdoption serves POST /api/v1/adoptions: "this collectivité uses
// this tool at this address", always moderated.
func (a *API) declareAdoption(w http.ResponseWriter, r *http.Request) {
	var req adoptionRequest
	u, ok := a.readContribution(w, r, &req)
	if !ok {
		return
	}
	var fields []civiscope.FieldError
	d := moderation.AdoptionDraft{InstanceURL: req.InstanceURL, Since: req.Since, Note: req.Note}
	if req.Tool == "" {
		fields = append(fields, civiscope.FieldError{Field: "tool", Message: "is required: the tool's slug"})
	} else if t, err := directory.GetTool(r.Context(), a.db, req.Tool); err != nil {
		if civiscope.ErrorCode(err) == civiscope.EINTERNAL {
			a.problem(w, r, err)
			return
		}
		fields = append(fields, civiscope.ErrorFields(asFilterError(err, "tool"))...)
	} else {
		d.ToolID = t.ID
	}
	if req.Territory == "" {
		fields = append(fields, civiscope.FieldError{Field: "territory", Message: "is required: the collectivité's INSEE code or SIREN"})
	} else if t, err := a.resolveTerritory(r, req.Territory, req.TerritoryKind); err != nil {
		if civiscope.ErrorCode(err) == civiscope.EINTERNAL {
			a.problem(w, r, err)
			return
		}
		fields = append(fields, civiscope.ErrorFields(asFilterError(err, "territory"))...)
	} else {
		d.TerritoryID = t.ID
	}
	if err := civiscope.Invalid(fields); err != nil {
		a.problem(w, r, err)
		return
	}
	p, err := moderation.DeclareAdoption(r.Context(), a.db, u, d)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.accepted(w, r, p)
}

// getProposal serves GET /api/v1/proposals/{id}: its submitter (or an admin
// token) follows a contribution through moderation. Other callers get 404,
// so proposal ids reveal nothing.
func (a *API) getProposal(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		a.problem(w, r, civiscope.Invalid([]civiscope.FieldError{{Field: "id", Message: fmt.Sprintf("must be a positive whole number, not %q", chi.URLParam(r, "id"))}}))
		return
	}
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	t := callerToken(r.Context())
	p, err := moderation.Get(r.Context(), a.db, id)
	if err == nil && p.SubmitterID != t.UserID && !t.Scope.Allows(token.Admin) {
		err = civiscope.Errorf(civiscope.ENOTFOUND, "no proposal #%d among this token's contributions", id)
	}
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePrivate, newProposalJSON(p))
}
