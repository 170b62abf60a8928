package moderation

import (
	"context"
	"fmt"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/website"
)

// ProposeWebsite queues a contributor's correction of a collectivité's
// official website: the address they say is right and why the current one
// is wrong. It always waits for a moderator, who sees the current site and
// the proposed one as a diff; approving applies website.Correct.
func ProposeWebsite(ctx context.Context, db DB, u *account.User, territoryID int64, rawURL, reason string) (*Proposal, error) {
	if err := canSubmit(ctx, db, u); err != nil {
		return nil, err
	}
	t, err := territory.GetByID(ctx, db, territoryID)
	if err != nil {
		return nil, err
	}
	if t.Historic {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "%s no longer exists as a collectivité", t.Name)
	}
	url, err := website.Check(rawURL, reason)
	if err != nil {
		return nil, err
	}
	cur, err := website.Official(ctx, db, t.ID)
	if err != nil {
		return nil, err
	}
	if cur == url {
		return nil, invalid("url", "website_same", nil, "this is already the official website")
	}
	p := &Proposal{Kind: KindWebsite, SubmitterID: u.ID, Entity: directory.EntityTerritory, EntityID: t.ID,
		Title:   fmt.Sprintf("%s: %s", t.Name, url),
		Payload: map[string]any{"website": url},
		Base:    map[string]any{"website": nilIfEmpty(cur)},
		Note:    strings.TrimSpace(reason)}
	if err := insert(ctx, db, p); err != nil {
		return nil, fmt.Errorf("queue website correction: %w", err)
	}
	return p, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
