package account

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// VendorMembership says that a user speaks for a vendor organisation.
type VendorMembership struct {
	VendorID   int64
	VendorSlug string
	VendorName string
	VerifiedBy string // meta, dns or moderator
	Domain     string
	GrantedAt  time.Time
}

// GrantVendor makes user a member of vendor. Granting twice keeps the
// first grant.
func GrantVendor(ctx context.Context, db postgres.Querier, userID, vendorID int64, verifiedBy, domain string) error {
	switch verifiedBy {
	case "meta", "dns", "moderator":
	default:
		return invalid("verified_by", "unknown verification %q (meta, dns or moderator)", verifiedBy)
	}
	_, err := db.Exec(ctx, `INSERT INTO vendor_member (user_id, vendor_id, verified_by, domain)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, userID, vendorID, verifiedBy, domain)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23503" {
		return civiscope.Errorf(civiscope.ENOTFOUND, "no such account or vendor")
	}
	if err != nil {
		return fmt.Errorf("grant vendor %d to account %d: %w", vendorID, userID, err)
	}
	return nil
}

// VendorMemberships lists the vendors user speaks for.
func VendorMemberships(ctx context.Context, db postgres.Querier, userID int64) ([]VendorMembership, error) {
	rows, err := db.Query(ctx, `SELECT m.vendor_id, v.slug, v.name, m.verified_by, m.domain, m.granted_at
		FROM vendor_member m JOIN vendor v ON v.id = m.vendor_id WHERE m.user_id = $1 ORDER BY v.name`, userID)
	if err != nil {
		return nil, fmt.Errorf("vendor memberships of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []VendorMembership
	for rows.Next() {
		var m VendorMembership
		if err := rows.Scan(&m.VendorID, &m.VendorSlug, &m.VendorName, &m.VerifiedBy, &m.Domain, &m.GrantedAt); err != nil {
			return nil, fmt.Errorf("vendor memberships of %d: %w", userID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// IsVendorMember reports whether user speaks for vendor.
func IsVendorMember(ctx context.Context, db postgres.Querier, userID, vendorID int64) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM vendor_member WHERE user_id = $1 AND vendor_id = $2)`,
		userID, vendorID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("vendor membership: %w", err)
	}
	return ok, nil
}

// Agent is a user's request to speak for a collectivité.
type Agent struct {
	UserID        int64
	UserEmail     string
	TerritoryID   int64
	TerritoryName string
	TerritoryKind string
	TerritoryCode string
	Status        string // pending, approved, rejected
	ApprovedBy    string // email-domain, moderator or ""
	CreatedAt     time.Time
}

var domainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$`)

// NormalizeDomain folds a host name (or a URL's host) for comparison:
// lower case, no port, no trailing dot, no leading "www.".
func NormalizeDomain(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(s, ".")
	s = strings.TrimPrefix(s, "www.")
	if len(s) > 253 || !domainPattern.MatchString(s) {
		return "", invalid("domain", "is not a domain name such as mairie-exemple.fr")
	}
	return s, nil
}

// RequestAgent records that user asks to speak for territory. The request is
// approved at once when the user's email is on a domain known to belong to
// the collectivité (or a sub-domain of it); otherwise it waits for a
// moderator. It returns the resulting status.
func RequestAgent(ctx context.Context, db postgres.Querier, u *User, territoryID int64) (string, error) {
	if u.Deleted() {
		return "", civiscope.Errorf(civiscope.EFORBIDDEN, "this account was deleted")
	}
	domain := EmailDomain(u.Email)
	var known bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM territory_domain
		WHERE territory_id = $1 AND ($2 = domain OR $2 LIKE '%.' || domain))`, territoryID, domain).Scan(&known); err != nil {
		return "", fmt.Errorf("known domains of territory %d: %w", territoryID, err)
	}
	status, by := "pending", ""
	if known {
		status, by = "approved", "email-domain"
	}
	var got string
	err := db.QueryRow(ctx, `INSERT INTO territory_agent (user_id, territory_id, status, approved_by, decided_at)
		VALUES ($1, $2, $3, $4, CASE WHEN $3 = 'approved' THEN now() END)
		ON CONFLICT (user_id, territory_id) DO UPDATE SET
			status = CASE WHEN territory_agent.status = 'approved' THEN 'approved' ELSE EXCLUDED.status END,
			approved_by = CASE WHEN territory_agent.status = 'approved' THEN territory_agent.approved_by ELSE EXCLUDED.approved_by END,
			decided_at = CASE WHEN territory_agent.status = 'approved' THEN territory_agent.decided_at ELSE EXCLUDED.decided_at END
		RETURNING status`, u.ID, territoryID, status, by).Scan(&got)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23503" {
		return "", civiscope.Errorf(civiscope.ENOTFOUND, "no collectivité #%d", territoryID)
	}
	if err != nil {
		return "", fmt.Errorf("request agent of territory %d: %w", territoryID, err)
	}
	return got, nil
}

// DecideAgent approves or rejects a pending request. When approving with
// rememberDomain, the agent's email domain becomes a known domain of the
// collectivité, so that colleagues are approved automatically.
func DecideAgent(ctx context.Context, db postgres.Querier, moderatorID, userID, territoryID int64, approve, rememberDomain bool) error {
	status, by := "rejected", ""
	if approve {
		status, by = "approved", "moderator"
	}
	var email string
	err := db.QueryRow(ctx, `UPDATE territory_agent a SET status = $3, approved_by = $4, decided_at = now()
		FROM app_user u WHERE a.user_id = $1 AND a.territory_id = $2 AND u.id = a.user_id
		RETURNING coalesce(u.email, '')`, userID, territoryID, status, by).Scan(&email)
	if errors.Is(err, pgx.ErrNoRows) {
		return civiscope.Errorf(civiscope.ENOTFOUND, "no request from account #%d for collectivité #%d", userID, territoryID)
	}
	if err != nil {
		return fmt.Errorf("decide agent: %w", err)
	}
	if approve && rememberDomain && email != "" {
		if _, err := db.Exec(ctx, `INSERT INTO territory_domain (territory_id, domain, added_by)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, territoryID, EmailDomain(email), moderatorID); err != nil {
			return fmt.Errorf("remember domain of territory %d: %w", territoryID, err)
		}
	}
	return nil
}

// AddTerritoryDomain records a web domain known to belong to a collectivité.
func AddTerritoryDomain(ctx context.Context, db postgres.Querier, territoryID int64, domain string, by int64) error {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return err
	}
	var byArg any
	if by != 0 {
		byArg = by
	}
	if _, err := db.Exec(ctx, `INSERT INTO territory_domain (territory_id, domain, added_by) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, territoryID, d, byArg); err != nil {
		return fmt.Errorf("add domain %s to territory %d: %w", d, territoryID, err)
	}
	return nil
}

// Agents lists agent requests: of one user when userID is not 0, else the
// pending ones, oldest first.
func Agents(ctx context.Context, db postgres.Querier, userID int64) ([]Agent, error) {
	where, arg := `a.status = 'pending' AND $1::bigint IS NOT NULL`, any(int64(0))
	if userID != 0 {
		where, arg = `a.user_id = $1`, userID
	}
	rows, err := db.Query(ctx, `SELECT a.user_id, coalesce(u.email, ''), a.territory_id, t.name, t.kind, t.code,
		a.status, a.approved_by, a.created_at
		FROM territory_agent a JOIN app_user u ON u.id = a.user_id JOIN territory t ON t.id = a.territory_id
		WHERE `+where+` ORDER BY a.created_at LIMIT 500`, arg)
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	defer rows.Close()
	var out []Agent
	for rows.Next() {
		var a Agent
		if err := rows.Scan(&a.UserID, &a.UserEmail, &a.TerritoryID, &a.TerritoryName, &a.TerritoryKind,
			&a.TerritoryCode, &a.Status, &a.ApprovedBy, &a.CreatedAt); err != nil {
			return nil, fmt.Errorf("list agents: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// IsAgent reports whether user is an approved agent of territory.
func IsAgent(ctx context.Context, db postgres.Querier, userID, territoryID int64) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM territory_agent
		WHERE user_id = $1 AND territory_id = $2 AND status = 'approved')`, userID, territoryID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("agent check: %w", err)
	}
	return ok, nil
}
