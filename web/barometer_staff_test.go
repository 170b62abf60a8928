package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/questionnaire"
)

// newBarometerEdition creates an open edition for year whose frame is
// frameCSV, every member invited, then adds the members of laterCSV to the
// frame without inviting them. It returns the tokens by INSEE code.
func newBarometerEdition(t *testing.T, year int, frameCSV, laterCSV string) map[string]string {
	t.Helper()
	ctx := context.Background()
	f := questionnaire.Barometre2026()
	f.Version = "contrib" + time.Now().Format("150405.000000000")
	if _, err := survey.ImportForm(ctx, cdb, f); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.CreateEdition(ctx, cdb, survey.NewEdition{Year: year, Title: "Baromètre d’essai", OpensOn: time.Now().AddDate(0, -1, 0),
		ClosesOn: time.Now().AddDate(0, 1, 0), FormID: f.ID, Version: f.Version}); err != nil {
		t.Fatal(err)
	}
	if frameCSV == "" {
		return nil
	}
	if _, err := survey.ImportFrameCSV(ctx, cdb, year, strings.NewReader(frameCSV)); err != nil {
		t.Fatal(err)
	}
	inv, err := survey.IssueInvitations(ctx, cdb, year, survey.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if laterCSV != "" {
		if _, err := survey.ImportFrameCSV(ctx, cdb, year, strings.NewReader(laterCSV)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := survey.SetStatus(ctx, cdb, year, survey.Open); err != nil {
		t.Fatal(err)
	}
	toks := map[string]string{}
	for _, i := range inv {
		toks[i.Code] = i.Token
	}
	return toks
}

// answerAll fills the questionnaire for a collectivité that uses no tool
// and submits it, as the respondent flow does.
func answerAll(t *testing.T, token string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	s, err := survey.Start(ctx, cdb, token, now)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Response.Version
	for _, p := range []struct {
		n int
		f map[string]string
	}{
		{0, map[string]string{"fonction": "participation", "elu_delegue": "oui", "strategie": "non"}},
		{1, map[string]string{"utilise_outils": "non", "raisons_absence": "cout"}},
		{3, map[string]string{"opendata": "non"}},
		{6, map[string]string{"consentement": "non"}},
	} {
		s, err = survey.SavePage(ctx, cdb, token, p.n, survey.PageInput{Version: s.Response.PageVersion(s.Form.Pages()[p.n]), Fields: p.f, Intent: survey.Continue, Lang: "fr"}, now)
		if err != nil {
			t.Fatalf("page %d: %v", p.n, err)
		}
		v = s.Response.Version
	}
	if _, err := survey.Submit(ctx, cdb, token, v, "fr", now); err != nil {
		t.Fatal(err)
	}
}

// stratumRow reads one row of the staff tables: frame, invited, started,
// submitted and rate.
func stratumRow(t *testing.T, body, label string) []string {
	t.Helper()
	var cells []string
	parse(t, body).Find("tr").EachWithBreak(func(_ int, tr *goquery.Selection) bool {
		if strings.TrimSpace(tr.Find(`th[scope="row"]`).Text()) != label {
			return true
		}
		tr.Find("td.num").Each(func(_ int, td *goquery.Selection) { cells = append(cells, td.Text()) })
		return false
	})
	if cells == nil {
		t.Fatalf("no row %q in the page:\n%s", label, body)
	}
	return cells
}

func TestBarometerParticipationForStaff(t *testing.T) {
	t.Parallel()
	// Five large communes of Auvergne-Rhône-Alpes and the Isère, invited;
	// Marseille added to the frame afterwards and never invited.
	toks := newBarometerEdition(t, 2071,
		"kind,code\ncommune,38185\ncommune,69123\ncommune,63113\ncommune,42218\ncommune,74010\ndepartement,38\n",
		"kind,code\ncommune,13055\n")
	if len(toks) != 6 {
		t.Fatalf("%d invitations, want 6", len(toks))
	}
	answerAll(t, toks["38185"]) // Grenoble submits
	answerAll(t, toks["38"])    // so does the Isère
	if _, err := survey.Start(context.Background(), cdb, toks["69123"], time.Now()); err != nil {
		t.Fatal(err) // Lyon opens its response and stops there
	}
	newBarometerEdition(t, 2072, "", "") // an edition without a frame yet

	s := startSite(t, app.Deps{})
	const page = "/moderation/barometre/2071"

	// Logged out: the login page, which brings the visitor back.
	anon := s.visitor(t)
	for _, p := range []string{"/moderation/barometre", page} {
		if r := anon.get(p); !strings.Contains(r.URL, "/compte/connexion") || strings.Contains(r.Body, "Base de sondage") {
			t.Errorf("logged out on %s: ended on %s", p, r.URL)
		}
	}
	// A contributor: refused.
	v := s.visitor(t)
	v.signup(uniq("barocontrib") + "@example.org")
	for _, p := range []string{"/moderation/barometre", page} {
		if r := v.get(p); r.Status != 403 || strings.Contains(r.Body, "Base de sondage") {
			t.Errorf("contributor on %s: %d", p, r.Status)
		}
	}

	m := newModerator(t, s)
	if q := m.get("/moderation"); !strings.Contains(q.Body, `<a href="/moderation/barometre">Participation au baromètre</a>`) {
		t.Error("the moderation queue does not link to the barometer's participation")
	}
	idx := m.get("/moderation/barometre")
	if idx.Status != 200 || !strings.Contains(idx.Body, `<a href="/moderation/barometre/2071">2071</a>`) ||
		!strings.Contains(idx.Body, `<a href="/moderation/barometre/2072">2072</a>`) {
		t.Fatalf("editions: %d\n%s", idx.Status, idx.Body)
	}

	p := m.get(page)
	if p.Status != 200 {
		t.Fatalf("participation: %d\n%s", p.Status, p.Body)
	}
	if !strings.Contains(p.Body, "Données confidentielles, réservées à l’équipe de l’observatoire") {
		t.Error("the page is not labelled as confidential")
	}
	if strings.Contains(p.Body, "[contrib.") {
		t.Error("a message key is missing from the catalogue")
	}
	if want := "Réponses transmises : 2 sur 7 collectivités de la base de sondage (28,6\u00a0%) ; invitées : 6, commencées : 3."; !strings.Contains(p.Body, want) {
		t.Errorf("total: want %q in\n%s", want, p.Body)
	}
	for _, want := range []string{"<caption>Par type de collectivité (confidentiel)</caption>",
		"<caption>Par tranche de population (confidentiel)</caption>", "<caption>Par région (confidentiel)</caption>",
		`<th scope="col" class="num">Invitées</th>`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("missing %q", want)
		}
	}
	// The raw counts, small groups included: no disclosure control here.
	for label, want := range map[string][]string{
		"Communes":     {"6", "5", "2", "1", "16,7\u00a0%"},
		"Départements": {"1", "1", "1", "1", "100,0\u00a0%"},
		// Population bands of the one scheme, each kind among its own kind.
		"communes de 100\u202f000 hab. et plus":            {"6", "5", "2", "1", "16,7\u00a0%"},
		"départements de 1\u202f000\u202f000 hab. et plus": {"1", "1", "1", "1", "100,0\u00a0%"},
		"Auvergne-Rhône-Alpes":                             {"6", "6", "3", "2", "33,3\u00a0%"},
	} {
		if got := stratumRow(t, p.Body, label); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: %v, want %v", label, got, want)
		}
	}
	if got := stratumRow(t, p.Body, "Total"); strings.Join(got, "|") != "7|6|3|2|28,6\u00a0%" {
		t.Errorf("total row: %v", got)
	}

	en := m.get(page + "?lang=en")
	if !strings.Contains(en.Body, "Confidential data, for the observatory&#39;s staff only") {
		t.Errorf("English page not labelled confidential:\n%s", en.Body)
	}
	if got := stratumRow(t, en.Body, "Municipalities"); strings.Join(got, "|") != "6|5|2|1|16.7%" {
		t.Errorf("English communes row: %v", got)
	}

	empty := m.get("/moderation/barometre/2072")
	if empty.Status != 200 || !strings.Contains(empty.Body, "La base de sondage de cette édition est vide") ||
		!strings.Contains(empty.Body, "civiscope survey frame draw 2072") || strings.Contains(empty.Body, "<table") {
		t.Errorf("edition without a frame: %d\n%s", empty.Status, empty.Body)
	}

	for _, p := range []string{"/moderation/barometre/1999", "/moderation/barometre/deux-mille"} {
		if r := m.get(p); r.Status != 404 {
			t.Errorf("%s: %d, want 404", p, r.Status)
		}
	}
}
