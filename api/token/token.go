// Package token manages API tokens: creation, lookup by secret, listing and
// revocation. Tokens are hashed with SHA-256 at rest; the secret is returned
// once, by Create, and never stored. The package knows nothing of HTTP: the
// api package reads the Authorization header and calls Authenticate.
package token

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Scope is what a token may do. Scopes are ordered: admin includes write,
// write includes read.
type Scope string

const (
	Read  Scope = "read"  // higher rate limits on public reads
	Write Scope = "write" // writes the stores accept from API clients
	Admin Scope = "admin" // everything, including managing tokens
)

// Scopes lists every scope, weakest first.
var Scopes = []Scope{Read, Write, Admin}

func (s Scope) rank() int {
	switch s {
	case Read:
		return 1
	case Write:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return s.rank() > 0 }

// Allows reports whether a token of scope s may act with scope need.
func (s Scope) Allows(need Scope) bool { return s.Valid() && s.rank() >= need.rank() }

// ParseScope validates a scope given by a user.
func ParseScope(s string) (Scope, error) {
	sc := Scope(strings.ToLower(strings.TrimSpace(s)))
	if !sc.Valid() {
		return "", civiscope.Invalid([]civiscope.FieldError{{Field: "scope", Message: fmt.Sprintf("%q is not a scope; use read, write or admin", s)}})
	}
	return sc, nil
}

// Token is a stored token, without its secret.
type Token struct {
	ID         int64
	Name       string
	Scope      Scope
	Prefix     string // first 8 characters of the secret after "cvs_"
	UserID     int64  // the account the token acts for; 0 for none
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token can still authenticate at time now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now))
}

// secretPrefix marks Civiscope tokens, so secret scanners and people can
// recognise one that leaked.
const secretPrefix = "cvs_"

// secretLen is the length of a secret: "cvs_" and 43 base64url characters
// (32 random bytes).
const secretLen = len(secretPrefix) + 43

// NewToken describes a token to create.
type NewToken struct {
	Name      string
	Scope     Scope
	ExpiresAt *time.Time
	// UserID is the account the token acts for: required for write tokens,
	// whose contributions are that user's.
	UserID int64
}

func (n NewToken) validate(now time.Time) error {
	var errs []civiscope.FieldError
	name := strings.TrimSpace(n.Name)
	switch {
	case name == "":
		errs = append(errs, civiscope.FieldError{Field: "name", Message: "is required: say who or what the token is for"})
	case utf8.RuneCountInString(name) > 100:
		errs = append(errs, civiscope.FieldError{Field: "name", Message: "is longer than 100 characters"})
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		errs = append(errs, civiscope.FieldError{Field: "name", Message: "contains control characters"})
	}
	if !n.Scope.Valid() {
		errs = append(errs, civiscope.FieldError{Field: "scope", Message: fmt.Sprintf("%q is not a scope; use read, write or admin", n.Scope)})
	}
	if n.Scope == Write && n.UserID == 0 {
		errs = append(errs, civiscope.FieldError{Field: "user", Message: "a write token acts for a user account, whose contributions go to moderation: name the user (--user EMAIL on the command line, user_email in the API)"})
	}
	if n.ExpiresAt != nil && !n.ExpiresAt.After(now) {
		errs = append(errs, civiscope.FieldError{Field: "expires_at", Message: "is in the past"})
	}
	return civiscope.Invalid(errs)
}

// Create stores a new token and returns it with its secret, which is shown
// once and cannot be recovered.
func Create(ctx context.Context, db postgres.Querier, n NewToken) (*Token, string, error) {
	if err := n.validate(time.Now()); err != nil {
		return nil, "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, "", fmt.Errorf("generate token: %w", err)
	}
	secret := secretPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	h := hash(secret)
	t := Token{Name: strings.TrimSpace(n.Name), Scope: n.Scope, Prefix: secret[len(secretPrefix) : len(secretPrefix)+8],
		ExpiresAt: n.ExpiresAt, UserID: n.UserID}
	var user any
	if n.UserID != 0 {
		user = n.UserID
	}
	err := db.QueryRow(ctx, `INSERT INTO api_token (name, scope, prefix, hash, expires_at, user_id)
		SELECT $1, $2, $3, $4, $5, $6
		WHERE $6::bigint IS NULL OR EXISTS (SELECT 1 FROM app_user WHERE id = $6 AND deleted_at IS NULL)
		RETURNING id, created_at`,
		t.Name, t.Scope, t.Prefix, h[:], t.ExpiresAt, user).Scan(&t.ID, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", civiscope.Invalid([]civiscope.FieldError{{Field: "user", Message: fmt.Sprintf("no active user account with id %d", n.UserID)}})
	}
	if err != nil {
		return nil, "", fmt.Errorf("store token: %w", err)
	}
	return &t, secret, nil
}

func hash(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

const columns = `id, name, scope, prefix, coalesce(user_id, 0), created_at, expires_at, last_used_at, revoked_at`

func scan(row pgx.Row, t *Token) error {
	return row.Scan(&t.ID, &t.Name, &t.Scope, &t.Prefix, &t.UserID, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt)
}

// activeWhere is what makes a token usable: not revoked, not expired, and
// its account, if any, not erased.
const activeWhere = `revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
	AND (user_id IS NULL OR EXISTS (SELECT 1 FROM app_user u WHERE u.id = user_id AND u.deleted_at IS NULL))`

// errBadToken is the one answer to every failed authentication, so a caller
// learns nothing about which tokens exist or were revoked.
func errBadToken() error {
	return civiscope.Errorf(civiscope.EUNAUTHORIZED, "the token is unknown, revoked or expired, or its account was deleted")
}

// Authenticate returns the active token whose secret is given, and records
// its use. The last-use time is written at most once a minute per token, so
// a busy client does not turn every read into a write.
func Authenticate(ctx context.Context, db postgres.Querier, secret string) (*Token, error) {
	if len(secret) != secretLen || !strings.HasPrefix(secret, secretPrefix) {
		return nil, errBadToken()
	}
	h := hash(secret)
	var t Token
	err := scan(db.QueryRow(ctx, `UPDATE api_token SET last_used_at = now()
		WHERE hash = $1 AND `+activeWhere+`
		  AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
		RETURNING `+columns, h[:]), &t)
	if errors.Is(err, pgx.ErrNoRows) {
		// Either used within the minute (the common case) or not valid.
		err = scan(db.QueryRow(ctx, `SELECT `+columns+` FROM api_token WHERE hash = $1 AND `+activeWhere, h[:]), &t)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, errBadToken()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate token: %w", err)
	}
	return &t, nil
}

// ListOptions pages through tokens by id, newest first.
type ListOptions struct {
	Before int64 // only ids below this; 0 for the first page
	Limit  int
	// Revoked includes revoked tokens.
	Revoked bool
}

// List returns tokens, newest first.
func List(ctx context.Context, db postgres.Querier, opt ListOptions) ([]Token, error) {
	if opt.Limit <= 0 || opt.Limit > 1000 {
		opt.Limit = 1000
	}
	rows, err := db.Query(ctx, `SELECT `+columns+` FROM api_token
		WHERE ($1 = 0 OR id < $1) AND ($2 OR revoked_at IS NULL)
		ORDER BY id DESC LIMIT $3`, opt.Before, opt.Revoked, opt.Limit)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := scan(rows, &t); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// Get returns one token by id.
func Get(ctx context.Context, db postgres.Querier, id int64) (*Token, error) {
	var t Token
	err := scan(db.QueryRow(ctx, `SELECT `+columns+` FROM api_token WHERE id = $1`, id), &t)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no token with id %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get token %d: %w", id, err)
	}
	return &t, nil
}

// Revoke makes a token unusable from now on. Revoking a revoked token is
// not an error: the caller's intent holds, and the first revocation time is
// kept.
func Revoke(ctx context.Context, db postgres.Querier, id int64) (*Token, error) {
	var t Token
	err := scan(db.QueryRow(ctx, `UPDATE api_token SET revoked_at = coalesce(revoked_at, now())
		WHERE id = $1 RETURNING `+columns, id), &t)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no token with id %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", id, err)
	}
	return &t, nil
}
