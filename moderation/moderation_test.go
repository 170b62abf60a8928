package moderation_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "moderation", territorytest.Template, &db) }

var seq atomic.Int64

func newUser(t *testing.T, role account.Role) *account.User {
	t.Helper()
	u, err := account.Create(context.Background(), db, account.NewUser{
		Email: fmt.Sprintf("u%d-%d@example.org", seq.Add(1), time.Now().UnixNano()), Password: "long enough password", Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var curator = directory.By{Actor: "curator:test", Source: "moderation_test.go"}

func listedTool(t *testing.T, slug, website string, vendorID int64) *directory.Tool {
	t.Helper()
	tool := &directory.Tool{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], TaglineFR: "Un outil",
		Categories: []string{"consultation"}, Website: website, VendorID: vendorID,
		Sources: []directory.Source{{Kind: directory.SourceCurator, Name: "test"}}}
	if err := directory.CreateTool(context.Background(), db, tool, curator); err != nil {
		t.Fatal(err)
	}
	return tool
}

func draft(name, site string) moderation.ToolDraft {
	return moderation.ToolDraft{Name: name, Website: site, TaglineFR: "Consulter les habitants",
		Categories: []string{"consultation"}, VendorName: name + " SAS", VendorWebsite: site}
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	for _, f := range civiscope.ErrorFields(err) {
		out[f.Field] = f.Message
	}
	return out
}

func TestProposeToolValidatesLikeTheDirectory(t *testing.T) {
	ctx := context.Background()
	u := newUser(t, account.RoleContributor)
	d := draft("Bad", "javascript:alert(1)")
	d.TaglineFR = strings.Repeat("x", directory.MaxTaglineLen+1)
	d.Categories = nil
	d.SourceRepo = "ftp://example.org/x"
	_, err := moderation.ProposeTool(ctx, db, u, d)
	f := fieldsOf(err)
	for _, want := range []string{"website", "tagline_fr", "categories", "source_repo"} {
		if f[want] == "" {
			t.Errorf("no error for %s (got %v)", want, err)
		}
	}
	if !strings.Contains(f["tagline_fr"], "too long") {
		t.Errorf("oversize message: %q", f["tagline_fr"])
	}
	var n int
	pgtest.QueryRow(t, db, `SELECT count(*) FROM proposal WHERE submitter_id = $1`, u.ID).Scan(&n)
	if n != 0 {
		t.Fatalf("an invalid proposal was stored")
	}
}

func TestDuplicatesAreSuggested(t *testing.T) {
	ctx := context.Background()
	existing := listedTool(t, "concertoville", "https://www.concertoville.example/", 0)
	u := newUser(t, account.RoleContributor)
	for _, c := range []struct{ name, site, reason string }{
		{"Concerto-Ville", "https://other.example", "name"},
		{"Totally different", "http://concertoville.example/produit", "domain"},
	} {
		_, err := moderation.ProposeTool(ctx, db, u, draft(c.name, c.site))
		var dup *moderation.DuplicateError
		if civiscope.ErrorCode(err) != civiscope.ECONFLICT || !errors.As(err, &dup) {
			t.Fatalf("%s: want a duplicate conflict, got %v", c.name, err)
		}
		if len(dup.Matches) != 1 || dup.Matches[0].ToolID != existing.ID || dup.Matches[0].Reason != c.reason {
			t.Fatalf("%s: matches %+v", c.name, dup.Matches)
		}
	}
	d := draft("Concerto Ville", "https://other.example")
	d.NotDuplicate = true
	p, err := moderation.ProposeTool(ctx, db, u, d)
	if err != nil || !strings.Contains(moderation.Text(p.Payload["possible_duplicates"]), "concertoville") {
		t.Fatalf("confirmed different tool must be queued with the suspicion noted: %+v %v", p, err)
	}
	// A pending proposal is a duplicate candidate too.
	_, err = moderation.ProposeTool(ctx, db, newUser(t, account.RoleContributor), draft("Brand new thing", "https://brandnew.example"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = moderation.ProposeTool(ctx, db, u, draft("Brand New Thing", "https://elsewhere.example"))
	var dup *moderation.DuplicateError
	if !errors.As(err, &dup) || dup.Matches[0].ProposalID == 0 {
		t.Fatalf("pending proposal not suggested: %v", err)
	}
}

func TestNewToolApprovedThroughDirectory(t *testing.T) {
	ctx := context.Background()
	u := newUser(t, account.RoleContributor)
	mod := newUser(t, account.RoleModerator)
	p, err := moderation.ProposeTool(ctx, db, u, draft("Agora Test", "https://agora-test.example"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != moderation.StatusPending {
		t.Fatalf("new tool must wait for a moderator, status %s", p.Status)
	}
	if _, err := moderation.Decide(ctx, db, u, p.ID, true, ""); civiscope.ErrorCode(err) != civiscope.EFORBIDDEN {
		t.Fatalf("a contributor approving: %v", err)
	}
	if _, err := directory.GetTool(ctx, db, "agora-test"); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Fatalf("the tool is public before approval: %v", err)
	}
	got, err := moderation.Decide(ctx, db, mod, p.ID, true, "checked the website")
	if err != nil {
		t.Fatal(err)
	}
	tool, err := directory.GetTool(ctx, db, "agora-test")
	if err != nil || got.EntityID != tool.ID || tool.Vendor == nil || tool.Vendor.Name != "Agora Test SAS" {
		t.Fatalf("approved tool: %+v %v (proposal %+v)", tool, err, got)
	}
	if len(tool.Sources) != 1 || tool.Sources[0].Kind != directory.SourceContributor {
		t.Errorf("the listing must cite the proposal as its source: %+v", tool.Sources)
	}
	revs := pgtest.Must(directory.ListRevisions(ctx, db, directory.EntityTool, tool.ID, 10))(t)
	if len(revs) != 1 || revs[0].Actor != u.Actor() || !strings.Contains(revs[0].Source, fmt.Sprintf("proposal #%d", p.ID)) || !strings.Contains(revs[0].Source, mod.Actor()) {
		t.Fatalf("revision must name the submitter, the proposal and the moderator: %+v", revs)
	}
	if _, err := moderation.Decide(ctx, db, mod, p.ID, false, "changed my mind"); civiscope.ErrorCode(err) != civiscope.ECONFLICT {
		t.Fatalf("deciding twice: %v", err)
	}
	log := pgtest.Must(moderation.AuditLog(ctx, db, 50, 0))(t)
	found := false
	for _, e := range log {
		if e.ProposalID == p.ID && e.Action == "approve" && e.ActorID == mod.ID && e.Reason == "checked the website" {
			found = true
		}
	}
	if !found {
		t.Fatalf("decision missing from the audit log: %+v", log)
	}
	if _, err := db.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Fatal("the audit log must be append-only")
	}
}

func TestRejectNeedsReasonAndSubmitterSeesIt(t *testing.T) {
	ctx := context.Background()
	u := newUser(t, account.RoleContributor)
	mod := newUser(t, account.RoleModerator)
	p, err := moderation.ProposeTool(ctx, db, u, draft("Spammy Tool", "https://spammy.example"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := moderation.Decide(ctx, db, mod, p.ID, false, "  "); fieldsOf(err)["reason"] == "" {
		t.Fatalf("reject without reason: %v", err)
	}
	if _, err := moderation.Decide(ctx, db, mod, p.ID, false, "not a civic tech tool"); err != nil {
		t.Fatal(err)
	}
	mine, err := moderation.BySubmitter(ctx, db, u.ID, 10)
	if err != nil || len(mine) != 1 || mine[0].Status != moderation.StatusRejected || mine[0].Reason != "not a civic tech tool" {
		t.Fatalf("submitter's view: %+v %v", mine, err)
	}
}

func TestEditsAndVerifiedVendors(t *testing.T) {
	ctx := context.Background()
	v := &directory.Vendor{Slug: fmt.Sprintf("vendor-%d", seq.Add(1)), Name: "Vendor"}
	if err := directory.CreateVendor(ctx, db, v, curator); err != nil {
		t.Fatal(err)
	}
	tool := listedTool(t, fmt.Sprintf("edited-%d", seq.Add(1)), "https://edited.example", v.ID)
	vendorUser := newUser(t, account.RoleContributor)
	mod := newUser(t, account.RoleModerator)
	if err := account.GrantVendor(ctx, db, vendorUser.ID, v.ID, "meta", "edited.example"); err != nil {
		t.Fatal(err)
	}
	edit := func(change func(*directory.Tool)) *moderation.Proposal {
		t.Helper()
		cur := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
		change(cur)
		p, err := moderation.ProposeEdit(ctx, db, vendorUser, tool.ID, cur, "")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A new account's first contributions wait, even from a verified vendor.
	for i := 0; i < moderation.TrustedAfter; i++ {
		p := edit(func(x *directory.Tool) { x.TaglineFR = fmt.Sprintf("Version %d", i) })
		if p.Status != moderation.StatusPending || p.Base["tagline_fr"] == nil {
			t.Fatalf("edit %d of a new account: %+v", i, p)
		}
		if _, err := moderation.Decide(ctx, db, mod, p.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	cur := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	if cur.TaglineFR != fmt.Sprintf("Version %d", moderation.TrustedAfter-1) {
		t.Fatalf("approved edits not applied: %q", cur.TaglineFR)
	}
	// Now trusted: descriptive edits publish at once and stay reviewable.
	p := edit(func(x *directory.Tool) { x.DescriptionFR = "Publié directement" })
	if p.Status != moderation.StatusPublished {
		t.Fatalf("trusted vendor's descriptive edit: status %s", p.Status)
	}
	cur = pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	if cur.DescriptionFR != "Publié directement" {
		t.Fatal("published edit not applied")
	}
	queue, _, err := moderation.Queue(ctx, db, moderation.QueueFilter{Status: moderation.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) == 0 || queue[0].ID != p.ID {
		t.Fatalf("published edit not in the review queue: %+v", queue)
	}
	// The lifecycle is relied on by others: always moderated.
	lc := edit(func(x *directory.Tool) { x.Lifecycle = directory.LifecycleDefunct })
	if lc.Status != moderation.StatusPending {
		t.Fatalf("lifecycle edit must be moderated, status %s", lc.Status)
	}
	// Rejecting the published edit reverts it, as a new revision.
	if _, err := moderation.Decide(ctx, db, mod, p.ID, false, "marketing copy"); err != nil {
		t.Fatal(err)
	}
	cur = pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	if cur.DescriptionFR != "" {
		t.Fatalf("rejected published edit still shown: %q", cur.DescriptionFR)
	}
	// Someone who is not a member of the vendor is always moderated.
	other := newUser(t, account.RoleContributor)
	cur.TaglineEN = "A tool"
	q, err := moderation.ProposeEdit(ctx, db, other, tool.ID, cur, "")
	if err != nil || q.Status != moderation.StatusPending {
		t.Fatalf("stranger's edit: %+v %v", q, err)
	}
	if _, err := moderation.ProposeEdit(ctx, db, other, tool.ID, cur, ""); err != nil {
		t.Fatal(err) // same change again is still a proposal: the first is not applied yet
	}
	same := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	if _, err := moderation.ProposeEdit(ctx, db, other, tool.ID, same, ""); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("an edit that changes nothing: %v", err)
	}
}

func TestAdoptionDeclarationAndCrawlerFinding(t *testing.T) {
	ctx := context.Background()
	tool := listedTool(t, fmt.Sprintf("adopted-%d", seq.Add(1)), "https://adopted.example", 0)
	var tid int64
	if err := db.QueryRow(ctx, `SELECT id FROM territory WHERE kind = 'commune' AND code = '69123'`).Scan(&tid); err != nil {
		t.Fatal(err)
	}
	agent := newUser(t, account.RoleContributor)
	mod := newUser(t, account.RoleModerator)
	_, err := moderation.DeclareAdoption(ctx, db, agent, moderation.AdoptionDraft{ToolID: tool.ID, TerritoryID: tid,
		InstanceURL: "data:text/html,hi", Since: "2099-01"})
	if f := fieldsOf(err); f["instance_url"] == "" || f["since"] == "" {
		t.Fatalf("bad URL and future month: %v", err)
	}
	p, err := moderation.DeclareAdoption(ctx, db, agent, moderation.AdoptionDraft{ToolID: tool.ID, TerritoryID: tid,
		InstanceURL: "https://participer.lyon.example/", Since: "2021-03", Note: "Budget participatif"})
	if err != nil || p.Status != moderation.StatusPending || p.Payload["territory"] != "Lyon" {
		t.Fatalf("declaration: %+v %v", p, err)
	}
	got, err := moderation.Decide(ctx, db, mod, p.ID, true, "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := directory.GetAdoption(ctx, db, got.EntityID)
	if err != nil || a.ToolID != tool.ID || a.TerritoryID != tid || a.StartedOn == nil || a.StartedOn.Format("2006-01") != "2021-03" || len(a.Evidence) != 1 {
		t.Fatalf("adoption: %+v %v", a, err)
	}
	// The crawler's unsure finding.
	f := moderation.Finding{Adoption: directory.Adoption{ToolID: tool.ID, TerritoryID: tid, InstanceURL: "https://autre.lyon.example",
		Status: directory.StatusCurrent, Confidence: 0.4, Evidence: []directory.Evidence{{SourceKind: directory.SourceCrawler,
			SourceName: "crawler", SourceURL: "https://autre.lyon.example", ObservedAt: time.Now().Add(-time.Hour), Fingerprint: "sha:abc"}}}}
	fp, created, err := moderation.SubmitFinding(ctx, db, f)
	if err != nil || !created || fp.Kind != moderation.KindCrawlerFinding || fp.Confidence == nil || *fp.Confidence < 0.39 {
		t.Fatalf("finding: %+v %v", fp, err)
	}
	again, created, err := moderation.SubmitFinding(ctx, db, f)
	if err != nil || created || again.ID != fp.ID {
		t.Fatalf("the same finding must not be queued twice: %+v %v", again, err)
	}
	if _, err := moderation.Decide(ctx, db, mod, fp.ID, true, "seen the page"); err != nil {
		t.Fatal(err)
	}
	var n int
	var conf float64
	if err := db.QueryRow(ctx, `SELECT count(*), max(confidence) FILTER (WHERE instance_key = 'autre.lyon.example')
		FROM adoption WHERE tool_id = $1`, tool.ID).Scan(&n, &conf); err != nil || n != 2 || conf < 0.89 {
		t.Fatalf("after approving the finding: %d adoptions, confidence %v, %v", n, conf, err)
	}
}

func TestRateLimitPerAccount(t *testing.T) {
	ctx := context.Background()
	u := newUser(t, account.RoleContributor)
	for i := 0; i < moderation.MaxPerHour; i++ {
		if _, err := moderation.ProposeTool(ctx, db, u, draft(fmt.Sprintf("Flood %d", i), fmt.Sprintf("https://flood%d.example", i))); err != nil {
			t.Fatal(err)
		}
	}
	_, err := moderation.ProposeTool(ctx, db, u, draft("Flood more", "https://floodmore.example"))
	wait, ok := account.RetryAfter(err)
	if !ok || wait <= 0 || wait > time.Hour {
		t.Fatalf("past %d proposals in an hour: want a wait under an hour, got %v (%v)", moderation.MaxPerHour, err, wait)
	}
	if _, err := moderation.ProposeTool(ctx, db, newUser(t, account.RoleContributor), draft("Other person", "https://otherperson.example")); err != nil {
		t.Fatalf("the limit is per account: %v", err)
	}
}

func TestRevertIsANewRevision(t *testing.T) {
	ctx := context.Background()
	tool := listedTool(t, fmt.Sprintf("reverted-%d", seq.Add(1)), "https://reverted.example", 0)
	mod := newUser(t, account.RoleModerator)
	cur := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	cur.TaglineFR = "<script>alert('vandal')</script>"
	if err := directory.UpdateTool(ctx, db, cur, directory.By{Actor: "user:999999"}); err != nil {
		t.Fatal(err)
	}
	revs := pgtest.Must(directory.ListRevisions(ctx, db, directory.EntityTool, tool.ID, 10))(t)
	vandal := revs[0]
	if _, err := moderation.Revert(ctx, db, newUser(t, account.RoleContributor), vandal.ID, "x"); civiscope.ErrorCode(err) != civiscope.EFORBIDDEN {
		t.Fatalf("contributor reverting: %v", err)
	}
	if _, err := moderation.Revert(ctx, db, mod, revs[len(revs)-1].ID, "x"); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("reverting a creation: %v", err)
	}
	r, err := moderation.Revert(ctx, db, mod, vandal.ID, "vandalism")
	if err != nil {
		t.Fatal(err)
	}
	after := pgtest.Must(directory.GetToolByID(ctx, db, tool.ID))(t)
	if after.TaglineFR != "Un outil" || r.Actor != mod.Actor() || !strings.Contains(r.Source, fmt.Sprintf("revision #%d", vandal.ID)) {
		t.Fatalf("after revert: tagline %q, revision %+v", after.TaglineFR, r)
	}
	if n := pgtest.Must(directory.ListRevisions(ctx, db, directory.EntityTool, tool.ID, 10))(t); len(n) != 3 {
		t.Fatalf("want create, vandalism, revert: %d revisions", len(n))
	}
	// Reverting again conflicts: the field no longer holds the reverted value.
	if _, err := moderation.Revert(ctx, db, mod, vandal.ID, "again"); civiscope.ErrorCode(err) != civiscope.ECONFLICT {
		t.Fatalf("double revert: %v", err)
	}
}

func TestDeletedSubmitterKeepsContributions(t *testing.T) {
	ctx := context.Background()
	u := newUser(t, account.RoleContributor)
	mod := newUser(t, account.RoleModerator)
	p, err := moderation.ProposeTool(ctx, db, u, draft("Gdpr Tool", "https://gdpr-tool.example"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := moderation.Decide(ctx, db, mod, p.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if err := account.Delete(ctx, db, u.ID); err != nil {
		t.Fatal(err)
	}
	got, err := moderation.Get(ctx, db, p.ID)
	if err != nil || got.SubmitterID != u.ID || got.Status != moderation.StatusApproved {
		t.Fatalf("proposal after deletion: %+v %v", got, err)
	}
	names := pgtest.Must(account.Names(ctx, db, []int64{u.ID}))(t)
	if names[u.ID] != "deleted user" {
		t.Fatalf("name of the deleted submitter: %q", names[u.ID])
	}
	if _, err := directory.GetTool(ctx, db, "gdpr-tool"); err != nil {
		t.Fatalf("the contribution must stay: %v", err)
	}
}
