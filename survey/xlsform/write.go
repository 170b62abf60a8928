package xlsform

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Write exports the form as an XLSForm workbook that Read accepts again:
// the round trip keeps every column this package knows.
func Write(w io.Writer, f *Form) error {
	wb := excelize.NewFile()
	defer wb.Close()
	if err := wb.SetSheetName("Sheet1", "survey"); err != nil {
		return fmt.Errorf("name survey sheet: %w", err)
	}
	for _, s := range []string{"choices", "settings"} {
		if _, err := wb.NewSheet(s); err != nil {
			return fmt.Errorf("add sheet %s: %w", s, err)
		}
	}
	langs := f.Languages
	hdr := []string{"type", "name"}
	for _, col := range []string{"label", "hint"} {
		for _, l := range langs {
			hdr = append(hdr, col+"::"+l)
		}
	}
	hdr = append(hdr, "required", "relevant", "constraint")
	for _, l := range langs {
		hdr = append(hdr, "constraint_message::"+l)
	}
	hdr = append(hdr, "choice_filter", "default", "concept")
	rows := [][]string{hdr}
	var rec func(qs []*Question)
	rec = func(qs []*Question) {
		for _, q := range qs {
			typ := string(q.Type)
			switch q.Type {
			case Group, Repeat:
				typ = "begin " + typ
			case SelectOne, SelectMultiple:
				typ += " " + q.List
			}
			r := []string{typ, q.Name}
			for _, t := range []Text{q.Label, q.Hint} {
				for _, l := range langs {
					r = append(r, t[l])
				}
			}
			r = append(r, q.Required, q.Relevant, q.Constraint)
			for _, l := range langs {
				r = append(r, q.ConstraintMessage[l])
			}
			r = append(r, q.ChoiceFilter, q.Default, q.Concept)
			rows = append(rows, r)
			if q.IsContainer() {
				rec(q.Children)
				rows = append(rows, []string{"end " + string(q.Type)})
			}
		}
	}
	rec(f.Questions)
	if err := writeRows(wb, "survey", rows); err != nil {
		return err
	}

	chdr := []string{"list_name", "name"}
	for _, l := range langs {
		chdr = append(chdr, "label::"+l)
	}
	chdr = append(chdr, f.ChoiceColumns...)
	crows := [][]string{chdr}
	for _, list := range f.Lists {
		for _, c := range f.Choices[list] {
			r := []string{list, c.Name}
			for _, l := range langs {
				r = append(r, c.Label[l])
			}
			for _, col := range f.ChoiceColumns {
				r = append(r, c.Extra[col])
			}
			crows = append(crows, r)
		}
	}
	if err := writeRows(wb, "choices", crows); err != nil {
		return err
	}
	srows := [][]string{{"form_id", "form_title", "version", "default_language"}, {f.ID, f.Title, f.Version, f.DefaultLanguage}}
	if err := writeRows(wb, "settings", srows); err != nil {
		return err
	}
	if err := wb.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// writeRows writes text cells; every value is written as a string so that
// "001" or "1.10" versions survive the round trip.
func writeRows(wb *excelize.File, sheet string, rows [][]string) error {
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow(sheet, cell, &vals); err != nil {
			return fmt.Errorf("write %s row %d: %w", sheet, i+1, err)
		}
	}
	if err := wb.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("freeze %s header: %w", sheet, err)
	}
	return nil
}

func splitFields(s string) []string { return strings.Fields(s) }
