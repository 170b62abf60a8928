package barometer_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/survey"
)

// storedRow says what barometer_results holds for year: the claim and when
// the results were computed (zero claim: no usable row).
func storedRow(t *testing.T, year int) (int64, time.Time) {
	t.Helper()
	var claim int64
	var at *time.Time
	err := db.QueryRow(context.Background(), `SELECT coalesce(max(b.claim), 0), max(b.computed_at) FROM barometer_results b
		JOIN survey_edition e ON e.id = b.edition_id WHERE e.year = $1 AND b.results_fr IS NOT NULL`, year).Scan(&claim, &at)
	if err != nil {
		t.Fatal(err)
	}
	if at == nil {
		return claim, time.Time{}
	}
	return claim, *at
}

// computed protects year from the database directly, as the reference,
// and keeps the overall tables.
func computed(t *testing.T, year int, lang string) *barometer.Results {
	t.Helper()
	set, err := barometer.Load(context.Background(), db, year)
	if err != nil {
		t.Fatal(err)
	}
	names, err := barometer.RegionNames(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	res, err := barometer.Tabulate(set, barometer.Options{RegionNames: names, Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	// What Reports gives for the overall breakdown.
	out := *res
	out.Tables, out.Numerics = []barometer.Table{}, []barometer.Numeric{}
	for _, tb := range res.Tables {
		if tb.Dimension == barometer.All {
			out.Tables = append(out.Tables, tb)
		}
	}
	for _, n := range res.Numerics {
		if n.Dimension == barometer.All {
			out.Numerics = append(out.Numerics, n)
		}
	}
	return &out
}

func all(t *testing.T, r *barometer.Reports, year int, lang string) *barometer.Results {
	t.Helper()
	res, err := r.Results(context.Background(), barometer.Query{Year: year, Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestStoredResultsFollowTheEdition: publication computes the results
// once and stores them; a new process reads them without computing; and
// any change to what they come from (a response, the edition, the
// register) deletes them, so that even a process holding them in memory
// serves the new figures.
func TestStoredResultsFollowTheEdition(t *testing.T) {
	ctx := context.Background()
	const year = 2031
	edition(t, year, survey.Published, answers2025())
	if claim, _ := storedRow(t, year); claim != 0 {
		t.Fatalf("results stored before anyone computed them (claim %d)", claim)
	}
	serving := barometer.NewReports(db)
	if did, err := serving.Prepare(ctx, year); err != nil || !did {
		t.Fatalf("Prepare after publication: computed %v, %v", did, err)
	}
	claim, at := storedRow(t, year)
	if claim == 0 {
		t.Fatal("Prepare stored nothing")
	}
	if did, err := barometer.NewReports(db).Prepare(ctx, year); err != nil || did {
		t.Fatalf("Prepare of stored results: computed %v, %v", did, err)
	}
	// A fresh process reads the stored copy, in both languages, and it is
	// what a protection gives.
	fresh := barometer.NewReports(db)
	for _, lang := range []string{"fr", "en"} {
		got, want := all(t, fresh, year, lang), computed(t, year, lang)
		if barometer.StatusDigest(got) != barometer.StatusDigest(want) || !reflect.DeepEqual(got.Tables, want.Tables) || !reflect.DeepEqual(got.Numerics, want.Numerics) {
			t.Errorf("%s: the stored results differ from a protection of the edition", lang)
		}
	}
	if c, a := storedRow(t, year); c != claim || !a.Equal(at) {
		t.Errorf("reading the stored results computed them again (claim %d → %d)", claim, c)
	}
	all(t, serving, year, "fr") // held in memory from here

	changes := []struct {
		name, sql string
		check     func(*barometer.Results) bool
	}{
		{"a response withdrawn", `DELETE FROM survey_response WHERE id = (SELECT max(r.id) FROM survey_response r JOIN survey_edition e ON e.id = r.edition_id WHERE e.year = 2031)`,
			func(r *barometer.Results) bool { return r.Respondents == len(answers2025())-1 }},
		{"a response's consent changed", `UPDATE survey_response SET publish = NOT publish WHERE id = (SELECT min(r.id) FROM survey_response r JOIN survey_edition e ON e.id = r.edition_id WHERE e.year = 2031)`, nil},
		{"the edition retitled", `UPDATE survey_edition SET title = 'Baromètre 2031 (corrigé)' WHERE year = 2031`,
			func(r *barometer.Results) bool { return r.Title == "Baromètre 2031 (corrigé)" }},
		{"the register's région renamed", `UPDATE territory SET name = name WHERE kind = 'region' AND code = '84'`, nil},
		{"the form changed", `UPDATE survey_form SET title = title WHERE version = '2031'`, nil},
	}
	for _, c := range changes {
		before, _ := storedRow(t, year)
		if _, err := db.Exec(ctx, c.sql); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if now, _ := storedRow(t, year); now != 0 {
			t.Errorf("%s: the stored results stayed", c.name)
			continue
		}
		got := all(t, serving, year, "fr")
		if after, _ := storedRow(t, year); after == 0 || after == before {
			t.Errorf("%s: the results were not computed and stored again (claim %d → %d)", c.name, before, after)
		}
		if c.check != nil && !c.check(got) {
			t.Errorf("%s: the serving process still shows the old results", c.name)
		}
		if barometer.StatusDigest(got) != barometer.StatusDigest(computed(t, year, "fr")) {
			t.Errorf("%s: the results served differ from a protection of the changed edition", c.name)
		}
	}

	// A change while a protection runs: its results are not stored.
	kept, err := barometer.NewReports(db).ComputeWith(ctx, year, func() {
		if _, err := db.Exec(ctx, `UPDATE survey_response SET publish = publish WHERE id = (SELECT min(r.id) FROM survey_response r JOIN survey_edition e ON e.id = r.edition_id WHERE e.year = 2031)`); err != nil {
			t.Fatal(err)
		}
	})
	if err != nil || kept {
		t.Errorf("results computed across a change were stored (%v, %v)", kept, err)
	}
	if claim, _ := storedRow(t, year); claim != 0 {
		t.Errorf("a stale claim holds results")
	}
	// Another protection (a newer binary) ignores what an older one stored.
	all(t, serving, year, "fr")
	old, _ := storedRow(t, year)
	if did, err := barometer.NewReportsOfScheme(db, "another").Prepare(ctx, year); err != nil || !did {
		t.Errorf("another scheme reused the stored results (computed %v, %v)", did, err)
	}
	if now, _ := storedRow(t, year); now == old {
		t.Errorf("another scheme kept the old row")
	}
}
