package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/civiscope/civiscope/app"
)

// stored counts what a response or its publication would leave behind:
// responses, started invitations, adoptions, evidence and revisions.
func stored(t *testing.T) (n int) {
	t.Helper()
	if err := cdb.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM survey_response)
		+ (SELECT count(*) FROM survey_invitation WHERE status <> 'invited')
		+ (SELECT count(*) FROM adoption) + (SELECT count(*) FROM evidence) + (SELECT count(*) FROM revision)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// previewForm is what the preview page's form would post: its hidden
// fields (state, CSRF, the questions shown) plus the answers given.
func previewForm(t *testing.T, body string, answers ...string) (action string, v url.Values) {
	t.Helper()
	doc := parse(t, body)
	f := doc.Find("main form[method=post]")
	if f.Length() != 1 {
		t.Fatalf("no form on the preview page:\n%s", body)
	}
	v = url.Values{"action": {"continuer"}}
	f.Find(`input[type=hidden]`).Each(func(_ int, in *goquery.Selection) {
		v.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	for i := 0; i+1 < len(answers); i += 2 {
		v.Set(answers[i], answers[i+1])
	}
	return f.AttrOr("action", ""), v
}

// TestStaffPreviewFromSession: a moderator opens an edition's preview from
// the list of editions, with no CLI link, walks the whole questionnaire in
// French and a page in English, and nothing is stored. Visitors and
// contributors are refused with a page that says why.
// Not parallel: it counts rows of the whole database.
func TestStaffPreviewFromSession(t *testing.T) {
	newBarometerEdition(t, 2081, "kind,code\ncommune,35238\n", "")
	newBarometerEdition(t, 2082, "", "") // a draft: staff check it before it opens
	s := startSite(t, app.Deps{})
	const start = "/moderation/barometre/2081/apercu/"
	before := stored(t)

	anon := s.visitor(t)
	if r := anon.get(start); r.Status != 200 || !strings.Contains(r.URL, "/compte/connexion") || strings.Contains(r.Body, "Aperçu pour l") ||
		!strings.Contains(r.Body, "Connectez-vous pour ouvrir la page demandée") {
		t.Errorf("logged out: %d on %s", r.Status, r.URL)
	}
	if r := anon.post("/moderation/barometre/2081/apercu/etape/1", url.Values{"version": {"0"}}); r.Status >= 500 || strings.Contains(r.Body, "Aperçu pour l") {
		t.Errorf("logged-out post: %d on %s", r.Status, r.URL)
	}
	contributor := s.visitor(t)
	contributor.signup(uniq("previewcontrib") + "@example.org")
	for _, lang := range []struct{ q, want string }{{"", "Cette page est réservée aux modérateurs et aux administrateurs"}, {"?lang=en", "This page is for the observatory&#39;s moderators and administrators only"}} {
		r := contributor.get(start + lang.q)
		if r.Status != 403 || !strings.Contains(r.Body, lang.want) || strings.Contains(r.Body, `name="etat"`) {
			t.Errorf("contributor%s: %d\n%s", lang.q, r.Status, r.Body)
		}
	}
	if r := contributor.post("/moderation/barometre/2081/apercu/etape/1", url.Values{"version": {"0"}}); r.Status != 403 {
		t.Errorf("contributor's post: %d", r.Status)
	}

	m := newModerator(t, s)
	for _, lang := range []struct{ q, label string }{{"", "Prévisualiser le questionnaire"}, {"?lang=en", "Preview the questionnaire"}} {
		idx := parse(t, m.get("/moderation/barometre"+lang.q).Body)
		for _, year := range []string{"2081", "2082"} {
			row := idx.Find(`tr:has(th a[href="/moderation/barometre/` + year + `"])`)
			a := row.Find(`a[href="/moderation/barometre/` + year + `/apercu/"]`)
			if a.Length() != 1 || !strings.HasPrefix(a.Text(), lang.label) || !strings.Contains(a.Text(), year) {
				t.Errorf("editions%s: no preview link for %s in %q", lang.q, year, row.Text())
			}
		}
	}
	if p := m.get("/moderation/barometre/2081"); !strings.Contains(p.Body, `<a href="/moderation/barometre/2081/apercu/">Prévisualiser le questionnaire</a>`) {
		t.Error("the edition's participation page does not offer its preview")
	}
	for _, p := range []struct{ path, want string }{
		{start, "Aperçu pour l’équipe de l’observatoire"},
		{start + "?lang=en", `<a href="/moderation/barometre">Back to the barometer editions</a>`},
		{"/moderation/barometre/2082/apercu/", "Aperçu pour l’équipe de l’observatoire"},
		{"/moderation/barometre/2082/apercu/etape/1?lang=en", "Preview for the observatory's staff"},
	} {
		r := m.get(p.path)
		if body := strings.ReplaceAll(r.Body, "&#39;", "'"); r.Status != 200 || !strings.Contains(strings.ReplaceAll(body, "'", "’"), strings.ReplaceAll(p.want, "'", "’")) {
			t.Errorf("%s: %d\n%s", p.path, r.Status, r.Body)
		}
		untranslated(t, p.path, r.Body)
	}
	if r := m.get("/moderation/barometre/2099/apercu/"); r.Status != 404 {
		t.Errorf("preview of an edition that does not exist: %d", r.Status)
	}

	// A whole walk, as a browser posts it: each page's hidden state and
	// token, the answers to the questions it shows, "continue"; a page
	// whose answers make new questions apply comes back once to ask them.
	answers := map[string]string{"f:fonction": "autre", "f:fonction_autre": "Chargée d'aperçu", "f:elu_delegue": "oui", "f:strategie": "non",
		"f:utilise_outils": "non", "f:raisons_absence": "cout", "f:opendata": "non", "f:etp": "1", "f:freins": "budget", "f:consentement": "oui"}
	r := m.get(start + "etape/1")
	// The first post misses a required answer: the page comes back with
	// its error, as for a respondent.
	action, post := previewForm(t, r.Body, "f:fonction", "autre", "f:elu_delegue", "oui", "f:strategie", "non")
	if action != "/moderation/barometre/2081/apercu/etape/1" || post.Get("csrf") == "" {
		t.Fatalf("the preview's form posts to %q with token %q", action, post.Get("csrf"))
	}
	if r = m.postRaw(action, post); r.Status != 400 || !strings.Contains(r.Body, `href="#q-fonction_autre"`) || !strings.Contains(r.Body, "1 erreur à corriger sur cette page") {
		t.Fatalf("a page with an error: %d\n%s", r.Status, r.Body)
	}
	var walked []string
	for i := 0; parse(t, r.Body).Find(`main form[method=post]`).Length() > 0; i++ {
		if i > 20 {
			t.Fatalf("the preview does not end: %v", walked)
		}
		var given []string
		parse(t, r.Body).Find(`main form [name^="f:"]`).Each(func(_ int, in *goquery.Selection) {
			if v, ok := answers[in.AttrOr("name", "")]; ok {
				given = append(given, in.AttrOr("name", ""), v)
			}
		})
		action, post = previewForm(t, r.Body, given...)
		walked = append(walked, action)
		if r = m.postRaw(action, post); r.Status != 200 {
			t.Fatalf("posting %s: %d\n%s", action, r.Status, r.Body)
		}
	}
	if len(walked) < 6 {
		t.Errorf("the walk went through %v only", walked)
	}
	body := strings.ReplaceAll(r.Body, "&#39;", "'")
	if !strings.Contains(body, "Fin de l'aperçu") || !strings.Contains(body, "Chargée d'aperçu") || strings.Contains(body, "Transmettre mes réponses") {
		t.Errorf("end of the preview:\n%s", r.Body)
	}
	if !strings.Contains(r.Body, `href="/moderation/barometre/2081/apercu/"`) {
		t.Error("the end of the preview does not offer to start again from the staff's session")
	}
	// The same in English, one page.
	r = m.get(start + "etape/1?lang=en")
	action, post = previewForm(t, r.Body, "f:fonction", "autre", "f:fonction_autre", "Chargée d'aperçu", "f:elu_delegue", "oui", "f:strategie", "non")
	// "Other" makes a new question apply: the page comes back once to ask it.
	r = m.postRaw(action+"?lang=en", post)
	if !strings.Contains(r.Body, "New questions apply") {
		t.Errorf("English preview: no notice of the new question\n%s", r.Body)
	}
	action, post = previewForm(t, r.Body, "f:fonction", "autre", "f:fonction_autre", "Chargée d'aperçu", "f:elu_delegue", "oui", "f:strategie", "non")
	if r = m.postRaw(action+"?lang=en", post); r.Status != 200 || !strings.Contains(r.Body, "Preview for the observatory") || !strings.Contains(r.Body, `action="/moderation/barometre/2081/apercu/etape/2"`) {
		t.Errorf("English preview, page 1: %d\n%s", r.Status, r.Body)
	}
	// Without the form's token, a post is refused.
	post.Del("csrf")
	if r = m.postRaw(action, post); r.Status != 403 {
		t.Errorf("a post without its token: %d", r.Status)
	}

	if after := stored(t); after != before {
		t.Errorf("the preview left %d rows behind", after-before)
	}
}
