package moderation

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// Match is an existing listing (or a pending proposal) that a new tool
// looks like.
type Match struct {
	ToolID     int64 // 0 for a pending proposal
	ProposalID int64
	Slug       string
	Name       string
	Reason     string // "name" or "domain"
}

// NameKey folds a tool name for duplicate detection: accents, case,
// punctuation and spaces do not count, so "Cap Collectif", "cap-collectif"
// and "CapCollectif" are one name.
func NameKey(name string) string {
	return strings.ReplaceAll(territory.Normalize(name), " ", "")
}

// SiteDomain is the host of a website without "www." and port, "" when the
// URL has none.
func SiteDomain(website string) string {
	u, err := url.Parse(strings.TrimSpace(website))
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// Duplicates finds listed tools, and pending new-tool proposals, with the
// same folded name or the same website domain. The directory holds
// thousands of tools at most, so one pass over names and websites is cheap
// and needs no extra index.
func Duplicates(ctx context.Context, db postgres.Querier, name, website string) ([]Match, error) {
	key, domain := NameKey(name), SiteDomain(website)
	if key == "" && domain == "" {
		return nil, nil
	}
	rows, err := db.Query(ctx, `SELECT id, 0, slug, name, coalesce(website, '') FROM tool
		UNION ALL
		SELECT 0, id, coalesce(payload->>'slug', ''), payload->>'name', coalesce(payload->>'website', '')
		FROM proposal WHERE kind = 'new-tool' AND status = 'pending'
		ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("look for duplicates: %w", err)
	}
	defer rows.Close()
	var out []Match
	for rows.Next() {
		var m Match
		var site string
		if err := rows.Scan(&m.ToolID, &m.ProposalID, &m.Slug, &m.Name, &site); err != nil {
			return nil, fmt.Errorf("look for duplicates: %w", err)
		}
		switch {
		case key != "" && NameKey(m.Name) == key:
			m.Reason = "name"
		case domain != "" && SiteDomain(site) == domain:
			m.Reason = "domain"
		default:
			continue
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
