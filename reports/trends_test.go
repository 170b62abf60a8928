package reports_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "reports", territorytest.Template, &db) }

// crafted writes a small directory whose every count is known by hand:
//
//	alpha (consultation, petitions; founded 2012, active)
//	  Lyon 2015, Grenoble 2015, Rennes 2018 (ended 2020), an organisation 2016
//	beta  (consultation; founded 2014, defunct since 2019)
//	  Lyon 2016 (category petitions), L'Abergement-Clémenciat, started unknown,
//	  first evidence 2017
//	gamma (voting; founded unknown)
//	  Rhône (département) 2019
func crafted(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	_, err := db.Exec(ctx, `
	TRUNCATE adoption, evidence, tool, tool_category, organisation, vendor, report_refresh RESTART IDENTITY CASCADE;
	INSERT INTO tool (slug, name, founded_year, lifecycle, lifecycle_since) VALUES
	  ('alpha', 'Alpha', 2012, 'active', NULL),
	  ('beta', 'Beta', 2014, 'defunct', '2019-03-01'),
	  ('gamma', 'Gamma', NULL, 'active', NULL);
	INSERT INTO tool_category VALUES (1, 'petitions'), (1, 'consultation'), (2, 'consultation'), (3, 'voting');
	INSERT INTO organisation (slug, name, kind) VALUES ('assemblee', 'Une assemblée', 'parliament');
	INSERT INTO adoption (tool_id, territory_id, organisation_id, instance_key, category, started_on, ended_on, status) VALUES
	  (1, (SELECT id FROM territory WHERE kind='commune' AND code='69123'), NULL, 'a', NULL, '2015-01-01', NULL, 'current'),
	  (1, (SELECT id FROM territory WHERE kind='commune' AND code='38185'), NULL, 'b', NULL, '2015-06-01', NULL, 'current'),
	  (1, (SELECT id FROM territory WHERE kind='commune' AND code='35238'), NULL, 'c', NULL, '2018-01-01', '2020-01-01', 'ended'),
	  (1, NULL, 1, 'd', NULL, '2016-01-01', NULL, 'current'),
	  (2, (SELECT id FROM territory WHERE kind='commune' AND code='69123'), NULL, 'e', 'petitions', '2016-01-01', NULL, 'current'),
	  (2, (SELECT id FROM territory WHERE kind='commune' AND code='01001'), NULL, 'f', NULL, NULL, NULL, 'current'),
	  (3, (SELECT id FROM territory WHERE kind='departement' AND code='69'), NULL, 'g', NULL, '2019-01-01', NULL, 'current');
	INSERT INTO evidence (adoption_id, source_kind, source_name, observed_at, fingerprint)
	  SELECT id, 'curator', 'test', '2017-05-02', 'fp' || id FROM adoption;
	`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Refresh(ctx, db); err != nil {
		t.Fatal(err)
	}
}

func counts(t *testing.T, d reports.Dimension, f reports.Filter) map[string]int {
	t.Helper()
	b, err := reports.Adoptions(context.Background(), db, d, f)
	if err != nil {
		t.Fatalf("%s %+v: %v", d, f, err)
	}
	m := map[string]int{}
	sum := 0
	for _, r := range b.Rows {
		m[r.Key] = r.N
		sum += r.N
	}
	if sum != b.Total {
		t.Errorf("%s: total %d, rows sum to %d", d, b.Total, sum)
	}
	if b.AsOf.IsZero() {
		t.Errorf("%s: no as-of time after a refresh", d)
	}
	return m
}

func eq(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %v, want %v", what, got, want)
			return
		}
	}
}

func TestAdoptionBreakdowns(t *testing.T) {
	crafted(t)
	all := reports.Filter{}
	// The adoption without a start month takes the year of its first evidence.
	eq(t, "by year", counts(t, reports.ByYear, all), map[string]int{"2015": 2, "2016": 2, "2017": 1, "2018": 1, "2019": 1})
	// Without its own category, an adoption takes its tool's first category
	// in taxonomy order (consultation before petitions).
	eq(t, "by category", counts(t, reports.ByCategory, all), map[string]int{"consultation": 5, "petitions": 1, "voting": 1})
	eq(t, "by région", counts(t, reports.ByRegion, all), map[string]int{"84": 5, "53": 1, "": 1})
	eq(t, "by département", counts(t, reports.ByDepartement, all), map[string]int{"69": 3, "38": 1, "35": 1, "01": 1, "": 1})
	eq(t, "by kind", counts(t, reports.ByKind, all), map[string]int{"commune": 5, "departement": 1, "organisation": 1})
	eq(t, "by kind and bracket", counts(t, reports.ByKindBracket, all),
		map[string]int{"commune/7": 4, "commune/1": 1, "departement/23": 1, "organisation/0": 1})
	// Filters, each served by a different view.
	eq(t, "by year, tool beta", counts(t, reports.ByYear, reports.Filter{Tool: "beta"}), map[string]int{"2016": 1, "2017": 1})
	eq(t, "by year, région 84", counts(t, reports.ByYear, reports.Filter{Region: "84"}), map[string]int{"2015": 2, "2016": 1, "2017": 1, "2019": 1})
	eq(t, "by région, 2016-2018", counts(t, reports.ByRegion, reports.Filter{YearFrom: 2016, YearTo: 2018}), map[string]int{"84": 2, "53": 1, "": 1})
	eq(t, "by région, tool alpha, small towns", counts(t, reports.ByRegion, reports.Filter{Tool: "alpha", Bracket: 1}), map[string]int{})

	b, err := reports.Adoptions(context.Background(), db, reports.ByRegion, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Rows {
		if r.Key == "84" && r.Label.FR != "Auvergne-Rhône-Alpes" {
			t.Errorf("région 84 is labelled %q", r.Label.FR)
		}
	}
}

func TestToolSharesAndFlows(t *testing.T) {
	crafted(t)
	ctx := context.Background()
	shares, _, err := reports.ToolShares(ctx, db, reports.Filter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The top 1 of consultation is alpha, still out of all 5 adoptions.
	top, _, err := reports.ToolShares(ctx, db, reports.Filter{Category: "consultation"}, 1)
	if err != nil || len(top) != 1 || top[0].Tool != "alpha" || top[0].Total != 5 {
		t.Errorf("top 1 of consultation: %+v, %v", top, err)
	}
	// Under a place filter the shares are computed, not read ranked.
	ara, _, err := reports.ToolShares(ctx, db, reports.Filter{Region: "84"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ara {
		if s.Category == "consultation" && s.Tool == "alpha" && (s.N != 2 || s.Total != 3) {
			t.Errorf("alpha in consultation in ARA: %+v, want 2 of 3", s)
		}
	}
	got := map[string]reports.Share{}
	for _, s := range shares {
		got[s.Category+"/"+s.Tool] = s
	}
	if s := got["consultation/alpha"]; s.N != 4 || s.Total != 5 || math.Abs(s.Percent-80) > 1e-9 {
		t.Errorf("alpha in consultation: %+v, want 4 of 5 = 80%%", s)
	}
	if s := got["petitions/beta"]; s.N != 1 || s.Total != 1 || s.Percent != 100 {
		t.Errorf("beta in petitions: %+v", s)
	}
	if shares[0].Category != "consultation" || shares[0].Tool != "alpha" {
		t.Errorf("first share is %s/%s, want consultation/alpha (taxonomy order, largest first)", shares[0].Category, shares[0].Tool)
	}

	flows, err := reports.Flows(ctx, db, reports.Filter{YearFrom: 2016})
	if err != nil {
		t.Fatal(err)
	}
	byYear := map[int]reports.Flow{}
	for _, f := range flows {
		byYear[f.Year] = f
		if f.Year < 2016 {
			t.Errorf("year %d is before the filter's first year", f.Year)
		}
	}
	// alpha entered 2015 (outside the range), beta 2016, gamma 2019; beta
	// exited 2019; Rennes ended 2020.
	want := map[int]reports.Flow{
		2016: {Year: 2016, ToolsEntered: 1, AdoptionsStarted: 2},
		2017: {Year: 2017, AdoptionsStarted: 1},
		2018: {Year: 2018, AdoptionsStarted: 1},
		2019: {Year: 2019, ToolsEntered: 1, ToolsExited: 1, AdoptionsStarted: 1},
		2020: {Year: 2020, AdoptionsEnded: 1},
	}
	if len(byYear) != len(want) {
		t.Errorf("flows %+v, want %+v", flows, want)
	}
	for y, w := range want {
		if byYear[y] != w {
			t.Errorf("flows in %d: %+v, want %+v", y, byYear[y], w)
		}
	}
}

func TestTrendBadInput(t *testing.T) {
	crafted(t)
	ctx := context.Background()
	cases := []struct {
		f    reports.Filter
		code string
	}{
		{reports.Filter{Category: "nope"}, civiscope.EINVALID},
		{reports.Filter{YearFrom: 2020, YearTo: 2010}, civiscope.EINVALID},
		{reports.Filter{Region: "Bretagne"}, civiscope.EINVALID},
		{reports.Filter{Departement: "999"}, civiscope.EINVALID},
		{reports.Filter{Kind: "village"}, civiscope.EINVALID},
		{reports.Filter{Bracket: 25}, civiscope.EINVALID},
		{reports.Filter{Tool: "no-such-tool"}, civiscope.ENOTFOUND},
	}
	for _, c := range cases {
		_, err := reports.Adoptions(ctx, db, reports.ByYear, c.f)
		if civiscope.ErrorCode(err) != c.code {
			t.Errorf("%+v: got %v, want %s", c.f, err, c.code)
		}
	}
	if _, err := reports.Adoptions(ctx, db, "colour", reports.Filter{}); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Errorf("unknown dimension: %v", err)
	}
	_, err := reports.ParseFilter(params{"from": "last year", "region": "84"}.get)
	if civiscope.ErrorCode(err) != civiscope.EINVALID || civiscope.ErrorFields(err)[0].Field != "from" {
		t.Errorf("ParseFilter(from=last year): %v", err)
	}
	f, err := reports.ParseFilter(params{"from": "2015", "departement": "2a"}.get)
	if err != nil || f.YearFrom != 2015 || f.Departement != "2A" {
		t.Errorf("ParseFilter: %+v %v", f, err)
	}
}

type params map[string]string

func (p params) get(k string) string { return p[k] }

func TestKaplanMeierTextbook(t *testing.T) {
	// Six tools: ended at 1, 3, 3; censored at 2, 3, 5.
	// S(1) = 5/6; S(3) = 5/6 × (1 - 2/4) = 5/12; S(5) = 5/12.
	obs := []reports.Observation{{1, true}, {3, true}, {3, true}, {2, false}, {3, false}, {5, false}}
	c := reports.KaplanMeier(obs)
	want := []reports.Step{
		{Years: 0, Survival: 1, AtRisk: 6},
		{Years: 1, Survival: 5.0 / 6, AtRisk: 6, Events: 1},
		{Years: 2, Survival: 5.0 / 6, AtRisk: 5, Censored: 1},
		{Years: 3, Survival: 5.0 / 12, AtRisk: 4, Events: 2, Censored: 1},
		{Years: 5, Survival: 5.0 / 12, AtRisk: 1, Censored: 1},
	}
	if len(c) != len(want) {
		t.Fatalf("curve %+v", c)
	}
	for i := range want {
		if math.Abs(c[i].Survival-want[i].Survival) > 1e-12 || c[i].AtRisk != want[i].AtRisk ||
			c[i].Events != want[i].Events || c[i].Censored != want[i].Censored || c[i].Years != want[i].Years {
			t.Errorf("step %d: %+v, want %+v", i, c[i], want[i])
		}
	}
}

func TestToolSurvivalByCohort(t *testing.T) {
	crafted(t)
	sv, err := reports.ToolSurvival(context.Background(), db, 5, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// gamma has no launch year; alpha (2012) and beta (2014) share 2010–2014.
	if sv.Excluded != 1 || len(sv.Cohorts) != 1 {
		t.Fatalf("survival %+v", sv)
	}
	c := sv.Cohorts[0]
	if c.Label != "2010–2014" || c.Tools != 2 || c.Ended != 1 {
		t.Errorf("cohort %+v", c)
	}
	// beta ended 5 years after launch: S(5) = 1/2; alpha censored at 14.
	last := c.Curve[len(c.Curve)-1]
	if c.Curve[1].Years != 5 || c.Curve[1].Survival != 0.5 || last.Years != 14 || last.Censored != 1 {
		t.Errorf("curve %+v", c.Curve)
	}
	if _, err := reports.ToolSurvival(context.Background(), db, 0, time.Now()); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Errorf("width 0: %v", err)
	}
}

func TestDeclaredVsObserved(t *testing.T) {
	crafted(t)
	ctx := context.Background()
	// Lyon–alpha: declared and crawled; Grenoble–alpha: declared only;
	// Rennes–alpha: crawled only; the organisation's crawl does not count.
	_, err := db.Exec(ctx, `
		INSERT INTO evidence (adoption_id, source_kind, source_name, observed_at, fingerprint) VALUES
		  (1, 'barometer', 'baromètre 2026', now(), 'b1'), (1, 'crawler', 'robot', now(), 'c1'),
		  (2, 'barometer', 'baromètre 2026', now(), 'b2'), (3, 'crawler', 'robot', now(), 'c3'),
		  (4, 'crawler', 'robot', now(), 'c4')`)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := reports.DeclaredVsObserved(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("comparisons %+v", cs)
	}
	want := reports.Comparison{Tool: "alpha", ToolName: "Alpha", Declared: 2, Observed: 2, Both: 1, DeclaredOnly: 1, ObservedOnly: 1}
	if cs[0] != want {
		t.Errorf("got %+v, want %+v", cs[0], want)
	}
}

// A breakdown by place reads names while it counts: on a pool of one
// connection it used to wait for a second connection forever (issue 18).
func TestAdoptionsNeedOneConnection(t *testing.T) {
	crafted(t)
	cfg := db.Config().Copy()
	cfg.MaxConns = 1
	one, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	for _, d := range []reports.Dimension{reports.ByRegion, reports.ByDepartement} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		b, err := reports.Adoptions(ctx, one, d, reports.Filter{})
		cancel()
		if err != nil {
			t.Fatalf("%s on a one-connection pool: %v", d, err)
		}
		if b.Total == 0 {
			t.Errorf("%s: no adoptions counted", d)
		}
	}
}

// TestSnapshotDatesAreNotYears: a list's snapshot date says when the list
// was copied, not when the adoption was first there; an adoption known only
// from one counts in no year, while an observation dates it.
func TestSnapshotDatesAreNotYears(t *testing.T) {
	crafted(t)
	ctx := context.Background()
	_, err := db.Exec(ctx, `
	UPDATE evidence SET date_meaning = 'source-snapshot', observed_at = '2026-07-23'
	WHERE adoption_id = (SELECT id FROM adoption WHERE instance_key = 'f');
	INSERT INTO adoption (tool_id, territory_id, instance_key, status) VALUES
	  (3, (SELECT id FROM territory WHERE kind='commune' AND code='38185'), 'h', 'unknown');
	INSERT INTO evidence (adoption_id, source_kind, source_name, observed_at, observed_until, date_meaning, fingerprint)
	  SELECT id, 'public-catalogue', 'census', '2021-08-10', '2024-02-01', 'observation', 'census-h' FROM adoption WHERE instance_key = 'h';
	INSERT INTO evidence (adoption_id, source_kind, source_name, observed_at, date_meaning, fingerprint)
	  SELECT id, 'vendor-list', 'list', '2026-07-23', 'source-snapshot', 'list-h' FROM adoption WHERE instance_key = 'h';`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Refresh(ctx, db); err != nil {
		t.Fatal(err)
	}
	eq(t, "by year", counts(t, reports.ByYear, reports.Filter{}),
		map[string]int{"2015": 2, "2016": 2, "2018": 1, "2019": 1, "2021": 1, "": 1})
}
