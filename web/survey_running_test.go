package web_test

import (
	"context"
	htmlstd "html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/survey"
)

var page1 = []string{"f:fonction", "autre", "f:elu_delegue", "oui", "f:strategie", "non",
	"shown", "fonction", "shown", "fonction_autre", "shown", "elu_delegue", "shown", "strategie"}

// TestSurveyConflictKeepsInput: two agents on one link save different
// pages without blocking each other; a third, on a page saved since they
// opened it, gets a clear message in their language and the page back as
// they typed it, never emptied.
func TestSurveyConflictKeepsInput(t *testing.T) {
	srv, tok := newSurvey(t, 2074, "35238")
	base := srv.URL + "/barometre/repondre/" + tok
	a := do(t, "GET", base+"/etape/1", nil)
	b := do(t, "GET", base+"/etape/2", nil)
	c := do(t, "GET", base+"/etape/1", nil)

	r := do(t, "POST", base+"/etape/1", form(append([]string{"version", version(t, a.body), "action", "continuer", "f:fonction_autre", "Chargée de mission"}, page1...)...))
	if r.status != 303 {
		t.Fatalf("agent A: %d %s", r.status, r.body)
	}
	r = do(t, "POST", base+"/etape/2", form("version", version(t, b.body), "action", "continuer", "f:utilise_outils", "non", "f:raisons_absence", "cout",
		"shown", "utilise_outils", "shown", "raisons_absence"))
	if r.status != 303 {
		t.Fatalf("agent B, on another page, was blocked: %d %s", r.status, r.body)
	}

	mine := "Responsable du numérique, texte tapé par C"
	post := form(append([]string{"version", version(t, c.body), "action", "continuer", "f:fonction_autre", mine}, page1...)...)
	r = do(t, "POST", base+"/etape/1", post)
	if r.status != 409 {
		t.Fatalf("agent C: %d", r.status)
	}
	body := htmlstd.UnescapeString(r.body)
	for _, want := range []string{
		">" + mine + "</textarea>",      // what C typed is still in the field
		"après que vous l'avez ouverte", // why
		"enregistré entre-temps par l'autre personne : « Chargée de mission »", // what the other saved, by the field
		`name="version" value="1"`, // saving again is possible
	} {
		if !strings.Contains(body, want) {
			t.Errorf("conflict page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`name="f:fonction" value="autre" checked`).MatchString(r.body) {
		t.Error("a choice C made was lost")
	}
	r = do(t, "POST", base+"/etape/1?lang=en", post)
	if body := htmlstd.UnescapeString(r.body); r.status != 409 || !strings.Contains(body, "Someone else with the same link saved this page") ||
		!strings.Contains(body, "saved meanwhile by the other person: “Chargée de mission”") || !strings.Contains(body, ">"+mine+"</textarea>") {
		t.Errorf("English conflict page: %d", r.status)
	}
	// The stored answers are still A's and B's.
	s, err := survey.Start(context.Background(), db, tok, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Response.Answers.Values; v["fonction_autre"].Value != "Chargée de mission" || v["utilise_outils"].Value != "non" {
		t.Errorf("stored = %+v", v)
	}
}

// TestSurveyResumeAndReceipt: reopening the link resumes at the first
// page not done; after submission it opens a receipt that stays readable
// once the edition is closed.
func TestSurveyResumeAndReceipt(t *testing.T) {
	srv, tok := newSurvey(t, 2075, "59350")
	base := srv.URL + "/barometre/repondre/" + tok
	p := do(t, "GET", base+"/etape/1", nil)
	do(t, "POST", base+"/etape/1", form(append([]string{"version", version(t, p.body), "action", "continuer", "f:fonction_autre", "DGS adjointe"}, page1...)...))
	r := do(t, "GET", base+"/", nil)
	if r.status != 303 || !strings.HasSuffix(r.location, "/etape/2?reprise=1") {
		t.Fatalf("reopening the link: %d %q", r.status, r.location)
	}
	if r = do(t, "GET", base+"/etape/2?reprise=1", nil); !strings.Contains(htmlstd.UnescapeString(r.body), "Vous reprenez à l'étape 2") {
		t.Error("the resumed page does not say so")
	}
	if r = do(t, "GET", base+"/?sommaire=1", nil); r.status != 200 || !strings.Contains(r.body, "Reprendre") {
		t.Errorf("the list of steps: %d", r.status)
	}
	if r = do(t, "GET", base+"/merci", nil); r.status != 303 || !strings.HasSuffix(r.location, "/relecture") {
		t.Errorf("receipt before submission: %d %q", r.status, r.location)
	}

	for n, fields := range map[string][]string{
		"2": {"f:utilise_outils", "non", "f:raisons_absence", "cout"},
		"4": {"f:opendata", "non"},
		"7": {"f:consentement", "non"},
	} {
		g := do(t, "GET", base+"/etape/"+n, nil)
		if r := do(t, "POST", base+"/etape/"+n, form(append([]string{"version", version(t, g.body), "action", "enregistrer"}, fields...)...)); r.status != 303 {
			t.Fatalf("page %s: %d %s", n, r.status, r.body)
		}
	}
	rev := do(t, "GET", base+"/relecture", nil)
	if r := do(t, "POST", base+"/transmettre", form("version", version(t, rev.body))); r.status != 303 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r = do(t, "GET", base+"/", nil); r.status != 303 || !strings.HasSuffix(r.location, "/merci") {
		t.Fatalf("the link after submission: %d %q", r.status, r.location)
	}
	if _, err := survey.SetStatus(context.Background(), db, 2075, survey.Closed); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []struct{ q, want string }{{"", "ont été transmises le"}, {"?lang=en", "were submitted on"}} {
		r = do(t, "GET", base+"/merci"+lang.q, nil)
		body := htmlstd.UnescapeString(r.body)
		if r.status != 200 || !strings.Contains(body, lang.want) || !strings.Contains(body, "DGS adjointe") {
			t.Errorf("receipt%s after closing: %d", lang.q, r.status)
		}
	}
	if r = do(t, "GET", base+"/etape/1", nil); r.status != 403 {
		t.Errorf("a page after closing: %d", r.status)
	}
}

// TestSurveyPreview walks the questionnaire through the staff preview,
// error page included, and checks that no row was written.
func TestSurveyPreview(t *testing.T) {
	srv, _ := newSurvey(t, 2076, "31555")
	ctx := context.Background()
	link, err := survey.IssuePreviewLink(ctx, db, 2076, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	rows := func() (n int) {
		if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM survey_response) + (SELECT count(*) FROM survey_invitation WHERE status <> 'invited')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := rows()
	if r := do(t, "GET", link+"/", nil); r.status != 200 || !strings.Contains(r.body, "rien de ce que vous saisissez n&#39;est enregistré") {
		t.Fatalf("preview start: %d %s", r.status, r.body)
	}
	state := regexp.MustCompile(`name="etat" value="([^"]*)"`)
	g := do(t, "GET", link+"/etape/1", nil)
	if g.status != 200 || !state.MatchString(g.body) || strings.Contains(g.body, `value="enregistrer"`) {
		t.Fatalf("preview page: %d", g.status)
	}
	// A required answer missing: the error page, as for a respondent.
	r := do(t, "POST", link+"/etape/1", form(append([]string{"version", "0", "action", "continuer", "etat", "{}"}, page1...)...))
	if r.status != 400 || !strings.Contains(r.body, `href="#q-fonction_autre"`) {
		t.Fatalf("preview error page: %d", r.status)
	}
	etat := func(body string) string {
		m := state.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no preview state in:\n%s", body)
		}
		return htmlstd.UnescapeString(m[1])
	}
	steps := []struct {
		n      string
		fields []string
	}{
		{"1", append([]string{"f:fonction_autre", "Chargée d'aperçu"}, page1...)},
		{"2", []string{"f:utilise_outils", "non", "f:raisons_absence", "cout", "shown", "utilise_outils", "shown", "raisons_absence"}},
		{"4", []string{"f:opendata", "non", "shown", "opendata"}},
		{"5", []string{"f:etp", "1"}},
		{"6", []string{"f:freins", "budget"}},
		{"7", []string{"f:consentement", "non"}},
	}
	st := etat(r.body)
	shown := regexp.MustCompile(`name="shown" value="([^"]+)"`)
	for i, s := range steps {
		post := form(append([]string{"version", "0", "action", "continuer", "etat", st}, s.fields...)...)
		for _, m := range shown.FindAllStringSubmatch(r.body, -1) {
			post.Add("shown", m[1]) // what the page showed, as a browser posts it
		}
		r = do(t, "POST", link+"/etape/"+s.n, post)
		if r.status != 200 {
			t.Fatalf("preview page %s: %d %s", s.n, r.status, r.body)
		}
		if i+1 < len(steps) {
			if !strings.Contains(r.body, `/etape/`+steps[i+1].n+`"`) {
				t.Fatalf("after page %s, not on page %s:\n%s", s.n, steps[i+1].n, r.body)
			}
			st = etat(r.body)
		}
	}
	body := htmlstd.UnescapeString(r.body)
	if !strings.Contains(body, "Fin de l'aperçu") || !strings.Contains(body, "Chargée d'aperçu") || strings.Contains(body, "Transmettre mes réponses") {
		t.Errorf("end of the preview:\n%s", body)
	}
	if after := rows(); after != before {
		t.Errorf("the preview wrote %d rows", after-before)
	}
	if r := do(t, "GET", srv.URL+"/barometre/apercu/"+strings.Repeat("A", 43)+"/", nil); r.status != 401 {
		t.Errorf("bad preview link: %d", r.status)
	}
}
