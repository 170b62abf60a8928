package website

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/postgres"
)

// Correction is a moderator's decision on a collectivité's official
// website, usually from a contributor's report.
type Correction struct {
	TerritoryID int64
	URL         string
	Reason      string // why: shown with the former site and in the audit log
	By          directory.By
}

// Reason lengths, in characters.
const (
	MinReasonLen = 3
	MaxReasonLen = 250
)

// Check validates a correction's address and reason, with the rules
// pages translate, and returns the address as it will be stored.
func Check(rawURL, reason string) (string, error) {
	var errs []civiscope.FieldError
	u, _, err := normalize(rawURL)
	switch {
	case strings.TrimSpace(rawURL) == "":
		errs = append(errs, civiscope.Field("url", "required", nil, "is required"))
	case err != nil:
		errs = append(errs, civiscope.Field("url", "url", nil, "%v", err))
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(reason)); {
	case n == 0:
		errs = append(errs, civiscope.Field("reason", "website_reason", nil, "say why the current website is wrong"))
	case n < MinReasonLen:
		errs = append(errs, civiscope.Field("reason", "too_short", civiscope.Params{"length": n, "min": MinReasonLen}, "is too short (%d characters, at least %d)", n, MinReasonLen))
	case n > MaxReasonLen:
		errs = append(errs, civiscope.Field("reason", "too_long", civiscope.Params{"length": n, "max": MaxReasonLen}, "is too long (%d characters, at most %d)", n, MaxReasonLen))
	}
	return u, civiscope.Invalid(errs)
}

// Correct makes URL the collectivité's official website, inside tx (the
// caller audits the decision in the same transaction). The previous
// official site stays as former, with the reason; a later import of the
// lists does not override a correction. It appends a revision of the
// territory by c.By, which is what the page cache follows.
func Correct(ctx context.Context, tx pgx.Tx, c Correction) error {
	c.Reason = strings.TrimSpace(c.Reason)
	if _, err := Check(c.URL, c.Reason); err != nil {
		return err
	}
	u, host, err := normalize(c.URL)
	if err != nil {
		return fmt.Errorf("normalize %q: %w", c.URL, err)
	}
	var historic bool
	err = tx.QueryRow(ctx, `SELECT historic FROM territory WHERE id = $1`, c.TerritoryID).Scan(&historic)
	if errors.Is(err, pgx.ErrNoRows) || historic {
		return civiscope.Errorf(civiscope.ENOTFOUND, "no current collectivité %d", c.TerritoryID)
	}
	if err != nil {
		return fmt.Errorf("read collectivité %d: %w", c.TerritoryID, err)
	}
	old, err := Official(ctx, tx, c.TerritoryID)
	if err != nil {
		return err
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
	var was any
	if old != "" {
		was = old
	}
	return directory.RecordTerritoryChange(ctx, tx, c.TerritoryID, c.By,
		map[string]directory.FieldChange{"website": {Old: was, New: u}})
}

// Official returns a collectivité's official website, "" when none is known.
func Official(ctx context.Context, db postgres.Querier, territoryID int64) (string, error) {
	var u string
	err := db.QueryRow(ctx, `SELECT url FROM territory_website WHERE territory_id = $1 AND status = 'current'
		ORDER BY last_listed DESC, id LIMIT 1`, territoryID).Scan(&u)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("official website of collectivité %d: %w", territoryID, err)
	}
	return u, nil
}
