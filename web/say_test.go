package web_test

// Tests that the contributors' pages say what they mean, in the reader's
// language: no default asserts a fact, sources say who stated a fact, the
// claim page states the rule the code applies, reverts reach the author,
// every decision is confirmed, and errors name fields by their labels in
// French or English. Pages are read as parsed HTML (goquery).

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/web"

	"github.com/PuerkitoBio/goquery"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/moderation"
)

// html parses a page.
func html(t *testing.T, p page) *goquery.Document {
	t.Helper()
	return parse(t, p.Body)
}

// squash is the trimmed text of the selection, with runs of spaces folded.
func squash(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// speak sets the visitor's language as the site's switch does.
func (c *client) speak(lang string) {
	u := pgtest.Must(url.Parse(c.site.URL))(c.t)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
}

// inLanguages runs f once in French and once in English.
func inLanguages(t *testing.T, f func(t *testing.T, lang string)) {
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) { f(t, lang) })
	}
}

// pick is the French or the English of a text, as the test's language asks.
func pick(lang, fr, en string) string {
	if lang == "en" {
		return en
	}
	return fr
}

// noneOf fails when the main text holds any of the phrases.
func noneOf(t *testing.T, d *goquery.Document, what string, phrases ...string) {
	t.Helper()
	main := squash(d.Find("main"))
	for _, p := range phrases {
		if strings.Contains(main, p) {
			t.Errorf("%s: %q on the page:\n%s", what, p, main)
		}
	}
}

// sent returns the id of the proposal a form's redirect confirms.
func sent(t *testing.T, p page) string {
	t.Helper()
	id := regexp.MustCompile(`envoye=(\d+)`).FindStringSubmatch(p.URL)
	if id == nil {
		t.Fatalf("not sent: %d at %s\n%s", p.Status, p.URL, p.Body)
	}
	return id[1]
}

// approve approves one proposal (tests run in parallel on one database, so
// never "everything in the queue").
func approve(t *testing.T, m *client, id string) {
	t.Helper()
	if p := m.post("/moderation/propositions/"+id+"/decision", url.Values{"decision": {"approve"}}); p.Status != 200 {
		t.Fatalf("approve %s: %d", id, p.Status)
	}
}

func newTool(t *testing.T, vendorID int64, website string) *directory.Tool {
	t.Helper()
	tool := &directory.Tool{Slug: uniq("say-"), Name: uniq("Say Tool "), TaglineFR: "Avant", Categories: []string{"consultation"},
		Website: website, VendorID: vendorID}
	if err := directory.CreateTool(context.Background(), cdb, tool, directory.By{Actor: "curator:test"}); err != nil {
		t.Fatal(err)
	}
	return tool
}

func TestToolFormAssertsNothingByDefault(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{Web: web.Deps{IPBurst: 100}})
	m := newModerator(t, s)
	inLanguages(t, func(t *testing.T, lang string) {
		v := s.visitor(t)
		v.speak(lang)
		v.signup(uniq("defaults") + "@example.org")
		d := html(t, v.get("/contribuer/outil"))
		for _, sel := range []string{"#business_model", "#hosting"} {
			first := d.Find(sel + " option").First()
			if val, _ := first.Attr("value"); val != "unknown" || d.Find(sel+" option[selected]").Length() != 1 ||
				d.Find(sel+" option[selected]").AttrOr("value", "") != "unknown" {
				t.Errorf("%s must start at unknown: first option %q, selected %q", sel, val, d.Find(sel+" option[selected]").AttrOr("value", "none"))
			}
			if got := squash(d.Find(sel + " option[selected]")); got != pick(lang, "inconnu", "unknown") {
				t.Errorf("%s preselected label: %q", sel, got)
			}
		}
		checked := d.Find(`#licence input[name=licence][checked]`)
		if checked.Length() != 1 || checked.AttrOr("value", "x") != "" {
			t.Errorf("the licence must start at \"I don't know\": %d checked, value %q", checked.Length(), checked.AttrOr("value", "x"))
		}
		// Plain words, the SPDX id underneath.
		agpl := d.Find(`#licence input[value="AGPL-3.0-or-later"]`)
		label := d.Find(`label[for="` + agpl.AttrOr("id", "") + `"]`)
		if agpl.Length() != 1 || squash(label.Find("code")) != "AGPL-3.0-or-later" ||
			!strings.Contains(squash(label), pick(lang, "Libre, copyleft fort", "Free, strong copyleft")) {
			t.Errorf("licence choice: %q", squash(label))
		}
		// Sending the form as it comes states no fact.
		name := uniq("Silent ")
		site := "https://" + strings.ReplaceAll(strings.ToLower(name), " ", "-") + ".example/"
		form := url.Values{"name": {name}, "website": {site}, "categories": {"consultation"}}
		d.Find("main form select").Each(func(_ int, sel *goquery.Selection) {
			form.Set(sel.AttrOr("name", ""), sel.Find("option[selected]").AttrOr("value", ""))
		})
		form.Set("licence", checked.AttrOr("value", ""))
		approve(t, m, sent(t, v.post("/contribuer/outil", form)))
		tool, err := directory.GetTool(context.Background(), cdb, moderation.Slugify(name))
		if err != nil {
			t.Fatal(err)
		}
		if tool.BusinessModel != directory.ModelUnknown || tool.Hosting != directory.HostingUnknown || tool.Licence != "" {
			t.Fatalf("skipping the questions published facts: model %s, hosting %s, licence %q", tool.BusinessModel, tool.Hosting, tool.Licence)
		}
		// "Another licence" takes any SPDX id, canonicalised.
		other := uniq("Other Licence ")
		p := v.post("/contribuer/outil", url.Values{"name": {other}, "website": {"https://" + moderation.Slugify(other) + ".example/"},
			"categories": {"consultation"}, "licence": {"autre"}, "licence_other": {"gpl-2.0-or-later"}})
		if !strings.Contains(p.URL, "envoye=") {
			t.Fatalf("proposal with another licence: %d\n%s", p.Status, p.Body)
		}
		var lic string
		if err := cdb.QueryRow(context.Background(), `SELECT payload->>'licence' FROM proposal WHERE title = $1`, other).Scan(&lic); err != nil || lic != "GPL-2.0-or-later" {
			t.Fatalf("licence typed after \"another\": %q %v", lic, err)
		}
		// The edit form shows a listing's unlisted licence under "another".
		tool.Licence = "GPL-2.0-or-later"
		if err := directory.UpdateTool(context.Background(), cdb, tool, directory.By{Actor: "curator:test"}); err != nil {
			t.Fatal(err)
		}
		e := html(t, v.get("/contribuer/outils/"+tool.Slug+"/modifier"))
		if e.Find(`#licence-other[checked]`).Length() != 1 || e.Find("#licence_other").AttrOr("value", "") != "GPL-2.0-or-later" {
			t.Errorf("edit form licence: other checked %d, typed %q", e.Find(`#licence-other[checked]`).Length(), e.Find("#licence_other").AttrOr("value", ""))
		}
	})
}

func TestSourceSaysWhoStatedIt(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	v := s.visitor(t)
	v.signup(uniq("stater") + "@example.org")
	name := uniq("Stated ")
	approve(t, newModerator(t, s), sent(t, v.post("/contribuer/outil", url.Values{"name": {name},
		"website": {"https://" + moderation.Slugify(name) + ".example/"}, "categories": {"consultation"}})))
	inLanguages(t, func(t *testing.T, lang string) {
		r := s.visitor(t)
		r.speak(lang)
		d := html(t, r.get("/outils/"+moderation.Slugify(name)))
		main := squash(d.Find("main"))
		if !strings.Contains(main, pick(lang, "contribution d'un utilisateur", "statement by a contributor")) ||
			strings.Contains(main, pick(lang, "déclaration de la collectivité", "statement by the collectivité")) {
			t.Fatalf("a contributor's tool is not sourced as a contributor's statement:\n%s", main)
		}
	})
}

func TestClaimPageStatesTheRuleTheCodeApplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startSite(t, app.Deps{Web: web.Deps{IPBurst: 100}})
	vd := &directory.Vendor{Slug: uniq("rule-vendor-"), Name: "Rule Vendor"}
	if err := directory.CreateVendor(ctx, cdb, vd, directory.By{Actor: "curator:test"}); err != nil {
		t.Fatal(err)
	}
	owned := newTool(t, vd.ID, "https://"+uniq("owned")+".example/")
	m := newModerator(t, s)
	inLanguages(t, func(t *testing.T, lang string) {
		v := s.visitor(t)
		v.speak(lang)
		email := uniq("rule") + "@example.org"
		v.signup(email)
		d := html(t, v.get("/contribuer/outils/"+owned.Slug+"/revendiquer"))
		rules := squash(d.Find("#rules"))
		if d.Find("#rules li").Length() != 4 || !strings.Contains(rules, pick(lang,
			fmt.Sprintf("Vos %d premières contributions acceptées", moderation.TrustedAfter),
			fmt.Sprintf("Your first %d approved contributions", moderation.TrustedAfter))) {
			t.Fatalf("the claim page does not state the first-%d rule:\n%s", moderation.TrustedAfter, rules)
		}
		if got := squash(d.Find("#approved-count")); !strings.Contains(got, pick(lang, "0 contribution", "0 approved")) {
			t.Errorf("approved count: %q", got)
		}
		if d.Find("#start-claim").Length() != 1 {
			t.Fatal("a listing with a vendor and a website offers the claim")
		}
		// The code agrees: a verified member with no approved contribution
		// yet waits for a moderator.
		if err := account.GrantVendor(ctx, cdb, mustUser(t, email), vd.ID, "meta", "owned.example"); err != nil {
			t.Fatal(err)
		}
		p := v.post("/contribuer/outils/"+owned.Slug+"/modifier", url.Values{"name": {owned.Name}, "tagline_fr": {"Après " + lang},
			"categories": {"consultation"}, "business_model": {"unknown"}, "hosting": {"unknown"}, "lifecycle": {"unknown"}})
		row := html(t, p).Find("main table tbody tr").First()
		if got := squash(row.Find("td[class^=status-]")); got != pick(lang, "en attente", "pending") {
			t.Fatalf("a new verified member's edit: %q", got)
		}

		// A listing without a vendor says so before any click and offers
		// to name the vendor.
		orphan := newTool(t, 0, "https://"+uniq("orphan")+".example/")
		d = html(t, v.get("/contribuer/outils/"+orphan.Slug+"/revendiquer"))
		if d.Find("#start-claim").Length() != 0 || d.Find(`#name-vendor form[action="/contribuer/outils/`+orphan.Slug+`/editeur"]`).Length() != 1 {
			t.Fatalf("a listing without a vendor:\n%s", squash(d.Find("main")))
		}
		if got := squash(d.Find("#no-vendor")); got != pick(lang, "Cette fiche ne nomme pas encore d’éditeur", "This listing names no vendor yet") {
			t.Errorf("heading: %q", got)
		}
		bad := html(t, v.post("/contribuer/outils/"+orphan.Slug+"/editeur", url.Values{"vendor_website": {"ftp://x"}}))
		if got := squash(bad.Find("#vendor_name-error")); got != pick(lang, "obligatoire", "is required") {
			t.Errorf("vendor name error: %q", got)
		}
		approve(t, m, sent(t, v.post("/contribuer/outils/"+orphan.Slug+"/editeur",
			url.Values{"vendor_name": {uniq("Orphan Makers ")}, "vendor_website": {"https://orphan-makers.example/"}})))
		if d := html(t, v.get("/contribuer/outils/"+orphan.Slug+"/revendiquer")); d.Find("#start-claim").Length() != 1 {
			t.Fatal("once its vendor is named, the listing can be claimed")
		}
		// A listing without a website says so too.
		other := &directory.Vendor{Slug: uniq("bare-vendor-"), Name: "Bare Vendor"}
		if err := directory.CreateVendor(ctx, cdb, other, directory.By{Actor: "curator:test"}); err != nil {
			t.Fatal(err)
		}
		bare := newTool(t, other.ID, "")
		if d := html(t, v.get("/contribuer/outils/"+bare.Slug+"/revendiquer")); d.Find("#need-website").Length() != 1 || d.Find("#start-claim").Length() != 0 {
			t.Fatal("a listing without a website must say so before the click")
		}
	})
}

func TestDecisionsAreConfirmedAndRevertsReachTheAuthor(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{Web: web.Deps{IPBurst: 100}})
	inLanguages(t, func(t *testing.T, lang string) {
		tool := newTool(t, 0, "")
		v := s.visitor(t)
		v.speak(lang)
		v.signup(uniq("author") + "@example.org")
		m := newModerator(t, s)
		m.speak(lang)
		propose := func(tagline string) string {
			t.Helper()
			p := v.post("/contribuer/outils/"+tool.Slug+"/modifier", url.Values{"name": {tool.Name}, "tagline_fr": {tagline},
				"categories": {"consultation"}, "business_model": {"saas"}, "hosting": {"unknown"}, "lifecycle": {"unknown"}})
			id := regexp.MustCompile(`envoye=(\d+)`).FindStringSubmatch(p.URL)
			if id == nil {
				t.Fatalf("edit: %d %s", p.Status, p.URL)
			}
			return id[1]
		}
		first := propose("Première")
		d := html(t, m.post("/moderation/propositions/"+first+"/decision", url.Values{"decision": {"approve"}}))
		if got := squash(d.Find("#confirmation")); !strings.Contains(got, pick(lang, "n° "+first+" acceptée", "#"+first+" approved")) {
			t.Fatalf("approval confirmation: %q", got)
		}
		second := propose("Seconde")
		d = html(t, m.post("/moderation/propositions/"+second+"/decision", url.Values{"decision": {"reject"}, "reason": {"doublon"}}))
		if got := squash(d.Find("#confirmation")); !strings.Contains(got, pick(lang, "n° "+second+" refusée", "#"+second+" rejected")) {
			t.Fatalf("rejection confirmation: %q", got)
		}
		// Revert the approved change from the history.
		h := html(t, m.get(fmt.Sprintf("/historique/outil/%d", tool.ID)))
		action := h.Find(`form[action$="/annuler"]`).First().AttrOr("action", "")
		if action == "" {
			t.Fatal("no revert form on the history")
		}
		d = html(t, m.post(action, url.Values{"reason": {"moins précise"}}))
		if got := squash(d.Find("#confirmation")); !strings.Contains(got, pick(lang, "annulée", "reverted")) ||
			!strings.Contains(got, pick(lang, "proposition n° "+first+" est prévenu", "proposal #"+first+" is told")) {
			t.Fatalf("revert confirmation: %q", got)
		}
		// The history says who did what, in words.
		h = html(t, m.get(fmt.Sprintf("/historique/outil/%d", tool.ID)))
		hist := squash(h.Find("main"))
		if !strings.Contains(hist, pick(lang, "proposition n° "+first+", acceptée par", "proposal #"+first+", approved by")) ||
			!strings.Contains(hist, pick(lang, "annulation de la révision n°", "revert of revision #")) {
			t.Errorf("history sources:\n%s", hist)
		}
		noneOf(t, h, "history", "user:")
		// The author reads it.
		mine := html(t, v.get("/contribuer/mes-propositions"))
		row := mine.Find("#p" + first)
		if got := squash(row.Find("td.status-reverted")); got != pick(lang, "acceptée puis annulée", "approved, then reverted") {
			t.Fatalf("the author's status after the revert: %q (row %q)", got, squash(row))
		}
		if !strings.Contains(squash(row), "moins précise") {
			t.Errorf("the revert's reason is not shown to the author: %q", squash(row))
		}
		var subject string
		if err := cdb.QueryRow(context.Background(), `SELECT subject FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, v.email).Scan(&subject); err != nil ||
			!strings.Contains(subject, "n° "+first+" annulée") {
			t.Fatalf("the author's mail: %q %v", subject, err)
		}
	})
}

func TestErrorsSpeakThePageLanguage(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{Web: web.Deps{IPBurst: 100}})
	ids := []string{"name", "website", "categories", "business_model", "tagline_fr"}
	english := []string{"is required", "fields are invalid", "is too long", "must be", "choose at least", "unknown"}
	french := []string{"obligatoire", "champs", "trop long", "doit être", "choisissez", "inconnue", "Le formulaire"}
	inLanguages(t, func(t *testing.T, lang string) {
		v := s.visitor(t)
		v.speak(lang)
		v.signup(uniq("speak") + "@example.org")
		p := v.post("/contribuer/outil", url.Values{"website": {"ftp://files.example/"}, "tagline_fr": {strings.Repeat("é", 201)},
			"business_model": {"bogus"}, "description_fr": {"gardé"}})
		if p.Status != 400 {
			t.Fatalf("bad proposal: %d", p.Status)
		}
		d := html(t, p)
		labels := map[string]string{}
		d.Find("#problem li a").Each(func(_ int, a *goquery.Selection) {
			labels[strings.TrimPrefix(a.AttrOr("href", ""), "#")] = squash(a)
		})
		want := map[string]string{"name": pick(lang, "Nom", "Name"), "website": pick(lang, "Site web", "Website"),
			"categories": pick(lang, "Catégories", "Categories"), "business_model": pick(lang, "Modèle économique", "Business model"),
			"tagline_fr": pick(lang, "Accroche en français", "Tagline in French")}
		for k, w := range want {
			if labels[k] != w {
				t.Errorf("summary label of %s: %q, want %q (all: %v)", k, labels[k], w, labels)
			}
		}
		if got := squash(d.Find("#problem strong")); got != pick(lang, "5 champs sont à corriger.", "5 fields need correcting.") {
			t.Errorf("summary: %q", got)
		}
		if got := squash(d.Find("#website-error")); got != pick(lang, "doit commencer par http:// ou https:// (et non « ftp: »)", `must start with http:// or https:// (not "ftp:")`) {
			t.Errorf("website message: %q", got)
		}
		if got := squash(d.Find("#tagline_fr-error")); got != pick(lang, "trop long : 201 caractères, 200 au plus", "is too long (201 characters, at most 200)") {
			t.Errorf("tagline message: %q", got)
		}
		if squash(d.Find("#description_fr")) != "gardé" {
			t.Error("the form lost what was typed")
		}
		// No internal id as visible text, no phrase of the other language.
		d.Find("#problem a, #problem li").Each(func(_ int, x *goquery.Selection) {
			for _, id := range ids {
				if strings.Contains(squash(x), id) {
					t.Errorf("internal field id %q shown: %q", id, squash(x))
				}
			}
		})
		if lang == "fr" {
			noneOf(t, d, "French tool form", english...)
		} else {
			noneOf(t, d, "English tool form", french...)
		}
		// Sign-up: the account package's rules.
		a := s.visitor(t)
		a.speak(lang)
		d = html(t, a.post("/compte/inscription", url.Values{"email": {"nobody"}, "password": {"short"}, "password2": {"short"}}))
		if got := squash(d.Find("#password-error")); got != pick(lang, "trop court : 5 caractères, 10 au moins", "is too short (5 characters, at least 10)") {
			t.Errorf("password message: %q", got)
		}
		if got := squash(d.Find("#email-error")); got != pick(lang, "n’est pas une adresse électronique comme nom@exemple.fr", "is not an email address such as name@example.fr") {
			t.Errorf("email message: %q", got)
		}
		d = html(t, a.post("/compte/inscription", url.Values{"email": {uniq("x") + "@example.org"}, "password": {"long enough 1"}, "password2": {"long enough 2"}}))
		if got := squash(d.Find("#password2-error")); got != pick(lang, "les deux mots de passe diffèrent", "the two passwords differ") {
			t.Errorf("password confirmation: %q", got)
		}
		// The error page names fields by their labels too.
		m := newModerator(t, s)
		m.speak(lang)
		e := html(t, m.get("/moderation?statut=bogus"))
		if got := squash(e.Find("main ul.detail li")); got != pick(lang, "État : valeur inconnue : « bogus »", `Status : unknown value "bogus"`) {
			t.Errorf("error page: %q", got)
		}
		if lang == "fr" {
			noneOf(t, e, "French error page", english...)
		} else {
			noneOf(t, e, "English error page", "valeur", "inconnue")
		}
	})
}

func TestModerationScreensShowNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startSite(t, app.Deps{Web: web.Deps{IPBurst: 100}})
	tool := newTool(t, 0, "")
	clerk := s.visitor(t)
	clerkEmail := uniq("clerk") + "@example.org"
	clerk.signup(clerkEmail)
	if p := clerk.post("/compte/agent", url.Values{"territory": {"Lyon"}}); html(t, p).Find("#confirmation").Length() != 1 {
		t.Fatalf("agent request not confirmed: %d", p.Status)
	}
	if p := clerk.post("/contribuer/outils/"+tool.Slug+"/modifier", url.Values{"name": {tool.Name}, "tagline_fr": {"Après"},
		"categories": {"consultation"}, "business_model": {"saas"}, "hosting": {"unknown"}, "lifecycle": {"unknown"}}); !strings.Contains(p.URL, "envoye=") {
		t.Fatalf("edit: %d", p.Status)
	}
	if p := clerk.post("/contribuer/adoption", url.Values{"tool": {tool.Slug}, "territory": {"Lyon"},
		"instance_url": {"https://" + uniq("names") + ".lyon.example/"}}); !strings.Contains(p.URL, "envoye=") {
		t.Fatalf("declaration: %d\n%s", p.Status, p.Body)
	}
	var lyon int64
	if err := cdb.QueryRow(ctx, `SELECT id FROM territory WHERE kind = 'commune' AND code = '69123'`).Scan(&lyon); err != nil {
		t.Fatal(err)
	}
	inLanguages(t, func(t *testing.T, lang string) {
		m := newModerator(t, s)
		m.speak(lang)
		q := html(t, m.get("/moderation?type=tool-edit"))
		var editURL string
		q.Find("main table tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if strings.Contains(squash(tr.Find("th")), tool.Name) {
				editURL = tr.Find("th a").AttrOr("href", "")
				if who := squash(tr.Find("td").Eq(1)); who != clerkEmail {
					t.Errorf("queue submitter: %q, want the address the moderator can write to", who)
				}
			}
		})
		if editURL == "" {
			t.Fatal("edit not in the queue")
		}
		d := html(t, m.get(editURL))
		row := d.Find("tr#field-business_model")
		if got := squash(row.Find("th")); got != pick(lang, "Modèle économique", "Business model") {
			t.Errorf("diff field label: %q", got)
		}
		if got := squash(row.Find("ins")); got != pick(lang, "abonnement / SaaS", "subscription / SaaS") {
			t.Errorf("diff value label: %q", got)
		}
		if got := squash(row.Find("del")); got != pick(lang, "inconnu", "unknown") {
			t.Errorf("diff old value label: %q", got)
		}
		noneOf(t, d, "proposal page", "business_model", "tagline_fr", "user #")
		// An adoption names the tool and the collectivité, linked.
		q = html(t, m.get("/moderation?type=adoption"))
		var adoption string
		q.Find(`main table a[href^="/moderation/propositions/"]`).Each(func(_ int, a *goquery.Selection) {
			if strings.Contains(squash(a), tool.Name) {
				adoption = a.AttrOr("href", "")
			}
		})
		if adoption == "" {
			t.Fatal("declaration not in the queue")
		}
		d = html(t, m.get(adoption))
		if d.Find(`tr#field-tool_id a[href="/outils/`+tool.Slug+`"]`).Length() != 1 ||
			squash(d.Find(`tr#field-territory_id a[href="/territoires/commune/69123"]`)) != "Lyon" {
			t.Errorf("adoption diff:\n%s", squash(d.Find("main table")))
		}
		noneOf(t, d, "adoption proposal", "territory_id", "tool_id", "declared_by_agent")
		// The agent decision is confirmed, and the log names who and where.
		if lang == "fr" {
			p := m.post("/moderation/agents", url.Values{"user_id": {fmt.Sprint(mustUser(t, clerkEmail))}, "territory_id": {fmt.Sprint(lyon)}, "decision": {"approve"}})
			if got := squash(html(t, p).Find("#confirmation")); !strings.Contains(got, "Demande acceptée") {
				t.Fatalf("agent decision confirmation: %q", got)
			}
		}
		log := html(t, m.get("/moderation/journal"))
		var found bool
		log.Find("main table tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if tr.Find(`a[href="/territoires/commune/69123"]`).Length() == 1 && strings.Contains(squash(tr), clerkEmail) {
				found = true
				if got := squash(tr.Find("td").Eq(1)); !strings.HasPrefix(got, pick(lang, "agent de collectivité accepté", "collectivité agent approved")) {
					t.Errorf("audit action: %q", got)
				}
			}
		})
		if !found {
			t.Errorf("the audit log does not name the agent and Lyon, linked:\n%s", squash(log.Find("main table")))
		}
		noneOf(t, log, "audit log", "territory #", "account #", "approve-agent")
		// The public history names the author and labels fields.
		h := html(t, s.visitor(t).get(fmt.Sprintf("/historique/outil/%d?lang=%s", tool.ID, lang)))
		if got := squash(h.Find("section.revision").First().Find("th[scope=row]").First()); got == "" || strings.Contains(got, "_") {
			t.Errorf("history field label: %q", got)
		}
		noneOf(t, h, "history", "user:", "business_model")
	})
}

func TestInputsAreStyledAlike(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	css := s.visitor(t).get("/static/site.css").Body
	var rule string
	for _, r := range strings.Split(css, "}") {
		if strings.Contains(r, `input[type="text"]`) && strings.Contains(r, "border") {
			rule = r
		}
	}
	for _, typ := range []string{"email", "password", "url"} {
		if !strings.Contains(rule, `input[type="`+typ+`"]`) {
			t.Errorf("%s inputs are not styled like text inputs: %q", typ, rule)
		}
	}
	d := html(t, s.visitor(t).get("/compte/inscription"))
	if d.Find(`main input[type=email]`).Length() != 1 || d.Find(`main input[type=password]`).Length() != 2 {
		t.Fatal("the sign-up form no longer has email and password inputs to style")
	}
}
