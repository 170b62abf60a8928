package barometer

import (
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// sheet is what the protection reads of each response: its groups, its
// consent and its answers to the questions that have tables, without the
// texts and per-response maps of a survey.Result. On 30,000 responses it
// holds about a third of their memory, and it can be filled from
// survey.EachResult without holding every Result at once.
type sheet struct {
	edition *survey.Edition
	form    *xlsform.Form
	col     map[string]int // question name → answer index
	qs      []*xlsform.Question
	rows    []sheetRow
	strs    map[string]string // one copy of each group key and answer
}

type sheetRow struct {
	id      int64
	publish bool
	kind    string
	bracket string
	region  string
	answers []answer // by col
}

func newSheet(set *survey.ResultSet) *sheet {
	s := &sheet{edition: set.Edition, form: set.Form, col: map[string]int{}, strs: map[string]string{}}
	set.Form.Walk(func(q *xlsform.Question) {
		if !q.Answerable() {
			return
		}
		switch q.Type {
		case xlsform.SelectOne, xlsform.SelectMultiple, xlsform.Integer, xlsform.Decimal:
			s.col[q.Name] = len(s.qs)
			s.qs = append(s.qs, q)
		}
	})
	return s
}

// sheetOf copies a result set.
func sheetOf(set *survey.ResultSet) *sheet {
	s := newSheet(set)
	for i := range set.Responses {
		s.add(&set.Responses[i])
	}
	return s
}

func (s *sheet) str(x string) string {
	if y, ok := s.strs[x]; ok {
		return y
	}
	s.strs[x] = x
	return x
}

// add keeps what the protection needs of r.
func (s *sheet) add(r *survey.Result) {
	row := sheetRow{id: r.ResponseID, publish: r.Publish, kind: s.str(groupOf(r, Kind)), bracket: s.str(groupOf(r, Bracket)), region: s.str(groupOf(r, Region))}
	row.answers = make([]answer, len(s.qs))
	n := 0
	for i, q := range s.qs {
		row.answers[i] = answerOf(r, q)
		n += len(row.answers[i].values)
	}
	// Every value of the row in one array.
	values := make([]string, 0, n)
	for i := range row.answers {
		a := &row.answers[i]
		from := len(values)
		for _, v := range a.values {
			if t := s.qs[i].Type; t == xlsform.SelectOne || t == xlsform.SelectMultiple {
				v = s.str(v) // a few choices; numbers are many and short
			}
			values = append(values, v)
		}
		a.values = values[from:len(values):len(values)]
	}
	s.rows = append(s.rows, row)
}

// group is the row's group of a breakdown (see groupOf).
func (r *sheetRow) group(dim string) string {
	switch dim {
	case Kind:
		return r.kind
	case Bracket:
		return r.bracket
	case Region:
		return r.region
	}
	return All
}
