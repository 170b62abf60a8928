package barometer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/reports/export/exporttest"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "barometer", territorytest.Template, &db) }

func txt(fr, en string) xlsform.Text { return xlsform.Text{"fr": fr, "en": en} }

func form(version string) *xlsform.Form {
	return &xlsform.Form{
		ID: "test", Title: "Test", Version: version, DefaultLanguage: "fr", Languages: []string{"fr", "en"},
		Lists: []string{"yn", "why"},
		Choices: map[string][]xlsform.Choice{
			"yn":  {{Name: "oui", Label: txt("Oui", "Yes")}, {Name: "non", Label: txt("Non", "No")}},
			"why": {{Name: "cost", Label: txt("Coût", "Cost")}, {Name: "time", Label: txt("Temps", "Time")}, {Name: "skills", Label: txt("Compétences", "Skills")}},
		},
		Questions: []*xlsform.Question{{Type: xlsform.Group, Name: "g", Label: txt("Page", "Page"), Children: []*xlsform.Question{
			{Type: xlsform.SelectOne, List: "yn", Name: "uses", Label: txt("Utilisez-vous un outil ?", "Do you use a tool?"), Concept: "outils.utilise"},
			{Type: xlsform.SelectMultiple, List: "why", Name: "why_not", Label: txt("Pourquoi pas ?", "Why not?"), Relevant: "${uses} = 'non'"},
			{Type: xlsform.Integer, Name: "budget", Label: txt("Budget", "Budget")},
			{Type: xlsform.SelectOne, List: "yn", Name: "publish", Label: txt("Publier ?", "Publish?"), Concept: survey.ConceptPublish},
		}}},
	}
}

type resp struct {
	region  string
	uses    string // "oui", "non" or "dk"
	why     string
	budget  string
	publish bool
}

// edition creates a published edition for year: 9 respondents in
// Auvergne-Rhône-Alpes (84) and 3 in Bretagne (53), all communes, plus a
// frame of 20.
func edition(t *testing.T, year int, status survey.Status, answers []resp) {
	t.Helper()
	ctx := context.Background()
	f := form(fmt.Sprint(year))
	if _, err := survey.ImportForm(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.CreateEdition(ctx, db, survey.NewEdition{Year: year, Title: fmt.Sprintf("Baromètre %d", year),
		OpensOn: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), ClosesOn: time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC), FormID: "test", Version: f.Version}); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ctx, `INSERT INTO survey_frame (edition_id, territory_id)
		SELECT e.id, t.id FROM survey_edition e, (
			(SELECT id FROM territory WHERE kind = 'commune' AND region_code = '84' ORDER BY population DESC NULLS LAST LIMIT 14)
			UNION ALL (SELECT id FROM territory WHERE kind = 'commune' AND region_code = '53' ORDER BY population DESC NULLS LAST LIMIT 6)) t
		WHERE e.year = $1`, year)
	if err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{}
	for _, a := range answers {
		vals := map[string]survey.Answer{"budget": {Value: a.budget}}
		if a.budget == "" {
			vals["budget"] = survey.Answer{Missing: survey.Refused}
		}
		switch a.uses {
		case "dk":
			vals["uses"] = survey.Answer{Missing: survey.DontKnow}
		default:
			vals["uses"] = survey.Answer{Value: a.uses}
		}
		if a.why != "" {
			vals["why_not"] = survey.Answer{Value: a.why}
		}
		p := "non"
		if a.publish {
			p = "oui"
		}
		vals["publish"] = survey.Answer{Value: p}
		raw, _ := json.Marshal(survey.Answers{Values: vals})
		_, err := db.Exec(ctx, `INSERT INTO survey_response (edition_id, territory_id, answers, status, submitted_at, publish)
			SELECT e.id, (SELECT id FROM territory WHERE kind = 'commune' AND region_code = $2 ORDER BY population DESC NULLS LAST OFFSET $3 LIMIT 1),
			       $4, 'submitted', '2026-02-01T10:00:00Z', $5
			FROM survey_edition e WHERE e.year = $1`, year, a.region, rank[a.region], raw, a.publish)
		if err != nil {
			t.Fatal(err)
		}
		// The survey counts participation from invitations.
		_, err = db.Exec(ctx, `INSERT INTO survey_invitation (edition_id, territory_id, token_hash, expires_at, status)
			SELECT r.edition_id, r.territory_id, sha256(convert_to(r.id::text || '-' || e.year::text, 'UTF8')), '2030-01-01', 'submitted'
			FROM survey_response r JOIN survey_edition e ON e.id = r.edition_id
			WHERE e.year = $1::int AND NOT EXISTS (SELECT 1 FROM survey_invitation i WHERE i.edition_id = r.edition_id AND i.territory_id = r.territory_id)`, year)
		if err != nil {
			t.Fatal(err)
		}
		rank[a.region]++
	}
	for _, s := range []survey.Status{survey.Open, survey.Closed, survey.Published} {
		if s == status {
			break
		}
		if _, err := survey.SetStatus(ctx, db, year, s); err != nil {
			t.Fatal(err)
		}
	}
	if status == survey.Published {
		if _, err := survey.SetStatus(ctx, db, year, survey.Published); err != nil {
			t.Fatal(err)
		}
	}
}

func answers2025() []resp {
	var rs []resp
	for i := 0; i < 7; i++ {
		rs = append(rs, resp{region: "84", uses: "oui", budget: fmt.Sprint(1000 * (i + 1)), publish: i < 3})
	}
	rs = append(rs, resp{region: "84", uses: "non", why: "cost time", budget: "0"}, resp{region: "84", uses: "non", why: "cost", publish: true})
	rs = append(rs, resp{region: "53", uses: "oui", budget: "500"}, resp{region: "53", uses: "oui", budget: "700"}, resp{region: "53", uses: "dk", budget: "100"})
	return rs
}

var once = map[string]bool{}

func setup(t *testing.T) {
	if once["2025"] {
		return
	}
	once["2025"] = true
	edition(t, 2025, survey.Published, answers2025())
	edition(t, 2026, survey.Closed, answers2025())
}

func cellOf(t *testing.T, tb *barometer.Table, group, col string) barometer.Cell {
	t.Helper()
	for i, g := range tb.Groups {
		for j, c := range tb.Columns {
			if g.Key == group && c.Key == col {
				return tb.Cells[i][j]
			}
		}
	}
	t.Fatalf("no cell %s/%s in %s by %s", group, col, tb.Question, tb.Dimension)
	return barometer.Cell{}
}

func TestTabulateWithDisclosure(t *testing.T) {
	setup(t)
	ctx := context.Background()
	set, err := barometer.Load(ctx, db, 2025)
	if err != nil {
		t.Fatal(err)
	}
	res, err := barometer.Tabulate(set, barometer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Respondents != 12 || res.Policy.K != 5 {
		t.Fatalf("%d respondents, k = %d", res.Respondents, res.Policy.K)
	}
	all, err := res.Table("uses", barometer.All)
	if err != nil {
		t.Fatal(err)
	}
	// oui 9 of 12 is shown with its n; non (2) and don't know (1) are under
	// k, and hiding both leaves neither recomputable.
	if c := cellOf(t, all, "all", "oui"); !c.Shown || c.N != 9 || c.Base != 12 || math.Abs(c.Percent-75) > 1e-9 {
		t.Errorf("oui: %+v, want 9 of 12 = 75%%", c)
	}
	if c := cellOf(t, all, "all", "non"); c.Shown || c.N != 0 || c.Status != "primary" {
		t.Errorf("non (2 respondents) is published: %+v", c)
	}
	if c := cellOf(t, all, "all", "dont_know"); c.Shown {
		t.Errorf("don't know (1 respondent) is published: %+v", c)
	}
	// By région: Bretagne has 3 respondents, so its whole row is hidden;
	// in Auvergne-Rhône-Alpes "non" = 2 is hidden, and since both totals
	// are public, a complement must hide another ARA cell.
	reg, _ := res.Table("uses", barometer.Region)
	if c := cellOf(t, reg, "53", "oui"); c.Shown {
		t.Errorf("Bretagne (3 respondents) oui is published: %+v", c)
	}
	if c := cellOf(t, reg, "84", "non"); c.Shown {
		t.Errorf("ARA non (2) is published: %+v", c)
	}
	if c := cellOf(t, reg, "84", "oui"); c.Shown {
		t.Errorf("ARA oui is shown; with the totals (oui 9, Bretagne hidden) it would give away non = 2 only if…: %+v", c)
	}
	if reg.Groups[len(reg.Groups)-1].Key != "total" || cellOf(t, reg, "total", "oui").N != 9 {
		t.Errorf("the total row should repeat the overall table")
	}
	// Not applicable is out of the base: why_not applies to the 2 "non".
	why, _ := res.Table("why_not", barometer.All)
	if !why.Multiple || why.Bases[0].Shown {
		t.Errorf("why_not: base of 2 must be hidden: %+v", why.Bases[0])
	}
	for _, n := range res.Numerics {
		if n.Question == "budget" && n.Dimension == barometer.All {
			// 11 answers (one refused): 0, 100, 500, 700, 1000…7000: median 2000.
			if !n.Stats[0].Shown || n.Stats[0].N != 11 || n.Stats[0].Median != 2000 {
				t.Errorf("budget: %+v", n.Stats[0])
			}
		}
	}
	// Every % shows its n.
	for _, tb := range res.Tables {
		for i := range tb.Cells {
			for _, c := range tb.Cells[i] {
				if c.Percent != 0 && c.Base == 0 {
					t.Errorf("%s by %s: a %% without its n", tb.Question, tb.Dimension)
				}
			}
		}
	}
}

// TestWeaker: the edition's stored policy is the floor; a weaker k is refused.
func TestWeakerPolicyRefused(t *testing.T) {
	setup(t)
	set, err := barometer.Load(context.Background(), db, 2025)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{-3, 2, 4} {
		pol := barometer.EditionPolicy(set.Edition)
		pol.K = k
		if _, err := barometer.Tabulate(set, barometer.Options{Policy: &pol}); civiscope.ErrorCode(err) != civiscope.EINVALID {
			t.Errorf("k = %d: %v", k, err)
		}
	}
	pol := barometer.EditionPolicy(set.Edition)
	pol.K = 7
	res, err := barometer.Tabulate(set, barometer.Options{Policy: &pol})
	if err != nil || res.Policy.K != 7 {
		t.Errorf("a stricter k is allowed: %v", err)
	}
}

func TestBadEditions(t *testing.T) {
	setup(t)
	ctx := context.Background()
	if _, err := barometer.Load(ctx, db, 2019); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Errorf("unknown edition: %v", err)
	}
	_, err := barometer.Load(ctx, db, 2026)
	if civiscope.ErrorCode(err) != civiscope.ENOTFOUND || !strings.Contains(err.Error(), "not published") {
		t.Errorf("closed edition: %v", err)
	}
	if _, err := barometer.Load(ctx, db, 1850); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Errorf("year 1850: %v", err)
	}
	if _, err := barometer.ParseDimension("colour"); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Errorf("bad breakdown: %v", err)
	}

	if _, err := barometer.Series(ctx, db, "nothing.here", barometer.Options{}); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Errorf("unknown concept: %v", err)
	}
}

func TestSeriesAndRates(t *testing.T) {
	setup(t)
	ctx := context.Background()
	pts, err := barometer.Series(ctx, db, "outils.utilise", barometer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Only 2025 is published; 2026 is closed and must not appear.
	for _, p := range pts {
		if p.Year != 2025 {
			t.Errorf("series has %d", p.Year)
		}
	}
	rates, err := barometer.NewReports(db).Rates(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rates {
		if r.Dimension == "region" && r.Group == "53" && (r.Shown || r.Frame != 6) {
			t.Errorf("Bretagne: 3 of 6 responded; the 3 must be hidden: %+v", r)
		}
		if r.Dimension == "kind" && r.Group == "commune" && (!r.Shown || r.Responded != 12 || r.Frame != 20) {
			t.Errorf("communes: %+v", r)
		}
	}
}

func TestPublishEditionFiles(t *testing.T) {
	setup(t)
	ctx := context.Background()
	root := t.TempDir()
	rel, err := barometer.PublishEdition(ctx, db, root, 2025, barometer.Options{}, "https://civiscope.example", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), false)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, barometer.DatasetName(2025), rel.Version)
	// Microdata: only the 4 consenting collectivités, with one 0/1 column
	// per choice and distinct missing codes.
	micro, err := exporttest.ReadCSV(filepath.Join(dir, "microdata.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(micro) != 5 {
		t.Fatalf("microdata has %d rows, want 4 consenting respondents", len(micro)-1)
	}
	col := map[string]int{}
	for i, h := range micro[0] {
		col[h] = i
	}
	for _, c := range []string{"why_not__cost", "why_not__time", "why_not__skills", "uses", "budget"} {
		if _, ok := col[c]; !ok {
			t.Errorf("microdata lacks column %s (header %v)", c, micro[0])
		}
	}
	var sawSkip, sawChoice, sawRefused bool
	for _, r := range micro[1:] {
		sawSkip = sawSkip || r[col["why_not__cost"]] == "-991"
		sawChoice = sawChoice || (r[col["why_not__cost"]] == "1" && r[col["why_not__time"]] == "0")
		sawRefused = sawRefused || r[col["budget"]] == "-993"
		if len(r[col["territory_code"]]) != 5 {
			t.Errorf("INSEE code %q", r[col["territory_code"]])
		}
	}
	if !sawSkip || !sawChoice || !sawRefused {
		t.Errorf("missing codes or 0/1 columns not as expected: skip %v, choice %v, refused %v", sawSkip, sawChoice, sawRefused)
	}
	// Aggregates: suppressed cells carry no number.
	results, err := exporttest.ReadCSV(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results[1:] {
		if r[len(r)-1] != "shown" && (r[9] != "" || r[11] != "") {
			t.Errorf("suppressed cell with a value: %v", r)
		}
	}
	// The workbook, re-read without excelize, equals the CSV files.
	wb, err := exporttest.ReadXLSX(filepath.Join(dir, "civiscope-barometre-2025.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"results", "numeric_results", "response_rates", "microdata"} {
		c, _ := exporttest.ReadCSV(filepath.Join(dir, name+".csv"))
		if err := exporttest.SameTable(wb.Sheets[name], c); err != nil {
			t.Errorf("sheet %s: %v", name, err)
		}
	}
	if !wb.Parts["xl/charts/chart1.xml"] || !strings.Contains(wb.SheetXML["summary"], "<dataValidation") {
		t.Error("summary sheet lacks its chart or drop-down")
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	for _, e := range export.ValidatePackage(raw) {
		t.Errorf("datapackage.json: %v", e)
	}
	if !strings.Contains(string(raw), `"-992"`) {
		t.Error("datapackage.json does not declare the missing-value codes")
	}
	// The questionnaire reads back as the same XLSForm.
	fh, err := os.Open(filepath.Join(dir, "questionnaire.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := xlsform.Read(fh)
	if err != nil || f.Question("why_not") == nil {
		t.Errorf("questionnaire.xlsx: %v", err)
	}
	for _, s := range []string{"microdata_labels.R", "microdata_labels.sps", "microdata_labels.do"} {
		b, err := os.ReadFile(filepath.Join(dir, s))
		if err != nil || !strings.Contains(string(b), "why_not__cost") || !strings.Contains(string(b), "-99") {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := barometer.PublishEdition(ctx, db, root, 2026, barometer.Options{}, "", time.Now(), false); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Errorf("publishing an unpublished edition: %v", err)
	}
}

func TestProtectRatesForEditionsInTheField(t *testing.T) {
	raw := []survey.Rate{
		{Dimension: "kind", Group: "commune", Frame: 10, Submitted: 7},
		{Dimension: "kind", Group: "departement", Frame: 6, Submitted: 5},
		{Dimension: "kind", Group: "region", Frame: 1, Submitted: 1},
		{Dimension: "region", Group: "84", Frame: 17, Submitted: 13},
	}
	rates, total := barometer.ProtectRates(raw, 0)
	if !total.Shown || total.Frame != 17 || total.Responded != 13 || math.Abs(total.Percent-100*13.0/17) > 1e-9 {
		t.Errorf("total: %+v, want 13 of 17 shown", total)
	}
	// The région (1) is under k, and the total would give it away unless a
	// second kind is hidden.
	if rates[2].Shown || rates[2].Responded != 0 {
		t.Errorf("région (1 respondent) is published: %+v", rates[2])
	}
	if rates[0].Shown == rates[1].Shown {
		t.Errorf("want exactly one complement among communes %+v and départements %+v", rates[0], rates[1])
	}
	if !rates[3].Shown || rates[3].Responded != 13 {
		t.Errorf("région 84: %+v", rates[3])
	}
	// Under k overall: the total and every stratum are hidden.
	rates, total = barometer.ProtectRates([]survey.Rate{{Dimension: "kind", Group: "commune", Frame: 1, Submitted: 1}}, 5)
	if total.Shown || total.Responded != 0 || total.Frame != 1 || rates[0].Shown {
		t.Errorf("1 of 1: total %+v, communes %+v", total, rates[0])
	}
	if _, total := barometer.ProtectRates(nil, 5); total.Frame != 0 || !total.Shown {
		t.Errorf("empty frame: %+v", total)
	}
}
