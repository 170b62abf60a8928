package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
)

// csvFile reads a CSV source row by row, by column name, and collects every
// invalid value with its file and line, so that one report lists them all
// and a file with any invalid record imports nothing.
type csvFile struct {
	name   string
	r      *csv.Reader
	col    map[string]int
	row    []string
	line   int
	errs   []string
	header []string
}

const maxListedErrors = 50

func openCSV(r io.Reader, name string, want ...string) (*csvFile, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, civiscope.Errorf(civiscope.EINVALID, "%s:1: not a CSV file: %v", name, err)
	}
	f := &csvFile{name: name, r: cr, col: map[string]int{}, header: header, line: 1}
	for i, h := range header {
		f.col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	var missing []string
	for _, w := range want {
		if _, ok := f.col[w]; !ok {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "%s:1: the header lacks the column(s) %s: this is not the expected file", name, strings.Join(missing, ", "))
	}
	return f, nil
}

// next reads a row; false at the end of the file or on an unreadable row
// (recorded as an error).
func (f *csvFile) next() bool {
	row, err := f.r.Read()
	if errors.Is(err, io.EOF) {
		return false
	}
	line, _ := f.r.FieldPos(0)
	f.line = line
	if err != nil {
		f.fail("unreadable row: %v", err)
		return false
	}
	if len(row) != len(f.header) {
		f.fail("%d fields, the header has %d", len(row), len(f.header))
		row = append(row, make([]string, max(0, len(f.header)-len(row)))...)
	}
	f.row = row
	return true
}

func (f *csvFile) get(c string) string { return strings.TrimSpace(f.row[f.col[c]]) }

func (f *csvFile) fail(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf("%s:%d: %s", f.name, f.line, fmt.Sprintf(format, args...)))
}

// where names the current line, for fingerprints and reports.
func (f *csvFile) where() string { return fmt.Sprintf("%s:%d", f.name, f.line) }

// err is nil when every record was valid, else an EINVALID error listing
// the invalid ones.
func (f *csvFile) err() error {
	if len(f.errs) == 0 {
		return nil
	}
	shown := f.errs
	if len(shown) > maxListedErrors {
		shown = shown[:maxListedErrors]
	}
	more := ""
	if len(f.errs) > len(shown) {
		more = fmt.Sprintf("\n  … and %d more", len(f.errs)-len(shown))
	}
	return civiscope.Errorf(civiscope.EINVALID, "%s: %d invalid record(s); nothing was imported:\n  %s%s",
		f.name, len(f.errs), strings.Join(shown, "\n  "), more)
}

var (
	sirenPattern   = regexp.MustCompile(`^[0-9]{9}$`)
	datagouvID     = regexp.MustCompile(`^[0-9a-f]{24}$`)
	isoDatePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// siren checks a SIREN, dropping the invisible direction marks some
// exports carry (OpenDataFrance's GIP Seine Aval).
func (f *csvFile) siren(c string) string {
	s := strings.Trim(f.get(c), "\u200e\u200f\ufeff")
	if !sirenPattern.MatchString(s) {
		f.fail("%s %q is not a SIREN (9 digits)", c, f.get(c))
		return ""
	}
	return s
}

func (f *csvFile) webURL(c string) string {
	s := f.get(c)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || directory.CheckURL(s, directory.MaxEvidenceURLLen) != nil {
		f.fail("%s %q is not a web address", c, s)
		return ""
	}
	return s
}

// date reads a YYYY-MM-DD date; empty is allowed only when optional.
func (f *csvFile) date(c string, optional bool) *time.Time {
	s := f.get(c)
	if s == "" && optional {
		return nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil || !isoDatePattern.MatchString(s) {
		f.fail("%s %q is not a date (YYYY-MM-DD)", c, s)
		return nil
	}
	if t.After(time.Now()) {
		f.fail("%s %s is in the future", c, s)
		return nil
	}
	return &t
}

// count reads a non-negative integer; empty reads as absent (-1).
func (f *csvFile) count(c string) int {
	s := f.get(c)
	if s == "" {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		f.fail("%s %q is not a count", c, s)
		return -1
	}
	return n
}

var waybackStamp = regexp.MustCompile(`^https?://web\.archive\.org/web/([0-9]{8,14})`)

// ArchiveTimestamp reads the capture time of a web.archive.org link: the
// last moment the archived site is known to have been online.
func ArchiveTimestamp(u string) (time.Time, bool) {
	m := waybackStamp.FindStringSubmatch(strings.TrimSpace(u))
	if m == nil {
		return time.Time{}, false
	}
	stamp := (m[1] + "000000")[:14]
	t, err := time.Parse("20060102150405", stamp)
	if err != nil || t.Year() < 1996 || t.After(time.Now()) {
		return time.Time{}, false
	}
	return t.UTC(), true
}
