package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Summary is the first sheet of a workbook: what the file is, how to cite
// it, small tables drawn as native Excel charts, and an optional drop-down.
type Summary struct {
	Title  string
	Facts  [][2]string // label, value: data set, version, licence, sources, citation…
	Charts []SummaryChart
	Picker *Picker
}

// SummaryChart is a small table of the summary sheet and its chart.
type SummaryChart struct {
	Title  string
	Kind   string // "col", "bar" or "line"
	Header [2]string
	Labels []string
	Values []float64
}

// Picker is a drop-down on the summary sheet with a formula that answers
// for the chosen value, e.g. the number of adoptions of a category. Data
// validation lives here, on a sheet written in normal mode, because
// excelize 2.11 silently drops it on streamed sheets.
type Picker struct {
	Label   string
	Options []string
	Result  string // label of the answer cell
	// Formula computes the answer; {cell} stands for the chosen value's cell.
	Formula string
}

// SheetName is the worksheet name of a resource: Excel allows 31 characters.
func SheetName(r Resource) string {
	if len(r.Name) > 31 {
		return r.Name[:31]
	}
	return r.Name
}

// WriteXLSX writes ds as one workbook: the summary, a codebook, then one
// streamed sheet per resource whose cells hold the same text as the CSV
// (numbers as numbers, identifiers and dates as text). It returns the rows
// written per resource.
func WriteXLSX(ctx context.Context, w io.Writer, ds Dataset, sum Summary) (map[string]int64, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "summary"); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	if err := writeSummary(f, sum, bold); err != nil {
		return nil, fmt.Errorf("summary sheet: %w", err)
	}
	if err := writeCodebook(f, ds, bold); err != nil {
		return nil, fmt.Errorf("codebook sheet: %w", err)
	}
	// Before the data sheets: excelize reads every sheet back into memory
	// to mark the active one, which for a streamed sheet of 30,000 rows
	// costs some hundred megabytes (issue 16). New sheets are not selected.
	f.SetActiveSheet(0)
	rows := map[string]int64{}
	for _, r := range ds.Resources {
		n, err := writeDataSheet(ctx, f, r, bold)
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", r.Name, err)
		}
		rows[r.Name] = n
	}
	if _, err := f.WriteTo(w); err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return rows, nil
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

func writeSummary(f *excelize.File, s Summary, bold int) error {
	const sh = "summary"
	if err := f.SetCellValue(sh, "A1", s.Title); err != nil {
		return err
	}
	_ = f.SetCellStyle(sh, "A1", "A1", bold)
	row := 3
	for _, fact := range s.Facts {
		_ = f.SetCellValue(sh, cell(1, row), fact[0])
		_ = f.SetCellValue(sh, cell(2, row), fact[1])
		_ = f.SetCellStyle(sh, cell(1, row), cell(1, row), bold)
		row++
	}
	_ = f.SetColWidth(sh, "A", "A", 34)
	_ = f.SetColWidth(sh, "B", "B", 60)
	row++
	if p := s.Picker; p != nil && len(p.Options) > 0 {
		// The list lives in column H so that the validation refers to cells
		// rather than an inline list, which Excel caps at 255 characters.
		for i, o := range p.Options {
			_ = f.SetCellValue(sh, cell(8, i+1), o)
		}
		_ = f.SetCellValue(sh, cell(1, row), p.Label)
		_ = f.SetCellStyle(sh, cell(1, row), cell(1, row), bold)
		choice := cell(2, row)
		_ = f.SetCellValue(sh, choice, p.Options[0])
		dv := excelize.NewDataValidation(false)
		dv.SetSqref(choice)
		dv.SetSqrefDropList(fmt.Sprintf("$H$1:$H$%d", len(p.Options)))
		dv.SetError(excelize.DataValidationErrorStyleStop, "Valeur inconnue", "Choisissez une valeur de la liste.")
		if err := f.AddDataValidation(sh, dv); err != nil {
			return err
		}
		row++
		_ = f.SetCellValue(sh, cell(1, row), p.Result)
		_ = f.SetCellStyle(sh, cell(1, row), cell(1, row), bold)
		if err := f.SetCellFormula(sh, cell(2, row), strings.ReplaceAll(p.Formula, "{cell}", choice)); err != nil {
			return err
		}
		row += 2
	}
	for _, c := range s.Charts {
		if len(c.Labels) == 0 {
			continue
		}
		_ = f.SetCellValue(sh, cell(1, row), c.Title)
		_ = f.SetCellStyle(sh, cell(1, row), cell(1, row), bold)
		row++
		_ = f.SetCellValue(sh, cell(1, row), c.Header[0])
		_ = f.SetCellValue(sh, cell(2, row), c.Header[1])
		first := row + 1
		for i, l := range c.Labels {
			_ = f.SetCellValue(sh, cell(1, first+i), l)
			_ = f.SetCellValue(sh, cell(2, first+i), c.Values[i])
		}
		last := first + len(c.Labels) - 1
		kind := excelize.Col
		switch c.Kind {
		case "bar":
			kind = excelize.Bar
		case "line":
			kind = excelize.Line
		}
		err := f.AddChart(sh, cell(4, row-1), &excelize.Chart{
			Type: kind,
			Series: []excelize.ChartSeries{{
				Name:       fmt.Sprintf("summary!$B$%d", row),
				Categories: fmt.Sprintf("summary!$A$%d:$A$%d", first, last),
				Values:     fmt.Sprintf("summary!$B$%d:$B$%d", first, last),
			}},
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title}}},
			Legend: excelize.ChartLegend{Position: "none"},
		})
		if err != nil {
			return err
		}
		row = max(last+2, row+18) // leave room for the chart
	}
	return nil
}

// writeCodebook documents every field of every resource, in normal mode.
func writeCodebook(f *excelize.File, ds Dataset, bold int) error {
	const sh = "codebook"
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	head := []any{"resource", "field", "type", "title (fr)", "title (en)", "description", "values", "missing values"}
	if err := f.SetSheetRow(sh, "A1", &head); err != nil {
		return err
	}
	_ = f.SetCellStyle(sh, "A1", "H1", bold)
	row := 2
	for _, r := range ds.Resources {
		var missing []string
		for _, m := range r.MissingValues {
			missing = append(missing, m.Code+" = "+m.Label)
		}
		for _, fl := range r.Fields {
			var cats []string
			for _, c := range fl.Categories {
				if c.Label != "" {
					cats = append(cats, c.Value+" = "+c.Label)
				} else {
					cats = append(cats, c.Value)
				}
			}
			typ := fl.Type
			if fl.Text {
				typ += " (code: keep as text)"
			}
			vals := []any{r.Name, fl.Name, typ, fl.Title, fl.TitleEN, fl.Description, strings.Join(cats, "; "), strings.Join(missing, "; ")}
			if err := f.SetSheetRow(sh, cell(1, row), &vals); err != nil {
				return err
			}
			row++
		}
	}
	_ = f.SetColWidth(sh, "A", "C", 16)
	_ = f.SetColWidth(sh, "D", "F", 40)
	_ = f.SetColWidth(sh, "G", "H", 50)
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func writeDataSheet(ctx context.Context, f *excelize.File, r Resource, bold int) (int64, error) {
	sh := SheetName(r)
	if _, err := f.NewSheet(sh); err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return 0, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	head := make([]any, len(r.Fields))
	for i, fl := range r.Fields {
		head[i] = excelize.Cell{StyleID: bold, Value: fl.Name}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return 0, err
	}
	vals := make([]any, len(r.Fields))
	var n int64
	err = r.Rows(ctx, func(row Row) error {
		if len(row) != len(r.Fields) {
			return fmt.Errorf("row has %d values for %d fields", len(row), len(r.Fields))
		}
		for i, v := range row {
			fl := r.Fields[i]
			switch x := v.(type) {
			case nil:
				vals[i] = nil
			case int, int64, int32, float64, float32:
				if fl.Text {
					s, _ := format(fl, v)
					vals[i] = s
				} else {
					vals[i] = x
				}
			case bool:
				vals[i] = x
			default:
				s, err := format(fl, v)
				if err != nil {
					return err
				}
				vals[i] = s
			}
		}
		n++
		return sw.SetRow(cell(1, int(n)+1), vals)
	})
	if err != nil {
		return n, err
	}
	return n, sw.Flush()
}
