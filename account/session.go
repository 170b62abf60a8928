package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// SessionTTL is how long a session lives without being used; every use
// slides it forward, up to SessionMaxAge from the login.
const (
	SessionTTL    = 7 * 24 * time.Hour
	SessionMaxAge = 30 * 24 * time.Hour
)

// NewSession opens a session for user id and returns the secret the cookie
// carries. Only its hash is stored.
func NewSession(ctx context.Context, db postgres.Querier, userID int64) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	if _, err := db.Exec(ctx, `INSERT INTO user_session (token_hash, user_id, expires_at)
		VALUES ($1, $2, now() + $3::interval)`, hash, userID, SessionTTL.String()); err != nil {
		return "", fmt.Errorf("open session: %w", err)
	}
	// Expired sessions are pruned here rather than by a background job.
	if _, err := db.Exec(ctx, `DELETE FROM user_session WHERE expires_at < now()`); err != nil {
		return "", fmt.Errorf("prune sessions: %w", err)
	}
	return token, nil
}

// SessionUser returns the live account behind a session cookie, and slides
// the session's expiry. An unknown, expired or erased session is
// EUNAUTHORIZED.
func SessionUser(ctx context.Context, db postgres.Querier, token string) (*User, error) {
	if token == "" || len(token) > 100 {
		return nil, civiscope.Errorf(civiscope.EUNAUTHORIZED, "not logged in")
	}
	u, err := scanUser(db.QueryRow(ctx, `UPDATE user_session s
		SET seen_at = now(), expires_at = least(now() + $2::interval, s.created_at + $3::interval)
		FROM app_user u
		WHERE s.token_hash = $1 AND s.expires_at > now() AND u.id = s.user_id AND u.deleted_at IS NULL
		RETURNING u.id, coalesce(u.email, ''), u.display_name, u.role, u.created_at, u.deleted_at`,
		hashToken(token), SessionTTL.String(), SessionMaxAge.String()))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.EUNAUTHORIZED, "your session has ended; please log in again")
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return u, nil
}

// EndSession logs a session out. Ending an unknown session is not an error.
func EndSession(ctx context.Context, db postgres.Querier, token string) error {
	if _, err := db.Exec(ctx, `DELETE FROM user_session WHERE token_hash = $1`, hashToken(token)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}
