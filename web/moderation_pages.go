package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/server"
)

const queuePerPage = 50

type queueView struct {
	view
	Proposals []moderation.Proposal
	Names     *labeller
	Status    string
	Kind      string
	Statuses  []string
	Kinds     []string
	Pager     Pager
	// Decided and Decision confirm the decision just recorded.
	Decided  int64
	Decision string
}

func (h *Handler) queue(w http.ResponseWriter, r *http.Request) {
	if h.requireModerator(w, r) == nil {
		return
	}
	q := r.URL.Query()
	status, kind := q.Get("statut"), q.Get("type")
	switch moderation.Status(status) {
	case "", moderation.StatusPending, moderation.StatusPublished, moderation.StatusApproved, moderation.StatusRejected:
	default:
		h.fail(w, r, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("statut", "unknown_value", civiscope.Params{"value": status}, "unknown status")}))
		return
	}
	switch moderation.Kind(kind) {
	case "", moderation.KindNewTool, moderation.KindToolEdit, moderation.KindAdoption, moderation.KindCrawlerFinding, moderation.KindWebsite:
	default:
		h.fail(w, r, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("type", "unknown_value", civiscope.Params{"value": kind}, "unknown kind")}))
		return
	}
	pager, err := ParsePager(r.URL.Path, q, queuePerPage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ps, total, err := moderation.Queue(r.Context(), h.db, moderation.QueueFilter{Status: moderation.Status(status),
		Kind: moderation.Kind(kind), Limit: queuePerPage, Offset: pager.Offset()})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pager.Total = total
	if status == "" {
		status = string(moderation.StatusPending)
	}
	decided, _ := strconv.ParseInt(q.Get("proposition"), 10, 64)
	decision := q.Get("decision")
	if decision != string(moderation.StatusApproved) && decision != string(moderation.StatusRejected) {
		decided = 0
	}
	h.rd.Render(w, r, http.StatusOK, "contrib-queue", queueView{view: contribBase(r), Proposals: ps, Names: h.labeller(r),
		Status: status, Kind: kind, Pager: pager,
		Statuses: []string{"pending", "published", "approved", "rejected"},
		Kinds:    []string{"new-tool", "tool-edit", "adoption", "crawler-finding", "website"},
		Decided:  decided, Decision: decision})
}

type proposalView struct {
	view
	P     *moderation.Proposal
	Diff  []diffRow
	Names *labeller
	Tool  *directory.Tool
	Form  form
}

func (h *Handler) proposal(w http.ResponseWriter, r *http.Request) {
	if h.requireModerator(w, r) == nil {
		return
	}
	h.renderProposal(w, r, http.StatusOK, h.newForm(r))
}

func (h *Handler) renderProposal(w http.ResponseWriter, r *http.Request, status int, f form) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := moderation.Get(r.Context(), h.db, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := h.labeller(r)
	v := proposalView{view: contribBase(r), P: p, Diff: names.Diff(p.Diff(), p.Payload), Names: names, Form: f}
	if p.Entity == directory.EntityTool && p.EntityID != 0 {
		v.Tool, _ = directory.GetToolByID(r.Context(), h.db, p.EntityID)
	}
	h.rd.Render(w, r, status, "contrib-proposal", v)
}

func (h *Handler) decide(w http.ResponseWriter, r *http.Request) {
	u := h.requireModerator(w, r)
	if u == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := h.newForm(r)
	approve := f.V("decision") == "approve"
	if !approve && f.V("decision") != "reject" {
		h.renderProposal(w, r, http.StatusBadRequest, f.fieldError("decision", "decision", "choose approve or reject"))
		return
	}
	p, err := moderation.Decide(r.Context(), h.db, u, id, approve, f.V("reason"))
	if err != nil {
		if formError(err) {
			f = f.withError(err)
			h.renderProposal(w, r, server.HTTPStatus(err), f)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.notifySubmitter(r, p)
	http.Redirect(w, r, fmt.Sprintf("/moderation?decision=%s&proposition=%d", p.Status, id), http.StatusSeeOther)
}

type auditView struct {
	view
	Entries []moderation.AuditEntry
	Names   *labeller
	Pager   Pager
}

func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request) {
	if h.requireModerator(w, r) == nil {
		return
	}
	pager, err := ParsePager(r.URL.Path, r.URL.Query(), 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	es, err := moderation.AuditLog(r.Context(), h.db, 101, pager.Offset())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pager.Total = pager.Offset() + len(es)
	if len(es) > 100 {
		es = es[:100]
	}
	h.rd.Render(w, r, http.StatusOK, "contrib-audit", auditView{view: contribBase(r), Entries: es, Names: h.labeller(r), Pager: pager})
}

type agentsView struct {
	view
	Agents   []account.Agent
	Decision string // the decision just recorded, to confirm it
}

func (h *Handler) agents(w http.ResponseWriter, r *http.Request) {
	if h.requireModerator(w, r) == nil {
		return
	}
	as, err := account.Agents(r.Context(), h.db, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	decision := r.URL.Query().Get("decision")
	if decision != "approve-agent" && decision != "reject-agent" {
		decision = ""
	}
	h.rd.Render(w, r, http.StatusOK, "contrib-agents", agentsView{view: contribBase(r), Agents: as, Decision: decision})
}

func (h *Handler) decideAgent(w http.ResponseWriter, r *http.Request) {
	u := h.requireModerator(w, r)
	if u == nil {
		return
	}
	f := h.newForm(r)
	userID, err1 := strconv.ParseInt(f.V("user_id"), 10, 64)
	terrID, err2 := strconv.ParseInt(f.V("territory_id"), 10, 64)
	if err1 != nil || err2 != nil {
		h.fail(w, r, civiscope.Errorf(civiscope.EINVALID, "the request names no agent"))
		return
	}
	approve := f.V("decision") == "approve"
	ctx := r.Context()
	tx, err := h.db.Begin(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if err := account.DecideAgent(ctx, tx, u.ID, userID, terrID, approve, f.V("remember_domain") == "1"); err != nil {
		h.fail(w, r, err)
		return
	}
	action := "reject-agent"
	if approve {
		action = "approve-agent"
	}
	if err := moderation.Audit(ctx, tx, u.ID, action, "territory", terrID, "account #"+strconv.FormatInt(userID, 10)); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := tx.Commit(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/moderation/agents?decision="+action, http.StatusSeeOther)
}

type outboxView struct {
	view
	Entries []account.OutboxEntry
	Pager   Pager
}

func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	if !u.IsAdmin() {
		h.fail(w, r, civiscope.Errorf(civiscope.EFORBIDDEN, "the outbox is for admins"))
		return
	}
	pager, err := ParsePager(r.URL.Path, r.URL.Query(), 50)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	es, total, err := account.Outbox(r.Context(), h.db, 50, pager.Offset())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pager.Total = total
	h.rd.Render(w, r, http.StatusOK, "contrib-outbox", outboxView{view: contribBase(r), Entries: es, Pager: pager})
}

type historyView struct {
	view
	Names     *labeller
	Entity    string
	ID        int64
	Title     string
	Link      string
	Revisions []revisionRow
	Form      form
	Failed    int64
	// Reverted and Notified confirm the revert just made: the revision it
	// undid, and the proposal whose author was told (0 when none).
	Reverted int64
	Notified int64
}

type revisionRow struct {
	directory.Revision
	Who     link
	Diff    []diffRow
	CanUndo bool
}

var historyEntities = map[string]directory.Entity{"outil": directory.EntityTool, "adoption": directory.EntityAdoption,
	"editeur": directory.EntityVendor, "organisation": directory.EntityOrganisation}

// history is the public revision log of one entity, with a field diff per
// revision; moderators get a revert button on updates.
func (h *Handler) history(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.rd.NotFound(w, r)
		return
	}
	h.renderHistory(w, r, chi.URLParam(r, "entity"), id, http.StatusOK, h.newForm(r), 0)
}

// revertConfirmation reads the revert a redirect confirms.
func revertConfirmation(r *http.Request) (revision, proposal int64) {
	revision, _ = strconv.ParseInt(r.URL.Query().Get("annulee"), 10, 64)
	proposal, _ = strconv.ParseInt(r.URL.Query().Get("proposition"), 10, 64)
	return revision, proposal
}

func (h *Handler) renderHistory(w http.ResponseWriter, r *http.Request, kind string, id int64, status int, f form, failed int64) {
	ctx := r.Context()
	e, ok := historyEntities[kind]
	if !ok {
		h.rd.NotFound(w, r)
		return
	}
	v := historyView{view: contribBase(r), Entity: kind, ID: id, Form: f, Failed: failed}
	if failed == 0 {
		v.Reverted, v.Notified = revertConfirmation(r)
	}
	switch e {
	case directory.EntityTool:
		t, err := directory.GetToolByID(ctx, h.db, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Title, v.Link = t.Name, "/outils/"+t.Slug
	case directory.EntityAdoption:
		a, err := directory.GetAdoption(ctx, h.db, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Title = "#" + strconv.FormatInt(a.ID, 10)
		if a.Tool != nil {
			v.Title = a.Tool.Name
			v.Link = "/outils/" + a.Tool.Slug
		}
		if a.Territory != nil {
			v.Title += " — " + a.Territory.Name
		}
	default:
		l := h.labeller(r).Entity(string(e), id)
		v.Title, v.Link = l.Text, l.URL
	}
	revs, err := directory.ListRevisions(ctx, h.db, e, id, 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := h.labeller(r)
	v.Names = names
	mod := v.User.CanModerate()
	for _, rv := range revs {
		row := revisionRow{Revision: rv, Who: names.Actor(rv.Actor), CanUndo: mod && rv.Action == "update" &&
			(e == directory.EntityTool || e == directory.EntityAdoption)}
		p := moderation.Proposal{Payload: map[string]any{}, Base: map[string]any{}}
		for k, c := range rv.Changes {
			p.Payload[k], p.Base[k] = c.New, c.Old
		}
		row.Diff = names.Diff(p.Diff(), p.Payload)
		v.Revisions = append(v.Revisions, row)
	}
	h.rd.Render(w, r, status, "contrib-history", v)
}

func (h *Handler) revert(w http.ResponseWriter, r *http.Request) {
	u := h.requireModerator(w, r)
	if u == nil {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	rev, err := moderation.Revision(ctx, h.db, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	kind := ""
	for k, e := range historyEntities {
		if e == rev.Entity {
			kind = k
		}
	}
	f := h.newForm(r)
	done, err := moderation.Revert(ctx, h.db, u, id, f.V("reason"))
	if err != nil {
		if !formError(err) {
			h.fail(w, r, err)
			return
		}
		h.renderHistory(w, r, kind, rev.EntityID, server.HTTPStatus(err), f.withError(err), id)
		return
	}
	next := fmt.Sprintf("/historique/%s/%d?annulee=%d", kind, rev.EntityID, id)
	if done.Proposal != nil {
		h.notifyReverted(r, done.Proposal)
		next += fmt.Sprintf("&proposition=%d", done.Proposal.ID)
	}
	http.Redirect(w, r, next+"#confirmation", http.StatusSeeOther)
}

// notifySubmitter emails the decision to the proposal's author. The page
// "my proposals" shows it too, so a mail that cannot be sent is only logged.
func (h *Handler) notifySubmitter(r *http.Request, p *moderation.Proposal) {
	if p.SubmitterID == 0 {
		return
	}
	sub, err := account.Get(r.Context(), h.db, p.SubmitterID)
	if err != nil || sub.Deleted() {
		return
	}
	fr, en := "acceptée", "approved"
	if p.Status == moderation.StatusRejected {
		fr, en = "refusée", "rejected"
	}
	body := fmt.Sprintf("Bonjour,\n\nVotre proposition n° %[1]d « %[2]s » a été %[3]s.\n%[4]s\nSuivez vos propositions : %[5]s/contribuer/mes-propositions\n\n---\n\nHello,\n\nYour proposal #%[1]d \"%[2]s\" was %[6]s.\n%[4]s\nYour proposals: %[5]s/contribuer/mes-propositions\n",
		p.ID, p.Title, fr, reasonLine(p.Reason), h.public, en)
	if err := h.mail.Send(r.Context(), h.db, account.Message{To: sub.Email,
		Subject: fmt.Sprintf("Civiscope : proposition n° %d %s / proposal #%d %s", p.ID, fr, p.ID, en), Body: body}); err != nil {
		h.log.Error("decision mail not sent", "proposal", p.ID, "err", err)
	}
}

// notifyReverted tells a proposal's author that a moderator reverted the
// change it made, and why; "my proposals" shows it too.
func (h *Handler) notifyReverted(r *http.Request, p *moderation.Proposal) {
	if p.SubmitterID == 0 {
		return
	}
	sub, err := account.Get(r.Context(), h.db, p.SubmitterID)
	if err != nil || sub.Deleted() {
		return
	}
	body := fmt.Sprintf("Bonjour,\n\nLa modification apportée par votre proposition n° %[1]d « %[2]s » a été annulée par un modérateur.\n%[3]s\nSuivez vos propositions : %[4]s/contribuer/mes-propositions\n\n---\n\nHello,\n\nThe change made by your proposal #%[1]d \"%[2]s\" was reverted by a moderator.\n%[3]s\nYour proposals: %[4]s/contribuer/mes-propositions\n",
		p.ID, p.Title, reasonLine(p.RevertReason), h.public)
	if err := h.mail.Send(r.Context(), h.db, account.Message{To: sub.Email,
		Subject: fmt.Sprintf("Civiscope : proposition n° %d annulée / proposal #%d reverted", p.ID, p.ID), Body: body}); err != nil {
		h.log.Error("revert mail not sent", "proposal", p.ID, "err", err)
	}
}

func reasonLine(reason string) string {
	if reason == "" {
		return ""
	}
	return "\n« " + reason + " »\n"
}
