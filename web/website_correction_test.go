package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

// A contributor reports a collectivité's official website as wrong from its
// territory page; the correction waits for a moderator and, once approved,
// is what the (cached) territory page shows, with the old address as former.
func TestWebsiteCorrectionFromTheTerritoryPage(t *testing.T) {
	t.Parallel()
	s := startSite(t, app.Deps{})
	ctx := context.Background()
	town, err := territory.Get(ctx, cdb, territory.Commune, "69123")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cdb.Exec(ctx, `INSERT INTO territory_website (territory_id, url, host, status, source, source_title, licence, first_listed, last_listed)
		VALUES ($1, 'http://www.lyon.fr/', 'www.lyon.fr', 'current', 'annuaire-2019', 'Annuaire test', 'Licence Ouverte', '2019-10-22', '2019-10-22')`, town.ID); err != nil {
		t.Fatal(err)
	}
	v := s.visitor(t)
	const terr = "/territoires/commune/69123"
	form := "/contribuer/site-officiel/commune/69123"

	// The territory page links to the form; it is rendered (and cached) now.
	tp := html(t, v.get(terr))
	link := tp.Find(`a[href="` + form + `"]`)
	if link.Length() != 1 || squash(link) != "Signaler une erreur sur le site officiel" {
		t.Fatalf("territory page: report link %q", squash(link))
	}
	// Not signed in: the form sends to the login page, and so does a POST.
	if p := v.get(form); !strings.Contains(p.URL, "/compte/connexion") || !strings.Contains(p.URL, "retour=") {
		t.Fatalf("form without an account: %s", p.URL)
	}
	if p := v.post(form, url.Values{"url": {"https://www.lyon.fr/"}, "reason": {"moved to https"}}); !strings.Contains(p.URL, "/compte/connexion") {
		t.Fatalf("post without an account: %s", p.URL)
	}

	v.signup(uniq("site") + "@example.org")
	f := html(t, v.get(form))
	if squash(f.Find("#current-site")) != "http://www.lyon.fr/" || f.Find(`form[method="post"] input[name="csrf"]`).Length() != 1 {
		t.Fatal("the form must show the current site and carry a CSRF token")
	}
	count := func() int {
		var n int
		pgtest.QueryRow(t, cdb, `SELECT count(*) FROM proposal WHERE kind = 'website' AND entity_id = $1`, town.ID).Scan(&n)
		return n
	}
	// Bad address and no reason: said in French, next to each field, and nothing stored.
	p := v.post(form, url.Values{"url": {"pas une adresse"}, "reason": {""}})
	d := html(t, p)
	if p.Status != 400 || !strings.Contains(squash(d.Find("#url-error")), "doit être une adresse web complète") ||
		!strings.Contains(squash(d.Find("#reason-error")), "dites pourquoi le site affiché est faux") {
		t.Fatalf("bad input: %d url %q reason %q", p.Status, squash(d.Find("#url-error")), squash(d.Find("#reason-error")))
	}
	if d.Find("#url").AttrOr("value", "") != "pas une adresse" {
		t.Error("the form lost what was typed")
	}
	if count() != 0 {
		t.Fatal("a refused correction was stored")
	}

	p = v.post(form, url.Values{"url": {"https://www.lyon.fr/"}, "reason": {"la ville est passée en https"}})
	if p.Status != 200 || !strings.Contains(p.URL, "envoye=") || count() != 1 {
		t.Fatalf("submit: %d %s, %d stored", p.Status, p.URL, count())
	}
	// Pending: nothing public yet.
	if got := squash(html(t, v.get(terr)).Find(`dd a[rel~="nofollow"]`).First()); got != "http://www.lyon.fr/" {
		t.Fatalf("before approval the page shows %q", got)
	}

	m := newModerator(t, s)
	q := m.get("/moderation?type=website")
	id := regexp.MustCompile(`/moderation/propositions/(\d+)">n° \d+ — Lyon`).FindStringSubmatch(q.Body)
	if id == nil {
		t.Fatalf("queue does not list the correction:\n%s", q.Body)
	}
	row := html(t, m.get("/moderation/propositions/"+id[1])).Find("#field-website")
	if squash(row.Find("del")) != "http://www.lyon.fr/" || squash(row.Find("ins")) != "https://www.lyon.fr/" {
		t.Fatalf("diff: old %q new %q", squash(row.Find("del")), squash(row.Find("ins")))
	}
	if p := m.post("/moderation/propositions/"+id[1]+"/decision", url.Values{"decision": {"approve"}}); p.Status != 200 {
		t.Fatalf("approve: %d\n%s", p.Status, p.Body)
	}

	after := html(t, v.get(terr))
	official := after.Find(`dd a[rel~="nofollow"]`).First()
	if squash(official) != "https://www.lyon.fr/" || !strings.Contains(squash(official.Parent()), "Correction") {
		t.Fatalf("after approval the page shows %q (%q)", squash(official), squash(official.Parent()))
	}
	if !strings.Contains(squash(after.Find("details")), "http://www.lyon.fr/") {
		t.Error("the old address must stay listed as former")
	}
	en := html(t, v.get(terr+"?lang=en"))
	if got := squash(en.Find(`a[href="` + form + `"]`)); got != "Report a mistake in the official website" {
		t.Errorf("English link %q", got)
	}
}
