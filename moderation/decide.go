package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/website"
)

// Decide approves or rejects a proposal, with a reason (required to
// reject). Approving applies the change through the directory in the same
// transaction as the decision and its audit entry, so a change the
// directory refuses leaves the proposal pending with the directory's
// message. Rejecting a published edit reverts it.
func Decide(ctx context.Context, db DB, moderator *account.User, id int64, approve bool, reason string) (*Proposal, error) {
	if !moderator.CanModerate() {
		return nil, civiscope.Errorf(civiscope.EFORBIDDEN, "only moderators decide on proposals")
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case !approve && n == 0:
		return nil, invalid("reason", "reject_reason", nil, "say why the proposal is rejected; the submitter will read it")
	case n > MaxReasonLen:
		return nil, invalid("reason", "too_long", civiscope.Params{"length": n, "max": MaxReasonLen}, "is too long (%d characters, at most %d)", n, MaxReasonLen)
	}
	var out *Proposal
	err := inTx(ctx, db, func(tx pgx.Tx) error {
		p, err := scanProposal(tx.QueryRow(ctx, `SELECT `+proposalColumns+` FROM proposal WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return civiscope.Errorf(civiscope.ENOTFOUND, "no proposal #%d", id)
		}
		if err != nil {
			return fmt.Errorf("get proposal %d: %w", id, err)
		}
		switch {
		case p.Status == StatusPending:
		case p.Status == StatusPublished:
			// A published edit is already applied: approving confirms it,
			// rejecting undoes it.
		default:
			return civiscope.Ruled(civiscope.ECONFLICT, "already_decided", civiscope.Params{"id": id, "status": string(p.Status)}, "proposal #%d was already %s", id, p.Status)
		}
		if p.SubmitterID == moderator.ID && !moderator.IsAdmin() {
			return civiscope.Ruled(civiscope.EFORBIDDEN, "own_proposal", nil, "another moderator must review your own proposal")
		}
		status, action := StatusApproved, "approve"
		if !approve {
			status, action = StatusRejected, "reject"
		}
		if approve && p.Status == StatusPending {
			if err := apply(ctx, tx, p, moderator); err != nil {
				return err
			}
		}
		if !approve && p.Status == StatusPublished {
			if err := undoEdit(ctx, tx, p, moderator, reason); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE proposal SET status = $2, reason = $3, decided_by = $4, decided_at = now(),
			entity = $5, entity_id = $6 WHERE id = $1`, p.ID, status, reason, moderator.ID, nullIf(string(p.Entity)), nullID(p.EntityID))
		if err != nil {
			return fmt.Errorf("record decision on proposal %d: %w", id, err)
		}
		if err := audit(ctx, tx, moderator.ID, action, p.ID, string(p.Entity), p.EntityID, reason); err != nil {
			return err
		}
		out, err = scanProposal(tx.QueryRow(ctx, `SELECT `+proposalColumns+` FROM proposal WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func nullIf(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// invalid is an EINVALID error on one field, with the rule pages translate.
func invalid(field, rule string, params civiscope.Params, format string, args ...any) error {
	return civiscope.Invalid([]civiscope.FieldError{civiscope.Field(field, rule, params, format, args...)})
}

// apply writes an approved proposal to the directory and records on p what
// it created.
func apply(ctx context.Context, tx pgx.Tx, p *Proposal, moderator *account.User) error {
	who := by(p, moderator, "approved")
	switch p.Kind {
	case KindNewTool:
		t, err := toolFromPayload(p.Payload)
		if err != nil {
			return err
		}
		if t.VendorID == 0 && Text(p.Payload["vendor_name"]) != "" {
			if t.VendorID, err = vendorNamed(ctx, tx, p, who); err != nil {
				return err
			}
		}
		kind, err := sourceKind(ctx, tx, p, t.VendorID)
		if err != nil {
			return err
		}
		t.Sources = []directory.Source{{Kind: kind, Name: proposalSourceName(p.ID), URL: t.Website}}
		if err := directory.CreateTool(ctx, tx, t, who); err != nil {
			return err
		}
		p.Entity, p.EntityID = directory.EntityTool, t.ID
	case KindToolEdit:
		t, err := directory.GetToolByID(ctx, tx, p.EntityID)
		if err != nil {
			return err
		}
		for f, v := range p.Payload {
			if f == "vendor_name" || f == "vendor_website" {
				continue
			}
			if err := setToolField(t, f, v); err != nil {
				return civiscope.Errorf(civiscope.EINVALID, "proposal #%d: %v", p.ID, err)
			}
		}
		if Text(p.Payload["vendor_name"]) != "" {
			if t.VendorID != 0 {
				return civiscope.Ruled(civiscope.ECONFLICT, "vendor_taken", nil, "this listing already names a vendor")
			}
			if t.VendorID, err = vendorNamed(ctx, tx, p, who); err != nil {
				return err
			}
		}
		kind, err := sourceKind(ctx, tx, p, t.VendorID)
		if err != nil {
			return err
		}
		t.Sources = append(t.Sources, editSource(p, kind))
		if err := directory.UpdateTool(ctx, tx, t, who); err != nil {
			return err
		}
	case KindAdoption, KindCrawlerFinding:
		a, err := adoptionFromPayload(p)
		if err != nil {
			return err
		}
		if p.Kind == KindAdoption {
			if err := attribute(ctx, tx, p, a); err != nil {
				return err
			}
		}
		res, err := directory.UpsertAdoption(ctx, tx, a, who)
		if err != nil {
			return err
		}
		p.Entity, p.EntityID = directory.EntityAdoption, res.AdoptionID
	case KindWebsite:
		if err := website.Correct(ctx, tx, website.Correction{TerritoryID: p.EntityID,
			URL: Text(p.Payload["website"]), Reason: p.Note, By: who}); err != nil {
			return err
		}
	default:
		return fmt.Errorf("proposal #%d has unknown kind %q", p.ID, p.Kind)
	}
	return nil
}

// toolFromPayload builds a new tool from a new-tool proposal.
func toolFromPayload(payload map[string]any) (*directory.Tool, error) {
	t := &directory.Tool{}
	for f, v := range payload {
		switch f {
		case "vendor_name", "vendor_website", "possible_duplicates":
			continue
		}
		if err := setToolField(t, f, v); err != nil {
			return nil, civiscope.Errorf(civiscope.EINVALID, "%v", err)
		}
	}
	return t, nil
}

func adoptionFromPayload(p *Proposal) (*directory.Adoption, error) {
	num := func(k string) int64 { f, _ := p.Payload[k].(float64); return int64(f) }
	a := &directory.Adoption{ToolID: num("tool_id"), TerritoryID: num("territory_id"), OrganisationID: num("organisation_id"),
		InstanceURL: Text(p.Payload["instance_url"]), Category: Text(p.Payload["category"]), Status: directory.StatusCurrent}
	if s := Text(p.Payload["status"]); s != "" {
		a.Status = directory.AdoptionStatus(s)
	}
	if s := Text(p.Payload["started_on"]); s != "" {
		m, err := time.Parse("2006-01", s)
		if err != nil {
			return nil, civiscope.Errorf(civiscope.EINVALID, "proposal #%d: started_on %q is not a month", p.ID, s)
		}
		a.StartedOn = &m
	}
	ev := directory.Evidence{ObservedAt: p.CreatedAt, Fingerprint: fmt.Sprintf("proposal:%d", p.ID)}
	if p.Kind == KindCrawlerFinding {
		a.Confidence, _ = p.Payload["confidence"].(float64)
		ev.SourceKind = directory.SourceKind(Text(p.Payload["source_kind"]))
		ev.SourceName = Text(p.Payload["source_name"])
		ev.SourceURL = Text(p.Payload["source_url"])
		ev.SourceLicence = Text(p.Payload["source_licence"])
		ev.Excerpt = Text(p.Payload["excerpt"])
		ev.Fingerprint = Text(p.Payload["fingerprint"])
		if at, err := time.Parse(time.RFC3339, Text(p.Payload["observed_at"])); err == nil {
			ev.ObservedAt = at
		}
		// A moderator looked at it: that is what the confidence was missing.
		a.Confidence = max(a.Confidence, 0.9)
	} else {
		// Who declared it (SourceKind, SourceName) is set by attribute.
		a.Confidence = 0.9
		ev.SourceURL = a.InstanceURL
		ev.Excerpt = p.Note
	}
	a.Evidence = []directory.Evidence{ev}
	return a, nil
}

// undoEdit restores the values a published edit replaced.
func undoEdit(ctx context.Context, tx pgx.Tx, p *Proposal, moderator *account.User, reason string) error {
	t, err := directory.GetToolByID(ctx, tx, p.EntityID)
	if err != nil {
		return err
	}
	for f, v := range p.Base {
		if err := setToolField(t, f, v); err != nil {
			return civiscope.Errorf(civiscope.EINVALID, "proposal #%d: %v", p.ID, err)
		}
	}
	t.Sources = withoutSource(t.Sources, proposalSourceName(p.ID))
	return directory.UpdateTool(ctx, tx, t, directory.By{Actor: moderator.Actor(),
		Source: clip(fmt.Sprintf("proposal #%d rejected after publication: %s", p.ID, reason), 1000)})
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
