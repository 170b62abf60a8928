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
	return "", civiscope.Invalid([]civiscope.FieldError{{Field: "by", Message: fmt.Sprintf("unknown breakdown %q: use all, kind, bracket or region", s)}})
}

// Options tune a tabulation.
type Options struct {
	K        int // smallest publishable cell; disclosure.DefaultK when 0
	Weighted bool
	// Frame is the sampling frame, needed for weights.
	Frame       []survey.FrameMember
	RegionNames map[string]string
	Lang        string // "fr" (default) or "en"
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

// Cell is one published figure. When Shown is false, N, Percent and
// Weighted are zero and must not be displayed: the cell is suppressed.
type Cell struct {
	N        int     `json:"n"`
	Base     int     `json:"base"` // the n the percentage is of; 0 when hidden
	Percent  float64 `json:"percent"`
	Weighted float64 `json:"weighted_percent,omitempty"`
	Shown    bool    `json:"shown"`
	Status   string  `json:"status"` // shown, primary, secondary
}

// Table is one question crossed with one breakdown.
type Table struct {
	Question  string   `json:"question"`
	Concept   string   `json:"concept,omitempty"`
	Label     string   `json:"label"`
	Type      string   `json:"type"`
	Multiple  bool     `json:"multiple"` // select_multiple: % of respondents, rows do not add up
	Dimension string   `json:"dimension"`
	Columns   []Column `json:"columns"`
	Groups    []Group  `json:"groups"`
	Cells     [][]Cell `json:"cells"`
	Bases     []Cell   `json:"bases"` // respondents per group the question applied to
}

// Stat summarises a numeric question for one group.
type Stat struct {
	N      int     `json:"n"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	Shown  bool    `json:"shown"`
}

// Numeric is a numeric question crossed with one breakdown.
type Numeric struct {
	Question  string  `json:"question"`
	Label     string  `json:"label"`
	Dimension string  `json:"dimension"`
	Groups    []Group `json:"groups"`
	Stats     []Stat  `json:"stats"`
}

// Results are an edition's protected figures.
type Results struct {
	Year        int       `json:"year"`
	Title       string    `json:"title"`
	K           int       `json:"k"`
	Respondents int       `json:"respondents"`
	Weighting   string    `json:"weighting,omitempty"`
	Tables      []Table   `json:"tables"`
	Numerics    []Numeric `json:"numerics"`
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
		return strconv.Itoa(reports.BracketOf(*r.Territory.Population))
	case Region:
		return r.Territory.Region
	}
	return All
}

// groups lists the groups present among the respondents, in display order.
func groups(set *survey.ResultSet, dim string, opts Options) []Group {
	seen := map[string]bool{}
	for i := range set.Responses {
		seen[groupOf(&set.Responses[i], dim)] = true
	}
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

// Tabulate computes every protected table of an edition.
func Tabulate(set *survey.ResultSet, opts Options) (*Results, error) {
	if opts.K == 0 {
		opts.K = disclosure.DefaultK
	}
	if opts.K < 1 || opts.K > 100 {
		return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "k", Message: "must be between 1 and 100"}})
	}
	res := &Results{Year: set.Edition.Year, Title: set.Edition.Title, K: opts.K, Respondents: len(set.Responses)}
	var weights []float64
	if opts.Weighted {
		weights, res.Weighting = poststratify(set, opts.Frame)
	}
	var err error
	set.Form.Walk(func(q *xlsform.Question) {
		if err != nil || !q.Answerable() {
			return
		}
		for _, dim := range Dimensions() {
			switch q.Type {
			case xlsform.SelectOne, xlsform.SelectMultiple:
				res.Tables = append(res.Tables, tabulateSelect(set, q, dim, opts, weights))
			case xlsform.Integer, xlsform.Decimal:
				var n Numeric
				n, err = tabulateNumber(set, q, dim, opts)
				res.Numerics = append(res.Numerics, n)
			}
		}
	})
	return res, err
}

func tabulateSelect(set *survey.ResultSet, q *xlsform.Question, dim string, opts Options, weights []float64) Table {
	t := Table{Question: q.Name, Concept: q.Concept, Label: q.Label.In(opts.Lang, "fr"), Type: string(q.Type),
		Multiple: q.Type == xlsform.SelectMultiple, Dimension: dim, Groups: groups(set, dim, opts)}
	for _, c := range set.Form.Choices[q.List] {
		t.Columns = append(t.Columns, Column{Key: c.Name, Label: c.Label.In(opts.Lang, "fr")})
	}
	t.Columns = append(t.Columns, missingColumns(opts)...)
	col := map[string]int{}
	for j, c := range t.Columns {
		col[c.Key] = j
	}
	row := map[string]int{}
	for i, g := range t.Groups {
		row[g.Key] = i
	}
	R, C := len(t.Groups), len(t.Columns)
	cells := make([][]int, R)
	wsum := make([][]float64, R+1)
	for i := range cells {
		cells[i] = make([]int, C)
	}
	for i := range wsum {
		wsum[i] = make([]float64, C+1)
	}
	bases := make([]int, R)
	for k := range set.Responses {
		r := &set.Responses[k]
		a := answerOf(r, q)
		if a.missing == survey.NotApplicable {
			continue
		}
		i := row[groupOf(r, dim)]
		w := 1.0
		if weights != nil {
			w = weights[k]
		}
		bases[i]++
		wsum[i][C] += w
		wsum[R][C] += w
		if a.missing != "" {
			cells[i][col[string(a.missing)]]++
			wsum[i][col[string(a.missing)]] += w
			wsum[R][col[string(a.missing)]] += w
			continue
		}
		for _, v := range a.values {
			if j, ok := col[v]; ok {
				cells[i][j]++
				wsum[i][j] += w
				wsum[R][j] += w
			}
		}
	}
	var tb *disclosure.Table
	if t.Multiple {
		tb = disclosure.NewWithBases(cells, bases)
	} else {
		tb = disclosure.New(cells)
	}
	if dim != All {
		// The total row is the overall table, published on its own.
		for j := 0; j <= C; j++ {
			tb.Lock(R, j)
		}
		t.Groups = append(t.Groups, Group{"total", label(opts, "Ensemble", "All respondents")})
	}
	tb.Protect(opts.K)
	rows := R
	if dim != All {
		rows = R + 1
	}
	for i := 0; i < rows; i++ {
		base := Cell{N: tb.Value(i, C), Base: tb.Value(i, C), Shown: !tb.Hidden(i, C), Status: tb.Status(i, C).String()}
		if base.Shown {
			base.Percent = 100
		} else {
			base.N, base.Base = 0, 0
		}
		t.Bases = append(t.Bases, base)
		line := make([]Cell, C)
		for j := 0; j < C; j++ {
			c := Cell{Status: tb.Status(i, j).String(), Shown: !tb.Hidden(i, j)}
			if c.Shown {
				c.N = tb.Value(i, j)
				if base.Shown && base.Base > 0 {
					c.Base = base.Base
					c.Percent = 100 * float64(c.N) / float64(c.Base)
					if weights != nil && wsum[i][C] > 0 {
						c.Weighted = 100 * wsum[i][j] / wsum[i][C]
					}
				}
			}
			line[j] = c
		}
		t.Cells = append(t.Cells, line)
	}
	return t
}

func tabulateNumber(set *survey.ResultSet, q *xlsform.Question, dim string, opts Options) (Numeric, error) {
	n := Numeric{Question: q.Name, Label: q.Label.In(opts.Lang, "fr"), Dimension: dim, Groups: groups(set, dim, opts)}
	idx := map[string]int{}
	for i, g := range n.Groups {
		idx[g.Key] = i
	}
	vals := make([][]float64, len(n.Groups))
	var all []float64
	for k := range set.Responses {
		r := &set.Responses[k]
		a := answerOf(r, q)
		if a.missing != "" || len(a.values) == 0 {
			continue
		}
		for _, s := range a.values {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return n, fmt.Errorf("response %d, %s: %q is not a number", r.ResponseID, q.Name, s)
			}
			i := idx[groupOf(r, dim)]
			vals[i] = append(vals[i], f)
			all = append(all, f)
		}
	}
	if dim != All {
		n.Groups = append(n.Groups, Group{"total", label(opts, "Ensemble", "All respondents")})
		vals = append(vals, all)
	}
	for _, v := range vals {
		st := Stat{N: len(v), Shown: len(v) >= opts.K}
		if st.Shown {
			sort.Float64s(v)
			sum := 0.0
			for _, x := range v {
				sum += x
			}
			st.Mean = sum / float64(len(v))
			st.Median = v[len(v)/2]
			if len(v)%2 == 0 {
				st.Median = (v[len(v)/2-1] + v[len(v)/2]) / 2
			}
		} else {
			st.N = 0
		}
		n.Stats = append(n.Stats, st)
	}
	return n, nil
}

// stratum is the post-stratification cell of a collectivité.
func stratum(kind string, pop *int) string {
	b := 0
	if pop != nil {
		b = reports.BracketOf(*pop)
	}
	return kind + "/" + strconv.Itoa(b)
}

// poststratify returns one weight per response (see the package doc) and a
// description of what was done.
func poststratify(set *survey.ResultSet, frame []survey.FrameMember) ([]float64, string) {
	if len(frame) == 0 || len(set.Responses) == 0 {
		return nil, "no weights: the sampling frame is empty"
	}
	N := map[string]int{}
	for _, m := range frame {
		N[stratum(string(m.Kind), m.Population)]++
	}
	n := map[string]int{}
	for _, r := range set.Responses {
		n[stratum(string(r.Territory.Kind), r.Territory.Population)]++
	}
	covered, uncovered := 0, 0
	for s, c := range N {
		if n[s] > 0 {
			covered += c
		} else {
			uncovered += c
		}
	}
	w := make([]float64, len(set.Responses))
	total := len(set.Responses)
	for i, r := range set.Responses {
		s := stratum(string(r.Territory.Kind), r.Territory.Population)
		if N[s] == 0 || covered == 0 {
			w[i] = 1 // outside the frame: kept at weight 1
			continue
		}
		w[i] = (float64(N[s]) / float64(covered)) / (float64(n[s]) / float64(total))
	}
	return w, fmt.Sprintf("post-stratification on kind × population bracket: %d strata, %d frame members covered, %d in strata without respondents left out",
		len(N), covered, uncovered)
}
