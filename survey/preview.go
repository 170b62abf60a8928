package survey

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Staff check a questionnaire by walking it as a respondent would, before
// and while an edition runs, through a preview link of the edition. A
// preview holds its answers in the pages it posts (CheckPage), never in
// the database: no response, no invitation, no count in the participation.

// IssuePreviewLink gives the edition a new preview token (the previous
// link stops working) and returns the address staff open. The token is
// stored hashed, like invitation tokens.
func IssuePreviewLink(ctx context.Context, db postgres.Querier, year int, publicURL string) (string, error) {
	e, err := GetEdition(ctx, db, year)
	if err != nil {
		return "", err
	}
	tok, hash, err := newToken()
	if err != nil {
		return "", err
	}
	if _, err := db.Exec(ctx, `UPDATE survey_edition SET preview_token_hash = $2 WHERE id = $1`, e.ID, hash); err != nil {
		return "", fmt.Errorf("store the preview token of edition %d: %w", year, err)
	}
	return PreviewLink(publicURL, tok), nil
}

// PreviewLink is the address of an edition's preview.
func PreviewLink(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/barometre/apercu/" + token
}

// Preview opens the edition of a preview token with an empty response
// that is never stored (Session.Preview is set, Invitation.Territory is
// nil). It works whatever the edition's status, so staff can check a draft.
func Preview(ctx context.Context, db postgres.Querier, token string) (*Session, error) {
	if !wellFormed(token) {
		return nil, errBadPreview()
	}
	e, err := scanEdition(db.QueryRow(ctx, `SELECT `+editionColumns+` FROM survey_edition WHERE preview_token_hash = $1`, hashToken(token)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errBadPreview()
	}
	if err != nil {
		return nil, fmt.Errorf("look up preview: %w", err)
	}
	return previewOf(ctx, db, e)
}

// PreviewEdition opens the preview of an edition by its year, for staff
// already known to the caller (a moderator's session): no link, no token.
func PreviewEdition(ctx context.Context, db postgres.Querier, year int) (*Session, error) {
	e, err := GetEdition(ctx, db, year)
	if err != nil {
		return nil, err
	}
	return previewOf(ctx, db, e)
}

// previewOf is edition e's questionnaire with an empty response that is
// never stored.
func previewOf(ctx context.Context, db postgres.Querier, e *Edition) (*Session, error) {
	form, err := e.Form(ctx, db)
	if err != nil {
		return nil, err
	}
	r := &Response{Answers: Answers{Values: map[string]Answer{}, Repeats: map[string][]Row{}}, Pages: map[string]int{}, Status: "draft"}
	applyDefaults(form, &r.Answers)
	return &Session{Invitation: &Invitation{Edition: e}, Form: form, Response: r, Preview: true}, nil
}

func errBadPreview() error {
	return civiscope.Ruled(civiscope.EUNAUTHORIZED, "survey_preview_link", nil, "this preview link is not valid or was replaced: ask for one with `civiscope survey preview-link`")
}
