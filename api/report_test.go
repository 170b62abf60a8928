package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// TestReportEndpoints uses a database of its own so that its adoptions do
// not meet the other API tests' fixtures. It runs the whole server behind
// the contract check, so every answer below is also validated against
// openapi.json.
func TestReportEndpoints(t *testing.T) {
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx, "apireports", territorytest.Template)
	if err != nil {
		t.Fatal("clone a test database:", err)
	}
	defer drop()
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// Two adoptions of a test tool; the one in Lyon is declared in the
	// barometer and seen by the crawler, the one in Rennes only seen.
	_, err = pool.Exec(ctx, `
	INSERT INTO tool (slug, name, founded_year, lifecycle) VALUES ('alpha', 'Alpha', 2012, 'active');
	INSERT INTO tool_category (tool_id, category) SELECT id, 'petitions' FROM tool;
	INSERT INTO adoption (tool_id, territory_id, instance_key, started_on, status)
	SELECT t.id, (SELECT id FROM territory WHERE kind = 'commune' AND code = c), c, '2018-01-01', 'current'
	FROM tool t, unnest(ARRAY['69123', '35238']) c;
	INSERT INTO evidence (adoption_id, source_kind, source_name, observed_at, fingerprint)
	SELECT a.id, k, 'test ' || k, '2026-01-01', 'test:' || a.instance_key || ':' || k
	FROM adoption a, unnest(ARRAY['barometer', 'crawler']) k
	WHERE k = 'crawler' OR a.instance_key = '69123';`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Refresh(ctx, pool); err != nil {
		t.Fatal(err)
	}
	publishTestEdition(t, pool, 2025)
	const sum = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	_, err = pool.Exec(ctx, `
	WITH r AS (INSERT INTO report_release (dataset, version) VALUES ('civiscope-directory', '20261122T101500Z') RETURNING id)
	INSERT INTO report_release_file (release_id, name, media_type, bytes, sha256, rows)
	SELECT id, 'tools.csv', 'text/csv', 1234, $1, 2 FROM r`, sum)
	if err != nil {
		t.Fatal(err)
	}

	c, _ := newReportClient(t, pool)
	cases := []struct {
		path   string
		status int
	}{
		{"/api/v1/reports/adoptions/region", 200},
		{"/api/v1/reports/adoptions/kind-bracket?kind=commune", 200},
		{"/api/v1/reports/adoptions/region?categry=petitions", 400},
		{"/api/v1/reports/adoptions/region?from=2030&to=2020", 400},
		{"/api/v1/reports/adoptions/planet", 404},
		{"/api/v1/reports/adoptions/year?tool=ghost", 404},
		{"/api/v1/reports/shares", 200},
		{"/api/v1/reports/shares?top=0", 400},
		{"/api/v1/reports/shares?tool=ghost", 404},
		{"/api/v1/reports/flows?from=2015", 200},
		{"/api/v1/reports/flows?bracket=25", 400},
		{"/api/v1/reports/flows?tool=ghost", 404},
		{"/api/v1/reports/survival?cohort=abc", 400},
		{"/api/v1/reports/survival?cohort=0", 400},
		{"/api/v1/reports/survival", 200},
		{"/api/v1/reports/declared-vs-observed", 200},
		{"/api/v1/reports/declared-vs-observed?tool=alpha", 400},
		{"/api/v1/reports/barometer/2025", 200},
		{"/api/v1/reports/barometer/2025?by=region", 200},
		{"/api/v1/reports/barometer/2025?question=uses", 200},
		{"/api/v1/reports/barometer/2025?question=ghost", 404},
		{"/api/v1/reports/barometer/2019", 404},
		{"/api/v1/reports/barometer/twenty", 404},
		{"/api/v1/reports/barometer/1999", 400},
		{"/api/v1/reports/barometer/2019?by=planet", 400},
		{"/api/v1/reports/barometer/2025/response-rates", 200},
		{"/api/v1/reports/barometer/2019/response-rates", 404},
		{"/api/v1/reports/barometer/2025/response-rates?by=kind", 400},
		{"/api/v1/reports/barometer-series/outils.utilise", 200},
		{"/api/v1/reports/barometer-series/outils.ghost", 404},
		{"/api/v1/reports/barometer-series/outils.utilise?year=2025", 400},
		{"/api/v1/reports/releases/civiscope-directory", 200},
		{"/api/v1/reports/releases/barometer-2019", 404},
		{"/api/v1/reports/releases/civiscope-directory?version=latest", 400},
	}
	for _, tc := range cases {
		a := c.get(tc.path)
		if a.status != tc.status {
			t.Errorf("GET %s: %d, want %d: %s", tc.path, a.status, tc.status, a.body)
		}
		if tc.status >= 400 && a.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %d error is not problem+json", tc.path, tc.status)
		}
	}

	var b reports.Breakdown
	decode(t, c.get("/api/v1/reports/adoptions/region"), &b)
	if b.Total != 2 || len(b.Rows) != 2 {
		t.Errorf("breakdown: %+v", b)
	}
	var shares struct{ Shares []reports.Share }
	decode(t, c.get("/api/v1/reports/shares?category=petitions"), &shares)
	if len(shares.Shares) != 1 || shares.Shares[0].Tool != "alpha" || shares.Shares[0].Percent != 100 {
		t.Errorf("shares: %+v", shares)
	}
	var declared struct{ Tools []reports.Comparison }
	decode(t, c.get("/api/v1/reports/declared-vs-observed"), &declared)
	want := reports.Comparison{Tool: "alpha", ToolName: "Alpha", Declared: 1, Observed: 2, Both: 1, ObservedOnly: 1}
	if len(declared.Tools) != 1 || declared.Tools[0] != want {
		t.Errorf("declared vs observed: %+v, want %+v", declared.Tools, want)
	}
	var res barometer.Results
	decode(t, c.get("/api/v1/reports/barometer/2025?by=region&question=uses"), &res)
	if res.Respondents != 8 || len(res.Tables) != 1 || res.Tables[0].Dimension != "region" || len(res.Numerics) != 0 {
		t.Errorf("barometer by region, one question: %d respondents, %+v", res.Respondents, res.Tables)
	}
	var series struct {
		Concept string
		Points  []barometer.Point
	}
	decode(t, c.get("/api/v1/reports/barometer-series/outils.utilise"), &series)
	// Two "non" are under k: suppressed, and "oui" with them, since the
	// published base of 8 would give it away; none of it leaks as a count.
	// (The zero columns may be hidden too: a published zero tells every
	// région its part, which the protection counts as known.)
	if len(series.Points) != 5 || series.Points[0].Year != 2025 || series.Points[0].Column.Key != "oui" ||
		series.Points[0].Cell.Status != "secondary" || series.Points[1].Cell.Status != "primary" ||
		series.Points[0].Cell.N != 0 || series.Points[1].Cell.N != 0 {
		t.Errorf("series: %+v", series)
	}
	var rates struct {
		Year  int
		Rates []barometer.Rate
	}
	decode(t, c.get("/api/v1/reports/barometer/2025/response-rates"), &rates)
	frame, bretagne := 0, false
	for _, r := range rates.Rates {
		if r.Dimension == "kind" {
			frame += r.Frame
		}
		if r.Dimension == "region" && r.Group == "53" {
			bretagne = true
			if r.Shown || r.Responded != 0 {
				t.Errorf("two respondents in Bretagne are under k and published: %+v", r)
			}
		}
	}
	if rates.Year != 2025 || frame != 20 || !bretagne {
		t.Errorf("response rates: frame of %d, want 20: %+v", frame, rates)
	}
	docs := string(c.get("/api/docs").body)
	for _, id := range []string{"tag-reports", "reportAdoptions", "reportShares", "reportFlows", "reportSurvival", "reportDeclaredVsObserved",
		"reportBarometer", "reportResponseRates", "reportBarometerSeries", "reportReleases", "schema-BarometerCell"} {
		if !strings.Contains(docs, `id="`+id+`"`) {
			t.Errorf("the docs page has no %s", id)
		}
	}
	var rels struct{ Releases []export.Release }
	decode(t, c.get("/api/v1/reports/releases/civiscope-directory"), &rels)
	if len(rels.Releases) != 1 || len(rels.Releases[0].Files) != 1 || rels.Releases[0].Files[0].SHA256 != sum {
		t.Errorf("releases: %+v", rels)
	}
}

// newReportClient is newClient on the reports test's own database.
func newReportClient(t *testing.T, pool *pgxpool.Pool) (client, *API) {
	srv, a := newTestServerOn(t, pool, Config{IPRate: 1e6, IPBurst: 1e6, TokenRate: 1e6, TokenBurst: 1e6}, nil)
	return client{t: t, base: srv.URL}, a
}

func decode(t *testing.T, a answer, into any) {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if err := json.Unmarshal(a.body, into); err != nil {
		t.Fatalf("decode %T: %v\n%s", into, err, a.body)
	}
}

// publishTestEdition publishes a barometer edition for year with eight
// communes answering: six in Auvergne-Rhône-Alpes say they use a tool, two
// in Bretagne do not (a count under k, so suppressed in every table).
func publishTestEdition(t *testing.T, pool *pgxpool.Pool, year int) {
	t.Helper()
	ctx := context.Background()
	txt := func(fr, en string) xlsform.Text { return xlsform.Text{"fr": fr, "en": en} }
	f := &xlsform.Form{
		ID: "apitest", Title: "Test", Version: fmt.Sprint(year), DefaultLanguage: "fr", Languages: []string{"fr", "en"},
		Lists:   []string{"yn"},
		Choices: map[string][]xlsform.Choice{"yn": {{Name: "oui", Label: txt("Oui", "Yes")}, {Name: "non", Label: txt("Non", "No")}}},
		Questions: []*xlsform.Question{{Type: xlsform.Group, Name: "g", Label: txt("Page", "Page"), Children: []*xlsform.Question{
			{Type: xlsform.SelectOne, List: "yn", Name: "uses", Label: txt("Utilisez-vous un outil ?", "Do you use a tool?"), Concept: "outils.utilise"},
			{Type: xlsform.Integer, Name: "budget", Label: txt("Budget", "Budget")},
		}}},
	}
	if _, err := survey.ImportForm(ctx, pool, f); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.CreateEdition(ctx, pool, survey.NewEdition{Year: year, Title: fmt.Sprintf("Baromètre %d", year),
		OpensOn: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), ClosesOn: time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC), FormID: f.ID, Version: f.Version}); err != nil {
		t.Fatal(err)
	}
	_, err := pool.Exec(ctx, `INSERT INTO survey_frame (edition_id, territory_id)
		SELECT e.id, t.id FROM survey_edition e, (SELECT id FROM territory WHERE kind = 'commune' AND region_code IN ('84', '53')
			ORDER BY population DESC NULLS LAST LIMIT 20) t
		WHERE e.year = $1`, year)
	if err != nil {
		t.Fatal(err)
	}
	for i, region := range strings.Split("84 84 84 84 84 84 53 53", " ") {
		uses := "oui"
		if region == "53" {
			uses = "non"
		}
		raw, _ := json.Marshal(survey.Answers{Values: map[string]survey.Answer{"uses": {Value: uses}, "budget": {Value: fmt.Sprint(1000 * (i + 1))}}})
		_, err := pool.Exec(ctx, `INSERT INTO survey_response (edition_id, territory_id, answers, status, submitted_at, publish)
			SELECT e.id, (SELECT id FROM territory WHERE kind = 'commune' AND region_code = $2 ORDER BY population DESC NULLS LAST OFFSET $3 LIMIT 1),
			       $4, 'submitted', '2026-02-01T10:00:00Z', false
			FROM survey_edition e WHERE e.year = $1`, year, region, i%6, raw)
		if err != nil {
			t.Fatal(err)
		}
	}
	// The survey counts participation from invitations.
	_, err = pool.Exec(ctx, `INSERT INTO survey_invitation (edition_id, territory_id, token_hash, expires_at, status)
		SELECT r.edition_id, r.territory_id, sha256(convert_to(r.id::text, 'UTF8')), '2030-01-01', 'submitted'
		FROM survey_response r JOIN survey_edition e ON e.id = r.edition_id WHERE e.year = $1`, year)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []survey.Status{survey.Open, survey.Closed, survey.Published} {
		if _, err := survey.SetStatus(ctx, pool, year, s); err != nil {
			t.Fatal(err)
		}
	}
}
