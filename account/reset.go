package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ResetTTL is how long an emailed reset link works.
const ResetTTL = time.Hour

// ResetFloor is the least time a reset request takes, whatever the
// address: without it, the work done for an existing account (a token, a
// mail) would tell who has one.
const ResetFloor = 250 * time.Millisecond

// maxResetsPerHour bounds the reset emails one account can be sent, so the
// form cannot be used to flood someone's mailbox.
const maxResetsPerHour = 3

// RequestReset emails a single-use reset link to the account with this
// address. link builds the URL from the token. An unknown address, or one
// already sent maxResetsPerHour links, does nothing and returns nil, and
// every call lasts at least ResetFloor, so that neither the answer nor its
// timing reveals who has an account.
func RequestReset(ctx context.Context, db DB, ml *Mailer, email string, link func(token string) string) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	defer waitUntil(ctx, time.Now().Add(ResetFloor))
	return requestReset(ctx, db, ml, email, link)
}

// waitUntil sleeps until t or until ctx ends.
func waitUntil(ctx context.Context, t time.Time) {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// requestReset counts, stores and queues under the account's row lock, so
// that concurrent requests cannot all read "under the limit".
func requestReset(ctx context.Context, pool DB, ml *Mailer, email string, link func(token string) string) error {
	db, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer db.Rollback(ctx) //nolint:errcheck // no-op after commit
	var id int64
	var recent int
	err = db.QueryRow(ctx, `SELECT u.id FROM app_user u WHERE u.email = $1 FOR NO KEY UPDATE`, email).Scan(&id)
	if err == nil {
		err = db.QueryRow(ctx, `SELECT count(*) FROM password_reset WHERE user_id = $1 AND created_at > now() - interval '1 hour'`,
			id).Scan(&recent)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reset for %s: %w", email, err)
	}
	if recent >= maxResetsPerHour {
		return nil // the mailbox already has links; a 429 here would say the account exists
	}
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `INSERT INTO password_reset (token_hash, user_id, expires_at)
		VALUES ($1, $2, now() + $3::interval)`, hash, id, ResetTTL.String()); err != nil {
		return fmt.Errorf("store reset token: %w", err)
	}
	err = ml.Send(ctx, db, Message{
		To:      email,
		Subject: "Civiscope : réinitialiser votre mot de passe / reset your password",
		Body: fmt.Sprintf(`Bonjour,

Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :
%[1]s

Si vous n'avez rien demandé, ignorez ce message.

---

Hello,

To choose a new password, open this link within the hour:
%[1]s

If you did not ask for this, ignore this message.
`, link(token)),
		Secret: token,
	})
	// A failed delivery is recorded on the outbox entry: keep it, and the
	// token, so that the link can still be read and used.
	if cerr := db.Commit(ctx); cerr != nil {
		return fmt.Errorf("reset for %s: commit: %w", email, cerr)
	}
	return err
}

// ResetPassword sets a new password with an emailed token. The token works
// once and for ResetTTL; using it ends every session of the account and
// voids the account's other reset tokens.
func ResetPassword(ctx context.Context, db DB, token, password string) (*User, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	var userID int64
	var expired, used bool
	err = tx.QueryRow(ctx, `SELECT user_id, expires_at <= now(), used_at IS NOT NULL
		FROM password_reset WHERE token_hash = $1 AND purpose = 'reset' FOR UPDATE`, hashToken(token)).Scan(&userID, &expired, &used)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, invalid("token", "this reset link is not valid; ask for a new one")
	case err != nil:
		return nil, fmt.Errorf("read reset token: %w", err)
	case used:
		return nil, invalid("token", "this reset link was already used; ask for a new one")
	case expired:
		return nil, invalid("token", "this reset link has expired; ask for a new one")
	}
	if err := SetPassword(ctx, tx, userID, password); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE password_reset SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, userID); err != nil {
		return nil, fmt.Errorf("use reset token: %w", err)
	}
	u, err := Get(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	if u.Deleted() {
		return nil, invalid("token", "this reset link is not valid; ask for a new one")
	}
	if _, err := tx.Exec(ctx, `UPDATE app_user SET confirmed_at = coalesce(confirmed_at, now()) WHERE id = $1`, userID); err != nil {
		return nil, fmt.Errorf("confirm account: %w", err)
	}
	// The owner proved control of the mailbox: whatever guesses blocked the
	// account's logins no longer apply.
	if err := clearThrottle(ctx, tx, u.Email, ""); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("reset password: commit: %w", err)
	}
	return u, nil
}
