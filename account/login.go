package account

import (
	"context"
	"fmt"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Login throttling: failures are counted per address and per client IP over
// a sliding window. Past the limit, logins are refused, even with the right
// password, until the oldest failure leaves the window.
const (
	LoginWindow      = 15 * time.Minute
	MaxEmailFailures = 5
	MaxIPFailures    = 30
)

// dummyHash is verified when the address is unknown, so that a login takes
// as long whether or not the account exists.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3Xk2m5y9C2v8sS1u2ZrQwHn6v0kS0S1dJ2VwX1x7Kx8"

// Authenticate checks an email and password from the client at ip and
// returns the account. Wrong credentials are EUNAUTHORIZED with a message
// that does not say which part was wrong; too many failures are ETOOMANY
// (see RetryAfter).
func Authenticate(ctx context.Context, db postgres.Querier, email, password, ip string) (*User, error) {
	key, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	ipKey := "ip:" + ip
	for _, k := range []struct {
		key string
		max int
	}{{key, MaxEmailFailures}, {ipKey, MaxIPFailures}} {
		if wait, err := throttled(ctx, db, k.key, k.max); err != nil {
			return nil, err
		} else if wait > 0 {
			return nil, TooMany(wait, "too many failed logins; try again in %d minutes or reset your password", int(wait.Minutes())+1)
		}
	}
	var u *User
	var hash string
	row := db.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM app_user WHERE email = $1`, key)
	var tmp User
	if err := row.Scan(&tmp.ID, &tmp.Email, &tmp.DisplayName, &tmp.Role, &tmp.CreatedAt, &tmp.DeletedAt, &hash); err == nil {
		u = &tmp
	}
	if u == nil {
		VerifyPassword(dummyHash, password)
	} else if VerifyPassword(hash, password) {
		if _, err := db.Exec(ctx, `DELETE FROM login_failure WHERE key = $1`, key); err != nil {
			return nil, fmt.Errorf("clear login failures: %w", err)
		}
		return u, nil
	}
	if _, err := db.Exec(ctx, `INSERT INTO login_failure (key) VALUES ($1), ($2)`, key, ipKey); err != nil {
		return nil, fmt.Errorf("record login failure: %w", err)
	}
	return nil, civiscope.Errorf(civiscope.EUNAUTHORIZED, "wrong email address or password")
}

// throttled returns how long key must wait, 0 when it may try now. Rows
// older than the window are pruned on the way.
func throttled(ctx context.Context, db postgres.Querier, key string, limit int) (time.Duration, error) {
	if _, err := db.Exec(ctx, `DELETE FROM login_failure WHERE key = $1 AND failed_at < now() - $2::interval`,
		key, LoginWindow.String()); err != nil {
		return 0, fmt.Errorf("prune login failures: %w", err)
	}
	var n int
	var wait float64
	err := db.QueryRow(ctx, `SELECT count(*), coalesce(extract(epoch FROM
			(SELECT failed_at FROM login_failure WHERE key = $1 ORDER BY failed_at DESC OFFSET $2 - 1 LIMIT 1)
			+ $3::interval - now()), 0)
		FROM login_failure WHERE key = $1`, key, limit, LoginWindow.String()).Scan(&n, &wait)
	if err != nil {
		return 0, fmt.Errorf("count login failures: %w", err)
	}
	if n < limit {
		return 0, nil
	}
	return max(time.Duration(wait*float64(time.Second)), time.Second), nil
}
