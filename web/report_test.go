package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
	"github.com/civiscope/civiscope/web"
)

// TestReportPages runs on a database of its own, so that its crafted
// adoptions never meet the site tests' fixtures.
func TestReportPages(t *testing.T) {
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx, "webreports", territorytest.Template)
	if err != nil {
		t.Fatal("clone a test database:", err)
	}
	defer drop()
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pool.Exec(ctx, `
	INSERT INTO tool (slug, name, founded_year, lifecycle, lifecycle_since) VALUES ('alpha', 'Alpha', 2012, 'active', NULL), ('beta', 'Beta', 2014, 'defunct', '2019-03-01');
	INSERT INTO tool_category (tool_id, category) SELECT id, 'consultation' FROM tool;
	INSERT INTO adoption (tool_id, territory_id, instance_key, started_on, status)
	SELECT t.id, (SELECT id FROM territory WHERE kind = 'commune' AND code = c), c, '2016-01-01', 'current'
	FROM tool t, unnest(ARRAY['69123', '38185', '35238']) c;
	INSERT INTO evidence (adoption_id, source_kind, source_name, source_url, observed_at, observed_until, date_meaning, fingerprint)
	SELECT id, 'crawler', 'Liste A', 'https://a.example.org/', '2015-06-01', '2017-02-01', 'observation', 'a' || id FROM adoption;
	INSERT INTO evidence (adoption_id, source_kind, source_name, source_url, observed_at, date_meaning, fingerprint)
	SELECT id, 'vendor-list', 'Liste B', 'https://b.example.org/', '2026-01-10', 'source-snapshot', 'b' || id FROM adoption LIMIT 2;`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Refresh(ctx, pool); err != nil {
		t.Fatal(err)
	}
	publishedEdition(t, pool)
	dir := t.TempDir()
	if _, err := reports.PublishDirectory(ctx, pool, dir, "https://civiscope.example", time.Now()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(siteHandler(t, app.Deps{Web: web.Deps{Pool: pool, OpenDataDir: dir}}))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b := pgtest.Must(io.ReadAll(res.Body))(t)
		return res.StatusCode, string(b)
	}
	cases := []struct {
		path   string
		status int
		want   []string
	}{
		{"/rapports/", 200, []string{"/rapports/adoptions/region", "/rapports/donnees"}},
		{"/rapports/adoptions/region", 200, []string{"<svg", "Auvergne-Rhône-Alpes", "<caption>", "format=csv"}},
		{"/rapports/adoptions/departement", 200, []string{`class="choropleth"`, "<title id=\"map-t\">"}},
		{"/rapports/adoptions/year", 200, []string{`role="img"`, "2016"}},
		{"/rapports/adoptions/region?format=csv", 200, []string{"region,label,adoptions\n", "84,Auvergne-Rhône-Alpes,4\n", "53,Bretagne,2\n"}},
		{"/rapports/adoptions/colour", 404, []string{"colour"}},
		{"/rapports/adoptions/year?from=soon", 400, []string{"from"}},
		{"/rapports/adoptions/year?tool=nope", 404, []string{"nope"}},
		{"/rapports/survie", 200, []string{"Kaplan", "2010–2014", "<table>"}},
		{"/rapports/survie?format=csv", 200, []string{"cohort,years,survival"}},
		{"/rapports/parts", 200, []string{"Alpha", "50.0 %", "(3/6)", "<svg"}},
		{"/rapports/parts?format=csv", 200, []string{"category,tool,tool_name,adoptions,category_total,percent\n", "consultation,alpha,Alpha,3,6,50\n"}},
		{"/rapports/parts?bracket=99", 400, nil},
		{"/rapports/flux", 200, []string{"<svg", "2016"}},
		{"/rapports/flux?format=csv", 200, []string{"year,tools_entered", "2016,2,0,6,0\n", "2019,0,1,0,0\n"}},
		{"/rapports/barometre/2019", 404, []string{"2019"}},
		{"/rapports/barometre/1850", 400, []string{"1850"}},
		{"/rapports/barometre/2030?par=colour", 400, []string{"colour"}},
		{"/rapports/donnees", 200, []string{"civiscope-directory", "adoptions.csv", "SHA-256"}},
		// 7 of 7 said yes: "7/7" would tell the answer of each population
		// bracket's one or two respondents (a published zero has no room),
		// so the whole row is hidden, and says why. (Hidden cells are tested
		// in reports/barometer.)
		{"/rapports/barometre/2025", 200, []string{"Taux de réponse", "Utilisez-vous un outil"}},
		{"/rapports/barometre/2025?par=region", 200, []string{"Auvergne-Rhône-Alpes"}},
		{"/rapports/barometre/2025?format=csv", 200, []string{"question,concept,dimension,group,group_label,answer", "uses,,all,all,Ensemble,oui,Oui,false,false,,,,secondary\n"}},
		{"/rapports/donnees/civiscope-directory/latest/..%2F..%2Fetc%2Fpasswd", 404, nil},
	}
	for _, c := range cases {
		status, body := get(c.path)
		if status != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, status, c.status)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q in the answer:\n%.600s", c.path, w, body)
			}
		}
	}
	// Every chart and every table says what it counts and over whom, in
	// both languages.
	for _, path := range []string{"/rapports/adoptions/year", "/rapports/adoptions/region", "/rapports/adoptions/departement",
		"/rapports/adoptions/kind-bracket", "/rapports/survie", "/rapports/parts", "/rapports/flux", "/rapports/barometre/2025",
		"/rapports/barometre/2025?par=kind"} {
		for _, l := range []string{"fr", "en"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			_, body := get(path + sep + "lang=" + l)
			if i := strings.Index(body, "%!"); i >= 0 {
				t.Errorf("%s (%s): a message lost its arguments: %q", path, l, body[max(0, i-80):i+20])
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			units := map[string][]string{"fr": {"Unité", "Champ"}, "en": {"Unit", "Scope"}}[l]
			says := func(what string, s *goquery.Selection) {
				txt := s.Find(".scope").Text()
				for _, u := range units {
					if !strings.Contains(txt, u) {
						t.Errorf("%s (%s): %s %q does not say its %s", path, l, what, strings.TrimSpace(s.Text()), u)
					}
				}
			}
			if doc.Find("figure").Length()+doc.Find("table").Length() == 0 {
				t.Errorf("%s (%s): no figure", path, l)
			}
			doc.Find("figure").Each(func(_ int, f *goquery.Selection) { says("chart", f.Find("figcaption")) })
			doc.Find("table").Each(func(_ int, tb *goquery.Selection) { says("table", tb.Find("caption")) })
		}
	}
	// The trend says which source covers which years, from the evidence:
	// Liste A observed the adoptions from 2015 to 2017, Liste B is a copy
	// of a list, which dates no use.
	_, body := get("/rapports/adoptions/year")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	cov := map[string]string{}
	doc.Find(`#sources ~ table tbody tr`).Each(func(_ int, tr *goquery.Selection) {
		cov[tr.Find("th").Text()] = tr.Find("td").Map(func(_ int, td *goquery.Selection) string { return td.Text() })[0] + "|" +
			tr.Find("td").Eq(1).Text() + "|" + tr.Find("td").Eq(2).Text()
	})
	if cov["Liste A"] != "2015–2017|—|6" || cov["Liste B"] != "—|2026|2" {
		t.Errorf("source coverage: %v", cov)
	}
	// A list's snapshot year is no adoption year: the trend stays on 2016.
	if _, csv := get("/rapports/adoptions/year?format=csv"); strings.Contains(csv, "2026") {
		t.Errorf("the snapshot's year shows in the trend:\n%s", csv)
	}
	// A listed file downloads byte for byte.
	entries := pgtest.Must(filepath.Glob(filepath.Join(dir, reports.DirectoryDataset, "*", "tools.csv")))(t)
	if len(entries) != 1 {
		t.Fatalf("tools.csv: %v", entries)
	}
	want := pgtest.Must(os.ReadFile(entries[0]))(t)
	if status, body := get("/rapports/donnees/civiscope-directory/latest/tools.csv"); status != 200 || body != string(want) {
		t.Errorf("download: %d, %d bytes, want %d", status, len(body), len(want))
	}
}

// publishedEdition writes a published barometer 2025 with one yes/no
// question answered "yes" by 7 communes of Auvergne-Rhône-Alpes.
func publishedEdition(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	tx := func(fr, en string) xlsform.Text { return xlsform.Text{"fr": fr, "en": en} }
	f := &xlsform.Form{ID: "webreports", Title: "T", Version: "1", Lists: []string{"yn"},
		Choices: map[string][]xlsform.Choice{"yn": {{Name: "oui", Label: tx("Oui", "Yes")}, {Name: "non", Label: tx("Non", "No")}}},
		Questions: []*xlsform.Question{{Type: xlsform.Group, Name: "g", Label: tx("P", "P"), Children: []*xlsform.Question{
			{Type: xlsform.SelectOne, List: "yn", Name: "uses", Label: tx("Utilisez-vous un outil ?", "Do you use a tool?")}}}}}
	if _, err := survey.ImportForm(ctx, pool, f); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.CreateEdition(ctx, pool, survey.NewEdition{Year: 2025, Title: "Baromètre 2025", FormID: "webreports",
		OpensOn: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ClosesOn: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	_, err := pool.Exec(ctx, `
	INSERT INTO survey_frame (edition_id, territory_id)
	SELECT e.id, t.id FROM survey_edition e, (SELECT id FROM territory WHERE kind = 'commune' AND region_code = '84' ORDER BY population DESC LIMIT 10) t;
	INSERT INTO survey_response (edition_id, territory_id, answers, status, submitted_at)
	SELECT f.edition_id, f.territory_id,
	       '{"values":{"uses":{"v":"oui"}}}'::jsonb,
	       'submitted', now()
	FROM survey_frame f ORDER BY f.territory_id LIMIT 7;
	INSERT INTO survey_invitation (edition_id, territory_id, token_hash, expires_at, status)
	SELECT edition_id, territory_id, sha256(convert_to(territory_id::text, 'UTF8')), now() + interval '1 day', 'submitted' FROM survey_response;`)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []survey.Status{survey.Open, survey.Closed, survey.Published} {
		if _, err := survey.SetStatus(ctx, pool, 2025, st); err != nil {
			t.Fatal(err)
		}
	}
}
