package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// TestBarometerViewsAgree reads one edition through every published view
// (the API, the results page's CSV, `civiscope report barometer` and the
// edition's release) and requires the same cells, shown or hidden alike.
// The edition stores k = 6, so a view that fell back to the default k = 5
// would show the 5 "oui" of Auvergne-Rhône-Alpes.
func TestBarometerViewsAgree(t *testing.T) {
	ctx := context.Background()
	const year = 2061
	viewsEdition(t, year)
	a, _, _ := testApp("127.0.0.1:0")
	hctx, cancel := context.WithCancel(ctx)
	bg := newBackground(hctx, a.Log)
	defer bg.Wait()
	defer cancel()
	// serve's wiring: the API and the results page as visitors reach them.
	h, err := a.handler(hctx, db, nil, bg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(path string) []byte {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v\n%.400s", path, res.StatusCode, err, b)
		}
		return b
	}
	rel, err := barometer.PublishEdition(ctx, db, t.TempDir(), year, barometer.Options{}, "", time.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	released := csvCells(t, mustRead(t, filepath.Join(rel.Dir, "results.csv")))

	for _, dim := range barometer.Dimensions() {
		var fromAPI barometer.Results
		if err := json.Unmarshal(get(fmt.Sprintf("/api/v1/reports/barometer/%d?by=%s", year, dim)), &fromAPI); err != nil {
			t.Fatal(err)
		}
		if fromAPI.Policy.K != 6 {
			t.Errorf("API: policy %s, want the edition's k = 6", fromAPI.Policy)
		}
		a, out, errb := testApp("127.0.0.1:0")
		if code := a.Main(ctx, []string{"report", "barometer", fmt.Sprint(year), "--by", dim, "--json"}); code != 0 {
			t.Fatalf("report barometer --by %s: %d %s", dim, code, errb.String())
		}
		var fromCLI barometer.Results
		if err := json.Unmarshal([]byte(out.String()), &fromCLI); err != nil {
			t.Fatal(err)
		}
		views := map[string]map[string]string{
			"api":     jsonCells(&fromAPI),
			"cli":     jsonCells(&fromCLI),
			"page":    csvCells(t, get(fmt.Sprintf("/rapports/barometre/%d?par=%s&format=csv", year, dim))),
			"release": filterDim(released, dim),
		}
		want := views["api"]
		if len(want) == 0 {
			t.Fatalf("%s: the API shows no cell", dim)
		}
		for name, got := range views {
			if len(got) != len(want) {
				t.Errorf("%s by %s: %d cells, the API has %d", name, dim, len(got), len(want))
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s by %s, %s: %q, the API says %q", name, dim, k, got[k], v)
				}
			}
		}
	}
	// The stored k, not the default, hid the 5 "oui" of the région.
	if c := released["region|uses|84|oui"]; !strings.HasPrefix(c, "primary") {
		t.Errorf("5 of 10 under k = 6: %q, want a primary suppression", c)
	}
	// The overall row is in every view; whether the joint protection
	// hides it depends on the other tables, but a shown figure is exact.
	if c := released["all|uses|all|oui"]; c == "" || (strings.HasPrefix(c, "shown") && c != "shown n=16 base=22") {
		t.Errorf("overall oui: %q", c)
	}

	// Response rates: the API applies the edition's k, as the release does.
	var rates struct{ Rates []barometer.Rate }
	if err := json.Unmarshal(get(fmt.Sprintf("/api/v1/reports/barometer/%d/response-rates", year)), &rates); err != nil {
		t.Fatal(err)
	}
	fileRates := map[string]string{}
	recs := readCSV(t, mustRead(t, filepath.Join(rel.Dir, "response_rates.csv")))
	for _, r := range recs[1:] {
		fileRates[r[0]+"|"+r[1]] = r[4]
	}
	if len(rates.Rates) == 0 || len(rates.Rates) != len(fileRates) {
		t.Fatalf("rates: API %d, release %d", len(rates.Rates), len(fileRates))
	}
	for _, r := range rates.Rates {
		got := ""
		if r.Shown {
			got = fmt.Sprint(r.Responded)
		}
		if fileRates[r.Dimension+"|"+r.Group] != got {
			t.Errorf("rate %s %s: API %q, release %q", r.Dimension, r.Group, got, fileRates[r.Dimension+"|"+r.Group])
		}
		if r.Shown && r.Responded < 6 {
			t.Errorf("rate %s %s: %d respondents shown under k = 6", r.Dimension, r.Group, r.Responded)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("CSV: %v\n%.300s", err, b)
	}
	return recs
}

// cell is what a view says of one figure: its status, and its numbers
// only when shown.
func cell(status, n, base string) string {
	if status != "shown" {
		return status
	}
	return fmt.Sprintf("shown n=%s base=%s", n, base)
}

func jsonCells(res *barometer.Results) map[string]string {
	out := map[string]string{}
	for _, tb := range res.Tables {
		for i, g := range tb.Groups {
			for j, c := range tb.Columns {
				x := tb.Cells[i][j]
				base := ""
				if x.Base > 0 {
					base = fmt.Sprint(x.Base)
				}
				out[tb.Dimension+"|"+tb.Question+"|"+g.Key+"|"+c.Key] = cell(x.Status, fmt.Sprint(x.N), base)
			}
		}
	}
	return out
}

// csvCells reads the long-form results table of the page and the release.
func csvCells(t *testing.T, b []byte) map[string]string {
	t.Helper()
	recs := readCSV(t, b)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]string{}
	for _, r := range recs[1:] {
		key := r[col["dimension"]] + "|" + r[col["question"]] + "|" + r[col["group"]] + "|" + r[col["answer"]]
		out[key] = cell(r[col["status"]], r[col["n"]], r[col["base"]])
	}
	return out
}

func filterDim(cells map[string]string, dim string) map[string]string {
	out := map[string]string{}
	for k, v := range cells {
		if strings.HasPrefix(k, dim+"|") {
			out[k] = v
		}
	}
	return out
}

// viewsEdition publishes an edition with one yes/no question and k = 6:
// 10 communes of Auvergne-Rhône-Alpes answer 5 oui, 5 non; 7 of Bretagne
// 6 oui, 1 non; 5 of Île-de-France oui (a région's response rate that only
// k = 6 hides).
func viewsEdition(t *testing.T, year int) {
	t.Helper()
	ctx := context.Background()
	tx := func(fr, en string) xlsform.Text { return xlsform.Text{"fr": fr, "en": en} }
	f := &xlsform.Form{ID: "views", Title: "T", Version: "1", Lists: []string{"yn"},
		Choices: map[string][]xlsform.Choice{"yn": {{Name: "oui", Label: tx("Oui", "Yes")}, {Name: "non", Label: tx("Non", "No")}}},
		Questions: []*xlsform.Question{{Type: xlsform.Group, Name: "g", Label: tx("P", "P"), Children: []*xlsform.Question{
			{Type: xlsform.SelectOne, List: "yn", Name: "uses", Label: tx("Utilisez-vous un outil ?", "Do you use a tool?")}}}}}
	if _, err := survey.ImportForm(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.CreateEdition(ctx, db, survey.NewEdition{Year: year, Title: "Baromètre test", FormID: "views",
		OpensOn: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), ClosesOn: time.Date(year, 2, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if err := survey.SetPolicy(ctx, db, year, 6, 6, 0.85); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO survey_frame (edition_id, territory_id)
	SELECT e.id, t.id FROM survey_edition e,
	  (SELECT id FROM (SELECT id, region_code, row_number() OVER (PARTITION BY region_code ORDER BY population DESC, id) AS n
	                   FROM territory WHERE kind = 'commune' AND region_code IN ('84', '53', '11')) c
	   WHERE (region_code = '84' AND n <= 10) OR (region_code = '53' AND n <= 7) OR (region_code = '11' AND n <= 5)) t
	WHERE e.year = $1`,
		`INSERT INTO survey_response (edition_id, territory_id, answers, status, submitted_at)
	SELECT f.edition_id, f.territory_id,
	       jsonb_build_object('values', jsonb_build_object('uses', jsonb_build_object('v',
	         CASE WHEN t.region_code = '84' AND row_number() OVER (PARTITION BY t.region_code ORDER BY t.id) <= 5 THEN 'non'
	              WHEN t.region_code = '53' AND row_number() OVER (PARTITION BY t.region_code ORDER BY t.id) = 1 THEN 'non'
	              ELSE 'oui' END))),
	       'submitted', now()
	FROM survey_frame f JOIN survey_edition e ON e.id = f.edition_id JOIN territory t ON t.id = f.territory_id
	WHERE e.year = $1`,
		`INSERT INTO survey_invitation (edition_id, territory_id, token_hash, expires_at, status)
	SELECT r.edition_id, r.territory_id, sha256(convert_to('views' || r.territory_id::text, 'UTF8')), now() + interval '1 day', 'submitted'
	FROM survey_response r JOIN survey_edition e ON e.id = r.edition_id WHERE e.year = $1`,
	} {
		if _, err := db.Exec(ctx, q, year); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []survey.Status{survey.Open, survey.Closed, survey.Published} {
		if _, err := survey.SetStatus(ctx, db, year, st); err != nil {
			t.Fatal(err)
		}
	}
}
