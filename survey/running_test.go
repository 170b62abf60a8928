package survey_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/survey"
)

// toolRows is the tools page naming Decidim, in use since 2018.
func toolRows(version int) survey.PageInput {
	in := page(version, map[string]string{"outils.0.outil": "decidim", "outils.0.outil_usages": "budget_participatif",
		"outils.0.outil_depuis": "2018", "outils.0.outil_evaluation": "non"})
	in.Rows = 1
	return in
}

// answerAll fills every required page of a response and submits it.
func answerAll(t *testing.T, tok, consent string) *survey.Session {
	t.Helper()
	ctx := context.Background()
	s, err := survey.Start(ctx, db, tok, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		n  int
		in func(int) survey.PageInput
	}{
		{0, func(v int) survey.PageInput { return page(v, firstPage) }},
		{1, func(v int) survey.PageInput { return page(v, map[string]string{"utilise_outils": "oui"}) }},
		{2, toolRows},
		{3, func(v int) survey.PageInput { return page(v, map[string]string{"opendata": "non"}) }},
		{6, func(v int) survey.PageInput { return page(v, map[string]string{"consentement": consent}) }},
	} {
		if s, err = survey.SavePage(ctx, db, tok, st.n, st.in(pv(s, st.n)), now); err != nil {
			t.Fatalf("page %d: %v", st.n, err)
		}
	}
	res, err := survey.Submit(ctx, db, tok, s.Response.Version, "fr", now)
	if err != nil {
		t.Fatal(err)
	}
	return res.Session
}

// TestPagesDoNotBlockEachOther: two agents on one link fill different
// pages from the same opened response and both saves go through; a third
// who opened a page someone saved since is refused, told what the other
// saved, and the stored answers stay the other's.
func TestPagesDoNotBlockEachOther(t *testing.T) {
	ctx := context.Background()
	tok := setup(t, 2042, "kind,code\ncommune,38185\n")["38185"]
	opened, err := survey.Start(ctx, db, tok, now)
	if err != nil {
		t.Fatal(err)
	}
	// Agents A (page 1) and B (page 2) both opened the response as it was.
	if _, err := survey.SavePage(ctx, db, tok, 0, page(pv(opened, 0), firstPage), now); err != nil {
		t.Fatalf("agent A: %v", err)
	}
	s, err := survey.SavePage(ctx, db, tok, 1, page(pv(opened, 1), map[string]string{"utilise_outils": "non", "raisons_absence": "cout"}), now)
	if err != nil {
		t.Fatalf("agent B, on another page, was blocked: %v", err)
	}
	if s.Response.Answers.Values["fonction_autre"].Value != "Chargée de mission" || s.Response.Answers.Values["utilise_outils"].Value != "non" {
		t.Errorf("one agent's page was lost: %+v", s.Response.Answers.Values)
	}
	// Agent C opened page 1 before A saved it and types something else.
	mine := map[string]string{"fonction": "dgs", "elu_delegue": "oui", "strategie": "non"}
	_, err = survey.SavePage(ctx, db, tok, 0, page(pv(opened, 0), mine), now)
	code(t, err, civiscope.ECONFLICT)
	var fonction *civiscope.FieldError
	for _, f := range civiscope.ErrorFields(err) {
		if f.Field == "fonction" {
			fonction = &f
		}
	}
	if fonction == nil || fonction.Rule != survey.RuleSavedMeanwhile || fonction.Params["saved"] != "autre" {
		t.Errorf("the conflict does not say what the other saved: %+v", civiscope.ErrorFields(err))
	}
	s, _ = survey.Start(ctx, db, tok, now)
	if s.Response.Answers.Values["fonction"].Value != "autre" || pv(s, 0) != 1 || pv(s, 1) != 1 {
		t.Errorf("the refused save changed something: %+v, pages %v", s.Response.Answers.Values, s.Response.Pages)
	}
	// Saving again with the page's current version is a deliberate choice.
	if _, err := survey.SavePage(ctx, db, tok, 0, page(pv(s, 0), mine), now); err != nil {
		t.Fatal(err)
	}
}

// TestResumePage: coming back, the respondent lands on the first page
// not done; a draft with a required answer missing is not done.
func TestResumePage(t *testing.T) {
	ctx := context.Background()
	tok := setup(t, 2043, "kind,code\ncommune,13055\n")["13055"]
	s, err := survey.Start(ctx, db, tok, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := survey.ResumePage(s.Form, s.Response); got != 0 {
		t.Errorf("fresh response resumes at %d", got)
	}
	s, _ = survey.SavePage(ctx, db, tok, 0, page(0, firstPage), now)
	s, _ = survey.SavePage(ctx, db, tok, 1, page(0, map[string]string{"utilise_outils": "oui"}), now)
	if got := survey.ResumePage(s.Form, s.Response); got != 2 {
		t.Errorf("resume at %d, want 2 (the tools page)", got)
	}
	draft := toolRows(0)
	delete(draft.Fields, "outils.0.outil_evaluation")
	draft.Intent = survey.SaveDraft
	if s, err = survey.SavePage(ctx, db, tok, 2, draft, now); err != nil {
		t.Fatal(err)
	}
	if got := survey.ResumePage(s.Form, s.Response); got != 2 {
		t.Errorf("a draft with a required answer missing counts as done (resume at %d)", got)
	}
	if s, err = survey.SavePage(ctx, db, tok, 2, toolRows(1), now); err != nil {
		t.Fatal(err)
	}
	if got := survey.ResumePage(s.Form, s.Response); got != 3 {
		t.Errorf("resume at %d, want 3", got)
	}
}

// TestReceiptStaysReadable: the receipt exists only once submitted, and
// stays readable after the edition closes, is published and the link
// expires.
func TestReceiptStaysReadable(t *testing.T) {
	ctx := context.Background()
	tok := setup(t, 2044, "kind,code\ncommune,33063\n")["33063"]
	if _, err := survey.Receipt(ctx, db, tok); !errors.Is(err, survey.ErrNotSubmitted) {
		t.Fatalf("receipt before anything: %v", err)
	}
	if _, err := survey.Start(ctx, db, tok, now); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.Receipt(ctx, db, tok); !errors.Is(err, survey.ErrNotSubmitted) {
		t.Fatalf("receipt of a draft: %v", err)
	}
	answerAll(t, tok, "non")
	for _, st := range []survey.Status{survey.Closed, survey.Published} {
		if _, err := survey.SetStatus(ctx, db, 2044, st); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `UPDATE survey_invitation SET expires_at = $1`, now.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	_, err := survey.Start(ctx, db, tok, now)
	code(t, err, civiscope.EFORBIDDEN)
	r, err := survey.Receipt(ctx, db, tok)
	if err != nil {
		t.Fatalf("receipt after close, publication and expiry: %v", err)
	}
	if !r.Response.SubmittedAt.Equal(now) || r.Invitation.Territory.Code != "33063" || r.Response.Answers.Values["fonction_autre"].Value != "Chargée de mission" {
		t.Errorf("receipt = %+v", r.Response)
	}
	_, err = survey.Receipt(ctx, db, strings.Repeat("A", 43))
	code(t, err, civiscope.EUNAUTHORIZED)
}

func count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPreviewWritesNothing walks the whole questionnaire through a staff
// preview: every page is checked as for a respondent, no row is written.
func TestPreviewWritesNothing(t *testing.T) {
	ctx := context.Background()
	setup(t, 2045, "kind,code\ncommune,31555\n")
	link, err := survey.IssuePreviewLink(ctx, db, 2045, "https://civiscope.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimPrefix(link, "https://civiscope.example.org/barometre/apercu/")
	responses, invitations := count(t, "survey_response"), count(t, "survey_invitation")

	s, err := survey.Preview(ctx, db, tok)
	if err != nil || !s.Preview {
		t.Fatalf("preview = %+v, %v", s, err)
	}
	a := s.Response.Answers
	_, err = survey.CheckPage(s.Form, a, 0, page(0, map[string]string{"fonction": "autre"}))
	code(t, err, civiscope.EINVALID)
	for _, st := range []struct {
		n  int
		in survey.PageInput
	}{
		{0, page(0, firstPage)}, {1, page(0, map[string]string{"utilise_outils": "oui"})}, {2, toolRows(0)},
		{3, page(0, map[string]string{"opendata": "non"})}, {6, page(0, map[string]string{"consentement": "oui"})},
	} {
		if a, err = survey.CheckPage(s.Form, a, st.n, st.in); err != nil {
			t.Fatalf("page %d: %v", st.n, err)
		}
	}
	if a.Repeats["outils"][0]["outil"].Value != "decidim" || a.Values["consentement"].Value != "oui" {
		t.Errorf("the preview lost answers: %+v", a)
	}
	if r, i := count(t, "survey_response"), count(t, "survey_invitation"); r != responses || i != invitations {
		t.Errorf("the preview wrote rows: responses %d → %d, invitations %d → %d", responses, r, invitations, i)
	}
	// A new link replaces the old one.
	if _, err := survey.IssuePreviewLink(ctx, db, 2045, "https://civiscope.example.org"); err != nil {
		t.Fatal(err)
	}
	_, err = survey.Preview(ctx, db, tok)
	code(t, err, civiscope.EUNAUTHORIZED)
}

// TestEvidenceOnlyAfterPublication: answers reach the directory only when
// the edition is published, only from respondents who consented, on the
// adoption the directory already has (never a second one), citing the
// edition's URL and licence and dated by the declaration.
func TestEvidenceOnlyAfterPublication(t *testing.T) {
	ctx := context.Background()
	tool := &directory.Tool{Slug: "decidim", Name: "Decidim", Categories: []string{"consultation"}}
	if err := directory.CreateTool(ctx, db, tool, directory.By{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	rennes, err := territory.Get(ctx, db, territory.Commune, "35238")
	if err != nil {
		t.Fatal(err)
	}
	known := &directory.Adoption{ToolID: tool.ID, TerritoryID: rennes.ID, InstanceURL: "https://fabriquecitoyenne.rennes.fr", Evidence: []directory.Evidence{{
		SourceKind: directory.SourcePublicCatalogue, SourceName: "test list", ObservedAt: now.AddDate(-1, 0, 0), Fingerprint: "rennes"}}}
	res, err := directory.UpsertAdoption(ctx, db, known, directory.By{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	toks := setup(t, 2046, "kind,code\ncommune,35238\ncommune,69123\ncommune,59350\n")
	answerAll(t, toks["35238"], "oui") // consents, already in the directory
	answerAll(t, toks["69123"], "non") // refuses publication
	answerAll(t, toks["59350"], "oui") // consents, new to the directory

	barometer := func() int {
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM evidence WHERE source_kind = 'barometer'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := barometer(); n != 0 {
		t.Fatalf("%d pieces of evidence before the edition is even closed", n)
	}
	if _, err := survey.SetStatus(ctx, db, 2046, survey.Closed); err != nil {
		t.Fatal(err)
	}
	pub := survey.Publication{URL: survey.EditionURL("https://civiscope.example.org/", 2046), Licence: "etalab-2.0", Evidence: survey.DirectoryEvidence{}}
	if _, err := survey.RecordEvidence(ctx, db, 2046, pub); civiscope.ErrorCode(err) != civiscope.ECONFLICT || barometer() != 0 {
		t.Fatalf("evidence recorded from a closed edition: %v", err)
	}
	_, n, err := survey.Publish(ctx, db, 2046, pub)
	if err != nil || n != 2 {
		t.Fatalf("publish: %d responses gave evidence, %v", n, err)
	}

	adoptions := func(code string) []directory.Adoption {
		tr, err := territory.Get(ctx, db, territory.Commune, code)
		if err != nil {
			t.Fatal(err)
		}
		page, err := directory.ListAdoptions(ctx, db, directory.AdoptionFilter{ToolID: tool.ID, TerritoryID: tr.ID})
		if err != nil {
			t.Fatal(err)
		}
		return page.Adoptions
	}
	got := adoptions("35238")
	if len(got) != 1 || got[0].ID != res.AdoptionID {
		t.Fatalf("Rennes has %d adoptions of Decidim, want its one adoption merged", len(got))
	}
	var ev *directory.Evidence
	for i := range got[0].Evidence {
		if got[0].Evidence[i].SourceKind == directory.SourceBarometer {
			ev = &got[0].Evidence[i]
		}
	}
	if ev == nil || ev.SourceURL != "https://civiscope.example.org/rapports/barometre/2046" || ev.SourceLicence != "etalab-2.0" ||
		ev.DateMeaning != directory.DateDeclaration || !ev.ObservedAt.Equal(now) {
		t.Errorf("barometer evidence = %+v", ev)
	}
	if got[0].Status != directory.StatusCurrent || got[0].StartedOn == nil || got[0].StartedOn.Year() != 2018 {
		t.Errorf("the merge did not learn what the answer states: %+v", got[0])
	}
	if got := adoptions("69123"); len(got) != 0 {
		t.Errorf("a respondent who refused publication is in the directory: %+v", got)
	}
	if got := adoptions("59350"); len(got) != 1 || len(got[0].Evidence) != 1 || got[0].Evidence[0].SourceURL == "" {
		t.Errorf("a consenting respondent new to the directory: %+v", got)
	}
	// Recording again adds nothing.
	before := barometer()
	if n, err := survey.RecordEvidence(ctx, db, 2046, pub); err != nil || n != 0 || barometer() != before {
		t.Errorf("second recording: %d, %v (%d → %d pieces)", n, err, before, barometer())
	}
}
