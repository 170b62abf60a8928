package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestSurveyCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		a, out, errb := testApp("127.0.0.1:0")
		return a.Main(ctx, args), out.String(), errb.String()
	}

	// A broken workbook: every problem located, nothing stored.
	bad := excelize.NewFile()
	for _, s := range []string{"survey", "choices", "settings"} {
		_, _ = bad.NewSheet(s)
	}
	_ = bad.SetSheetRow("survey", "A1", &[]any{"type", "name", "label::fr", "relevant"})
	_ = bad.SetSheetRow("survey", "A2", &[]any{"begin group", "g", "Groupe"})
	_ = bad.SetSheetRow("survey", "A3", &[]any{"integer", "n", "Nombre", "${m} > 1"})
	_ = bad.SetSheetRow("survey", "A4", &[]any{"end group"})
	_ = bad.SetSheetRow("choices", "A1", &[]any{"list_name", "name", "label::fr"})
	_ = bad.SetSheetRow("settings", "A1", &[]any{"form_id", "version"})
	_ = bad.SetSheetRow("settings", "A2", &[]any{"cli_bad", "1"})
	badPath := filepath.Join(dir, "bad.xlsx")
	if err := bad.SaveAs(badPath); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run("survey", "import-form", badPath)
	if code != 1 || !strings.Contains(errs, "sheet survey, row 3, column relevant: ${m} refers to no question") {
		t.Errorf("bad form: %d %s", code, errs)
	}

	if code, out, errs := run("survey", "import-form", "../../data/survey/barometre-2026.xlsx"); code != 0 || !strings.Contains(out, "7 pages") {
		t.Fatalf("import-form: %d %s %s", code, out, errs)
	}
	if code, _, errs := run("survey", "edition", "create", "--year", "2080", "--title", "CLI", "--opens", "2080-01-01", "--closes", "2080-13-01"); code != 1 || !strings.Contains(errs, "is not a date") {
		t.Errorf("bad date: %d %s", code, errs)
	}
	if code, out, errs := run("survey", "edition", "create", "--year", "2080", "--title", "CLI", "--opens", "2080-01-01", "--closes", "2080-06-30"); code != 0 {
		t.Fatalf("edition create: %d %s %s", code, out, errs)
	}
	if code, out, _ := run("survey", "frame", "draw", "2080", "--rules", "region,departement"); code != 0 || !strings.Contains(out, "112 territories") {
		t.Errorf("frame draw: %s", out)
	}
	frame := filepath.Join(dir, "frame.csv")
	if err := os.WriteFile(frame, []byte("kind,code,contact_email\ncommune,69123,mairie@example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run("survey", "frame", "import", "2080", frame); code != 0 {
		t.Fatalf("frame import: %s", errs)
	}
	links := filepath.Join(dir, "links.csv")
	if code, out, errs := run("survey", "invitations", "export", "2080", "--out", links); code != 0 || !strings.Contains(out, "113 invitation links") {
		t.Fatalf("invitations: %s %s", out, errs)
	}
	// The links open in French Excel: UTF-8 BOM, ";" and CRLF, which a CSV
	// reader set as Excel reads it splits into the right columns.
	raw, err := os.ReadFile(links)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), "\ufeffkind;code;name;") || strings.Count(string(raw), "\n") != strings.Count(string(raw), "\r\n") {
		t.Errorf("links csv is not for French Excel: %q", raw[:min(len(raw), 80)])
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff")))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil || len(recs) != 114 || recs[0][7] != "link" || !strings.Contains(recs[len(recs)-1][7], "/barometre/repondre/") {
		t.Errorf("links csv: %d rows, %v", len(recs), err)
	}
	if code, out, errs := run("survey", "preview-link", "2080"); code != 0 || !strings.Contains(out, "/barometre/apercu/") {
		t.Errorf("preview-link: %d %s %s", code, out, errs)
	}
	if code, out, _ := run("survey", "reminders", "2080"); code != 0 || strings.Count(out, "\n") != 114 || !strings.Contains(out, "mairie@example.org") {
		t.Errorf("reminders: %s", out)
	}
	if code, out, _ := run("survey", "rates", "2080"); code != 0 || !strings.Contains(out, "Régions") {
		t.Errorf("rates: %s", out)
	}
	if code, _, errs := run("survey", "edition", "status", "2080", "published"); code != 1 || !strings.Contains(errs, "can move to open") {
		t.Errorf("status jump: %d %s", code, errs)
	}
	for _, st := range []string{"open", "closed"} {
		if code, _, errs := run("survey", "edition", "status", "2080", st); code != 0 {
			t.Fatalf("status %s: %s", st, errs)
		}
	}
	// Publishing cites the edition's public results page.
	if code, out, errs := run("survey", "edition", "status", "2080", "published"); code != 0 || !strings.Contains(out, "0 consenting responses") ||
		!strings.Contains(out, "/rapports/barometre/2080") {
		t.Errorf("publish: %d %s %s", code, out, errs)
	}
}
