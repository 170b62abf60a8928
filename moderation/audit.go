package moderation

import (
	"context"
	"fmt"
	"time"

	"github.com/civiscope/civiscope/postgres"
)

// AuditEntry is one decision in the append-only audit log.
type AuditEntry struct {
	ID         int64
	ActorID    int64
	Action     string // approve, reject, revert, grant-vendor, approve-agent…
	ProposalID int64
	Entity     string
	EntityID   int64
	Reason     string
	CreatedAt  time.Time
}

func audit(ctx context.Context, db postgres.Querier, actorID int64, action string, proposalID int64, entity string, entityID int64, reason string) error {
	var actor, prop, eid any
	if actorID != 0 {
		actor = actorID
	}
	if proposalID != 0 {
		prop = proposalID
	}
	if entityID != 0 {
		eid = entityID
	}
	if _, err := db.Exec(ctx, `INSERT INTO audit_log (actor_id, action, proposal_id, entity, entity_id, reason)
		VALUES ($1, $2, $3, $4, $5, $6)`, actor, action, prop, entity, eid, clip(reason, 2000)); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// Audit records a privileged action that is not a proposal decision (a
// vendor membership granted by a claim, an agent approved).
func Audit(ctx context.Context, db postgres.Querier, actorID int64, action, entity string, entityID int64, reason string) error {
	return audit(ctx, db, actorID, action, 0, entity, entityID, reason)
}

// AuditLog lists the newest entries first.
func AuditLog(ctx context.Context, db postgres.Querier, limit, offset int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := db.Query(ctx, `SELECT id, coalesce(actor_id, 0), action, coalesce(proposal_id, 0), entity,
		coalesce(entity_id, 0), reason, created_at FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.ActorID, &e.Action, &e.ProposalID, &e.Entity, &e.EntityID, &e.Reason, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
