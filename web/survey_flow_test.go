package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/questionnaire"
)

// newSurvey creates an open edition of the 2026 questionnaire for year
// with one invited commune, and returns a server and the token.
func newSurvey(t *testing.T, year int, code string) (*httptest.Server, string) {
	t.Helper()
	srv, inv := newSurveyFrame(t, year, "kind,code\ncommune,"+code+"\n")
	return srv, inv[0].Token
}

// newSurveyFrame creates an open edition for year whose frame is the CSV
// frame, every member invited, and returns a server and the invitations.
func newSurveyFrame(t *testing.T, year int, frame string) (*httptest.Server, []survey.Issued) {
	t.Helper()
	ctx := context.Background()
	f := questionnaire.Barometre2026()
	f.Version = "web" + time.Now().Format("150405.000000000")
	if _, err := survey.ImportForm(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.CreateEdition(ctx, db, survey.NewEdition{Year: year, Title: "Baromètre test", OpensOn: time.Now().AddDate(0, -1, 0),
		ClosesOn: time.Now().AddDate(0, 1, 0), FormID: f.ID, Version: f.Version}); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.ImportFrameCSV(ctx, db, year, strings.NewReader(frame)); err != nil {
		t.Fatal(err)
	}
	inv, err := survey.IssueInvitations(ctx, db, year, survey.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := survey.SetStatus(ctx, db, year, survey.Open); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(siteHandler(t, app.Deps{}))
	t.Cleanup(srv.Close)
	return srv, inv
}

type reply struct {
	status   int
	body     string
	location string
}

func do(t *testing.T, method, u string, form url.Values) reply {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := pgtest.Must(http.NewRequest(method, u, body))(t)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := pgtest.Must(io.ReadAll(resp.Body))(t)
	return reply{resp.StatusCode, string(b), resp.Header.Get("Location")}
}

var versionRe = regexp.MustCompile(`name="version" value="(\d+)"`)

func version(t *testing.T, body string) string {
	t.Helper()
	m := versionRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no version in page:\n%s", body)
	}
	return m[1]
}

func title(body string) string {
	m := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func TestSurveyFlow(t *testing.T) {
	srv, tok := newSurvey(t, 2060, "38185")
	base := srv.URL + "/barometre/repondre/" + tok

	r := do(t, "GET", base+"/", nil)
	if r.status != 200 || !strings.Contains(r.body, "Grenoble") || r.status == 0 {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	r = do(t, "GET", base+"/etape/1", nil)
	if r.status != 200 || !strings.HasPrefix(title(r.body), "Étape 1 sur 6 : Vous et votre collectivité") {
		t.Fatalf("page 1 title %q", title(r.body))
	}
	if strings.Contains(r.body, "f:fonction_autre") {
		t.Error("conditional question shown before it applies")
	}
	v := version(t, r.body)

	// Choosing "autre" makes a required question apply: the page comes back
	// with it, rather than moving on.
	r = do(t, "POST", base+"/etape/1", form("version", v, "action", "continuer", "f:fonction", "autre",
		"f:elu_delegue", "oui", "f:strategie", "non", "shown", "fonction", "shown", "elu_delegue", "shown", "strategie"))
	if r.status != 400 || !strings.HasPrefix(title(r.body), "Erreur – Étape 1 sur 6") || !strings.Contains(r.body, `href="#q-fonction_autre"`) ||
		!strings.Contains(r.body, `aria-invalid="true"`) || !strings.Contains(r.body, "Cette réponse est obligatoire") {
		t.Fatalf("validation error page: %d %q\n%s", r.status, title(r.body), r.body)
	}
	// The respondent's choice is kept on the page shown again.
	if !regexp.MustCompile(`name="f:fonction" value="autre" checked`).MatchString(r.body) {
		t.Error("posted value lost on the error page")
	}

	// Save as draft, then resume: the value is there.
	r = do(t, "POST", base+"/etape/1", form("version", v, "action", "enregistrer", "f:fonction", "autre", "f:elu_delegue", "oui", "f:strategie", "non"))
	if r.status != 303 || !strings.HasSuffix(r.location, "/etape/1?enregistre=1") {
		t.Fatalf("draft save: %d %s", r.status, r.location)
	}
	r = do(t, "GET", base+"/etape/1?enregistre=1", nil)
	if !strings.Contains(r.body, "enregistrées à") || !strings.Contains(r.body, `name="f:fonction_autre"`) {
		t.Fatalf("resume: %s", r.body)
	}
	// A stale page from a second agent is refused and explained.
	stale := do(t, "POST", base+"/etape/1", form("version", v, "action", "continuer", "f:fonction", "dgs", "f:elu_delegue", "oui", "f:strategie", "non"))
	if stale.status != 409 || !strings.Contains(stale.body, "modifiées par quelqu") {
		t.Fatalf("stale: %d %s", stale.status, stale.body)
	}
	v = version(t, r.body)
	r = do(t, "POST", base+"/etape/1", form("version", v, "action", "continuer", "f:fonction", "autre", "f:fonction_autre", "Chargée de mission",
		"f:elu_delegue", "oui", "f:strategie", "non", "shown", "fonction", "shown", "fonction_autre", "shown", "elu_delegue", "shown", "strategie"))
	if r.status != 303 || !strings.HasSuffix(r.location, "/etape/2") {
		t.Fatalf("continue: %d %s %s", r.status, r.location, r.body)
	}

	// A 1 MB text: a clear error next to the field, nothing stored.
	page7 := do(t, "GET", base+"/etape/7", nil)
	v = version(t, page7.body)
	r = do(t, "POST", base+"/etape/7", form("version", v, "action", "enregistrer", "f:consentement", "oui", "f:commentaire", strings.Repeat("x", 1<<20)))
	if r.status != 400 || !strings.Contains(r.body, "5000 au plus") {
		t.Fatalf("1 MB text: %d", r.status)
	}
	// A body over the limit gets a clear 413.
	r = do(t, "POST", base+"/etape/7", form("version", v, "action", "enregistrer", "f:commentaire", strings.Repeat("x", 5<<20)))
	if r.status != 413 || !strings.Contains(r.body, "trop volumineuse") && !strings.Contains(r.body, "dépasse") {
		t.Fatalf("huge body: %d", r.status)
	}

	pages := []url.Values{
		form("f:utilise_outils", "oui"),
		form("rows", "1", "f:outils.0.outil", "decidim", "f:outils.0.outil_usages", "consultation", "f:outils.0.outil_usages", "vote", "f:outils.0.outil_evaluation", "non"),
		form("f:opendata", "non"),
		form("f:etp", "2"),
		form("f:freins", "budget"),
		form("f:consentement", "non"),
	}
	for i, p := range pages {
		n := i + 2
		u := base + "/etape/" + string(rune('0'+n))
		g := do(t, "GET", u, nil)
		if g.status != 200 {
			t.Fatalf("GET page %d: %d", n, g.status)
		}
		p.Set("version", version(t, g.body))
		p.Set("action", "continuer")
		for _, m := range regexp.MustCompile(`name="shown" value="([^"]+)"`).FindAllStringSubmatch(g.body, -1) {
			p.Add("shown", m[1])
		}
		if n == 3 {
			p.Add("shown", "outils.0.outil_autre") // not shown: a stale list must not block
		}
		r = do(t, "POST", u, p)
		if r.status != 303 {
			t.Fatalf("page %d: %d %s", n, r.status, r.body)
		}
	}
	if !strings.HasSuffix(r.location, "/relecture") {
		t.Fatalf("after the last page: %s", r.location)
	}
	rev := do(t, "GET", base+"/relecture", nil)
	for _, want := range []string{"Chargée de mission", "Decidim", "Consultation en ligne ; Vote ou votation", "Transmettre mes réponses", "Version imprimable"} {
		if !strings.Contains(rev.body, want) {
			t.Errorf("review lacks %q", want)
		}
	}
	if p := do(t, "GET", base+"/relecture?imprimable=1", nil); strings.Contains(p.body, "Transmettre mes réponses") || !strings.Contains(p.body, "Chargée de mission") {
		t.Error("printable version wrong")
	}
	sub := form("version", version(t, rev.body))
	r = do(t, "POST", base+"/transmettre", sub)
	if r.status != 303 || !strings.HasSuffix(r.location, "/merci") {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	// A replayed submit lands on the same confirmation.
	r = do(t, "POST", base+"/transmettre", sub)
	if r.status != 303 || !strings.HasSuffix(r.location, "/merci") {
		t.Fatalf("replayed submit: %d %s", r.status, r.body)
	}
	done := do(t, "GET", base+"/merci", nil)
	if !strings.Contains(done.body, "verrouillées") {
		t.Errorf("done page: %s", done.body)
	}
	// Locked: a late page save is refused.
	r = do(t, "POST", base+"/etape/7", form("version", "99", "action", "enregistrer", "f:consentement", "oui"))
	if r.status != 409 {
		t.Errorf("save after submit: %d", r.status)
	}
}

func TestSurveyBadTokens(t *testing.T) {
	srv, tok := newSurvey(t, 2061, "69123")
	for _, bad := range []string{"x", tok[:len(tok)-1] + "A", strings.Repeat("A", 43)} {
		if bad == tok {
			continue
		}
		r := do(t, "GET", srv.URL+"/barometre/repondre/"+bad+"/", nil)
		if r.status != 401 || !strings.Contains(r.body, "pas valide") {
			t.Errorf("token %q: %d", bad, r.status)
		}
	}
	r := do(t, "GET", srv.URL+"/barometre/repondre/"+tok+"/etape/99", nil)
	if r.status != 404 {
		t.Errorf("missing step: %d", r.status)
	}
	r = do(t, "POST", srv.URL+"/barometre/repondre/"+tok+"/etape/1", form("action", "continuer"))
	if r.status != 400 || !strings.Contains(r.body, "version") {
		t.Errorf("no version: %d", r.status)
	}
	r = do(t, "POST", srv.URL+"/barometre/repondre/"+tok+"/etape/3", form("version", "0", "rows", "10000", "action", "enregistrer"))
	if r.status != 400 || !strings.Contains(r.body, "10000 lignes") {
		t.Errorf("10,000 rows: %d %s", r.status, r.body)
	}
}

func TestSurveyParticipation(t *testing.T) {
	srv, tok := newSurvey(t, 2063, "13055")
	r := do(t, "GET", srv.URL+"/barometre/2063/participation", nil)
	if r.status != 200 || !strings.Contains(r.body, "Réponses transmises : 0 sur 1 collectivité interrogée") || !strings.Contains(r.body, "Communes") {
		t.Fatalf("participation: %d %s", r.status, r.body)
	}
	if strings.Contains(r.body, tok) {
		t.Error("the page shows a token")
	}
	if r := do(t, "GET", srv.URL+"/barometre/1999/participation", nil); r.status != 404 {
		t.Errorf("unknown edition: %d", r.status)
	}
	if r := do(t, "GET", srv.URL+"/barometre/abc/participation", nil); r.status != 404 {
		t.Errorf("bad year: %d", r.status)
	}
}
