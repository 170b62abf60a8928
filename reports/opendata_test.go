package reports_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/reports/export/exporttest"
)

func TestPublishDirectoryOpenData(t *testing.T) {
	crafted(t)
	ctx := context.Background()
	root := t.TempDir()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	rel, err := reports.PublishDirectory(ctx, db, root, "https://civiscope.example", now)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Version != "20261122T100000Z" {
		t.Errorf("version %q", rel.Version)
	}
	dir := filepath.Join(root, reports.DirectoryDataset, rel.Version)

	// Every file is listed with the SHA-256 of its bytes, in the database
	// and in SHA256SUMS, and is read-only.
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range rel.Files {
		names[f.Name] = true
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		if hex.EncodeToString(h[:]) != f.SHA256 || int64(len(b)) != f.Bytes {
			t.Errorf("%s: recorded checksum or size does not match the file", f.Name)
		}
		if !strings.Contains(string(sums), f.SHA256+"  "+f.Name+"\n") {
			t.Errorf("%s is missing from SHA256SUMS", f.Name)
		}
		if st, _ := os.Stat(filepath.Join(dir, f.Name)); st.Mode().Perm()&0o222 != 0 {
			t.Errorf("%s is writable", f.Name)
		}
	}
	for _, want := range []string{"tools.csv", "tools.json", "vendors.csv", "adoptions.csv", "adoptions.json",
		"evidence.csv", "tool_sources.csv", "civiscope-directory.xlsx", "datapackage.json"} {
		if !names[want] {
			t.Errorf("release lacks %s", want)
		}
	}
	stored, err := export.FindRelease(ctx, db, reports.DirectoryDataset, "latest")
	if err != nil || stored.Version != rel.Version || len(stored.Files) != len(rel.Files) {
		t.Errorf("FindRelease(latest) = %+v, %v", stored, err)
	}

	// CSV: no BOM, INSEE codes keep their leading zero, months are ISO 8601.
	adoptions, err := exporttest.ReadCSV(filepath.Join(dir, "adoptions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(adoptions) != 8 {
		t.Fatalf("adoptions.csv has %d lines, want a header and 7 rows", len(adoptions))
	}
	col := map[string]int{}
	for i, h := range adoptions[0] {
		col[h] = i
	}
	var small []string
	for _, r := range adoptions[1:] {
		if r[col["territory_code"]] == "01001" {
			small = r
		}
	}
	if small == nil || small[col["departement"]] != "01" || small[col["started_on"]] != "" {
		t.Errorf("L'Abergement-Clémenciat row: %v", small)
	}
	if adoptions[1][col["started_on"]] != "2015-01" || adoptions[3][col["ended_on"]] != "2020-01" {
		t.Errorf("months: %q, %q", adoptions[1][col["started_on"]], adoptions[3][col["ended_on"]])
	}

	// XLSX, read back with a reader that is not excelize: every data sheet
	// equals its CSV; the summary has a native chart and a drop-down.
	wb, err := exporttest.ReadXLSX(filepath.Join(dir, "civiscope-directory.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"tools", "tool_sources", "vendors", "adoptions", "evidence"} {
		c, err := exporttest.ReadCSV(filepath.Join(dir, r+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if err := exporttest.SameTable(wb.Sheets[r], c); err != nil {
			t.Errorf("sheet %s differs from %s.csv: %v", r, r, err)
		}
	}
	if !wb.Parts["xl/charts/chart1.xml"] || !wb.Parts["xl/charts/chart2.xml"] {
		t.Error("the summary sheet has no native charts")
	}
	if !strings.Contains(wb.SheetXML["summary"], "<dataValidation") {
		t.Error("the summary sheet lost its drop-down")
	}
	if len(wb.Sheets["codebook"]) < 40 {
		t.Errorf("codebook has %d lines", len(wb.Sheets["codebook"]))
	}

	// datapackage.json meets the spec's requirements and its hashes match.
	raw, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range export.ValidatePackage(raw) {
		t.Errorf("datapackage.json: %v", e)
	}
	var pkg export.Package
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	tables := 0
	for _, r := range pkg.Resources {
		if r.TableSchema != nil {
			tables++
		}
	}
	// 5 tables, and every other file (their spreadsheet and JSON copies,
	// the workbook) listed too.
	if pkg.Licenses[0].Name != "etalab-2.0" || tables != 5 || len(pkg.Resources) != 16 {
		t.Errorf("package: licence %v, %d resources, %d tables", pkg.Licenses, len(pkg.Resources), tables)
	}
	for _, r := range pkg.Resources {
		for _, f := range rel.Files {
			if f.Name == r.Path && r.Hash != "sha256:"+f.SHA256 {
				t.Errorf("%s: hash %s, file %s", r.Name, r.Hash, f.SHA256)
			}
		}
	}

	// JSON: valid, and the INSEE code is a string.
	var js []map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "adoptions.json"))
	if err := json.Unmarshal(b, &js); err != nil || len(js) != 7 {
		t.Fatalf("adoptions.json: %d objects, %v", len(js), err)
	}
	if _, ok := js[0]["territory_code"].(string); !ok {
		t.Errorf("territory_code is %T in JSON", js[0]["territory_code"])
	}

	// Immutable: publishing the same version again is a conflict and
	// leaves the files alone.
	_, err = export.Publish(ctx, db, root, reports.DirectoryDataset, rel.Version, func(ctx context.Context, dir string) (map[string]int64, error) {
		return nil, os.WriteFile(filepath.Join(dir, "tools.csv"), []byte("overwritten"), 0o644)
	})
	if civiscope.ErrorCode(err) != civiscope.ECONFLICT {
		t.Errorf("second publish: %v, want a conflict", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "tools.csv")); string(b) == "overwritten" {
		t.Error("a published file was overwritten")
	}
	if _, err := db.Exec(ctx, `DELETE FROM report_release_file`); err == nil {
		t.Error("the database let a published file record be deleted")
	}
	if _, err := export.FindRelease(ctx, db, reports.DirectoryDataset, "19990101T000000Z"); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Errorf("unknown version: %v", err)
	}
}

func TestFailedBuildLeavesNothing(t *testing.T) {
	root := t.TempDir()
	_, err := export.Publish(context.Background(), db, root, "broken", "1", func(ctx context.Context, dir string) (map[string]int64, error) {
		_ = os.WriteFile(filepath.Join(dir, "half.csv"), []byte("a,b\n"), 0o644)
		return nil, civiscope.Errorf(civiscope.EINVALID, "nope")
	})
	if err == nil {
		t.Fatal("a failing build was published")
	}
	entries, _ := os.ReadDir(filepath.Join(root, "broken"))
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	if _, err := export.FindRelease(context.Background(), db, "broken", "1"); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Errorf("failed release is recorded: %v", err)
	}
}

func TestSchedulerPublishesOnlyWhenDue(t *testing.T) {
	crafted(t)
	ctx := context.Background()
	if _, err := db.Exec(ctx, `TRUNCATE revision`); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if _, err := reports.PublishDirectory(ctx, db, root, "", time.Now().Add(-72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(48 * time.Hour)
	s := reports.NewScheduler(db, root, "https://civiscope.example", slog.New(slog.NewTextHandler(io.Discard, nil))).
		WithClock(func() time.Time { return later })
	if rel, err := s.RunOnce(ctx); err != nil || rel != nil {
		t.Fatalf("nothing changed since the last release, yet: %v, %v", rel, err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO revision (entity, entity_id, action, actor, changes) VALUES ('tool', 1, 'update', 'curator:test', '{}')`); err != nil {
		t.Fatal(err)
	}
	rel, err := s.RunOnce(ctx)
	if err != nil || rel == nil {
		t.Fatalf("the directory changed a day after the last release, yet: %v, %v", rel, err)
	}
	if again, err := s.RunOnce(ctx); err != nil || again != nil {
		t.Errorf("a second run published again: %v (%v)", again, err)
	}
}
