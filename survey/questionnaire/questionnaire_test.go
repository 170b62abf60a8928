package questionnaire

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

func TestBarometre2026Compiles(t *testing.T) {
	f := Barometre2026()
	if err := f.Compile(); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Pages()); n != 7 {
		t.Errorf("%d pages, want 7", n)
	}
	f.Walk(func(q *xlsform.Question) {
		if q.Answerable() && q.Concept == "" {
			t.Errorf("%s has no concept: answers could not be compared across editions", q.Name)
		}
		if q.Type != xlsform.Group && q.Type != xlsform.Repeat && (q.Label["fr"] == "" || q.Label["en"] == "") {
			t.Errorf("%s lacks a French or English label", q.Name)
		}
	})
}

// TestShippedWorkbookIsCurrent re-reads the committed workbook with the
// real reader and compares it to the Go source: run `go generate
// ./survey/questionnaire` after editing the questionnaire.
func TestShippedWorkbookIsCurrent(t *testing.T) {
	data, err := os.ReadFile("../../data/survey/barometre-2026.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	got, err := xlsform.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the shipped workbook does not read: %v", err)
	}
	want := Barometre2026()
	if err := want.Compile(); err != nil {
		t.Fatal(err)
	}
	clearRows(got)
	if a, b := mustJSON(t, got), mustJSON(t, want); a != b {
		t.Errorf("data/survey/barometre-2026.xlsx is stale; run go generate ./survey/questionnaire")
	}
}

func clearRows(f *xlsform.Form) { f.Walk(func(q *xlsform.Question) { q.Row = 0 }) }

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestToolsAreDirectorySlugs keeps the tool list in step with the
// directory seed, so that a named tool becomes adoption evidence.
func TestToolsAreDirectorySlugs(t *testing.T) {
	raw, err := os.ReadFile("../../data/seed/tools.json")
	if err != nil {
		t.Fatal(err)
	}
	var seed struct {
		Tools []struct {
			Slug string `json:"slug"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(raw, &seed); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, tl := range seed.Tools {
		known[tl.Slug] = true
	}
	f := Barometre2026()
	for _, c := range f.Choices["outil"] {
		if c.Name != survey.OtherTool && !known[c.Name] {
			t.Errorf("tool %q is not in data/seed/tools.json", c.Name)
		}
	}
}
