package moderation_test

import (
	"context"
	"testing"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/website"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

func TestWebsiteCorrectionWaitsThenAppliesOnApproval(t *testing.T) {
	ctx := context.Background()
	u, mod := newUser(t, account.RoleContributor), newUser(t, account.RoleModerator)
	town, err := territory.Get(ctx, db, territory.Commune, "13055")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := moderation.ProposeWebsite(ctx, db, u, town.ID, "not a web address", ""); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("bad address and no reason: %v, want invalid", err)
	} else if f := fieldsOf(err); f["url"] == "" || f["reason"] == "" {
		t.Errorf("field errors %v, want url and reason", f)
	}
	p, err := moderation.ProposeWebsite(ctx, db, u, town.ID, "https://www.marseille.fr/", "the city site moved to https")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != moderation.StatusPending || p.Kind != moderation.KindWebsite {
		t.Fatalf("proposal %+v, want a pending website correction", p)
	}
	if cur := pgtest.Must(website.Official(ctx, db, town.ID))(t); cur == "https://www.marseille.fr/" {
		t.Fatal("the correction is public before approval")
	}
	rev0 := pgtest.Must(directory.LatestRevisionID(ctx, db))(t)
	var diffNew string
	for _, d := range p.Diff() {
		if d.Field == "website" {
			diffNew = d.New
		}
	}
	if diffNew != "https://www.marseille.fr/" {
		t.Errorf("diff %+v, want website → the proposed address", p.Diff())
	}
	if _, err := moderation.Decide(ctx, db, mod, p.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if cur := pgtest.Must(website.Official(ctx, db, town.ID))(t); cur != "https://www.marseille.fr/" {
		t.Errorf("official website after approval: %q", cur)
	}
	if rev := pgtest.Must(directory.LatestRevisionID(ctx, db))(t); rev <= rev0 {
		t.Error("the approved correction appended no revision: page caches would not see it")
	}
	log, err := moderation.AuditLog(ctx, db, 1, 0)
	if err != nil || len(log) != 1 || log[0].ProposalID != p.ID || log[0].Action != "approve" {
		t.Errorf("audit log %+v, %v; want the approval", log, err)
	}

	// A rejected correction changes nothing.
	q, err := moderation.ProposeWebsite(ctx, db, u, town.ID, "https://example.org/", "another guess")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := moderation.Decide(ctx, db, mod, q.ID, false, "not the city's site"); err != nil {
		t.Fatal(err)
	}
	if cur := pgtest.Must(website.Official(ctx, db, town.ID))(t); cur != "https://www.marseille.fr/" {
		t.Errorf("official website after a rejection: %q", cur)
	}
}
