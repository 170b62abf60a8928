package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// tokenBytes is the entropy of an invitation token: 256 bits, so tokens
// cannot be guessed or enumerated.
const tokenBytes = 32

// newToken returns a fresh token and the hash stored in its place.
func newToken() (string, []byte, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("draw token: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, hashToken(tok), nil
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// wellFormed rejects obviously tampered tokens before any query.
func wellFormed(tok string) bool {
	if len(tok) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(tok)
	return err == nil
}

// Issued is an invitation just created or re-issued: the only moment its
// token exists in clear.
type Issued struct {
	FrameMember
	Token     string
	ExpiresAt time.Time
}

// IssueOptions controls IssueInvitations.
type IssueOptions struct {
	ExpiresAt time.Time // default: the edition's closing day, end of day UTC
	// Reissue replaces the token of invitations not yet submitted, for
	// reminders: the old link stops working, answers already saved stay.
	Reissue bool
}

// IssueInvitations creates an invitation for every frame member that has
// none (and, with Reissue, a new token for every unsubmitted one) and
// returns the tokens, which are stored only hashed.
func IssueInvitations(ctx context.Context, pool *pgxpool.Pool, year int, opt IssueOptions) ([]Issued, error) {
	var out []Issued
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		e, err := editableEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		exp := opt.ExpiresAt
		if exp.IsZero() {
			exp = time.Date(e.ClosesOn.Year(), e.ClosesOn.Month(), e.ClosesOn.Day(), 23, 59, 59, 0, time.UTC)
		}
		members, err := Frame(ctx, tx, year)
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.Status == "submitted" || (m.Status != "" && !opt.Reissue) {
				continue
			}
			tok, hash, err := newToken()
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO survey_invitation (edition_id, territory_id, token_hash, expires_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (edition_id, territory_id) DO UPDATE
				SET token_hash = excluded.token_hash, expires_at = excluded.expires_at, issued_at = now(),
				    reminded_at = CASE WHEN survey_invitation.status <> 'submitted' THEN now() END`,
				e.ID, m.TerritoryID, hash, exp); err != nil {
				return fmt.Errorf("issue invitation for %s %s: %w", m.Kind, m.Code, err)
			}
			if m.Status == "" {
				m.Status = "invited"
			}
			out = append(out, Issued{FrameMember: m, Token: tok, ExpiresAt: exp})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InvitationLink is the address a respondent opens.
func InvitationLink(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/barometre/repondre/" + token
}

// WriteInvitationsCSV writes issued invitations for a mail merge, as a
// contact file (see contactWriter).
func WriteInvitationsCSV(w io.Writer, publicURL string, inv []Issued) error {
	cw, err := contactWriter(w)
	if err != nil {
		return err
	}
	_ = cw.Write([]string{"kind", "code", "name", "contact_name", "contact_email", "contact_role", "status", "link", "expires_at"})
	for _, i := range inv {
		_ = cw.Write([]string{string(i.Kind), i.Code, i.Name, i.ContactName, i.ContactEmail, i.ContactRole, i.Status,
			InvitationLink(publicURL, i.Token), i.ExpiresAt.UTC().Format(time.RFC3339)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write invitations: %w", err)
	}
	return nil
}

// Reminders lists the frame members invited but not submitted, for a
// reminder mail merge. Tokens are not stored in clear, so the list carries
// none; IssueInvitations with Reissue gives new links.
func Reminders(ctx context.Context, db postgres.Querier, year int) ([]FrameMember, error) {
	all, err := Frame(ctx, db, year)
	if err != nil {
		return nil, err
	}
	var out []FrameMember
	for _, m := range all {
		if m.Status == "invited" || m.Status == "started" {
			out = append(out, m)
		}
	}
	return out, nil
}

// Invitation is an opened invitation: who answers, for which edition.
type Invitation struct {
	ID        int64
	Edition   *Edition
	Territory *territory.Territory
	Status    string
	ExpiresAt time.Time
}

// errBadToken is the one answer to any unknown token, so a guesser learns
// nothing about which tokens exist.
func errBadToken() error {
	return civiscope.Ruled(civiscope.EUNAUTHORIZED, "survey_link", nil, "this invitation link is not valid: check that it is complete, or ask the observatory for a new one")
}

// OpenInvitation checks a token and returns its invitation: unknown or
// malformed tokens, expired invitations and editions not open are refused
// with a message the respondent can act on.
func OpenInvitation(ctx context.Context, db postgres.Querier, token string, now time.Time) (*Invitation, error) {
	inv, err := lookupInvitation(ctx, db, token)
	if err != nil {
		return nil, err
	}
	if now.After(inv.ExpiresAt) {
		return nil, civiscope.Ruled(civiscope.EFORBIDDEN, "survey_expired", civiscope.Params{"date": inv.ExpiresAt.Format("2006-01-02")}, "this link expired on %s; ask the observatory for a new one, the answers already saved are kept", inv.ExpiresAt.Format("2006-01-02"))
	}
	switch inv.Edition.Status {
	case Draft:
		return nil, civiscope.Ruled(civiscope.EFORBIDDEN, "survey_not_open", civiscope.Params{"year": strconv.Itoa(inv.Edition.Year), "date": inv.Edition.OpensOn.Format("2006-01-02")}, "the %d barometer is not open yet; it opens on %s", inv.Edition.Year, inv.Edition.OpensOn.Format("2006-01-02"))
	case Closed, Published:
		return nil, civiscope.Ruled(civiscope.EFORBIDDEN, "survey_closed", civiscope.Params{"year": strconv.Itoa(inv.Edition.Year), "date": inv.Edition.ClosesOn.Format("2006-01-02")}, "the %d barometer closed on %s; answers can no longer change", inv.Edition.Year, inv.Edition.ClosesOn.Format("2006-01-02"))
	}
	return inv, nil
}

// lookupInvitation finds a token's invitation, with its edition and
// collectivité, whatever the dates and the edition's status.
func lookupInvitation(ctx context.Context, db postgres.Querier, token string) (*Invitation, error) {
	if !wellFormed(token) {
		return nil, errBadToken()
	}
	var inv Invitation
	var territoryID, editionID int64
	err := db.QueryRow(ctx, `SELECT id, edition_id, territory_id, status, expires_at FROM survey_invitation WHERE token_hash = $1`,
		hashToken(token)).Scan(&inv.ID, &editionID, &territoryID, &inv.Status, &inv.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errBadToken()
	}
	if err != nil {
		return nil, fmt.Errorf("look up invitation: %w", err)
	}
	inv.Edition, err = scanEdition(db.QueryRow(ctx, `SELECT `+editionColumns+` FROM survey_edition WHERE id = $1`, editionID))
	if err != nil {
		return nil, fmt.Errorf("edition of invitation %d: %w", inv.ID, err)
	}
	inv.Territory, err = territory.GetByID(ctx, db, territoryID)
	if err != nil {
		return nil, err
	}
	return &inv, nil
}
