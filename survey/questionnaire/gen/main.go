// Command gen writes the shipped questionnaires as XLSForm workbooks.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/civiscope/civiscope/survey/questionnaire"
	"github.com/civiscope/civiscope/survey/xlsform"
)

func main() {
	out := flag.String("out", "data/survey/barometre-2026.xlsx", "where to write the workbook")
	flag.Parse()
	f := questionnaire.Barometre2026()
	if err := f.Compile(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	var buf bytes.Buffer
	if err := xlsform.Write(&buf, f); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
