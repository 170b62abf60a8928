// Package account holds the people who contribute to the observatory: their
// accounts (email and argon2id password), server-side sessions, password
// reset by emailed single-use tokens, login throttling, roles, the outbox of
// messages the site sends, and GDPR deletion, which erases the person but
// keeps their contributions attributed to "a deleted user".
//
// Roles: every account is a contributor; a site role adds moderator or
// admin. Being a vendor member (of one vendor organisation, proven by a
// domain claim or granted by a moderator) and a collectivité agent (of one
// territory, approved by a moderator or by the email's domain) are
// memberships, see membership.go.
//
// Like the directory, this package never imports net/http: the web layer
// turns its *civiscope.Error values into statuses (429 with Retry-After for
// throttling, see RetryAfter).
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

// DB is a pool or a transaction: functions that write several rows open
// their own (nested) transaction with Begin.
type DB interface {
	postgres.Querier
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Role is a site-wide role.
type Role string

const (
	RoleContributor Role = "contributor"
	RoleModerator   Role = "moderator"
	RoleAdmin       Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleContributor || r == RoleModerator || r == RoleAdmin
}

// User is an account. A deleted account keeps its id and nothing else.
type User struct {
	ID          int64
	Email       string // "" once deleted
	DisplayName string
	Role        Role
	CreatedAt   time.Time
	DeletedAt   *time.Time
}

// Deleted reports whether the account was erased.
func (u *User) Deleted() bool { return u.DeletedAt != nil }

// CanModerate reports whether u may decide on proposals and revert changes.
func (u *User) CanModerate() bool {
	return u != nil && !u.Deleted() && (u.Role == RoleModerator || u.Role == RoleAdmin)
}

// IsAdmin reports whether u may manage accounts and read the outbox.
func (u *User) IsAdmin() bool { return u != nil && !u.Deleted() && u.Role == RoleAdmin }

// Actor is how the revision log and the audit log name the user: by id, so
// that erasing the account erases the name everywhere at once.
func (u *User) Actor() string { return ActorFor(u.ID) }

// ActorFor is the revision actor of user id.
func ActorFor(id int64) string { return fmt.Sprintf("user:%d", id) }

// Name is what pages show for u.
func (u *User) Name() string {
	switch {
	case u == nil:
		return ""
	case u.Deleted():
		return "deleted user"
	case u.DisplayName != "":
		return u.DisplayName
	}
	return fmt.Sprintf("user #%d", u.ID)
}

// Limited is the cause of an ETOOMANY error: how long to wait. The web layer
// reads it with RetryAfter to answer 429 with a Retry-After header.
type Limited struct{ Wait time.Duration }

func (l *Limited) Error() string { return fmt.Sprintf("retry after %s", l.Wait.Round(time.Second)) }

// TooMany builds the ETOOMANY error for a limit that frees up after wait.
func TooMany(wait time.Duration, format string, args ...any) error {
	wait = max(wait, time.Second)
	e := civiscope.Errorf(civiscope.ETOOMANY, format, args...)
	e.Err = &Limited{Wait: wait}
	return e
}

// RetryAfter returns how long the caller of a throttled operation should
// wait, and false when err is not a throttling error.
func RetryAfter(err error) (time.Duration, bool) {
	var l *Limited
	if civiscope.ErrorCode(err) == civiscope.ETOOMANY && errors.As(err, &l) {
		return l.Wait, true
	}
	return 0, false
}

// ruled is invalid with the rule and parameters pages translate.
func ruled(field, rule string, params civiscope.Params, format string, args ...any) error {
	return civiscope.Invalid([]civiscope.FieldError{civiscope.Field(field, rule, params, format, args...)})
}

func invalid(field, format string, args ...any) error {
	return civiscope.Invalid([]civiscope.FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}})
}
