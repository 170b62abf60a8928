package barometer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// The auditor plays the intruder of the reference (disclosure-control.md):
// it holds every published figure of the edition at once and, for each
// hidden one, asks GLPK for the smallest and largest value it can take.
// It shares no code with the protection: its unknowns are per stratum
// (kind × bracket × région), not per group; it reads only what Tabulate
// published plus what an intruder knows anyway:
//   - the number of respondents of every group (response rates),
//   - the consented microdata (lower bounds per stratum),
//   - the routing of the questionnaire (`${p} = 'v'` opens a question
//     exactly for those who answered v),
//   - counts are ≥ 0, a multiple-choice respondent chose at least one
//     answer and no answer more than once, amounts are ≥ 0.
//
// A hidden count whose interval holds a single integer, or a hidden sum
// whose interval is narrower than one euro, is a disclosure.

type lpModel struct {
	vars   map[string]bool
	lower  map[string]float64
	cons   []string
	strata []string         // stratum keys
	of     []int            // response → stratum
	groups map[string][]int // dim/key → strata
	resp   map[string]int   // dim/key → respondents
}

type target struct {
	name  string
	terms []string
	count bool
}

func newLPModel(set *survey.ResultSet) *lpModel {
	m := &lpModel{vars: map[string]bool{}, lower: map[string]float64{}, groups: map[string][]int{}, resp: map[string]int{}}
	idx := map[string]int{}
	for i := range set.Responses {
		r := &set.Responses[i]
		k := groupOf(r, Kind) + "|" + groupOf(r, Bracket) + "|" + groupOf(r, Region)
		s, ok := idx[k]
		if !ok {
			s = len(m.strata)
			idx[k] = s
			m.strata = append(m.strata, k)
		}
		m.of = append(m.of, s)
		for _, d := range Dimensions() {
			key := d + "/" + groupOf(r, d)
			m.resp[key]++
			if !contains(m.groups[key], s) {
				m.groups[key] = append(m.groups[key], s)
			}
		}
	}
	for _, d := range Dimensions()[1:] {
		m.groups[d+"/total"] = m.groups[All+"/"+All]
	}
	return m
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func v(q, col string, s int) string {
	return "v_" + strings.NewReplacer(".", "_", "-", "_").Replace(q) + "__" + col + "__" + strconv.Itoa(s)
}

func (m *lpModel) sum(q string, cols []string, strata []int) []string {
	var out []string
	for _, s := range strata {
		for _, c := range cols {
			name := v(q, c, s)
			m.vars[name] = true
			out = append(out, name)
		}
	}
	return out
}

func (m *lpModel) eq(terms []string, coef []float64, rhs float64) {
	var b strings.Builder
	for i, t := range terms {
		c := 1.0
		if coef != nil {
			c = coef[i]
		}
		fmt.Fprintf(&b, " %+g %s", c, t)
	}
	if b.Len() == 0 {
		return
	}
	m.cons = append(m.cons, fmt.Sprintf("%s = %g", b.String(), rhs))
}

func (m *lpModel) le(lhs, rhs []string) { // Σ lhs − Σ rhs ≤ 0
	var b strings.Builder
	for _, t := range lhs {
		b.WriteString(" + " + t)
	}
	for _, t := range rhs {
		b.WriteString(" - " + t)
	}
	m.cons = append(m.cons, b.String()+" <= 0")
}

var simpleRelevance = regexp.MustCompile(`^\s*(?:\$\{(\w+)\}\s*=\s*'([^']*)'|selected\(\s*\$\{(\w+)\}\s*,\s*'([^']*)'\s*\))\s*$`)

// opener returns the parent question and the answer that open q, when q's
// routing is a single test (its own, or else its repeat's).
func opener(q *xlsform.Question) (string, string, bool) {
	rel := q.Relevant
	if rel == "" && q.InRepeat() != nil {
		rel = q.InRepeat().Relevant
	}
	mm := simpleRelevance.FindStringSubmatch(rel)
	if mm == nil {
		return "", "", false
	}
	if mm[1] != "" {
		return mm[1], mm[2], true
	}
	return mm[3], mm[4], true
}

// audit returns every disclosure it finds in res.
func audit(t *testing.T, set *survey.ResultSet, res *Results) []string {
	t.Helper()
	m := newLPModel(set)
	var targets []target
	seen := map[string]bool{}
	addTarget := func(name string, terms []string, count bool) {
		key := strings.Join(terms, "+")
		if seen[key] {
			return
		}
		seen[key] = true
		targets = append(targets, target{name, terms, count})
	}
	questions := map[string]*xlsform.Question{}
	set.Form.Walk(func(q *xlsform.Question) { questions[q.Name] = q })
	applicable := map[string][]string{} // question → columns whose sum is "the question applied"
	for _, tb := range res.Tables {
		if tb.Dimension != All {
			continue
		}
		q := questions[tb.Question]
		var cols, base []string
		for _, c := range tb.Columns {
			cols = append(cols, c.Key)
			if !tb.Multiple || c.Missing {
				base = append(base, c.Key)
			}
		}
		if tb.Multiple {
			base = append(base, "ans")
		}
		applicable[tb.Question] = base
		// Truth known to the intruder: respondents per group, and the
		// consented rows of the microdata as lower bounds.
		known := map[string]float64{}
		for i := range set.Responses {
			r := &set.Responses[i]
			a := answerOf(r, q)
			if !r.Publish {
				continue
			}
			s := m.of[i]
			if a.missing == survey.NotApplicable {
				known[v(q.Name, "na", s)]++
				continue
			}
			if a.missing != "" {
				known[v(q.Name, string(a.missing), s)]++
				continue
			}
			if tb.Multiple {
				known[v(q.Name, "ans", s)]++
			}
			for _, x := range a.values {
				known[v(q.Name, x, s)]++
			}
		}
		for k, x := range known {
			m.lower[k] = x
		}
		for g, strata := range m.groups {
			if strings.HasSuffix(g, "/total") {
				continue
			}
			m.eq(m.sum(q.Name, append(append([]string(nil), base...), "na"), strata), nil, float64(m.resp[g]))
		}
		if tb.Multiple {
			for s := range m.strata {
				ans := m.sum(q.Name, []string{"ans"}, []int{s})
				var choices []string
				for _, c := range tb.Columns {
					if !c.Missing {
						x := m.sum(q.Name, []string{c.Key}, []int{s})
						m.le(x, ans)
						choices = append(choices, x...)
					}
				}
				m.le(ans, choices)
			}
		}
	}
	for _, tb := range res.Tables {
		for i, g := range tb.Groups {
			strata := m.groups[tb.Dimension+"/"+g.Key]
			b := tb.Bases[i]
			bterms := m.sum(tb.Question, applicable[tb.Question], strata)
			if b.Shown {
				m.eq(bterms, nil, float64(b.N))
			} else {
				addTarget(fmt.Sprintf("%s %s/%s base", tb.Question, tb.Dimension, g.Key), bterms, true)
			}
			for j, c := range tb.Columns {
				cell := tb.Cells[i][j]
				terms := m.sum(tb.Question, []string{c.Key}, strata)
				if cell.Shown {
					m.eq(terms, nil, float64(cell.N))
				} else {
					addTarget(fmt.Sprintf("%s %s/%s %s", tb.Question, tb.Dimension, g.Key, c.Key), terms, true)
				}
			}
		}
	}
	for _, nu := range res.Numerics {
		q := questions[nu.Question]
		if nu.Dimension == All {
			applicable[q.Name] = []string{"ans", "miss"}
			for i := range set.Responses {
				r := &set.Responses[i]
				if !r.Publish {
					continue
				}
				a := answerOf(r, q)
				s := m.of[i]
				switch {
				case a.missing == survey.NotApplicable:
					m.lower[v(q.Name, "na", s)]++
				case a.missing != "" || len(a.values) == 0:
					m.lower[v(q.Name, "miss", s)]++
				default:
					m.lower[v(q.Name, "ans", s)] += float64(len(a.values))
					for _, x := range a.values {
						f, _ := strconv.ParseFloat(x, 64)
						m.lower[v(q.Name, "sum", s)] += f
					}
				}
			}
			if nu.Unit == "respondent" {
				for g, strata := range m.groups {
					if !strings.HasSuffix(g, "/total") {
						m.eq(m.sum(q.Name, []string{"ans", "miss", "na"}, strata), nil, float64(m.resp[g]))
					}
				}
			} else {
				applicable[q.Name] = nil // counts tools, not respondents
			}
		}
		for i, g := range nu.Groups {
			strata := m.groups[nu.Dimension+"/"+g.Key]
			st := nu.Stats[i]
			n := m.sum(q.Name, []string{"ans"}, strata)
			sum := m.sum(q.Name, []string{"sum"}, strata)
			if st.NShown {
				m.eq(n, nil, float64(st.N))
			} else {
				addTarget(fmt.Sprintf("%s %s/%s n", q.Name, nu.Dimension, g.Key), n, true)
			}
			if st.Shown && st.NShown {
				m.eq(sum, nil, st.Mean*float64(st.N))
			} else if !st.Shown {
				addTarget(fmt.Sprintf("%s %s/%s sum", q.Name, nu.Dimension, g.Key), sum, false)
			}
		}
	}
	// Routing: per stratum, a routed question's base is its parent's v.
	for name, base := range applicable {
		q := questions[name]
		p, val, ok := opener(q)
		if !ok || base == nil || applicable[p] == nil {
			continue
		}
		for s := range m.strata {
			terms := m.sum(name, base, []int{s})
			coef := make([]float64, len(terms))
			for i := range coef {
				coef[i] = 1
			}
			pv := m.sum(p, []string{val}, []int{s})
			m.eq(append(terms, pv...), append(coef, -1), 0)
		}
	}
	return m.solveAll(t, targets)
}

func (m *lpModel) write(path string, obj []string, sense string) error {
	var b strings.Builder
	b.WriteString(sense + "\n obj:")
	for _, t := range obj {
		b.WriteString(" + " + t)
	}
	b.WriteString("\nSubject To\n")
	for i, c := range m.cons {
		fmt.Fprintf(&b, " c%d: %s\n", i, c)
	}
	b.WriteString("Bounds\n")
	names := make([]string, 0, len(m.vars))
	for n := range m.vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, " %s >= %g\n", n, m.lower[n])
	}
	b.WriteString("End\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

var objective = regexp.MustCompile(`Objective:\s+obj = (\S+)`)

func (m *lpModel) optimum(dir string, obj []string, sense string) (float64, error) {
	lp := filepath.Join(dir, sense+strconv.Itoa(len(obj))+"-"+strconv.FormatInt(int64(os.Getpid()), 10)+".lp")
	f, err := os.CreateTemp(dir, "*.lp")
	if err != nil {
		return 0, err
	}
	f.Close()
	lp = f.Name()
	defer os.Remove(lp)
	if err := m.write(lp, obj, sense); err != nil {
		return 0, err
	}
	out, err := exec.Command("glpsol", "--lp", lp, "-o", "/dev/stdout").CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("glpsol: %v: %s", err, out)
	}
	if strings.Contains(string(out), "PROBLEM HAS NO PRIMAL FEASIBLE SOLUTION") || strings.Contains(string(out), "INFEASIBLE") {
		return 0, fmt.Errorf("the published figures are inconsistent with the auditor's model:\n%s", out)
	}
	mm := objective.FindSubmatch(out)
	if mm == nil {
		return 0, fmt.Errorf("glpsol gave no objective:\n%s", out)
	}
	return strconv.ParseFloat(string(mm[1]), 64)
}

func (m *lpModel) solveAll(t *testing.T, targets []target) []string {
	t.Helper()
	dir := t.TempDir()
	var mu sync.Mutex
	var found []string
	var firstErr error
	work := make(chan target)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tg := range work {
				lo, err1 := m.optimum(dir, tg.terms, "Minimize")
				hi, err2 := m.optimum(dir, tg.terms, "Maximize")
				mu.Lock()
				if err := firstOf(err1, err2); err != nil && firstErr == nil {
					firstErr = err
				}
				pinned := false
				if tg.count {
					pinned = ceil(lo-1e-6) == floor(hi+1e-6)
				} else {
					pinned = hi-lo < 1
				}
				if err1 == nil && err2 == nil && pinned {
					found = append(found, fmt.Sprintf("%s is pinned to [%g, %g]", tg.name, lo, hi))
				}
				mu.Unlock()
			}
		}()
	}
	for _, tg := range targets {
		work <- tg
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	t.Logf("auditor: %d hidden figures, %d constraints, %d unknowns", len(targets), len(m.cons), len(m.vars))
	sort.Strings(found)
	return found
}

func firstOf(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func ceil(x float64) int64 { return int64(-floor(-x)) }
func floor(x float64) int64 {
	f := int64(x)
	if float64(f) > x {
		f--
	}
	return f
}

func needGLPK(t *testing.T) {
	if _, err := exec.LookPath("glpsol"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("glpsol is missing: scripts/stattools.sh installs glpk-utils")
		}
		t.Skip("glpsol is missing: run scripts/stattools.sh (installs glpk-utils)")
	}
}

// TestAuditorFindsNothingInTheProtectedEdition is the Done-when of the
// release: every view of a realistic edition published, and the auditor
// cannot pin a single hidden figure.
func TestAuditorFindsNothingInTheProtectedEdition(t *testing.T) {
	needGLPK(t)
	set := syntheticEdition(t, 300, 42)
	res, err := Tabulate(set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if found := audit(t, set, res); len(found) > 0 {
		t.Errorf("%d disclosures, e.g.:\n%s", len(found), strings.Join(found[:min(20, len(found))], "\n"))
	}
}

// TestAuditorCatchesAnUnprotectedEdition shows the auditor would notice a
// missing protection: with primary suppression alone (each table's cells
// under k hidden, nothing else), it pins hidden cells.
func TestAuditorCatchesAnUnprotectedEdition(t *testing.T) {
	needGLPK(t)
	set := syntheticEdition(t, 300, 42)
	res, err := Tabulate(set, Options{primaryOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	found := audit(t, set, res)
	if len(found) == 0 {
		t.Fatal("the auditor found nothing in tables without secondary suppression")
	}
	t.Logf("%d disclosures without secondary suppression, e.g. %s", len(found), found[0])
}
