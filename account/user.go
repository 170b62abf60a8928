package account

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Limits on account fields, mirrored by CHECK constraints in 00500.
const (
	MaxEmailLen       = 254
	MaxDisplayNameLen = 100
)

// NormalizeEmail trims and lower-cases an address and checks that it is a
// bare address (no display name), with a dot in its domain.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", ruled("email", "required", nil, "is required")
	case len(s) > MaxEmailLen:
		return "", ruled("email", "too_long", civiscope.Params{"length": len(s), "max": MaxEmailLen}, "is too long (at most %d characters)", MaxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || a.Address != s || at < 1 || !strings.Contains(s[at+1:], ".") {
		return "", ruled("email", "email", nil, "is not an email address such as name@example.fr")
	}
	return s, nil
}

// EmailDomain is the part after the @ of a normalised address.
func EmailDomain(email string) string {
	return email[strings.LastIndexByte(email, '@')+1:]
}

// NewUser is what sign-up and `users create` provide.
type NewUser struct {
	Email       string
	DisplayName string
	Password    string
	Role        Role
	// Unconfirmed accounts cannot log in until their confirmation link is
	// opened (see SignUp); `users create` makes confirmed ones.
	Unconfirmed bool
}

// Create validates nu and stores the account with the password hashed. An
// address already registered is a conflict.
func Create(ctx context.Context, db postgres.Querier, nu NewUser) (*User, error) {
	var fields []civiscope.FieldError
	email, err := NormalizeEmail(nu.Email)
	if err != nil {
		fields = append(fields, civiscope.ErrorFields(err)...)
	}
	name := strings.TrimSpace(nu.DisplayName)
	if n := utf8.RuneCountInString(name); n > MaxDisplayNameLen {
		fields = append(fields, civiscope.Field("display_name", "too_long", civiscope.Params{"length": n, "max": MaxDisplayNameLen},
			"is too long (%d characters, at most %d)", n, MaxDisplayNameLen))
	}
	if fe := CheckPassword(nu.Password, email); fe != nil {
		fields = append(fields, *fe)
	}
	if nu.Role == "" {
		nu.Role = RoleContributor
	}
	if !nu.Role.Valid() {
		fields = append(fields, civiscope.FieldError{Field: "role", Message: fmt.Sprintf("unknown role %q (contributor, moderator or admin)", nu.Role)})
	}
	if err := civiscope.Invalid(fields); err != nil {
		return nil, err
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: email, DisplayName: name, Role: nu.Role}
	err = db.QueryRow(ctx, `INSERT INTO app_user (email, display_name, password_hash, role, confirmed_at)
		VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN NULL ELSE now() END) RETURNING id, created_at`,
		email, name, hash, nu.Role, nu.Unconfirmed).Scan(&u.ID, &u.CreatedAt)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return nil, &civiscope.Error{Code: civiscope.ECONFLICT, Message: "an account already exists for this email address",
			Fields: []civiscope.FieldError{civiscope.Field("email", "email_taken", nil, "is already registered; log in or reset your password")}}
	}
	if err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	return u, nil
}

const userColumns = `id, coalesce(email, ''), display_name, role, created_at, deleted_at`

func scanUser(row pgx.Row) (*User, error) {
	var u User
	if err := row.Scan(&u.ID, &u.Email, &u.DisplayName, &u.Role, &u.CreatedAt, &u.DeletedAt); err != nil {
		return nil, err
	}
	return &u, nil
}

// Get returns the account with this id, deleted or not.
func Get(ctx context.Context, db postgres.Querier, id int64) (*User, error) {
	u, err := scanUser(db.QueryRow(ctx, `SELECT `+userColumns+` FROM app_user WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no account #%d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get account %d: %w", id, err)
	}
	return u, nil
}

// ByEmail returns the live account with this address.
func ByEmail(ctx context.Context, db postgres.Querier, email string) (*User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	u, err := scanUser(db.QueryRow(ctx, `SELECT `+userColumns+` FROM app_user WHERE email = $1`, email))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no account for %s", email)
	}
	if err != nil {
		return nil, fmt.Errorf("get account %s: %w", email, err)
	}
	return u, nil
}

// Names returns the display names of the given accounts, for pages that
// list contributions; deleted accounts are named as such.
func Names(ctx context.Context, db postgres.Querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `SELECT `+userColumns+` FROM app_user WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("account names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("account names: %w", err)
		}
		out[u.ID] = u.Name()
	}
	return out, rows.Err()
}

// SetRole changes the site role of a live account.
func SetRole(ctx context.Context, db postgres.Querier, id int64, r Role) error {
	if !r.Valid() {
		return invalid("role", "unknown role %q (contributor, moderator or admin)", r)
	}
	tag, err := db.Exec(ctx, `UPDATE app_user SET role = $2 WHERE id = $1 AND deleted_at IS NULL`, id, r)
	if err != nil {
		return fmt.Errorf("set role of account %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return civiscope.Errorf(civiscope.ENOTFOUND, "no live account #%d", id)
	}
	return nil
}

// SetPassword replaces the password of a live account and ends its sessions.
func SetPassword(ctx context.Context, db postgres.Querier, id int64, pw string) error {
	var email string
	if err := db.QueryRow(ctx, `SELECT coalesce(email, '') FROM app_user WHERE id = $1`, id).Scan(&email); err != nil {
		return civiscope.Errorf(civiscope.ENOTFOUND, "no account #%d", id)
	}
	if fe := CheckPassword(pw, email); fe != nil {
		return civiscope.Invalid([]civiscope.FieldError{*fe})
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `UPDATE app_user SET password_hash = $2 WHERE id = $1 AND deleted_at IS NULL`, id, hash); err != nil {
		return fmt.Errorf("set password of account %d: %w", id, err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM user_session WHERE user_id = $1`, id); err != nil {
		return fmt.Errorf("end sessions of account %d: %w", id, err)
	}
	return nil
}

// Delete erases an account (GDPR): the email, name and password go, with
// sessions, reset tokens, memberships and the messages sent to the address.
// The row stays, so proposals, revisions ("user:ID") and audit entries keep
// pointing at "a deleted user". It runs in one transaction.
func Delete(ctx context.Context, db DB, id int64) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	var email string
	err = tx.QueryRow(ctx, `SELECT email FROM app_user WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, id).Scan(&email)
	if errors.Is(err, pgx.ErrNoRows) {
		return civiscope.Errorf(civiscope.ENOTFOUND, "no live account #%d", id)
	}
	if err != nil {
		return fmt.Errorf("delete account %d: %w", id, err)
	}
	for _, q := range []string{
		`DELETE FROM user_session WHERE user_id = $1`,
		`DELETE FROM password_reset WHERE user_id = $1`,
		`DELETE FROM vendor_member WHERE user_id = $1`,
		`DELETE FROM territory_agent WHERE user_id = $1`,
		`UPDATE app_user SET email = NULL, display_name = '', password_hash = NULL,
			role = 'contributor', deleted_at = now() WHERE id = $1`,
	} {
		if _, err := tx.Exec(ctx, q, id); err != nil {
			return fmt.Errorf("delete account %d: %w", id, err)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM mail_outbox WHERE to_addr = $1`, email); err != nil {
		return fmt.Errorf("delete account %d: %w", id, err)
	}
	if err := clearThrottle(ctx, tx, email, ""); err != nil {
		return fmt.Errorf("delete account %d: %w", id, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("delete account %d: commit: %w", id, err)
	}
	return nil
}
