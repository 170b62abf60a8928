package barometer

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/reports/disclosure"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// Breakdowns a table can be split by.
const (
	All     = "all"
	Kind    = "kind"
	Bracket = "bracket"
	Region  = "region"
)

// Dimensions lists the breakdowns, overall first.
func Dimensions() []string { return []string{All, Kind, Bracket, Region} }

// ParseDimension checks a breakdown name from a URL or a command line.
func ParseDimension(s string) (string, error) {
	if s == "" {
		return All, nil
	}
	for _, d := range Dimensions() {
		if d == s {
			return s, nil
		}
	}
	return "", civiscope.Invalid([]civiscope.FieldError{civiscope.Field("by", "unknown_value", civiscope.Params{"value": s}, "unknown breakdown %q: use all, kind, bracket or region", s)})
}

// Options tune a tabulation.
type Options struct {
	// Policy overrides the edition's stored disclosure policy; it may only
	// be stricter (Tabulate refuses a weaker one).
	Policy      *disclosure.Policy
	RegionNames map[string]string
	Lang        string // "fr" (default) or "en"

	// primaryOnly skips complementary suppression; tests use it to show
	// that the auditor catches an unprotected release.
	primaryOnly bool
	// linearOnly skips the settling step (see disclosure.Joint.LinearOnly).
	linearOnly bool
	// noValueUnguarded leaves out the cell of those who gave no value
	// behind a numeric n (see protection.addNumber).
	noValueUnguarded bool
}

// Column is one answer category of a table.
type Column struct {
	Key     string `json:"key"` // choice name, or a missing reason
	Label   string `json:"label"`
	Missing bool   `json:"missing,omitempty"`
}

// Group is one row of a table: a kind, a bracket, a région, or the total.
type Group struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Cell is one published figure. When Shown is false, N and Percent are
// zero and must not be displayed: the cell is suppressed.
type Cell struct {
	N       int     `json:"n"`
	Base    int     `json:"base"` // the n the percentage is of; 0 when hidden
	Percent float64 `json:"percent"`
	Shown   bool    `json:"shown"`
	Status  string  `json:"status"` // shown, primary, secondary
}

// Table is one question crossed with one breakdown.
type Table struct {
	Question  string   `json:"question"`
	Concept   string   `json:"concept,omitempty"`
	Label     string   `json:"label"`
	Type      string   `json:"type"`
	Multiple  bool     `json:"multiple"` // a respondent may count in several columns: rows do not add up
	Dimension string   `json:"dimension"`
	Columns   []Column `json:"columns"`
	Groups    []Group  `json:"groups"`
	Cells     [][]Cell `json:"cells"`
	Bases     []Cell   `json:"bases"` // respondents per group the question applied to
}

// Stat summarises a numeric question for one group. N (how many gave a
// value) and the summaries are protected separately: N is a count under
// the frequency rule, Mean and Median a magnitude under the threshold and
// dominance rules.
type Stat struct {
	N      int     `json:"n"`
	NShown bool    `json:"n_shown"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	Shown  bool    `json:"shown"`
	Status string  `json:"status"` // of the mean and median: shown, primary, secondary
}

// Numeric is a numeric question crossed with one breakdown.
type Numeric struct {
	Question  string  `json:"question"`
	Label     string  `json:"label"`
	Dimension string  `json:"dimension"`
	Unit      string  `json:"unit"` // what one value is: a respondent, or a tool row of a respondent
	Groups    []Group `json:"groups"`
	Stats     []Stat  `json:"stats"`
}

// Results are an edition's protected figures.
type Results struct {
	Year        int               `json:"year"`
	Title       string            `json:"title"`
	Policy      disclosure.Policy `json:"policy"`
	Respondents int               `json:"respondents"`
	Tables      []Table           `json:"tables"`
	Numerics    []Numeric         `json:"numerics"`
}

// Table returns the table of question by dimension.
func (r *Results) Table(question, dimension string) (*Table, error) {
	for i := range r.Tables {
		if r.Tables[i].Question == question && r.Tables[i].Dimension == dimension {
			return &r.Tables[i], nil
		}
	}
	return nil, civiscope.Errorf(civiscope.ENOTFOUND, "the barometer %d has no question %q", r.Year, question)
}

// answer is one respondent's answer to one question.
type answer struct {
	values  []string
	missing survey.Missing
}

// answerOf reads q for r. A question inside a repeat (one row per tool)
// counts at the level of the respondent: a choice is chosen when any row
// chose it.
func answerOf(r *survey.Result, q *xlsform.Question) answer {
	if rep := q.InRepeat(); rep != nil {
		rows := r.Repeats[rep.Name]
		if len(rows) == 0 {
			return answer{missing: survey.NotApplicable}
		}
		seen := map[string]bool{}
		var a answer
		for _, row := range rows {
			v := row[q.Name]
			if v.Missing != "" {
				if a.missing == "" || a.missing == survey.NotApplicable {
					a.missing = v.Missing
				}
				continue
			}
			for _, s := range strings.Fields(v.Value) {
				if !seen[s] {
					seen[s] = true
					a.values = append(a.values, s)
				}
			}
		}
		if len(a.values) > 0 {
			a.missing = ""
		}
		return a
	}
	v := r.Values[q.Name]
	if v.Missing != "" {
		return answer{missing: v.Missing}
	}
	if q.Type == xlsform.SelectMultiple {
		return answer{values: strings.Fields(v.Value)}
	}
	return answer{values: []string{v.Value}}
}

func groupOf(r *survey.Result, dim string) string {
	switch dim {
	case Kind:
		return string(r.Territory.Kind)
	case Bracket:
		if r.Territory.Population == nil {
			return "0"
		}
		return strconv.Itoa(reports.BracketOf(r.Territory.Kind, *r.Territory.Population))
	case Region:
		return r.Territory.Region
	}
	return All
}

// present lists the group keys of dim that the respondents fall in.
func present(sh *sheet, dim string) map[string]bool {
	seen := map[string]bool{}
	for i := range sh.rows {
		seen[sh.rows[i].group(dim)] = true
	}
	return seen
}

// groups lists the groups present among the respondents (seen, from
// present), in display order.
func groups(seen map[string]bool, dim string, opts Options) []Group {
	var out []Group
	switch dim {
	case All:
		return []Group{{All, label(opts, "Ensemble", "All respondents")}}
	case Kind:
		for _, k := range reports.AdopterKinds() {
			if seen[k.Value] {
				out = append(out, Group{k.Value, k.Label.In(opts.Lang)})
			}
		}
	case Bracket:
		bs := reports.Brackets()
		for _, b := range append(bs[1:], bs[0]) {
			if k := strconv.Itoa(b.ID); seen[k] {
				out = append(out, Group{k, b.Label.In(opts.Lang)})
			}
		}
	case Region:
		var codes []string
		for c := range seen {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, c := range codes {
			name := opts.RegionNames[c]
			if name == "" {
				name = c
			}
			out = append(out, Group{c, name})
		}
	}
	return out
}

func label(opts Options, fr, en string) string {
	if opts.Lang == "en" {
		return en
	}
	return fr
}

func missingColumns(opts Options) []Column {
	var out []Column
	for _, m := range []survey.Missing{survey.DontKnow, survey.Refused, survey.NoAnswer} {
		fr, en := m.Label()
		out = append(out, Column{Key: string(m), Label: label(opts, fr, en), Missing: true})
	}
	return out
}

// Tabulate computes every protected table of an edition, all protected
// together (see protect.go).
func Tabulate(set *survey.ResultSet, opts Options) (*Results, error) {
	res, err := TabulateIn(set, opts, opts.Lang)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// TabulateIn protects an edition once and says its figures in each of
// langs: which cells are hidden does not depend on the words, and the
// protection of a large edition takes seconds.
func TabulateIn(set *survey.ResultSet, opts Options, langs ...string) ([]*Results, error) {
	return tabulate(sheetOf(set), opts, langs...)
}

// tabulate is TabulateIn on what the protection reads of the responses.
func tabulate(sh *sheet, opts Options, langs ...string) ([]*Results, error) {
	pol := EditionPolicy(sh.edition)
	if opts.Policy != nil {
		if err := opts.Policy.Validate(); err != nil {
			return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "k", Message: err.Error()}})
		}
		if !opts.Policy.AtLeast(pol) {
			return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "k", Message: fmt.Sprintf(
				"the edition's policy is %s; a weaker one is never published", pol)}})
		}
		pol = *opts.Policy
	}
	year, title, n := sh.edition.Year, sh.edition.Title, len(sh.rows)
	p := newProtection(sh, pol, opts)
	var err error
	sh.form.Walk(func(q *xlsform.Question) {
		if err != nil || !q.Answerable() {
			return
		}
		switch q.Type {
		case xlsform.SelectOne, xlsform.SelectMultiple:
			p.addSelect(q)
		case xlsform.Integer, xlsform.Decimal:
			err = p.addNumber(q)
		}
	})
	if err != nil {
		return nil, err
	}
	// The figures are made: the responses and the per-response lists
	// behind the routing links would only weigh on the protection's peak
	// memory (the caller lets go of the responses too).
	p.members, p.resp, p.sheet = nil, nil, nil
	switch {
	case opts.primaryOnly:
		p.joint.PrimaryOnly()
	case opts.linearOnly:
		p.joint.LinearOnly()
	default:
		p.joint.Protect()
	}
	out := make([]*Results, len(langs))
	for i, l := range langs {
		p.relabel(l)
		out[i] = &Results{Year: year, Title: title, Policy: pol, Respondents: n,
			Tables: p.tables(), Numerics: p.numerics()}
	}
	return out, nil
}

// EditionPolicy is the disclosure policy stored with an edition.
func EditionPolicy(e *survey.Edition) disclosure.Policy {
	p := disclosure.DefaultPolicy()
	if e != nil && e.DisclosureK > 0 {
		p = disclosure.Policy{K: e.DisclosureK, MinUnits: e.DisclosureMinUnits, Dominance: e.DisclosureDominance}
	}
	return p
}
