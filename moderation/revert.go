package moderation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
)

// Revision returns one revision of the directory's log.
func Revision(ctx context.Context, db DB, id int64) (*directory.Revision, error) {
	rs, err := directory.RevisionsAfter(ctx, db, id-1, 1)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 || rs[0].ID != id {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no revision #%d", id)
	}
	return &rs[0], nil
}

// Reverted is the outcome of a revert: the new revision, and the proposal
// whose change it undid (nil when the change came from none), now with the
// status reverted so that its author reads what happened.
type Reverted struct {
	directory.Revision
	Proposal *Proposal
}

// Revert undoes one update of a tool or an adoption by writing its old
// values back: a new revision, by the moderator, that names the reverted
// one. A field changed again since then is a conflict (revert the later
// revision first), so a revert never silently discards someone's later
// work. Creations are not reverted: a listing that should not exist is
// marked defunct or corrected, and its history stays.
func Revert(ctx context.Context, db DB, moderator *account.User, revisionID int64, reason string) (*Reverted, error) {
	if !moderator.CanModerate() {
		return nil, civiscope.Errorf(civiscope.EFORBIDDEN, "only moderators revert changes")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, invalid("reason", "revert_reason", nil, "say why the change is reverted")
	}
	if n := len([]rune(reason)); n > MaxReasonLen {
		return nil, invalid("reason", "too_long", civiscope.Params{"length": n, "max": MaxReasonLen}, "is too long (at most %d characters)", MaxReasonLen)
	}
	r, err := Revision(ctx, db, revisionID)
	if err != nil {
		return nil, err
	}
	if r.Action != "update" {
		return nil, civiscope.Ruled(civiscope.EINVALID, "revert_creation", civiscope.Params{"revision": r.ID}, "only updates can be reverted; revision #%d is a %s", r.ID, r.Action)
	}
	who := directory.By{Actor: moderator.Actor(), Source: clip(fmt.Sprintf("revert of revision #%d: %s", r.ID, reason), 1000)}
	var fields []string
	for f := range r.Changes {
		if f != "sources" { // recorded as counts, not values
			fields = append(fields, f)
		}
	}
	sort.Strings(fields)
	if len(fields) == 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "revision #%d changed nothing that can be restored", r.ID)
	}
	var undone *Proposal
	err = inTx(ctx, db, func(tx pgx.Tx) error {
		if undone, err = markReverted(ctx, tx, r, moderator, reason); err != nil {
			return err
		}
		switch r.Entity {
		case directory.EntityTool:
			t, err := directory.GetToolByID(ctx, tx, r.EntityID)
			if err != nil {
				return err
			}
			for _, f := range fields {
				if !sameJSON(normal(toolField(t, f)), normal(r.Changes[f].New)) {
					return revertConflict(f, r.ID)
				}
				if err := setToolField(t, f, normal(r.Changes[f].Old)); err != nil {
					return civiscope.Errorf(civiscope.EINVALID, "revision #%d: %v", r.ID, err)
				}
			}
			if undone != nil {
				t.Sources = withoutSource(t.Sources, proposalSourceName(undone.ID))
			}
			if err := directory.UpdateTool(ctx, tx, t, who); err != nil {
				return err
			}
		case directory.EntityAdoption:
			a, err := directory.GetAdoption(ctx, tx, r.EntityID)
			if err != nil {
				return err
			}
			for _, f := range fields {
				if !sameJSON(normal(adoptionField(a, f)), normal(r.Changes[f].New)) {
					return revertConflict(f, r.ID)
				}
				if err := setAdoptionField(a, f, normal(r.Changes[f].Old)); err != nil {
					return civiscope.Errorf(civiscope.EINVALID, "revision #%d: %v", r.ID, err)
				}
			}
			if err := directory.UpdateAdoption(ctx, tx, a, who); err != nil {
				return err
			}
		default:
			return civiscope.Errorf(civiscope.EINVALID, "reverting a %s is not supported; edit it instead", r.Entity)
		}
		var pid int64
		if undone != nil {
			pid = undone.ID
		}
		return audit(ctx, tx, moderator.ID, "revert", pid, string(r.Entity), r.EntityID, fmt.Sprintf("revision #%d: %s", r.ID, reason))
	})
	if err != nil {
		return nil, err
	}
	latest, err := directory.ListRevisions(ctx, db, r.Entity, r.EntityID, 1)
	if err != nil || len(latest) == 0 {
		return nil, err
	}
	return &Reverted{Revision: latest[0], Proposal: undone}, nil
}

// markReverted gives the proposal that made revision r, if any and if it
// stands approved or published, the status reverted, with who, when and why.
func markReverted(ctx context.Context, tx pgx.Tx, r *directory.Revision, moderator *account.User, reason string) (*Proposal, error) {
	id := proposalOf(r.Source)
	if id == 0 {
		return nil, nil
	}
	p, err := scanProposal(tx.QueryRow(ctx, `UPDATE proposal SET status = 'reverted', reverted_by = $2, reverted_at = now(),
		revert_reason = $3 WHERE id = $1 AND status IN ('approved', 'published') RETURNING `+proposalColumns,
		id, moderator.ID, clip(reason, MaxReasonLen)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mark proposal %d reverted: %w", id, err)
	}
	return p, nil
}

// normal passes a value through JSON so that values from Go structs and
// values decoded from the revision log compare alike.
func normal(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func adoptionField(a *directory.Adoption, f string) any {
	date := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Format("2006-01-02")
	}
	switch f {
	case "instance_url":
		return a.InstanceURL
	case "category":
		return a.Category
	case "started_on":
		return date(a.StartedOn)
	case "ended_on":
		return date(a.EndedOn)
	case "status":
		return string(a.Status)
	case "confidence":
		return a.Confidence
	case "tool_id":
		return a.ToolID
	case "territory_id":
		if a.TerritoryID == 0 {
			return nil
		}
		return a.TerritoryID
	case "organisation_id":
		if a.OrganisationID == 0 {
			return nil
		}
		return a.OrganisationID
	}
	return nil
}

func setAdoptionField(a *directory.Adoption, f string, v any) error {
	s, _ := v.(string)
	date := func() (*time.Time, error) {
		if v == nil || s == "" {
			return nil, nil
		}
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a date", f, s)
		}
		return &d, nil
	}
	var err error
	switch f {
	case "instance_url":
		a.InstanceURL = s
	case "category":
		a.Category = s
	case "started_on":
		a.StartedOn, err = date()
	case "ended_on":
		a.EndedOn, err = date()
	case "status":
		a.Status = directory.AdoptionStatus(s)
	case "confidence":
		c, _ := v.(float64)
		a.Confidence = c
	default:
		return fmt.Errorf("the %s of an adoption cannot change", f)
	}
	return err
}

func revertConflict(field string, revision int64) error {
	return civiscope.Ruled(civiscope.ECONFLICT, "revert_conflict", civiscope.Params{"field": field, "revision": revision},
		"%s was changed again after revision #%d; revert the later change first", field, revision)
}
