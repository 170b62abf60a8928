package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports"
)

// TestReportEndpoints uses a database of its own so that its adoptions do
// not meet the other API tests' fixtures. The routes are mounted directly:
// they are not in openapi.json yet (see reportRoutes).
func TestReportEndpoints(t *testing.T) {
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx, "apireports", territorytest.Template)
	if err != nil {
		t.Skip("no PostgreSQL:", err)
	}
	defer drop()
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pool.Exec(ctx, `
	INSERT INTO tool (slug, name, founded_year, lifecycle) VALUES ('alpha', 'Alpha', 2012, 'active');
	INSERT INTO tool_category (tool_id, category) SELECT id, 'petitions' FROM tool;
	INSERT INTO adoption (tool_id, territory_id, instance_key, started_on, status)
	SELECT t.id, (SELECT id FROM territory WHERE kind = 'commune' AND code = c), c, '2018-01-01', 'current'
	FROM tool t, unnest(ARRAY['69123', '35238']) c;`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Refresh(ctx, pool); err != nil {
		t.Fatal(err)
	}
	a, err := New(Deps{DB: pool, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Route("/api/v1/reports", a.reportRoutes)
	srv := httptest.NewServer(r)
	defer srv.Close()
	cases := []struct {
		path   string
		status int
	}{
		{"/api/v1/reports/adoptions/region", 200},
		{"/api/v1/reports/adoptions/region?categry=petitions", 400},
		{"/api/v1/reports/adoptions/region?from=2030&to=2020", 400},
		{"/api/v1/reports/adoptions/planet", 404},
		{"/api/v1/reports/adoptions/year?tool=ghost", 404},
		{"/api/v1/reports/shares", 200},
		{"/api/v1/reports/shares?top=0", 400},
		{"/api/v1/reports/flows?from=2015", 200},
		{"/api/v1/reports/survival?cohort=abc", 400},
		{"/api/v1/reports/survival", 200},
		{"/api/v1/reports/declared-vs-observed", 200},
		{"/api/v1/reports/barometer/2019", 404},
		{"/api/v1/reports/barometer/twenty", 404},
		{"/api/v1/reports/barometer/2019?by=planet", 400},
		{"/api/v1/reports/releases/civiscope-directory", 404},
		{"/api/v1/reports/barometer-series/outils.utilise", 404},
	}
	for _, c := range cases {
		res, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("GET %s: %d, want %d: %s", c.path, res.StatusCode, c.status, body)
		}
		if c.status >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %s error is not problem+json", c.path, res.Header.Get("Content-Type"))
		}
	}
	res, err := http.Get(srv.URL + "/api/v1/reports/adoptions/region")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b reports.Breakdown
	if err := json.NewDecoder(res.Body).Decode(&b); err != nil || b.Total != 2 || len(b.Rows) != 2 {
		t.Errorf("breakdown: %+v %v", b, err)
	}
}
