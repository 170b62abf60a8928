package moderation_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

// sourceOf returns the tool's source that cites proposal id.
func sourceOf(t *testing.T, toolID, proposalID int64) *directory.Source {
	t.Helper()
	tool, err := directory.GetToolByID(context.Background(), db, toolID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tool.Sources {
		if s.Name == fmt.Sprintf("Civiscope, proposal #%d", proposalID) {
			return &s
		}
	}
	return nil
}

func lyon(t *testing.T) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM territory WHERE kind = 'commune' AND code = '69123'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A contributed fact's source says who stated it: the vendor, the
// collectivité (its approved agent), or a contributor.
func TestSourceSaysWhoStatedTheFact(t *testing.T) {
	ctx := context.Background()
	mod := newUser(t, account.RoleModerator)
	v := &directory.Vendor{Slug: fmt.Sprintf("who-vendor-%d", seq.Add(1)), Name: "Who Vendor"}
	if err := directory.CreateVendor(ctx, db, v, curator); err != nil {
		t.Fatal(err)
	}
	tool := listedTool(t, fmt.Sprintf("who-%d", seq.Add(1)), "https://who.example", v.ID)
	member := newUser(t, account.RoleContributor)
	if err := account.GrantVendor(ctx, db, member.ID, v.ID, "meta", "who.example"); err != nil {
		t.Fatal(err)
	}
	stranger := newUser(t, account.RoleContributor)
	edit := func(u *account.User, tagline string) *moderation.Proposal {
		t.Helper()
		cur := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
		cur.TaglineFR = tagline
		p, err := moderation.ProposeEdit(ctx, db, u, tool.ID, cur, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := moderation.Decide(ctx, db, mod, p.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		return p
	}
	byVendor := edit(member, "Dit par l'éditeur")
	if s := sourceOf(t, tool.ID, byVendor.ID); s == nil || s.Kind != directory.SourceVendor || strings.Join(s.Fields, ",") != "tagline_fr" {
		t.Fatalf("a vendor member's approved edit: source %+v", s)
	}
	byStranger := edit(stranger, "Dit par quelqu'un")
	if s := sourceOf(t, tool.ID, byStranger.ID); s == nil || s.Kind != directory.SourceContributor {
		t.Fatalf("a stranger's approved edit: source %+v", s)
	}
	if directory.SourceVendor.Label().FR == directory.SourceSelfDeclared.Label().FR ||
		directory.SourceContributor.Label().FR == directory.SourceSelfDeclared.Label().FR {
		t.Fatal("the labels must tell the vendor, a contributor and the collectivité apart")
	}

	// Adoptions: an approved agent speaks for the collectivité; anyone else
	// is a contributor.
	tid := lyon(t)
	agent := newUser(t, account.RoleContributor)
	if _, err := account.RequestAgent(ctx, db, agent, tid); err != nil {
		t.Fatal(err)
	}
	if err := account.DecideAgent(ctx, db, mod.ID, agent.ID, tid, true, false); err != nil {
		t.Fatal(err)
	}
	declare := func(u *account.User, url string) *directory.Evidence {
		t.Helper()
		p, err := moderation.DeclareAdoption(ctx, db, u, moderation.AdoptionDraft{ToolID: tool.ID, TerritoryID: tid, InstanceURL: url})
		if err != nil {
			t.Fatal(err)
		}
		got, err := moderation.Decide(ctx, db, mod, p.ID, true, "")
		if err != nil {
			t.Fatal(err)
		}
		a, err := directory.GetAdoption(ctx, db, got.EntityID)
		if err != nil || len(a.Evidence) != 1 {
			t.Fatalf("adoption %+v %v", a, err)
		}
		return &a.Evidence[0]
	}
	if e := declare(agent, "https://agent.lyon.example/"); e.SourceKind != directory.SourceSelfDeclared {
		t.Fatalf("an agent's declaration: %s (%s)", e.SourceKind, e.SourceName)
	}
	if e := declare(stranger, "https://stranger.lyon.example/"); e.SourceKind != directory.SourceContributor {
		t.Fatalf("a stranger's declaration: %s (%s)", e.SourceKind, e.SourceName)
	}
	if e := declare(member, "https://vendor.lyon.example/"); e.SourceKind != directory.SourceVendor {
		t.Fatalf("the vendor's declaration: %s (%s)", e.SourceKind, e.SourceName)
	}
}

// A revert from the history reaches the proposal whose change it undoes: its
// author no longer reads "approved", the fact's source goes, and the
// approval no longer counts towards trust.
func TestRevertReachesTheProposal(t *testing.T) {
	ctx := context.Background()
	mod := newUser(t, account.RoleModerator)
	u := newUser(t, account.RoleContributor)
	tool := listedTool(t, fmt.Sprintf("undone-%d", seq.Add(1)), "https://undone.example", 0)
	cur := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	cur.TaglineFR = "Une meilleure accroche ?"
	p, err := moderation.ProposeEdit(ctx, db, u, tool.ID, cur, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := moderation.Decide(ctx, db, mod, p.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if n, err := moderation.Approved(ctx, db, u.ID); err != nil || n != 1 {
		t.Fatalf("approved count: %d %v", n, err)
	}
	revs := pgtest.Must(directory.ListRevisions(ctx, db, directory.EntityTool, tool.ID, 1))(t)
	done, err := moderation.Revert(ctx, db, mod, revs[0].ID, "moins claire")
	if err != nil {
		t.Fatal(err)
	}
	if done.Proposal == nil || done.Proposal.ID != p.ID {
		t.Fatalf("the revert must name the proposal it undid: %+v", done.Proposal)
	}
	got, err := moderation.Get(ctx, db, p.ID)
	if err != nil || got.Status != moderation.StatusReverted || got.RevertReason != "moins claire" || got.RevertedBy != mod.ID ||
		got.RevertedAt == nil || got.DecidedAt == nil {
		t.Fatalf("proposal after the revert: %+v %v", got, err)
	}
	if s := sourceOf(t, tool.ID, p.ID); s != nil {
		t.Fatalf("the undone fact still cites the proposal: %+v", s)
	}
	if n, err := moderation.Approved(ctx, db, u.ID); err != nil || n != 0 {
		t.Fatalf("a reverted proposal still counts as approved: %d %v", n, err)
	}
	if _, err := moderation.Decide(ctx, db, mod, p.ID, true, ""); civiscope.ErrorCode(err) != civiscope.ECONFLICT {
		t.Fatalf("deciding a reverted proposal: %v", err)
	}
	// A change that came from no proposal reverts without naming one.
	cur = pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	cur.TaglineEN = "Curated"
	if err := directory.UpdateTool(ctx, db, cur, curator); err != nil {
		t.Fatal(err)
	}
	revs = pgtest.Must(directory.ListRevisions(ctx, db, directory.EntityTool, tool.ID, 1))(t)
	if done, err := moderation.Revert(ctx, db, mod, revs[0].ID, "test"); err != nil || done.Proposal != nil {
		t.Fatalf("revert of a curator's change: %+v %v", done, err)
	}
}

// A listing without a vendor gets one through a moderated proposal, after
// which its vendor can claim it.
func TestNameTheVendorOfAListing(t *testing.T) {
	ctx := context.Background()
	mod := newUser(t, account.RoleModerator)
	u := newUser(t, account.RoleContributor)
	tool := listedTool(t, fmt.Sprintf("orphan-%d", seq.Add(1)), "https://orphan.example", 0)
	_, err := moderation.NameVendor(ctx, db, u, tool.ID, "", "ftp://x", "")
	if f := fieldsOf(err); f["vendor_name"] == "" || f["vendor_website"] == "" {
		t.Fatalf("an empty name and a bad website: %v", err)
	}
	name := fmt.Sprintf("Orphan Makers %d", seq.Add(1))
	p, err := moderation.NameVendor(ctx, db, u, tool.ID, name, "https://orphan.example", "c'est nous")
	if err != nil || p.Status != moderation.StatusPending || p.Kind != moderation.KindToolEdit {
		t.Fatalf("vendor proposal: %+v %v", p, err)
	}
	if cur := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t); cur.VendorID != 0 {
		t.Fatal("the vendor is set before moderation")
	}
	if _, err := moderation.Decide(ctx, db, mod, p.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	cur := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	if cur.VendorID == 0 || cur.Vendor == nil || cur.Vendor.Name != name {
		t.Fatalf("after approval: vendor %d %+v", cur.VendorID, cur.Vendor)
	}
	if s := sourceOf(t, tool.ID, p.ID); s == nil || strings.Join(s.Fields, ",") != "vendor" {
		t.Fatalf("the vendor's source: %+v", s)
	}
	if _, err := moderation.NameVendor(ctx, db, u, tool.ID, "Someone Else", "", ""); civiscope.ErrorCode(err) != civiscope.ECONFLICT {
		t.Fatalf("naming a second vendor: %v", err)
	}
}

// Validation errors name their rule and its parameters, so that pages can
// say them in French; the English message stays for the API.
func TestErrorsNameTheirRule(t *testing.T) {
	ctx := context.Background()
	u := newUser(t, account.RoleContributor)
	d := draft("Rule Tool", "ftp://files.example/")
	d.TaglineFR = strings.Repeat("é", directory.MaxTaglineLen+1)
	d.Categories = nil
	_, err := moderation.ProposeTool(ctx, db, u, d)
	rules := map[string]civiscope.FieldError{}
	for _, f := range civiscope.ErrorFields(err) {
		rules[f.Field] = f
	}
	if f := rules["tagline_fr"]; f.Rule != "too_long" || f.Params["length"] != directory.MaxTaglineLen+1 || f.Params["max"] != directory.MaxTaglineLen ||
		!strings.Contains(f.Message, "too long") {
		t.Fatalf("tagline: %+v", f)
	}
	if f := rules["website"]; f.Rule != "url_scheme" || f.Params["scheme"] != "ftp:" {
		t.Fatalf("website: %+v", f)
	}
	if f := rules["categories"]; f.Rule != "choose_one" {
		t.Fatalf("categories: %+v", f)
	}
	cur := pgtest.Must(directory.GetToolByID(ctx, db, listedTool(t, fmt.Sprintf("same-%d", seq.Add(1)), "https://same.example", 0).ID))(t)
	_, err = moderation.ProposeEdit(ctx, db, u, cur.ID, cur, "")
	var e *civiscope.Error
	if civiscope.ErrorCode(err) != civiscope.EINVALID || !asError(err, &e) || e.Rule != "nothing_changed" {
		t.Fatalf("an edit that changes nothing: %v", err)
	}
}

func asError(err error, target **civiscope.Error) bool { return errors.As(err, target) }
