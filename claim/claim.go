// Package claim lets a vendor take charge of a tool's listing by proving
// control of the tool's website domain: either a meta tag on the home page
// (<meta name="civiscope-verification" content="TOKEN">) or a DNS TXT record
// "civiscope-verification=TOKEN" on the domain. Once verified, the user
// becomes a member of the tool's vendor (account.GrantVendor), whose
// descriptive edits then publish directly (see moderation.ProposeEdit).
//
// The check goes through two small interfaces, Fetcher and Resolver, so the
// server uses the crawler's polite fetcher and the system resolver, and tests
// use a local site.
package claim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/postgres"
)

// MetaName is the name of the verification meta tag; TXTPrefix starts the
// verification TXT record.
const (
	MetaName  = "civiscope-verification"
	TXTPrefix = "civiscope-verification="
)

// MinCheckInterval keeps a user from making the server hammer a site (or a
// DNS server) by pressing "check" in a loop.
const MinCheckInterval = 10 * time.Second

// Fetcher gets a page. Status is the HTTP status of the final response;
// body is the (possibly truncated) HTML.
type Fetcher interface {
	FetchPage(ctx context.Context, url string) (status int, body []byte, err error)
}

// Resolver looks up TXT records; *net.Resolver is one.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Checker verifies claims.
type Checker struct {
	Fetch    Fetcher
	Resolver Resolver // nil disables the DNS method
}

// Claim is a user's request to manage a tool's listing.
type Claim struct {
	ID         int64
	UserID     int64
	ToolID     int64
	ToolSlug   string
	ToolName   string
	HomeURL    string // the page that must carry the meta tag
	Domain     string // the domain that may carry the TXT record
	Token      string
	Status     string // pending or verified
	Method     string // meta or dns once verified
	LastError  string
	CheckedAt  *time.Time
	VerifiedAt *time.Time
	CreatedAt  time.Time
}

// MetaTag is the tag to paste in the home page's <head>.
func (c *Claim) MetaTag() string {
	return fmt.Sprintf(`<meta name="%s" content="%s">`, MetaName, c.Token)
}

// TXTRecord is the value of the TXT record to add.
func (c *Claim) TXTRecord() string { return TXTPrefix + c.Token }

// homeAndDomain derives the home page and the domain from a tool's website.
func homeAndDomain(website string) (string, string, error) {
	u, err := url.Parse(website)
	if website == "" || err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "", civiscope.Ruled(civiscope.EINVALID, "claim_no_website", nil, "this listing has no website to verify; propose one first")
	}
	return u.Scheme + "://" + u.Host + "/", strings.TrimPrefix(strings.ToLower(u.Hostname()), "www."), nil
}

// Website returns the home page a listing's website would be verified on,
// "" when it has none that can be.
func Website(website string) string {
	home, _, err := homeAndDomain(website)
	if err != nil {
		return ""
	}
	return home
}

func newToken() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("claim token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Start opens (or returns the open) claim of user u on tool toolID.
func Start(ctx context.Context, db postgres.Querier, u *account.User, toolID int64) (*Claim, error) {
	if u == nil || u.Deleted() {
		return nil, civiscope.Errorf(civiscope.EUNAUTHORIZED, "log in to claim a listing")
	}
	t, err := directory.GetToolByID(ctx, db, toolID)
	if err != nil {
		return nil, err
	}
	if t.VendorID == 0 {
		return nil, civiscope.Ruled(civiscope.EINVALID, "claim_no_vendor", nil, "this listing names no vendor yet; propose an edit naming your organisation first")
	}
	if _, _, err := homeAndDomain(t.Website); err != nil {
		return nil, err
	}
	_, domain, _ := homeAndDomain(t.Website)
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(ctx, `INSERT INTO listing_claim (user_id, tool_id, domain, token) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, tool_id) DO NOTHING`, u.ID, toolID, domain, token); err != nil {
		return nil, fmt.Errorf("open claim: %w", err)
	}
	return get(ctx, db, `c.user_id = $1 AND c.tool_id = $2`, u.ID, toolID)
}

const claimSelect = `SELECT c.id, c.user_id, c.tool_id, t.slug, t.name, coalesce(t.website, ''), c.domain, c.token,
	c.status, c.method, c.last_error, c.checked_at, c.verified_at, c.created_at
	FROM listing_claim c JOIN tool t ON t.id = c.tool_id`

func scan(row pgx.Row) (*Claim, error) {
	var c Claim
	var website string
	if err := row.Scan(&c.ID, &c.UserID, &c.ToolID, &c.ToolSlug, &c.ToolName, &website, &c.Domain, &c.Token,
		&c.Status, &c.Method, &c.LastError, &c.CheckedAt, &c.VerifiedAt, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.HomeURL, _, _ = homeAndDomain(website)
	return &c, nil
}

func get(ctx context.Context, db postgres.Querier, where string, args ...any) (*Claim, error) {
	c, err := scan(db.QueryRow(ctx, claimSelect+` WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no such claim")
	}
	if err != nil {
		return nil, fmt.Errorf("get claim: %w", err)
	}
	return c, nil
}

// Get returns claim id if it belongs to u.
func Get(ctx context.Context, db postgres.Querier, u *account.User, id int64) (*Claim, error) {
	return get(ctx, db, `c.id = $1 AND c.user_id = $2`, id, u.ID)
}

// Mine lists u's claims, newest first.
func Mine(ctx context.Context, db postgres.Querier, u *account.User) ([]Claim, error) {
	rows, err := db.Query(ctx, claimSelect+` WHERE c.user_id = $1 ORDER BY c.id DESC`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("list claims: %w", err)
	}
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list claims: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// Verify checks claim id of u: the meta tag first, then the TXT record. On
// success the user becomes a member of the tool's vendor and the grant goes
// to the audit log. On failure the claim records why, and the error says
// what was found, in words the vendor can act on.
func (ck *Checker) Verify(ctx context.Context, db moderation.DB, u *account.User, id int64) (*Claim, error) {
	c, err := Get(ctx, db, u, id)
	if err != nil {
		return nil, err
	}
	if c.Status == "verified" {
		return c, nil
	}
	if c.CheckedAt != nil && time.Since(*c.CheckedAt) < MinCheckInterval {
		err := account.TooMany(MinCheckInterval-time.Since(*c.CheckedAt), "the site was checked a moment ago; wait a few seconds before checking again")
		var e *civiscope.Error
		if errors.As(err, &e) {
			e.Rule = "claim_too_soon"
		}
		return c, err
	}
	method, reasons := ck.check(ctx, c)
	if method == "" {
		msgs := make([]string, len(reasons))
		for i, r := range reasons {
			msgs[i] = r.Message
		}
		why := strings.Join(msgs, "; ")
		if _, err := db.Exec(ctx, `UPDATE listing_claim SET last_error = left($2, 500), checked_at = now() WHERE id = $1`, c.ID, why); err != nil {
			return nil, fmt.Errorf("record claim check: %w", err)
		}
		c.LastError = why
		return c, &civiscope.Error{Code: civiscope.EINVALID, Rule: "claim_failed", Message: why, Fields: reasons}
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	var vendorID int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(vendor_id, 0) FROM tool WHERE id = $1`, c.ToolID).Scan(&vendorID); err != nil || vendorID == 0 {
		return nil, civiscope.Ruled(civiscope.EINVALID, "claim_no_vendor", nil, "this listing names no vendor any more")
	}
	if _, err := tx.Exec(ctx, `UPDATE listing_claim SET status = 'verified', method = $2, last_error = '',
		checked_at = now(), verified_at = now() WHERE id = $1`, c.ID, method); err != nil {
		return nil, fmt.Errorf("record verified claim: %w", err)
	}
	if err := account.GrantVendor(ctx, tx, u.ID, vendorID, method, c.Domain); err != nil {
		return nil, err
	}
	if err := moderation.Audit(ctx, tx, u.ID, "grant-vendor", "vendor", vendorID,
		fmt.Sprintf("claim #%d of %s verified by %s on %s", c.ID, c.ToolSlug, method, c.Domain)); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("verify claim: commit: %w", err)
	}
	return Get(ctx, db, u, id)
}

// check returns the method that proved control, or "" and why none did:
// one reason per method ("meta", "dns"), with its rule for pages.
func (ck *Checker) check(ctx context.Context, c *Claim) (method string, reasons []civiscope.FieldError) {
	home := civiscope.Params{"url": c.HomeURL}
	status, body, err := ck.Fetch.FetchPage(ctx, c.HomeURL)
	switch {
	case err != nil:
		reasons = append(reasons, civiscope.Field("meta", "claim_unreadable", home, "the home page %s could not be read (%v)", c.HomeURL, err))
	case status < 200 || status > 299:
		reasons = append(reasons, civiscope.Field("meta", "claim_http_status", civiscope.Params{"url": c.HomeURL, "status": status},
			"the home page %s answered HTTP %d", c.HomeURL, status))
	default:
		found := MetaContent(body, MetaName)
		switch {
		case contains(found, c.Token):
			return "meta", nil
		case len(found) > 0:
			reasons = append(reasons, civiscope.Field("meta", "claim_other_token", home, "the home page %s has a %s tag, but not with this claim's code", c.HomeURL, MetaName))
		default:
			reasons = append(reasons, civiscope.Field("meta", "claim_no_meta", home, "no %s meta tag on the home page %s", MetaName, c.HomeURL))
		}
	}
	if ck.Resolver != nil && net.ParseIP(c.Domain) == nil {
		txts, err := ck.Resolver.LookupTXT(ctx, c.Domain)
		if err == nil && contains(txts, c.TXTRecord()) {
			return "dns", nil
		}
		reasons = append(reasons, civiscope.Field("dns", "claim_no_txt", civiscope.Params{"record": c.TXTRecord(), "domain": c.Domain},
			"no TXT record %q on %s", c.TXTRecord(), c.Domain))
	}
	return "", reasons
}

func contains(xs []string, want string) bool {
	for _, x := range xs {
		if strings.TrimSpace(x) == want {
			return true
		}
	}
	return false
}
