package website

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
)

// Correction is a moderator's decision on a collectivité's official
// website, usually from a contributor's report.
type Correction struct {
	TerritoryID int64
	URL         string
	Reason      string // why: shown with the former site and in the audit log
}

// Correct makes URL the collectivité's official website, inside tx (the
// caller audits the decision in the same transaction). The previous
// official site stays as former, with the reason; a later import of the
// lists does not override a correction.
func Correct(ctx context.Context, tx pgx.Tx, c Correction) error {
	var errs []civiscope.FieldError
	u, host, err := normalize(c.URL)
	if err != nil {
		errs = append(errs, civiscope.FieldError{Field: "url", Message: err.Error()})
	}
	if len(c.Reason) < 3 || len(c.Reason) > 250 {
		errs = append(errs, civiscope.FieldError{Field: "reason", Message: "say why, in 3 to 250 characters"})
	}
	if err := civiscope.Invalid(errs); err != nil {
		return err
	}
	var historic bool
	err = tx.QueryRow(ctx, `SELECT historic FROM territory WHERE id = $1`, c.TerritoryID).Scan(&historic)
	if errors.Is(err, pgx.ErrNoRows) || historic {
		return civiscope.Errorf(civiscope.ENOTFOUND, "no current collectivité %d", c.TerritoryID)
	}
	if err != nil {
		return fmt.Errorf("read collectivité %d: %w", c.TerritoryID, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE territory_website SET status = 'former', note = left($3, 300)
		WHERE territory_id = $1 AND status = 'current' AND host <> $2`, c.TerritoryID, host, "corrected by a moderator: "+c.Reason); err != nil {
		return fmt.Errorf("retire the official website: %w", err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	if _, err := tx.Exec(ctx, `INSERT INTO territory_website (territory_id, url, host, status, note, source, source_title, licence, first_listed, last_listed)
		VALUES ($1, $2, $3, 'current', '', $4, $5, $6, $7, $7)
		ON CONFLICT (territory_id, host) DO UPDATE SET url = excluded.url, status = 'current', note = '', source = excluded.source,
			source_title = excluded.source_title, source_url = '', source_record = '', licence = excluded.licence,
			first_listed = least(territory_website.first_listed, excluded.first_listed), last_listed = excluded.last_listed`,
		c.TerritoryID, u, host, Contribution.Key, Contribution.Title, Contribution.Licence, today); err != nil {
		return fmt.Errorf("save the corrected website: %w", err)
	}
	return nil
}
