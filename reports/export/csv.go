package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteCSV writes r as RFC 4180 CSV: UTF-8 without BOM, comma separated,
// one header line of field names. It returns the number of data rows.
func WriteCSV(ctx context.Context, w io.Writer, r Resource) (int64, error) {
	return writeCSV(ctx, w, r, false)
}

// ExcelFile names the spreadsheet copy of a table.
func ExcelFile(name string) string { return name + "_excel.csv" }

// WriteExcelCSV writes r for a spreadsheet set to French: a UTF-8 byte
// order mark (without it Excel reads the file as Windows-1252 and breaks
// every accent), ";" between fields, CRLF line ends and decimal commas.
// It is a copy for people; the comma-separated file stays the reference
// that the data package describes and the statistics scripts read.
func WriteExcelCSV(ctx context.Context, w io.Writer, r Resource) (int64, error) {
	return writeCSV(ctx, w, r, true)
}

func writeCSV(ctx context.Context, w io.Writer, r Resource, excel bool) (int64, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if excel {
		if _, err := bw.WriteString("\ufeff"); err != nil {
			return 0, err
		}
		cw.Comma, cw.UseCRLF = ';', true
	}
	head := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		head[i] = f.Name
	}
	if err := cw.Write(head); err != nil {
		return 0, fmt.Errorf("write %s.csv: %w", r.Name, err)
	}
	var n int64
	rec := make([]string, len(r.Fields))
	err := r.Rows(ctx, func(row Row) error {
		if len(row) != len(r.Fields) {
			return fmt.Errorf("%s: row has %d values for %d fields", r.Name, len(row), len(r.Fields))
		}
		for i, v := range row {
			s, err := format(r.Fields[i], v)
			if err != nil {
				return err
			}
			if excel && r.Fields[i].Type == Number {
				if _, ok := v.(Missing); !ok {
					s = strings.Replace(s, ".", ",", 1)
				}
			}
			rec[i] = s
		}
		n++
		return cw.Write(rec)
	})
	if err != nil {
		return n, fmt.Errorf("write %s.csv: %w", r.Name, err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("write %s.csv: %w", r.Name, err)
	}
	return n, bw.Flush()
}

// WriteJSON writes r as a JSON array of objects keyed by field name, one
// object per line so that large files stay readable line by line. Missing
// values are null, or their code when they have a reason.
func WriteJSON(ctx context.Context, w io.Writer, r Resource) (int64, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("[\n"); err != nil {
		return 0, err
	}
	var n int64
	err := r.Rows(ctx, func(row Row) error {
		if len(row) != len(r.Fields) {
			return fmt.Errorf("%s: row has %d values for %d fields", r.Name, len(row), len(r.Fields))
		}
		if n > 0 {
			bw.WriteString(",\n")
		}
		bw.WriteByte('{')
		for i, v := range row {
			if i > 0 {
				bw.WriteByte(',')
			}
			k, _ := json.Marshal(r.Fields[i].Name)
			bw.Write(k)
			bw.WriteByte(':')
			var val any
			switch x := v.(type) {
			case nil:
			case Missing:
				val = x.Code
			case string, bool:
				val = x
			default:
				if r.Fields[i].Type == Integer || r.Fields[i].Type == Number {
					val = json.RawMessage(mustFormat(r.Fields[i], v))
				} else {
					s, err := format(r.Fields[i], v)
					if err != nil {
						return err
					}
					val = s
				}
			}
			b, err := json.Marshal(val)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", r.Name, r.Fields[i].Name, err)
			}
			bw.Write(b)
		}
		bw.WriteByte('}')
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("write %s.json: %w", r.Name, err)
	}
	if _, err := bw.WriteString("\n]\n"); err != nil {
		return n, err
	}
	return n, bw.Flush()
}

func mustFormat(f Field, v any) string {
	s, err := format(f, v)
	if err != nil || s == "" {
		return "null"
	}
	return s
}
