package barometer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/postgres/pgtest"
)

// TestPSPPAndRReadTheRelease writes the files of a synthetic edition with
// awkward answers (several lines, quotes, semicolons, emoji) and has the
// real PSPP and R read every microdata table with its script: the number
// of cases must be the number of consenting respondents (or their tool
// rows), and the missing codes must come out as missing.
func TestPSPPAndRReadTheRelease(t *testing.T) {
	for _, tool := range []string{"pspp", "Rscript"} {
		if _, err := exec.LookPath(tool); err != nil {
			pgtest.Missing(t, "%s is missing: scripts/stattools.sh installs it", tool)
		}
	}
	set := syntheticEdition(t, 120, 9)
	res, err := Tabulate(set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := WriteEdition(context.Background(), dir, set, res, nil, "test", time.Now(), ""); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"microdata": 0, "microdata_outils": 0}
	for _, r := range set.Responses {
		if r.Publish {
			want["microdata"]++
			want["microdata_outils"] += len(r.Repeats["outils"])
		}
	}
	for name, n := range want {
		// PSPP: the case count, and the reason of a text answer's absence.
		sps := filepath.Join(dir, name+"_check.sps")
		os.WriteFile(sps, []byte("INSERT FILE='"+name+"_labels.sps'.\nSHOW N.\nDISPLAY DICTIONARY.\n"), 0o644)
		cmd := exec.Command("pspp", "-O", "format=txt", sps)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "error:") {
			t.Fatalf("pspp %s: %v\n%s", name, err, out)
		}
		m := regexp.MustCompile(`N is (\d+)`).FindSubmatch(out)
		if m == nil || string(m[1]) != strconv.Itoa(n) {
			t.Errorf("PSPP reads %s cases in %s, want %d", m, name, n)
		}
		if !strings.Contains(string(out), "991") || !strings.Contains(string(out), "refus de répondre") {
			t.Errorf("PSPP: %s lacks the missing codes and their labels", name)
		}
		// R: the same count, and no raw missing code left in the values.
		r := "setwd(" + strconv.Quote(dir) + "); source(" + strconv.Quote(name+"_labels.R") + ")\n" +
			"cat('cases', nrow(d), '\\n')\n" +
			"raw <- sapply(d, function(x) any(as.character(x) %in% c('-991', '-992', '-993', '-999'), na.rm = TRUE))\n" +
			"cat('raw', sum(raw), '\\n')\n" +
			"cat('labelled', sum(sapply(d, function(x) !is.null(attr(x, 'label')))), '\\n')\n"
		out, err = exec.Command("Rscript", "-e", r).CombinedOutput()
		if err != nil {
			t.Fatalf("R %s: %v\n%s", name, err, out)
		}
		if !strings.Contains(string(out), "cases "+strconv.Itoa(n)+" ") {
			t.Errorf("R reads %s: want %d cases:\n%s", name, n, out)
		}
		if !strings.Contains(string(out), "raw 0 ") {
			t.Errorf("R %s: missing codes left as values:\n%s", name, out)
		}
		// The spreadsheet copy: a French spreadsheet's reading (BOM, ";",
		// decimal comma) gives back the same table, accents intact.
		r = "setwd(" + strconv.Quote(dir) + ")\n" +
			"a <- read.csv('" + name + ".csv', colClasses = 'character', encoding = 'UTF-8', na.strings = character(0))\n" +
			"b <- read.csv2('" + name + "_excel.csv', colClasses = 'character', fileEncoding = 'UTF-8-BOM', na.strings = character(0))\n" +
			"dot <- function(d) lapply(d, function(x) gsub(',', '.', x, fixed = TRUE))\n" +
			"cat('same', identical(names(a), names(b)), identical(dot(a), dot(b)), nrow(b), '\\n')\n"
		out, err = exec.Command("Rscript", "-e", r).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "same TRUE TRUE "+strconv.Itoa(n)+" ") {
			t.Errorf("R reads %s_excel.csv differently from %s.csv (want same TRUE TRUE %d): %v\n%s", name, name, n, err, out)
		}
	}
}
