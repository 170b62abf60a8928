// Package survey runs the barometer: questionnaires authored in XLSForm,
// yearly editions with a sampling frame drawn from the territory register,
// invitations by token, and one response per collectivité, saved page by
// page on the server. It never imports net/http; web renders its flow.
package survey

import (
	"strings"

	"github.com/civiscope/civiscope/survey/xlsform"
)

// Missing says why an answer has no value. The reports need these kept
// apart: "don't know" is an answer, "not applicable" is a skip.
type Missing string

const (
	// DontKnow and Refused are chosen by the respondent and stored.
	DontKnow Missing = "dont_know"
	Refused  Missing = "refused"
	// NotApplicable (the question was skipped by relevance) and NoAnswer
	// (relevant, left blank) are derived when results are read.
	NotApplicable Missing = "not_applicable"
	NoAnswer      Missing = "no_answer"
)

// Valid reports whether m is a reason a respondent may give.
func (m Missing) Valid() bool { return m == DontKnow || m == Refused }

// Label is the French wording, then the English one.
func (m Missing) Label() (fr, en string) {
	switch m {
	case DontKnow:
		return "Je ne sais pas", "Don't know"
	case Refused:
		return "Je préfère ne pas répondre", "Prefer not to say"
	case NotApplicable:
		return "Sans objet", "Not applicable"
	case NoAnswer:
		return "Sans réponse", "No answer"
	}
	return string(m), string(m)
}

// Answer is one stored answer: a value (numbers and dates as text,
// multiple choices space-separated, as in XLSForm) or a reason for none.
type Answer struct {
	Value   string  `json:"v,omitempty"`
	Missing Missing `json:"m,omitempty"`
}

// Row is one row of a repeat.
type Row map[string]Answer

// Answers are all the answers of one response.
type Answers struct {
	Values  map[string]Answer `json:"values,omitempty"`
	Repeats map[string][]Row  `json:"repeats,omitempty"`
}

// Clone returns a deep copy, so a failed save leaves the caller's copy as
// it was.
func (a Answers) Clone() Answers {
	c := Answers{Values: map[string]Answer{}, Repeats: map[string][]Row{}}
	for k, v := range a.Values {
		c.Values[k] = v
	}
	for k, rows := range a.Repeats {
		cr := make([]Row, len(rows))
		for i, r := range rows {
			cr[i] = Row{}
			for n, v := range r {
				cr[i][n] = v
			}
		}
		c.Repeats[k] = cr
	}
	return c
}

// Get returns the answer to q; row is the repeat row index, ignored
// outside repeats.
func (a Answers) Get(q *xlsform.Question, row int) Answer {
	if r := q.InRepeat(); r != nil {
		rows := a.Repeats[r.Name]
		if row < 0 || row >= len(rows) {
			return Answer{}
		}
		return rows[row][q.Name]
	}
	return a.Values[q.Name]
}

func (a *Answers) set(q *xlsform.Question, row int, v Answer) {
	if a.Values == nil {
		a.Values = map[string]Answer{}
	}
	if a.Repeats == nil {
		a.Repeats = map[string][]Row{}
	}
	if r := q.InRepeat(); r != nil {
		rows := a.Repeats[r.Name]
		for len(rows) <= row {
			rows = append(rows, Row{})
		}
		if v == (Answer{}) {
			delete(rows[row], q.Name)
		} else {
			rows[row][q.Name] = v
		}
		a.Repeats[r.Name] = rows
		return
	}
	if v == (Answer{}) {
		delete(a.Values, q.Name)
	} else {
		a.Values[q.Name] = v
	}
}

func splitSpace(s string) []string { return strings.Fields(s) }
