package survey

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
)

// Staff open contact files (frame, invitations, reminders) in a
// spreadsheet for a mail merge, most often Excel set up in French, which
// reads a CSV as Windows-1252 unless it starts with a byte-order mark and
// splits columns on ";" since "," is the decimal separator. So these files
// are written for it: UTF-8 with a BOM, ";" between fields, CRLF line ends.

// bom is UTF-8's byte-order mark.
const bom = "\ufeff"

// contactWriter starts a contact file on w.
func contactWriter(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, bom); err != nil {
		return nil, fmt.Errorf("write contact file: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return cw, nil
}

// contactReader reads a contact file as staff give it back: with or
// without a BOM, separated by ";" (as written, or as a French spreadsheet
// saves it) or by ",", told apart on the header line.
func contactReader(r io.Reader) *csv.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		_, _ = br.Discard(len(bom))
	}
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	cr := csv.NewReader(br)
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	return cr
}
