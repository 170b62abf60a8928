package xlsform

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/civiscope/civiscope"
)

// book builds a workbook from sheets of rows, as a person would in a
// spreadsheet.
func book(t *testing.T, sheets map[string][][]string) []byte {
	t.Helper()
	wb := excelize.NewFile()
	for name, rows := range sheets {
		if _, err := wb.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			for j, v := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if err := wb.SetCellStr(name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := wb.DeleteSheet("Sheet1"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var surveyHeader = []string{"type", "name", "label::fr", "label::en", "hint::fr", "required", "relevant", "constraint", "constraint_message::fr", "choice_filter", "default", "concept"}

func validSheets() map[string][][]string {
	return map[string][][]string{
		"survey": {
			append([]string(nil), surveyHeader...),
			{"begin group", "ident", "Identification", "Identification"},
			{"select_one kind", "type_coll", "Type de collectivité", "Kind", "", "yes", "", "", "", "", "commune", "collectivite.type"},
			{"integer", "habitants", "Habitants", "Inhabitants", "Population légale", "yes", "", ". >= 0 and . < 3000000", "Entre 0 et 3 millions", "", "", "collectivite.population"},
			{"select_one region", "region", "Région", "Region", "", "", "", "", "", "kind = ${type_coll}", "", ""},
			{"text", "precision", "Précisez", "Specify", "", "", "${habitants} > 10000", "string-length(.) <= 200", "", "", "", ""},
			{"note", "merci", "Merci", "Thanks"},
			{"end group"},
			{"begin repeat", "outils", "Outils", "Tools", "", "", "", "", "", "", "", "outils"},
			{"select_multiple usage", "usages", "Usages", "Uses", "", "yes", "", "count-selected(.) <= 2", "Deux au plus", "", "", "outil.usages"},
			{"decimal", "budget", "Budget (€)", "Budget (€)", "", "", "selected(${usages}, 'budget')", ". > 0", "", "", "", "outil.budget"},
			{"date", "depuis", "Depuis", "Since", "", "", "", ". >= '2000-01-01'", "", "", "", "outil.depuis"},
			{"end repeat"},
		},
		"choices": {
			{"list_name", "name", "label::fr", "label::en", "kind"},
			{"kind", "commune", "Commune", "Municipality"},
			{"kind", "epci", "EPCI", "Inter-municipality"},
			{"region", "r1", "Région A", "Region A", "commune"},
			{"region", "r2", "Région B", "Region B", "epci"},
			{"usage", "budget", "Budget participatif", "Participatory budget"},
			{"usage", "petition", "Pétition", "Petition"},
			{"usage", "consultation", "Consultation", "Consultation"},
		},
		"settings": {
			{"form_id", "form_title", "version", "default_language"},
			{"test_form", "Formulaire test", "2026.1", "fr"},
		},
	}
}

func TestReadValid(t *testing.T) {
	f, err := Read(bytes.NewReader(book(t, validSheets())))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if f.ID != "test_form" || f.Version != "2026.1" || f.Title != "Formulaire test" {
		t.Errorf("settings = %q %q %q", f.ID, f.Version, f.Title)
	}
	if !reflect.DeepEqual(f.Languages, []string{"fr", "en"}) {
		t.Errorf("languages = %v", f.Languages)
	}
	if len(f.Pages()) != 2 || f.Pages()[1].Type != Repeat || len(f.Pages()[0].Children) != 5 {
		t.Fatalf("structure wrong: %d pages", len(f.Pages()))
	}
	h := f.Question("habitants")
	if h.Concept != "collectivite.population" || h.Hint["fr"] != "Population légale" || h.RequiredExpr() == nil || h.ConstraintExpr() == nil {
		t.Errorf("habitants = %+v", h)
	}
	if q := f.Question("budget"); q.InRepeat() == nil || q.InRepeat().Name != "outils" {
		t.Errorf("budget not in repeat")
	}
	if c := f.Choice("region", "r1"); c == nil || c.Extra["kind"] != "commune" {
		t.Errorf("choice extra = %+v", c)
	}
	if f.Question("region").ChoiceFilterExpr() == nil {
		t.Error("choice filter not compiled")
	}
}

func TestRoundTrip(t *testing.T) {
	f, err := Read(bytes.NewReader(book(t, validSheets())))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	g, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("re-reading the export: %v", err)
	}
	if !reflect.DeepEqual(strip(f), strip(g)) {
		t.Errorf("round trip changed the form:\n%+v\n%+v", strip(f), strip(g))
	}
}

// strip keeps what the round trip must preserve: everything but row
// numbers and compiled state.
func strip(f *Form) []string {
	var out []string
	f.Walk(func(q *Question) {
		out = append(out, strings.Join([]string{string(q.Type), q.List, q.Name, q.Label["fr"], q.Label["en"], q.Hint["fr"], q.Required, q.Relevant, q.Constraint, q.ConstraintMessage["fr"], q.ChoiceFilter, q.Default, q.Concept}, "|"))
	})
	for _, l := range f.Lists {
		for _, c := range f.Choices[l] {
			out = append(out, l+"|"+c.Name+"|"+c.Label["fr"]+"|"+c.Label["en"]+"|"+c.Extra["kind"])
		}
	}
	return append(out, f.ID, f.Title, f.Version, f.DefaultLanguage, strings.Join(f.Languages, ","))
}

func TestReadErrors(t *testing.T) {
	type edit func(s map[string][][]string)
	cases := []struct {
		name string
		edit edit
		want []string // each must appear in the error
	}{
		{"bad relevant", func(s map[string][][]string) { s["survey"][5][6] = "${habitants} > " },
			[]string{"sheet survey, row 6, column relevant", "ends where a value was expected"}},
		{"unknown ref", func(s map[string][][]string) { s["survey"][5][6] = "${nope} = 1" },
			[]string{"sheet survey, row 6, column relevant", "${nope} refers to no question"}},
		{"missing list", func(s map[string][][]string) { s["survey"][2][0] = "select_one kinds" },
			[]string{"sheet survey, row 3, column type", `choice list "kinds" does not exist`}},
		{"duplicate name", func(s map[string][][]string) { s["survey"][3][1] = "type_coll" },
			[]string{"sheet survey, row 4, column name", "already used on row 3"}},
		{"duplicate concept", func(s map[string][][]string) { s["survey"][3][11] = "collectivite.type" },
			[]string{"sheet survey, row 4, column concept", "already used on row 3"}},
		{"unclosed group", func(s map[string][][]string) { s["survey"][7] = []string{""} },
			[]string{"sheet survey, row 2, column type", "never closed"}},
		{"wrong end", func(s map[string][][]string) { s["survey"][7][0] = "end repeat" },
			[]string{"sheet survey, row 8, column type", "must be closed first"}},
		{"unknown type", func(s map[string][][]string) { s["survey"][3][0] = "geopoint" },
			[]string{"sheet survey, row 4, column type", "unknown type \"geopoint\""}},
		{"bad default", func(s map[string][][]string) { s["survey"][2][10] = "ville" },
			[]string{"sheet survey, row 3, column default", "not one of the proposed choices"}},
		{"dot in relevant", func(s map[string][][]string) { s["survey"][5][6] = ". > 1" },
			[]string{"column relevant", "only allowed in constraint"}},
		{"repeat ref from outside", func(s map[string][][]string) { s["survey"][5][6] = "${budget} > 1" },
			[]string{"row 6, column relevant", "inside the repeat \"outils\""}},
		{"bad filter column", func(s map[string][][]string) { s["survey"][4][9] = "genre = 'x'" },
			[]string{"row 5, column choice_filter", "\"genre\" is not a column of the choices sheet"}},
		{"duplicate choice", func(s map[string][][]string) { s["choices"][2][1] = "commune" },
			[]string{"sheet choices, row 3, column name", "appears twice"}},
		{"missing label", func(s map[string][][]string) { s["survey"][3][2] = "" },
			[]string{"sheet survey, row 4, column label::fr", "default language"}},
		{"typo column", func(s map[string][][]string) { s["survey"][0][6] = "relevance" },
			[]string{"sheet survey, row 1, column relevance", "unknown column"}},
		{"no settings", func(s map[string][][]string) { delete(s, "settings") },
			[]string{"sheet settings", "no sheet named \"settings\""}},
		{"question outside group", func(s map[string][][]string) {
			s["survey"] = append(s["survey"], []string{"text", "libre", "Libre", "Free"})
		}, []string{"sheet survey, row 14, column type", "outside any group"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := validSheets()
			c.edit(s)
			f, err := Read(bytes.NewReader(book(t, s)))
			if err == nil || f != nil {
				t.Fatalf("Read accepted the form (err=%v)", err)
			}
			if civiscope.ErrorCode(err) != civiscope.EINVALID {
				t.Errorf("code = %s", civiscope.ErrorCode(err))
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestReadNotAWorkbook(t *testing.T) {
	_, err := Read(strings.NewReader("type,name\ntext,q\n"))
	if civiscope.ErrorCode(err) != civiscope.EINVALID || !strings.Contains(err.Error(), "not a readable .xlsx") {
		t.Errorf("err = %v", err)
	}
	_, err = Read(bytes.NewReader(make([]byte, MaxFileSize+1)))
	if civiscope.ErrorCode(err) != civiscope.ETOOLARGE {
		t.Errorf("err = %v", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read(bytes.NewReader(data))
	})
}

func TestReadRefusesHugeSheets(t *testing.T) {
	s := validSheets()
	s["survey"] = append(s["survey"], make([][]string, maxRows)...)
	s["survey"] = append(s["survey"], []string{"text", "far", "Loin"})
	_, err := Read(bytes.NewReader(book(t, s)))
	if err == nil || !strings.Contains(err.Error(), "more than 5000 rows") {
		t.Errorf("err = %v", err)
	}
	s = validSheets()
	wide := make([]string, maxColumns+5)
	wide[maxColumns+2] = "x"
	s["survey"] = append(s["survey"], wide)
	_, err = Read(bytes.NewReader(book(t, s)))
	if err == nil || !strings.Contains(err.Error(), "beyond column") {
		t.Errorf("err = %v", err)
	}
}

// TestRowNumbersAcrossGaps checks that a blank spreadsheet row (no row
// element in the file) still counts, so messages name the right row.
func TestRowNumbersAcrossGaps(t *testing.T) {
	wb := excelize.NewFile()
	for _, n := range []string{"survey", "choices", "settings"} {
		_, _ = wb.NewSheet(n)
	}
	_ = wb.DeleteSheet("Sheet1")
	_ = wb.SetSheetRow("survey", "A1", &[]any{"type", "name", "label::fr"})
	_ = wb.SetSheetRow("survey", "A2", &[]any{"begin group", "g", "G"})
	_ = wb.SetSheetRow("survey", "A9", &[]any{"geopoint", "p", "P"}) // rows 3-8 never written
	_ = wb.SetSheetRow("survey", "A10", &[]any{"end group"})
	_ = wb.SetSheetRow("choices", "A1", &[]any{"list_name", "name", "label::fr"})
	_ = wb.SetSheetRow("settings", "A1", &[]any{"form_id", "version"})
	_ = wb.SetSheetRow("settings", "A2", &[]any{"f", "1"})
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := Read(&buf)
	if err == nil || !strings.Contains(err.Error(), "sheet survey, row 9, column type") {
		t.Errorf("err = %v", err)
	}
}
