// Package exporttest re-reads exported files for tests with readers that
// share no code with the writers: XLSX through archive/zip and
// encoding/xml (not excelize), CSV through encoding/csv.
package exporttest

import (
	"archive/zip"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// Workbook is what ReadXLSX found: each sheet's cells as text, by sheet
// name, plus the raw parts for checks on charts and validations.
type Workbook struct {
	Sheets map[string][][]string
	Parts  map[string]bool
	// SheetXML holds each worksheet's XML, keyed by sheet name.
	SheetXML map[string]string
}

type xWorkbook struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

type xRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xSST struct {
	SI []xSI `xml:"si"`
}

type xSI struct {
	T string `xml:"t"`
	R []struct {
		T string `xml:"t"`
	} `xml:"r"`
}

func (s xSI) text() string {
	if len(s.R) == 0 {
		return s.T
	}
	var b strings.Builder
	for _, r := range s.R {
		b.WriteString(r.T)
	}
	return b.String()
}

type xSheet struct {
	Rows []struct {
		R     int `xml:"r,attr"`
		Cells []struct {
			Ref string `xml:"r,attr"`
			T   string `xml:"t,attr"`
			V   string `xml:"v"`
			IS  *xSI   `xml:"is"`
			F   string `xml:"f"`
		} `xml:"c"`
	} `xml:"sheetData>row"`
}

// ReadXLSX opens an .xlsx with the standard library only.
func ReadXLSX(file string) (*Workbook, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	parts := map[string]*zip.File{}
	wb := &Workbook{Sheets: map[string][][]string{}, Parts: map[string]bool{}, SheetXML: map[string]string{}}
	for _, f := range zr.File {
		parts[f.Name] = f
		wb.Parts[f.Name] = true
	}
	read := func(name string) ([]byte, error) {
		f := parts[name]
		if f == nil {
			return nil, fmt.Errorf("part %s missing", name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	var book xWorkbook
	var rels xRels
	var sst xSST
	b, err := read("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	if err := xml.Unmarshal(b, &book); err != nil {
		return nil, fmt.Errorf("workbook.xml: %w", err)
	}
	if b, err = read("xl/_rels/workbook.xml.rels"); err != nil {
		return nil, err
	}
	if err := xml.Unmarshal(b, &rels); err != nil {
		return nil, fmt.Errorf("workbook rels: %w", err)
	}
	if parts["xl/sharedStrings.xml"] != nil {
		if b, err = read("xl/sharedStrings.xml"); err != nil {
			return nil, err
		}
		if err := xml.Unmarshal(b, &sst); err != nil {
			return nil, fmt.Errorf("sharedStrings.xml: %w", err)
		}
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := strings.TrimPrefix(r.Target, "/")
		if !strings.HasPrefix(t, "xl/") {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	for _, s := range book.Sheets {
		b, err := read(target[s.RID])
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.Name, err)
		}
		wb.SheetXML[s.Name] = string(b)
		var sh xSheet
		if err := xml.Unmarshal(b, &sh); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.Name, err)
		}
		var grid [][]string
		for _, row := range sh.Rows {
			for len(grid) < row.R {
				grid = append(grid, nil)
			}
			for _, c := range row.Cells {
				col := colIndex(c.Ref)
				line := grid[row.R-1]
				for len(line) <= col {
					line = append(line, "")
				}
				switch c.T {
				case "s":
					i, _ := strconv.Atoi(c.V)
					if i < len(sst.SI) {
						line[col] = sst.SI[i].text()
					}
				case "inlineStr":
					if c.IS != nil {
						line[col] = c.IS.text()
					}
				case "b":
					line[col] = map[string]string{"1": "true", "0": "false"}[c.V]
				default:
					line[col] = c.V
				}
				grid[row.R-1] = line
			}
		}
		wb.Sheets[s.Name] = grid
	}
	return wb, nil
}

func colIndex(ref string) int {
	n := 0
	for _, r := range ref {
		if r < 'A' || r > 'Z' {
			break
		}
		n = n*26 + int(r-'A'+1)
	}
	return n - 1
}

// ReadCSV reads a whole CSV file and fails on a byte-order mark.
func ReadCSV(file string) ([][]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(string(b), "\uFEFF") {
		return nil, fmt.Errorf("%s starts with a byte-order mark", file)
	}
	r := csv.NewReader(strings.NewReader(string(b)))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

// SameTable compares a sheet with a CSV, cell by cell, ignoring trailing
// empty cells (a sheet does not store empty cells), and returns the first
// difference.
func SameTable(sheet, csv [][]string) error {
	if len(sheet) != len(csv) {
		return fmt.Errorf("sheet has %d rows, CSV %d", len(sheet), len(csv))
	}
	for i := range csv {
		for j := range csv[i] {
			got := ""
			if j < len(sheet[i]) {
				got = sheet[i][j]
			}
			if got != csv[i][j] {
				return fmt.Errorf("row %d, column %d: sheet %q, CSV %q", i+1, j+1, got, csv[i][j])
			}
		}
		if len(sheet[i]) > len(csv[i]) {
			for _, extra := range sheet[i][len(csv[i]):] {
				if extra != "" {
					return fmt.Errorf("row %d: sheet has extra cell %q", i+1, extra)
				}
			}
		}
	}
	return nil
}
