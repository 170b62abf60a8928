package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/web/browsertest"
)

// TestSurveyBrowser answers the whole questionnaire in Chromium, as a
// respondent would, without running any script of ours (the site has
// none): a conditional question, a validation error, save and resume in
// a new tab, review and submit; axe-core checks each kind of page.
func TestSurveyBrowser(t *testing.T) {
	b := browsertest.Start(t, siteHandler(t, app.Deps{}))
	_, tok := newSurvey(t, 2062, "33063")
	sb := b
	base := "/barometre/repondre/" + tok
	ctx := sb.Tab(t, 3*time.Minute)
	cont := ".actions button[value=continuer]"

	sb.Open(t, ctx, base+"/")
	sb.CheckAxe(t, ctx, "survey start")
	sb.ClickTo(t, ctx, "a.button", "/etape/1")
	if title := browsertest.Text(t, ctx, "title"); !strings.HasPrefix(title, "Étape 1 sur 6") {
		t.Errorf("title %q", title)
	}
	sb.CheckAxe(t, ctx, "survey page")

	// "Autre" makes a required conditional question apply: continuing
	// shows it, with a validation error summarised and linked.
	click(t, ctx, "#q-fonction-5", "#q-elu_delegue-0", "#q-strategie-2")
	if n := count(t, ctx, "#q-fonction_autre"); n != 0 {
		t.Fatalf("the conditional question is shown before it applies")
	}
	sb.ClickTo(t, ctx, cont, "/etape/1")
	if n := count(t, ctx, "#q-fonction_autre"); n != 1 {
		t.Fatalf("the conditional question did not appear (%d)", n)
	}
	if title := browsertest.Text(t, ctx, "title"); !strings.HasPrefix(title, "Erreur – Étape 1 sur 6") {
		t.Errorf("error title %q", title)
	}
	if s := browsertest.Text(t, ctx, "#erreurs"); !strings.Contains(s, "obligatoire") {
		t.Errorf("error summary %q", s)
	}
	if n := count(t, ctx, `#erreurs a[href="#q-fonction_autre"]`); n != 1 {
		t.Errorf("the summary does not link to the field")
	}
	sb.CheckAxe(t, ctx, "survey page with errors")
	browsertest.Screenshot(t, ctx, "survey-error")

	// Save, leave, resume in another tab.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q-fonction_autre"), "Chargée de mission numérique")); err != nil {
		t.Fatal(err)
	}
	sb.ClickTo(t, ctx, ".actions button[value=enregistrer]", "enregistre=1")
	// Reopening the link lands on the first page not done: step 1 is.
	ctx2 := sb.Tab(t, 3*time.Minute)
	sb.Open(t, ctx2, base+"/")
	if title := browsertest.Text(t, ctx2, "title"); !strings.HasPrefix(title, "Étape 2 sur 6") {
		t.Errorf("resumed at %q, want step 2", title)
	}
	if s := browsertest.Text(t, ctx2, "main"); !strings.Contains(s, "Vous reprenez à l'étape 2") {
		t.Errorf("no word on where the respondent resumes: %q", s)
	}
	sb.CheckAxe(t, ctx2, "survey resumed page")
	sb.Open(t, ctx2, base+"/etape/1")
	if v := value(t, ctx2, "#q-fonction_autre"); v != "Chargée de mission numérique" {
		t.Fatalf("resumed value %q", v)
	}
	sb.ClickTo(t, ctx2, cont, "/etape/2")

	// No tool: the tools page is skipped, a follow-up question appears.
	click(t, ctx2, "#q-utilise_outils-2")
	sb.ClickTo(t, ctx2, cont, "nouvelles=1")
	click(t, ctx2, "#q-raisons_absence-0")
	sb.ClickTo(t, ctx2, cont, "/etape/4")
	if title := browsertest.Text(t, ctx2, "title"); !strings.HasPrefix(title, "Étape 3 sur 6") {
		t.Errorf("skipped page still counted: %q", title)
	}
	click(t, ctx2, "#q-opendata-2")
	sb.ClickTo(t, ctx2, cont, "/etape/5")
	if err := chromedp.Do(ctx2, chromedp.SendKeys(chromedp.CSS("#q-etp"), "0,5")); err != nil {
		t.Fatal(err)
	}
	sb.ClickTo(t, ctx2, cont, "/etape/6")
	click(t, ctx2, "#q-freins-0")
	sb.ClickTo(t, ctx2, cont, "/etape/7")
	click(t, ctx2, "#q-consentement-1")
	sb.ClickTo(t, ctx2, cont, "/relecture")
	review := browsertest.Text(t, ctx2, "main")
	for _, want := range []string{"Chargée de mission numérique", "Le coût", "0.5", "Non"} {
		if !strings.Contains(review, want) {
			t.Errorf("review lacks %q", want)
		}
	}
	sb.CheckAxe(t, ctx2, "survey review")
	browsertest.Screenshot(t, ctx2, "survey-review")
	sb.ClickTo(t, ctx2, "form[action$=transmettre] button", "/merci")
	if s := browsertest.Text(t, ctx2, "h1"); !strings.Contains(s, "Merci") {
		t.Errorf("done page %q", s)
	}
	sb.CheckAxe(t, ctx2, "survey done")
	// The link now opens the receipt, with what was submitted.
	sb.Open(t, ctx2, base+"/")
	if s := browsertest.Text(t, ctx2, "main"); !strings.Contains(s, "transmises le") || !strings.Contains(s, "Chargée de mission numérique") {
		t.Errorf("receipt from the link: %q", s)
	}

	sb.Open(t, ctx2, "/barometre/2062/participation")
	// One answer out of one asked is under k: the page must not say who
	// answered.
	if s := browsertest.Text(t, ctx2, "main"); !strings.Contains(s, "Réponses transmises : moins de 5, nombre masqué") || strings.Contains(s, "1 sur 1") {
		t.Errorf("participation page: %q", s)
	}
	sb.CheckAxe(t, ctx2, "participation")
}

func click(t *testing.T, ctx context.Context, sels ...string) {
	t.Helper()
	for _, s := range sels {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(s))); err != nil {
			t.Fatalf("click %s: %v", s, err)
		}
	}
}

func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).value`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
