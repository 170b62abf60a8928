package export_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/reports/export"
)

// answers is a synthetic long table of n barometer answer rows.
func answers(n int) export.Resource {
	at := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	return export.Resource{
		Name: "answers",
		Fields: []export.Field{
			{Name: "response_id", Type: export.Integer},
			{Name: "territory_code", Type: export.String, Text: true},
			{Name: "question", Type: export.String},
			{Name: "answer", Type: export.String},
			{Name: "value", Type: export.Number},
			{Name: "missing", Type: export.String},
			{Name: "submitted_at", Type: export.DateTime},
		},
		MissingValues: []export.Missing{{Code: "-992", Label: "don't know"}},
		Rows: func(ctx context.Context, emit func(export.Row) error) error {
			row := make(export.Row, 7)
			for i := 0; i < n; i++ {
				row[0] = int64(i / 40)
				row[1] = fmt.Sprintf("%05d", 1000+i/40%34000)
				row[2] = "q" + strconv.Itoa(i%40)
				row[3] = "choice_" + strconv.Itoa(i%7)
				row[4] = float64(i%1000) / 10
				row[5] = nil
				if i%13 == 0 {
					row[5] = export.Missing{Code: "-992"}
				}
				row[6] = at.Add(time.Duration(i) * time.Second)
				if err := emit(row); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// TestXLSXChild is the child process of BenchmarkXLSXMillionRows: it writes
// the workbook and prints its own peak RSS, so the measure covers the
// export alone and not the test binary's other work.
func TestXLSXChild(t *testing.T) {
	out := os.Getenv("CIVISCOPE_XLSX_CHILD")
	if out == "" {
		t.Skip("only runs as the child of BenchmarkXLSXMillionRows")
	}
	n, _ := strconv.Atoi(os.Getenv("CIVISCOPE_XLSX_ROWS"))
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ds := export.Dataset{Name: "bench", Resources: []export.Resource{answers(n)}}
	rows, err := export.WriteXLSX(context.Background(), f, ds, export.Summary{Title: "bench"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("XLSXCHILD rows=%d seconds=%.2f hwm_kb=%d\n", rows["answers"], time.Since(start).Seconds(), peakRSS())
}

func peakRSS() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	return -1
}

// BenchmarkXLSXMillionRows writes 1,000,000 answer rows through the
// streamed XLSX writer in a child process and reports its peak RSS
// (VmHWM) and wall time. Budget: 300 MB.
func BenchmarkXLSXMillionRows(b *testing.B) {
	for b.Loop() {
		out := filepath.Join(b.TempDir(), "answers.xlsx")
		cmd := exec.Command(os.Args[0], "-test.run=^TestXLSXChild$", "-test.v")
		cmd.Env = append(os.Environ(), "CIVISCOPE_XLSX_CHILD="+out, "CIVISCOPE_XLSX_ROWS=1000000")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		var rows, hwm int
		var secs float64
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "XLSXCHILD") {
				fmt.Sscanf(sc.Text(), "XLSXCHILD rows=%d seconds=%f hwm_kb=%d", &rows, &secs, &hwm)
			}
		}
		if err := cmd.Wait(); err != nil {
			b.Fatalf("child: %v", err)
		}
		if rows != 1_000_000 {
			b.Fatalf("child wrote %d rows", rows)
		}
		st, _ := os.Stat(out)
		b.ReportMetric(float64(hwm)/1024, "peak-RSS-MB")
		b.ReportMetric(secs, "seconds")
		b.ReportMetric(float64(st.Size())/1e6, "file-MB")
		if hwm/1024 > 300 {
			b.Errorf("peak RSS %d MB is over the 300 MB budget", hwm/1024)
		}
	}
}

// BenchmarkCSVRows measures CSV writing in rows per second.
func BenchmarkCSVRows(b *testing.B) {
	const n = 200_000
	r := answers(n)
	for b.Loop() {
		start := time.Now()
		if _, err := export.WriteCSV(context.Background(), io.Discard, r); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(n/time.Since(start).Seconds(), "rows/s")
	}
}
