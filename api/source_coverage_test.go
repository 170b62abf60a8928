package api

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports"
)

// TestSourceCoverageEndpoint: the API gives the same rows as
// reports.SourceCoverage (the trend page's table), each list of years
// saying what its years mean, and the answer passes the contract check.
func TestSourceCoverageEndpoint(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t, "apisources", territorytest.Template)
	c, _ := newReportClient(t, pool)

	var empty struct {
		Sources []sourceCoverage
	}
	decode(t, c.get("/api/v1/reports/source-coverage"), &empty)
	if empty.Sources == nil || len(empty.Sources) != 0 {
		t.Errorf("no evidence yet: %+v", empty.Sources)
	}

	// Three adoptions. A crawler saw Lyon's over 2019–2021 and Rennes's in
	// 2023; a vendor's list, copied in 2026, names both (a copy that dates
	// no use); the barometer's declaration of Lyon is dated 2025.
	_, err := pool.Exec(ctx, `
	INSERT INTO tool (slug, name, founded_year, lifecycle) VALUES ('beta', 'Beta', 2012, 'active');
	INSERT INTO adoption (tool_id, territory_id, instance_key, status)
	SELECT t.id, (SELECT id FROM territory WHERE kind = 'commune' AND code = c), c, 'current'
	FROM tool t, unnest(ARRAY['69123', '35238', '31555']) c;
	INSERT INTO evidence (adoption_id, source_kind, source_name, observed_at, observed_until, date_meaning, fingerprint)
	SELECT a.id, e.kind, e.name, e.at::timestamptz, e.until::timestamptz, e.meaning, 'test:' || a.instance_key || ':' || e.name
	FROM adoption a JOIN (VALUES
		('69123', 'crawler', 'Civiscope crawler', '2019-03-01', '2021-06-30', 'observation'),
		('35238', 'crawler', 'Civiscope crawler', '2023-05-01', NULL, 'observation'),
		('69123', 'vendor-list', 'Beta customer list', '2026-01-15', NULL, 'source-snapshot'),
		('35238', 'vendor-list', 'Beta customer list', '2026-01-15', NULL, 'source-snapshot'),
		('69123', 'barometer', 'Baromètre 2025', '2025-04-01', NULL, 'declaration')
	) AS e(code, kind, name, at, until, meaning) ON e.code = a.instance_key;`)
	if err != nil {
		t.Fatal(err)
	}
	want, err := reports.SourceCoverage(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 3 {
		t.Fatalf("fixture: %d sources, want 3: %+v", len(want), want)
	}
	var got struct {
		Unit, Scope string
		Sources     []sourceCoverage
	}
	decode(t, c.get("/api/v1/reports/source-coverage"), &got)
	if got.Unit == "" || got.Scope == "" {
		t.Errorf("the report does not say what it counts: unit %q, scope %q", got.Unit, got.Scope)
	}
	if len(got.Sources) != len(want) {
		t.Fatalf("%d sources, want %d: %+v", len(got.Sources), len(want), got.Sources)
	}
	for i, w := range want {
		g := got.Sources[i]
		if g.Source != w.Source || g.Adoptions != w.Adoptions || len(g.Coverage) != 2 {
			t.Errorf("row %d: %+v, want %+v", i, g, w)
			continue
		}
		for _, cv := range g.Coverage {
			var ys []int
			switch cv.Meaning {
			case "observation":
				ys = w.Years
			case "list-copy":
				ys = w.SnapshotYears
			default:
				t.Errorf("%s: years of unknown meaning %q", g.Source, cv.Meaning)
			}
			if !slices.Equal(cv.Years, ys) && (len(cv.Years) != 0 || len(ys) != 0) {
				t.Errorf("%s, %s years: %v, want %v", g.Source, cv.Meaning, cv.Years, ys)
			}
			if cv.Description.FR == "" || cv.Description.EN == "" {
				t.Errorf("%s, %s years: no description", g.Source, cv.Meaning)
			}
		}
	}
	// What the fixture means, independently of reports.SourceCoverage.
	years := func(src, meaning string) []int {
		for _, s := range got.Sources {
			for _, cv := range s.Coverage {
				if s.Source == src && cv.Meaning == meaning {
					return cv.Years
				}
			}
		}
		t.Fatalf("no %s years for %s", meaning, src)
		return nil
	}
	if y := years("Civiscope crawler", "observation"); !slices.Equal(y, []int{2019, 2020, 2021, 2023}) {
		t.Errorf("crawler's observation years: %v", y)
	}
	if y := years("Beta customer list", "observation"); len(y) != 0 {
		t.Errorf("a list copy counted as observation: %v", y)
	}
	if y := years("Beta customer list", "list-copy"); !slices.Equal(y, []int{2026}) {
		t.Errorf("list copy years: %v", y)
	}
	if y := years("Baromètre 2025", "observation"); !slices.Equal(y, []int{2025}) {
		t.Errorf("a declaration's year: %v", y)
	}
	if docs := string(c.get("/api/docs").body); !strings.Contains(docs, `id="reportSourceCoverage"`) || !strings.Contains(docs, `id="schema-SourceYears"`) {
		t.Error("the docs page does not show the source coverage report")
	}
	if a := c.get("/api/v1/reports/source-coverage?tool=beta"); a.status != 400 {
		t.Errorf("an unknown parameter: %d", a.status)
	}
}
