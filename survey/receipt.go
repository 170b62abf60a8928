package survey

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// ErrNotSubmitted is Receipt's answer for a link whose response is not
// submitted yet: the respondent still works through Start.
var ErrNotSubmitted = civiscope.Ruled(civiscope.ECONFLICT, "survey_not_submitted", nil, "these answers have not been submitted yet")

// Receipt reads a submitted response through its link, to show what was
// submitted and when. It stays readable after the link's expiry and after
// the edition closes or is published: a collectivité keeps its copy. It
// reads only, locks nothing and creates nothing.
func Receipt(ctx context.Context, db postgres.Querier, token string) (*Session, error) {
	inv, err := lookupInvitation(ctx, db, token)
	if err != nil {
		return nil, err
	}
	form, err := inv.Edition.Form(ctx, db)
	if err != nil {
		return nil, err
	}
	r, err := scanResponse(db.QueryRow(ctx, `SELECT id, answers, page_versions, version, status, publish, prefilled_from, updated_at, submitted_at
		FROM survey_response WHERE edition_id = $1 AND territory_id = $2`, inv.Edition.ID, inv.Territory.ID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotSubmitted
	}
	if err != nil {
		return nil, fmt.Errorf("read the response of invitation %d: %w", inv.ID, err)
	}
	if !r.Submitted() {
		return nil, ErrNotSubmitted
	}
	return &Session{Invitation: inv, Form: form, Response: r}, nil
}
