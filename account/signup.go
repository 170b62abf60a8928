package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
)

// SignUpLinks builds the addresses a sign-up mail points to.
type SignUpLinks struct {
	Confirm func(token string) string // opens the new account
	Login   string                    // for an owner who signs up again
	Reset   string                    // the same, when the password is lost
}

// SignUp creates an unconfirmed account and mails it a confirmation link.
// When the address already has an account, it mails its owner a notice
// instead. Both cases return nil and take at least ResetFloor, so the form
// does not tell who is registered; only mistakes in the form (a weak
// password, a malformed address) are errors.
func SignUp(ctx context.Context, db DB, ml *Mailer, nu NewUser, links SignUpLinks) error {
	defer waitUntil(ctx, time.Now().Add(ResetFloor))
	nu.Unconfirmed = true
	u, err := Create(ctx, db, nu)
	switch {
	case civiscope.ErrorCode(err) == civiscope.ECONFLICT:
		email, _ := NormalizeEmail(nu.Email)
		var recent int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE to_addr = $1 AND created_at > now() - interval '1 hour'`,
			email).Scan(&recent); err != nil {
			return fmt.Errorf("count recent mail: %w", err)
		}
		if recent >= maxResetsPerHour {
			return nil // enough notices already; the form must not flood a mailbox
		}
		return ml.Send(ctx, db, Message{
			To:      email,
			Subject: "Civiscope : vous avez déjà un compte / you already have an account",
			Body: fmt.Sprintf(`Bonjour,

Quelqu'un, peut-être vous, a demandé à créer un compte Civiscope avec cette adresse, qui en a déjà un.
Connectez-vous : %[1]s
Mot de passe oublié : %[2]s

Si vous n'avez rien demandé, ignorez ce message : rien n'a changé.

---

Hello,

Someone, perhaps you, asked to create a Civiscope account with this address, which already has one.
Log in: %[1]s
Forgot your password: %[2]s

If you did not ask for this, ignore this message: nothing changed.
`, links.Login, links.Reset),
		})
	case err != nil:
		return err
	}
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `INSERT INTO password_reset (token_hash, user_id, expires_at, purpose)
		VALUES ($1, $2, now() + $3::interval, 'confirm')`, hash, u.ID, ConfirmTTL.String()); err != nil {
		return fmt.Errorf("store confirmation token: %w", err)
	}
	return ml.Send(ctx, db, Message{
		To:      u.Email,
		Subject: "Civiscope : confirmez votre adresse / confirm your address",
		Body: fmt.Sprintf(`Bonjour,

Pour ouvrir votre compte Civiscope, ouvrez ce lien dans les %[2]d heures :
%[1]s

Si vous n'avez rien demandé, ignorez ce message : le compte ne s'ouvrira pas.

---

Hello,

To open your Civiscope account, open this link within %[2]d hours:
%[1]s

If you did not ask for this, ignore this message: the account will not open.
`, links.Confirm(token), int(ConfirmTTL.Hours())),
		Secret: token,
	})
}

// ConfirmTTL is how long a confirmation link works.
const ConfirmTTL = 48 * time.Hour

// Confirm opens the account of a mailed confirmation token and returns it.
// The token works once.
func Confirm(ctx context.Context, db DB, token string) (*User, error) {
	var userID int64
	err := db.QueryRow(ctx, `WITH t AS (
			UPDATE password_reset SET used_at = now()
			WHERE token_hash = $1 AND purpose = 'confirm' AND used_at IS NULL AND expires_at > now()
			RETURNING user_id)
		UPDATE app_user u SET confirmed_at = coalesce(u.confirmed_at, now())
		FROM t WHERE u.id = t.user_id AND u.deleted_at IS NULL RETURNING u.id`, hashToken(token)).Scan(&userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, invalid("token", "this confirmation link is not valid, was already used or has expired; log in, or sign up again")
	}
	if err != nil {
		return nil, fmt.Errorf("confirm account: %w", err)
	}
	return Get(ctx, db, userID)
}
