package survey

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/civiscope/civiscope/survey/xlsform"
)

// RelevantPages returns the indexes of the pages that apply given the
// answers so far; a skipped repeat page is left out of the step count.
func RelevantPages(f *xlsform.Form, a *Answers) []int {
	var out []int
	for i, p := range f.Pages() {
		if Relevant(f, a, p, 0) {
			out = append(out, i)
		}
	}
	return out
}

// ResumePage is the page a respondent coming back to the link should see:
// the first page that applies and is not done, a page being done when
// someone saved it and its answers pass every check (a draft saved with a
// required answer missing is not done, and neither is a page only
// pre-filled from last year). It returns -1 when every page is done: the
// review comes next.
func ResumePage(f *xlsform.Form, r *Response) int {
	for _, i := range RelevantPages(f, &r.Answers) {
		p := f.Pages()[i]
		if r.PageVersion(p) == 0 || len(validate(f, &r.Answers, []*xlsform.Question{p}, false, "fr")) > 0 {
			return i
		}
	}
	return -1
}

// RelevantKeys lists the field keys of page p that apply given the
// answers, in document order: what the page shows.
func RelevantKeys(f *xlsform.Form, a *Answers, p *xlsform.Question) []string {
	var keys []string
	var rec func(q *xlsform.Question, row int)
	rec = func(q *xlsform.Question, row int) {
		if !Relevant(f, a, q, row) {
			return
		}
		switch {
		case q.Type == xlsform.Repeat:
			for i := range a.Repeats[q.Name] {
				for _, c := range q.Children {
					rec(c, i)
				}
			}
		case q.IsContainer():
			for _, c := range q.Children {
				rec(c, row)
			}
		case q.Answerable():
			keys = append(keys, FieldKey(q, row))
		}
	}
	rec(p, 0)
	return keys
}

// RemoveRow drops row i of repeat from a posted page, renumbering the
// rows after it, so "remove this tool" works as a plain form button.
func (in *PageInput) RemoveRow(repeat string, i int) error {
	if i < 0 || i >= in.Rows {
		return fmt.Errorf("no row %d to remove", i)
	}
	shift := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			r, n, name, ok := splitKey(k)
			switch {
			case !ok || r != repeat || n < i:
				out[k] = v
			case n > i:
				out[fmt.Sprintf("%s.%d.%s", r, n-1, name)] = v
			}
		}
		return out
	}
	in.Fields = shift(in.Fields)
	ms := map[string]string{}
	for k, v := range in.Missing {
		ms[k] = string(v)
	}
	in.Missing = map[string]Missing{}
	for k, v := range shift(ms) {
		in.Missing[k] = Missing(v)
	}
	in.Rows--
	return nil
}

// splitKey reads "repeat.N.name".
func splitKey(k string) (repeat string, n int, name string, ok bool) {
	parts := strings.SplitN(k, ".", 3)
	if len(parts) != 3 {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return "", 0, "", false
	}
	return parts[0], n, parts[2], true
}

// PreviewPage applies a posted page to a copy of the answers without
// checking it, so a refused page can be shown again as the respondent
// typed it.
func PreviewPage(f *xlsform.Form, a Answers, page int, in PageInput) Answers {
	c := a.Clone()
	pages := f.Pages()
	if page < 0 || page >= len(pages) || in.Rows < 0 || in.Rows > MaxRepeatRows {
		return c
	}
	_ = applyPage(f, &c, pages[page], in)
	prune(f, &c)
	return c
}
