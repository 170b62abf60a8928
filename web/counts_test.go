package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/web"
)

// TestOneOfEachSaysItInTheSingular: a directory of one vendor, one tool and
// one adoption says "1 outil", never "1 outils", in both languages, and
// the trend table shows each row's label once.
func TestOneOfEachSaysItInTheSingular(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t, "webcounts", territorytest.Template)
	_, err := pool.Exec(ctx, `
	INSERT INTO vendor (slug, name) VALUES ('solo-editions', 'Solo Éditions');
	INSERT INTO tool (slug, name, founded_year, lifecycle, vendor_id) SELECT 'solo', 'Solo', 2015, 'active', id FROM vendor;
	INSERT INTO tool_category (tool_id, category) SELECT id, c FROM tool, unnest(ARRAY['consultation', 'petitions']) c;
	INSERT INTO adoption (tool_id, territory_id, instance_key, started_on, status)
	SELECT id, (SELECT id FROM territory WHERE kind = 'commune' AND code = '35238'), '35238', '2019-01-01', 'current' FROM tool;
	INSERT INTO evidence (adoption_id, source_kind, source_name, source_url, observed_at, date_meaning, fingerprint)
	SELECT id, 'crawler', 'Liste A', 'https://a.example.org/', '2019-06-01', 'observation', 'solo' FROM adoption;`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Refresh(ctx, pool); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(siteHandler(t, app.Deps{Web: web.Deps{Pool: pool}}))
	defer srv.Close()
	doc := func(path string) *goquery.Document {
		t.Helper()
		r := get(t, srv, path)
		if r.status != 200 {
			t.Fatalf("%s: %d\n%s", path, r.status, r.body)
		}
		return parse(t, r.body)
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), " ") }

	for lang, want := range map[string][]string{
		"fr": {"1 outil référencé", "1 éditeur", "1 collectivité avec une adoption connue", "1 adoption documentée"},
		"en": {"1 tool listed", "1 vendor", "1 collectivité with a known adoption", "1 documented adoption"},
	} {
		home := doc("/?lang=" + lang)
		var got []string
		home.Find(".key-figures li").Each(func(_ int, li *goquery.Selection) { got = append(got, squash(li.Text())) })
		if len(got) != 4 {
			t.Fatalf("home (%s): key figures %q", lang, got)
		}
		for i, w := range want {
			if !strings.HasPrefix(got[i], w+" ") && got[i] != w {
				t.Errorf("home (%s): %q, want it to start with %q", lang, got[i], w)
			}
		}
		// The one adoption's tool has two categories: it is not counted
		// by category, and the page says so in the singular.
		uncategorised := map[string]string{"fr": "1 autre adoption de collectivité ne dit pas sa catégorie",
			"en": "1 other adoption by a collectivité does not state its category"}[lang]
		if p := squash(home.Find("#bycat").Parent().Text()); !strings.Contains(p, uncategorised) {
			t.Errorf("home (%s): no %q in %q", lang, uncategorised, p)
		}
	}
	for lang, want := range map[string]string{
		"fr": "1 collectivité française du registre INSEE utilise ou a utilisé cet outil.",
		"en": "1 French collectivité of the INSEE register uses or has used this tool.",
	} {
		if body := squash(doc("/outils/solo?lang=" + lang).Find("main").Text()); !strings.Contains(body, want) {
			t.Errorf("tool page (%s): no %q", lang, want)
		}
	}

	// The yearly trend: one column per thing shown (the year, its count),
	// not the year twice under "Valeur" and "Libellé"; the régions keep
	// their INSEE code.
	for _, c := range []struct {
		path string
		head []string
		row  []string
	}{
		{"/rapports/adoptions/year", []string{"Année", "Adoptions"}, []string{"2019", "1"}},
		{"/rapports/adoptions/year?lang=en", []string{"Year", "Adoptions"}, []string{"2019", "1"}},
		{"/rapports/adoptions/region", []string{"Code INSEE", "Région", "Adoptions"}, []string{"53", "Bretagne", "1"}},
		{"/rapports/adoptions/kind?lang=en", []string{"Kind of adopter", "Adoptions"}, nil},
	} {
		table := doc(c.path).Find("main table").First()
		var head []string
		table.Find("thead th").Each(func(_ int, th *goquery.Selection) { head = append(head, squash(th.Text())) })
		if strings.Join(head, "|") != strings.Join(c.head, "|") {
			t.Errorf("%s: header %q, want %q", c.path, head, c.head)
		}
		table.Find("tbody tr, tfoot tr").Each(func(_ int, tr *goquery.Selection) {
			if n := tr.Children().Length(); n != len(c.head) {
				t.Errorf("%s: a row of %d cells under %d headers: %q", c.path, n, len(c.head), squash(tr.Text()))
			}
		})
		if c.row != nil {
			var row []string
			table.Find("tbody tr").First().Children().Each(func(_ int, s *goquery.Selection) { row = append(row, squash(s.Text())) })
			if strings.Join(row, "|") != strings.Join(c.row, "|") {
				t.Errorf("%s: first row %q, want %q", c.path, row, c.row)
			}
		}
	}
}
