package survey_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/questionnaire"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "survey", territorytest.Template, &db) }

var now = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// setup imports the 2026 form once and creates an open edition for year
// with a frame of the given CSV, returning the tokens by INSEE code.
func setup(t *testing.T, year int, frameCSV string) map[string]string {
	t.Helper()
	ctx := context.Background()
	f := questionnaire.Barometre2026()
	f.Version = "t" + time.Now().Format("150405.000000000")
	if _, err := survey.ImportForm(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.CreateEdition(ctx, db, survey.NewEdition{Year: year, Title: "Baromètre test", OpensOn: date("2026-01-01"),
		ClosesOn: date("2026-06-30"), FormID: f.ID, Version: f.Version}); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.ImportFrameCSV(ctx, db, year, strings.NewReader(frameCSV)); err != nil {
		t.Fatal(err)
	}
	inv, err := survey.IssueInvitations(ctx, db, year, survey.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := survey.SetStatus(ctx, db, year, survey.Open); err != nil {
		t.Fatal(err)
	}
	toks := map[string]string{}
	for _, i := range inv {
		toks[i.Code] = i.Token
	}
	return toks
}

func code(t *testing.T, err error, want string) {
	t.Helper()
	if got := civiscope.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func TestFrameAndInvitations(t *testing.T) {
	ctx := context.Background()
	toks := setup(t, 2030, "kind,code,contact_name,contact_email\ncommune,69123,Service participation,participation@example.org\nregion,84,,\n")
	if len(toks) != 2 || len(toks["69123"]) != 43 {
		t.Fatalf("tokens = %v", toks)
	}
	// The token is stored hashed only.
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM survey_invitation WHERE token_hash = convert_to($1, 'UTF8')`, toks["69123"]).Scan(&n); err != nil || n != 0 {
		t.Fatalf("token stored in clear? n=%d err=%v", n, err)
	}
	inv, err := survey.OpenInvitation(ctx, db, toks["69123"], now)
	if err != nil || inv.Territory.Name != "Lyon" || inv.Edition.Year != 2030 {
		t.Fatalf("open = %+v, %v", inv, err)
	}
	// Tampered: one character changed, truncated, garbage.
	tampered := []byte(toks["69123"])
	tampered[5] ^= 1
	for _, bad := range []string{string(tampered), toks["69123"][:40], "../../etc/passwd", ""} {
		_, err := survey.OpenInvitation(ctx, db, bad, now)
		code(t, err, civiscope.EUNAUTHORIZED)
	}
	// Expired.
	_, err = survey.OpenInvitation(ctx, db, toks["69123"], date("2026-07-01"))
	code(t, err, civiscope.EFORBIDDEN)
	var ce *civiscope.Error
	if !errors.As(err, &ce) || ce.Rule != "survey_expired" || ce.Params["date"] != "2026-06-30" || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expiry: %v, want the survey_expired rule with its date", err)
	}
	// Issuing again creates nothing new; reissuing rotates the token.
	again, err := survey.IssueInvitations(ctx, db, 2030, survey.IssueOptions{})
	if err != nil || len(again) != 0 {
		t.Fatalf("second issue = %d, %v", len(again), err)
	}
	re, err := survey.IssueInvitations(ctx, db, 2030, survey.IssueOptions{Reissue: true})
	if err != nil || len(re) != 2 {
		t.Fatalf("reissue = %d, %v", len(re), err)
	}
	_, err = survey.OpenInvitation(ctx, db, toks["69123"], now)
	code(t, err, civiscope.EUNAUTHORIZED)

	// Export and re-read the frame with a real CSV reader.
	members, err := survey.Frame(ctx, db, 2030)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := survey.WriteFrameCSV(&buf, members); err != nil {
		t.Fatal(err)
	}
	// A contact file for French Excel: BOM, ";", CRLF; read back by Go's
	// CSV reader set the way Excel reads it, and by the frame import.
	raw := buf.String()
	if !strings.HasPrefix(raw, "\ufeffkind;code;name;") || !strings.Contains(raw, "\r\n") || strings.Count(raw, "\n") != strings.Count(raw, "\r\n") {
		t.Fatalf("not a French-Excel CSV: %q", raw)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff")))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil || len(recs) != 3 || recs[2][1] != "69123" || recs[2][6] != "participation@example.org" || recs[1][0] != "region" {
		t.Fatalf("frame csv = %v, %v", recs, err)
	}
	if n, err := survey.ImportFrameCSV(ctx, db, 2030, strings.NewReader(raw)); err != nil || n != 2 {
		t.Errorf("re-import of the exported frame = %d, %v", n, err)
	}
	rem, err := survey.Reminders(ctx, db, 2030)
	if err != nil || len(rem) != 2 {
		t.Fatalf("reminders = %d, %v", len(rem), err)
	}
}

func TestFrameImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	setup(t, 2031, "kind,code\ncommune,75056\n")
	_, err := survey.ImportFrameCSV(ctx, db, 2031, strings.NewReader("kind,code,contact_email\ncommune,13055,\ncommune,99999,\nepci,200046977,not-an-email\n"))
	code(t, err, civiscope.EINVALID)
	for _, want := range []string{"line 3", "line 4", "not an e-mail"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	m, _ := survey.Frame(ctx, db, 2031)
	if len(m) != 1 {
		t.Errorf("frame has %d members after a failed import, want 1", len(m))
	}
	_, err = survey.ImportFrameCSV(ctx, db, 2031, strings.NewReader("code\n75056\n"))
	code(t, err, civiscope.EINVALID)
}

func TestDrawDefaultFrame(t *testing.T) {
	ctx := context.Background()
	setup(t, 2032, "kind,code\n")
	n, err := survey.DrawFrame(ctx, db, 2032, survey.DefaultFrame())
	if err != nil {
		t.Fatal(err)
	}
	var communes int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM territory WHERE kind='commune' AND NOT historic AND population >= 3500 AND zone <> 'com'`).Scan(&communes); err != nil {
		t.Fatal(err)
	}
	// Each collectivité once: 101 départements minus Paris, the two Corse
	// départements, Martinique and Guyane (single collectivities) and
	// Haut-Rhin (the Collectivité européenne d'Alsace is drawn as 67); 18
	// régions minus Mayotte (drawn as its département); no COM, no
	// uninhabited territory.
	if communes < 3000 || n != communes+1255+11+95+17 {
		t.Errorf("frame = %d, want %d communes + 1255 EPCI + 11 EPT + 95 départements + 17 régions", n, communes)
	}
	var twice, com int
	if err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE (t.kind, t.code) IN (('departement', '75'), ('commune', '75056'), ('departement', '2A'), ('departement', '2B'), ('departement', '68'), ('departement', '972'), ('departement', '973'), ('region', '06'))),
			count(*) FILTER (WHERE t.zone = 'com' OR coalesce(t.population, 0) = 0)
		FROM survey_frame f JOIN territory t ON t.id = f.territory_id JOIN survey_edition e ON e.id = f.edition_id WHERE e.year = 2032`).Scan(&twice, &com); err != nil {
		t.Fatal(err)
	}
	if twice != 1 || com != 0 {
		t.Errorf("%d of Paris/Corse/Martinique/Guyane/Mayotte duplicates (want only the commune 75056), %d COM or uninhabited", twice, com)
	}
	var alsace int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM survey_frame f JOIN territory t ON t.id = f.territory_id JOIN survey_edition e ON e.id = f.edition_id
		WHERE e.year = 2032 AND t.kind = 'departement' AND t.code IN ('67', '68')`).Scan(&alsace); err != nil {
		t.Fatal(err)
	}
	if alsace != 1 {
		t.Errorf("the Collectivité européenne d'Alsace is invited %d times, want once (as the département 67)", alsace)
	}
	e, err := survey.GetEdition(ctx, db, 2032)
	if err != nil || !strings.Contains(e.FrameRule, "Clipperton") || !strings.Contains(e.FrameRule, "Ville de Paris") || !strings.Contains(e.FrameRule, "Collectivité européenne d'Alsace") {
		t.Errorf("the frame rule is not written in the edition: %q %v", e.FrameRule, err)
	}
	rates, err := survey.ResponseRates(ctx, db, 2032)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, r := range rates {
		if r.Dimension == "kind" {
			total += r.Frame
		}
	}
	if total != n {
		t.Errorf("rates by kind sum to %d, want %d", total, n)
	}
}

func page(version int, fields map[string]string) survey.PageInput {
	return survey.PageInput{Version: version, Fields: fields, Intent: survey.Continue, Lang: "fr"}
}

// pv is the version page n of the session's response has: what its form
// would carry.
func pv(s *survey.Session, n int) int { return s.Response.PageVersion(s.Form.Pages()[n]) }

var firstPage = map[string]string{"fonction": "autre", "fonction_autre": "Chargée de mission", "elu_delegue": "oui", "strategie": "non", "annee_strategie": "2020"}

func TestRespondentFlow(t *testing.T) {
	ctx := context.Background()
	tok := setup(t, 2033, "kind,code\ncommune,38185\n")["38185"]
	s, err := survey.Start(ctx, db, tok, now)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Response.Version

	// Relevance on the server: annee_strategie is not relevant (strategie
	// = non) and is dropped, not stored.
	p0 := pv(s, 0)
	s, err = survey.SavePage(ctx, db, tok, 0, page(p0, firstPage), now)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Response.Answers.Values["annee_strategie"]; ok {
		t.Error("an irrelevant answer was stored")
	}
	if s.Response.Answers.Values["fonction_autre"].Value != "Chargée de mission" || s.Response.Version != v+1 {
		t.Errorf("answers = %+v", s.Response.Answers.Values)
	}

	// A second agent with the old version is refused, with the values that
	// are now stored.
	stale := map[string]string{"fonction": "elu", "elu_delegue": "non", "strategie": "non"}
	_, err = survey.SavePage(ctx, db, tok, 0, page(p0, stale), now)
	code(t, err, civiscope.ECONFLICT)
	if !strings.Contains(err.Error(), "Chargée de mission") || !strings.Contains(err.Error(), "quelqu'un d'autre") {
		t.Errorf("conflict not explained: %v", err)
	}
	s, _ = survey.Start(ctx, db, tok, now)
	if s.Response.Answers.Values["fonction"].Value != "autre" {
		t.Error("the stale write overwrote the answer")
	}
	v = pv(s, 0)

	// Constraint and type errors, per field; nothing stored.
	_, err = survey.SavePage(ctx, db, tok, 0, page(v, map[string]string{"fonction": "dgs", "elu_delegue": "oui", "strategie": "oui", "annee_strategie": "1850"}), now)
	code(t, err, civiscope.EINVALID)
	if f := civiscope.ErrorFields(err); len(f) != 1 || f[0].Field != "annee_strategie" || !strings.Contains(f[0].Message, "entre 1990 et 2026") {
		t.Errorf("fields = %+v", f)
	}
	_, err = survey.SavePage(ctx, db, tok, 0, page(v, map[string]string{"fonction": "pape", "elu_delegue": "oui", "strategie": "oui"}), now)
	code(t, err, civiscope.EINVALID)
	// Required: Continue refuses, SaveDraft keeps what is there.
	_, err = survey.SavePage(ctx, db, tok, 0, page(v, map[string]string{"fonction": "dgs"}), now)
	code(t, err, civiscope.EINVALID)
	draft := page(v, map[string]string{"fonction": "dgs"})
	draft.Intent = survey.SaveDraft
	if s, err = survey.SavePage(ctx, db, tok, 0, draft, now); err != nil {
		t.Fatal(err)
	}
	// Don't know satisfies a required question and is kept apart.
	in := page(pv(s, 0), map[string]string{"fonction": "dgs", "strategie": "non"})
	in.Missing = map[string]survey.Missing{"elu_delegue": survey.DontKnow}
	if s, err = survey.SavePage(ctx, db, tok, 0, in, now); err != nil {
		t.Fatal(err)
	}

	// A 1 MB text is refused with a clear message; nothing stored.
	big := strings.Repeat("é", 1<<19)
	_, err = survey.SavePage(ctx, db, tok, 6, page(pv(s, 6), map[string]string{"consentement": "oui", "commentaire": big}), now)
	code(t, err, civiscope.EINVALID)
	if !strings.Contains(err.Error(), "5000 au plus") {
		t.Errorf("1 MB text: %v", err)
	}

	// Pages 1..6.
	for _, p := range []struct {
		n int
		f map[string]string
	}{
		{1, map[string]string{"utilise_outils": "oui"}},
		{3, map[string]string{"opendata": "non"}},
		{4, map[string]string{"etp": "1,5"}},
		{5, map[string]string{"freins": "budget autre", "freins_autre": "Les élections"}},
		{6, map[string]string{"consentement": "oui"}},
	} {
		if s, err = survey.SavePage(ctx, db, tok, p.n, page(pv(s, p.n), p.f), now); err != nil {
			t.Fatalf("page %d: %v", p.n, err)
		}
	}
	v = s.Response.Version
	if s.Response.Answers.Values["etp"].Value != "1.5" {
		t.Errorf("decimal comma not normalised: %q", s.Response.Answers.Values["etp"].Value)
	}

	// A repeat with 10,000 rows is refused before anything is built.
	huge := page(pv(s, 2), map[string]string{})
	huge.Rows = 10000
	_, err = survey.SavePage(ctx, db, tok, 2, huge, now)
	code(t, err, civiscope.EINVALID)

	// Submitting with the required tools page empty lists what to fix.
	_, err = survey.Submit(ctx, db, tok, v, "fr", now)
	code(t, err, civiscope.EINVALID)
	if f := civiscope.ErrorFields(err); len(f) != 1 || f[0].Field != "outils" {
		t.Errorf("fields = %+v", f)
	}

	rows := page(pv(s, 2), map[string]string{
		"outils.0.outil": "decidim", "outils.0.outil_usages": "consultation budget_participatif", "outils.0.outil_depuis": "2019", "outils.0.outil_evaluation": "non",
		"outils.1.outil": "autre", "outils.1.outil_autre": "Plateforme maison", "outils.1.outil_usages": "signalement", "outils.1.outil_evaluation": "interne",
		"outils.1.outil_evaluation_resultat": "Bonne participation",
	})
	rows.Rows = 2
	if s, err = survey.SavePage(ctx, db, tok, 2, rows, now); err != nil {
		t.Fatal(err)
	}
	res, err := survey.Submit(ctx, db, tok, s.Response.Version, "fr", now)
	if err != nil || res.Replayed || !res.Session.Response.Submitted() || !res.Session.Response.Publish {
		t.Fatalf("submit = %+v, %v", res, err)
	}
	// Replayed submit: same result, nothing changes.
	res2, err := survey.Submit(ctx, db, tok, s.Response.Version, "fr", now.Add(time.Hour))
	if err != nil || !res2.Replayed || !res2.Session.Response.SubmittedAt.Equal(*res.Session.Response.SubmittedAt) {
		t.Fatalf("replayed submit = %+v, %v", res2, err)
	}
	// Locked.
	_, err = survey.SavePage(ctx, db, tok, 6, page(pv(res2.Session, 6), map[string]string{"consentement": "non"}), now)
	code(t, err, civiscope.ECONFLICT)

	// Results keep missing values apart.
	set, err := survey.Results(ctx, db, 2033)
	if err != nil || len(set.Responses) != 1 {
		t.Fatalf("results = %+v, %v", set, err)
	}
	r := set.Responses[0]
	for name, want := range map[string]survey.Value{
		"elu_delegue":         {Missing: survey.DontKnow},
		"annee_strategie":     {Missing: survey.NotApplicable},
		"budget_participatif": {Missing: survey.NoAnswer},
		"fonction":            {Value: "dgs"},
	} {
		if r.Values[name] != want {
			t.Errorf("%s = %+v, want %+v", name, r.Values[name], want)
		}
	}
	if len(r.Repeats["outils"]) != 2 || r.Repeats["outils"][0]["outil_autre"].Missing != survey.NotApplicable {
		t.Errorf("repeat = %+v", r.Repeats["outils"])
	}
	rates, err := survey.ResponseRates(ctx, db, 2033)
	if err != nil || rates[0].Submitted != 1 || rates[0].ResponseRate() != 1 {
		t.Errorf("rates = %+v, %v", rates, err)
	}
}

func TestPrefillFromPreviousEdition(t *testing.T) {
	ctx := context.Background()
	tok := setup(t, 2034, "kind,code\ndepartement,38\n")["38"]
	s, err := survey.Start(ctx, db, tok, now)
	if err != nil {
		t.Fatal(err)
	}
	fill := map[int]map[string]string{
		0: {"fonction": "participation", "elu_delegue": "oui", "strategie": "oui", "annee_strategie": "2021"},
		1: {"utilise_outils": "non", "raisons_absence": "cout"},
		3: {"opendata": "oui", "opendata_portail": "data_gouv", "opendata_jeux": "40"},
		6: {"consentement": "non"},
	}
	for _, n := range []int{0, 1, 3, 6} {
		if s, err = survey.SavePage(ctx, db, tok, n, page(pv(s, n), fill[n]), now); err != nil {
			t.Fatalf("page %d: %v", n, err)
		}
	}
	v := s.Response.Version
	if _, err := survey.Submit(ctx, db, tok, v, "fr", now); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.SetStatus(ctx, db, 2034, survey.Closed); err != nil {
		t.Fatal(err)
	}
	_, err = survey.SavePage(ctx, db, tok, 0, page(v, fill[0]), now)
	code(t, err, civiscope.EFORBIDDEN)

	// The next edition: same collectivité, answers pre-filled by concept,
	// consent asked again.
	tok2 := setup(t, 2035, "kind,code\ndepartement,38\n")["38"]
	s2, err := survey.Start(ctx, db, tok2, now)
	if err != nil {
		t.Fatal(err)
	}
	a := s2.Response.Answers.Values
	if a["annee_strategie"].Value != "2021" || a["opendata_jeux"].Value != "40" || a["raisons_absence"].Value != "cout" || s2.Response.PrefilledFrom == nil {
		t.Errorf("prefill = %+v", a)
	}
	if _, ok := a["consentement"]; ok {
		t.Error("consent was carried over")
	}
}

func TestEditionRules(t *testing.T) {
	ctx := context.Background()
	setup(t, 2036, "kind,code\n")
	_, err := survey.SetStatus(ctx, db, 2036, survey.Published)
	code(t, err, civiscope.ECONFLICT)
	_, err = survey.CreateEdition(ctx, db, survey.NewEdition{Year: 2036, Title: "x", OpensOn: date("2026-01-01"), ClosesOn: date("2026-02-01"), FormID: "barometre"})
	code(t, err, civiscope.ECONFLICT)
	_, err = survey.CreateEdition(ctx, db, survey.NewEdition{Year: 1800, Title: "", OpensOn: date("2026-03-01"), ClosesOn: date("2026-02-01"), FormID: "barometre"})
	code(t, err, civiscope.EINVALID)
	if len(civiscope.ErrorFields(err)) != 3 {
		t.Errorf("fields = %+v", civiscope.ErrorFields(err))
	}
	_, _ = survey.ImportForm(ctx, db, questionnaire.Barometre2026())
	_, err = survey.ImportForm(ctx, db, questionnaire.Barometre2026())
	code(t, err, civiscope.ECONFLICT)
}

// TestConcurrentAgents has eight agents save the same page from the same
// version at once: exactly one wins, the others get a conflict, and
// concurrent submits lock once.
func TestConcurrentAgents(t *testing.T) {
	ctx := context.Background()
	tok := setup(t, 2038, "kind,code\nregion,75\n")["75"]
	s, err := survey.Start(ctx, db, tok, now)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Response.Version
	type result struct {
		fonction string
		err      error
	}
	fonctions := []string{"elu", "dgs", "participation", "numerique", "communication", "elu", "dgs", "participation"}
	res := make(chan result, len(fonctions))
	for _, f := range fonctions {
		go func(f string) {
			_, err := survey.SavePage(ctx, db, tok, 1, page(0, map[string]string{"utilise_outils": "non"}), now)
			if err == nil {
				_, err = survey.SavePage(ctx, db, tok, 0, page(0, map[string]string{"fonction": f, "elu_delegue": "oui", "strategie": "non"}), now)
			}
			res <- result{f, err}
		}(f)
	}
	wins, conflicts := 0, 0
	for range fonctions {
		r := <-res
		switch civiscope.ErrorCode(r.err) {
		case "":
			wins++
		case civiscope.ECONFLICT:
			conflicts++
		default:
			t.Errorf("unexpected error: %v", r.err)
		}
	}
	if wins != 1 || conflicts != len(fonctions)-1 {
		t.Fatalf("wins=%d conflicts=%d", wins, conflicts)
	}
	s, _ = survey.Start(ctx, db, tok, now)
	if s.Response.Version != v+2 {
		t.Errorf("version = %d, want %d: a losing write got through", s.Response.Version, v+2)
	}
	for _, p := range []struct {
		n int
		f map[string]string
	}{{3, map[string]string{"opendata": "non"}}, {6, map[string]string{"consentement": "non"}}} {
		if s, err = survey.SavePage(ctx, db, tok, p.n, page(pv(s, p.n), p.f), now); err != nil {
			t.Fatal(err)
		}
	}
	replays := make(chan bool, 4)
	for i := 0; i < 4; i++ {
		go func() {
			r, err := survey.Submit(ctx, db, tok, s.Response.Version, "fr", now)
			if err != nil {
				t.Errorf("submit: %v", err)
				replays <- true
				return
			}
			replays <- r.Replayed
		}()
	}
	first := 0
	for i := 0; i < 4; i++ {
		if !<-replays {
			first++
		}
	}
	if first != 1 {
		t.Errorf("%d submits were first, want exactly 1", first)
	}
}

func TestToolChoicesFromDirectory(t *testing.T) {
	ctx := context.Background()
	for _, tl := range []*directory.Tool{
		{Slug: "budget-test", Name: "Budget Test", Categories: []string{"participatory-budgeting"}},
		{Slug: "opendata-test", Name: "Portail Test", Categories: []string{"open-data"}},
	} {
		if err := directory.CreateTool(ctx, db, tl, directory.By{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	f := questionnaire.Barometre2026()
	n, err := survey.ToolChoicesFromDirectory(ctx, db, f)
	if err != nil {
		t.Fatal(err)
	}
	list := f.Choices["outil"]
	if n < 1 || f.Choice("outil", "budget-test") == nil || f.Choice("outil", "opendata-test") != nil || list[len(list)-1].Name != survey.OtherTool {
		t.Errorf("n=%d list=%+v", n, list)
	}
}

// TestChangeDates: the README's example run in December used to leave every
// link expired with no word; now the links follow the dates, and a past
// date is warned about.
func TestChangeDates(t *testing.T) {
	ctx := context.Background()
	setup(t, 2041, "kind,code\ncommune,38185\n")
	today := date("2026-12-03")
	warn, err := survey.SetDates(ctx, db, 2041, date("2026-12-01"), date("2027-02-28"), today)
	if err != nil {
		t.Fatal(err)
	}
	var exp time.Time
	if err := db.QueryRow(ctx, `SELECT i.expires_at FROM survey_invitation i JOIN survey_edition e ON e.id = i.edition_id WHERE e.year = 2041`).Scan(&exp); err != nil {
		t.Fatal(err)
	}
	if exp.UTC().Format(time.DateOnly) != "2027-02-28" {
		t.Errorf("the link expires on %s, want the new closing day", exp)
	}
	if !strings.Contains(strings.Join(warn, "\n"), "2026-12-01 is already past") {
		t.Errorf("no warning for an opening day in the past: %q", warn)
	}
	warn, err = survey.SetDates(ctx, db, 2041, date("2026-01-01"), date("2026-06-30"), today)
	if err != nil || !strings.Contains(strings.Join(warn, "\n"), "every invitation link is expired") {
		t.Errorf("closing day in the past: %q %v", warn, err)
	}
	if _, err := survey.SetDates(ctx, db, 2041, date("2027-02-01"), date("2027-01-01"), today); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Errorf("closing before opening: %v", err)
	}
	if err := survey.SetPolicy(ctx, db, 2041, 2, 5, 0.85); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Errorf("k = 2 is under the floor: %v", err)
	}
	if err := survey.SetPolicy(ctx, db, 2041, 7, 5, 0.8); err != nil {
		t.Fatal(err)
	}
	e, _ := survey.GetEdition(ctx, db, 2041)
	if e.DisclosureK != 7 || e.DisclosureDominance != 0.8 {
		t.Errorf("policy not stored: %+v", e)
	}
}
