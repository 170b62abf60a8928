package account

import (
	"context"
	"fmt"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Login throttling slows a guesser down without locking the owner out. Each
// attempt is counted, inside PostgreSQL and before the password is checked,
// against three keys: the account from this address, the address, and the
// account from anywhere. Past a key's limit within LoginWindow, the key is
// blocked for LoginBackoff, then twice as long at each new block, up to
// LoginBackoffCap. Someone hammering an account from their address blocks
// only that pair; the owner elsewhere is not affected. Only a guess spread
// over many addresses blocks the account itself, and then the owner's reset
// link still works and lifts the block.
const (
	LoginWindow        = 15 * time.Minute
	LoginBackoff       = time.Minute
	LoginBackoffCap    = time.Hour
	MaxPairFailures    = 5
	MaxIPFailures      = 30
	MaxAccountFailures = 100
)

// dummyHash is verified when the address is unknown, so that a login takes
// as long whether or not the account exists.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3Xk2m5y9C2v8sS1u2ZrQwHn6v0kS0S1dJ2VwX1x7Kx8"

// throttleKeys are the keys an attempt on account email from ip counts
// against, with their limits.
func throttleKeys(email, ip string) []struct {
	key string
	max int
} {
	return []struct {
		key string
		max int
	}{
		{"acct:" + email + "|ip:" + ip, MaxPairFailures},
		{"ip:" + ip, MaxIPFailures},
		{"acct:" + email, MaxAccountFailures},
	}
}

// Authenticate checks an email and password from the client at ip and
// returns the account. Wrong credentials are EUNAUTHORIZED with a message
// that does not say which part was wrong; too many attempts are ETOOMANY
// (see RetryAfter).
func Authenticate(ctx context.Context, db postgres.Querier, email, password, ip string) (*User, error) {
	key, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	for _, k := range throttleKeys(key, ip) {
		var wait float64
		if err := db.QueryRow(ctx, `SELECT login_attempt($1, $2, $3::interval, $4::interval, $5::interval)`,
			k.key, k.max, LoginWindow.String(), LoginBackoff.String(), LoginBackoffCap.String()).Scan(&wait); err != nil {
			return nil, fmt.Errorf("count login attempt: %w", err)
		}
		if wait > 0 {
			d := time.Duration(wait * float64(time.Second))
			return nil, TooMany(d, "too many failed logins; try again in %d minutes, or reset your password: the reset link always works", int(d.Minutes())+1)
		}
	}
	var u *User
	var hash string
	var confirmed bool
	row := db.QueryRow(ctx, `SELECT `+userColumns+`, password_hash, confirmed_at IS NOT NULL FROM app_user WHERE email = $1`, key)
	var tmp User
	if err := row.Scan(&tmp.ID, &tmp.Email, &tmp.DisplayName, &tmp.Role, &tmp.CreatedAt, &tmp.DeletedAt, &hash, &confirmed); err == nil {
		u = &tmp
	}
	// An unconfirmed account answers like a wrong password: whoever signed
	// up an address they do not own must not learn whether it had an
	// account already.
	if u == nil {
		VerifyPassword(dummyHash, password)
	} else if VerifyPassword(hash, password) && confirmed {
		// The address's failures stay: logging into one's own account must
		// not reset a spray over others.
		if err := clearThrottle(ctx, db, key, ip); err != nil {
			return nil, err
		}
		return u, nil
	}
	if _, err := db.Exec(ctx, `DELETE FROM login_throttle WHERE window_start < now() - interval '1 day'
		AND (blocked_until IS NULL OR blocked_until < now() - interval '1 day') AND random() < 0.01`); err != nil {
		return nil, fmt.Errorf("prune login throttle: %w", err)
	}
	return nil, civiscope.Errorf(civiscope.EUNAUTHORIZED, "wrong email address or password")
}

// clearThrottle forgets an account's attempts, from ip or, with ip "",
// from every address (after a password reset). The address's own count
// only gives this attempt back: many people may log in from one address
// (a proxy, a school), and their successes must not add up to a block.
func clearThrottle(ctx context.Context, db postgres.Querier, email, ip string) error {
	q, args := `WITH refund AS (UPDATE login_throttle SET attempts = greatest(attempts - 1, 0) WHERE key = $3)
		DELETE FROM login_throttle WHERE key = $1 OR key = $2`, []any{"acct:" + email, "acct:" + email + "|ip:" + ip, "ip:" + ip}
	if ip == "" {
		q, args = `DELETE FROM login_throttle WHERE key = $1 OR starts_with(key, $2)`, []any{"acct:" + email, "acct:" + email + "|ip:"}
	}
	if _, err := db.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("clear login throttle: %w", err)
	}
	return nil
}
