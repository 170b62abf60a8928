package barometer

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/civiscope/civiscope/postgres/pgtest"
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
	cons   []constraint
	strata []string         // stratum keys
	of     []int            // response → stratum
	groups map[string][]int // dim/key → strata
	root   func(string) string
	resp   map[string]int // dim/key → respondents
}

type constraint struct {
	vars []string
	text string
}

type target struct {
	name  string
	terms []string
	count bool
	// known is what the consented microdata already give of the figure;
	// a disclosure is a pinned value above it, i.e. one that tells
	// something about respondents who did not consent.
	known float64
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
	r := strings.NewReplacer(".", "_", "-", "_")
	return "v_" + r.Replace(q) + "__" + r.Replace(col) + "__" + strconv.Itoa(s)
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
	m.cons = append(m.cons, constraint{terms, fmt.Sprintf("%s = %g", b.String(), rhs)})
}

// atMost: Σ terms ≤ rhs.
func (m *lpModel) atMost(terms []string, rhs float64) {
	if len(terms) == 0 {
		return
	}
	m.cons = append(m.cons, constraint{terms, " + " + strings.Join(terms, " + ") + fmt.Sprintf(" <= %g", rhs)})
}

func (m *lpModel) le(lhs, rhs []string) { // Σ lhs − Σ rhs ≤ 0
	var b strings.Builder
	for _, t := range lhs {
		b.WriteString(" + " + t)
	}
	for _, t := range rhs {
		b.WriteString(" - " + t)
	}
	m.cons = append(m.cons, constraint{append(append([]string(nil), lhs...), rhs...), b.String() + " <= 0"})
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
func audit(t *testing.T, set *survey.ResultSet, res *Results, stop int, microdata bool) []string {
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
		known := 0.0
		for _, v := range terms {
			known += m.lower[v]
		}
		targets = append(targets, target{name: name, terms: terms, count: count, known: known})
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
			// A choice counts at most every respondent of a group. The
			// per-stratum links between choices and "answered" are left
			// out so that each choice is a small LP of its own.
			for g, strata := range m.groups {
				if strings.HasSuffix(g, "/total") {
					continue
				}
				for _, c := range tb.Columns {
					if !c.Missing {
						m.atMost(m.sum(q.Name, []string{c.Key}, strata), float64(m.resp[g]))
					}
				}
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
				} else if b.Shown && tb.Multiple && !c.Missing {
					m.atMost(terms, float64(b.N))
					addTarget(fmt.Sprintf("%s %s/%s %s", tb.Question, tb.Dimension, g.Key, c.Key), terms, true)
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
	if !microdata {
		m.lower = map[string]float64{}
	}
	return m.solveAll(t, targets, stop)
}

// components splits the constraints into independent LPs: unknowns that
// share no constraint cannot inform each other.
func (m *lpModel) components() map[string]*component {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for _, c := range m.cons {
		for _, v := range c.vars[1:] {
			parent[find(v)] = find(c.vars[0])
		}
	}
	out := map[string]*component{}
	get := func(v string) *component {
		r := find(v)
		if out[r] == nil {
			out[r] = &component{}
		}
		return out[r]
	}
	for _, c := range m.cons {
		k := get(c.vars[0])
		k.cons = append(k.cons, c.text)
	}
	for v := range m.vars {
		k := get(v)
		k.vars = append(k.vars, v)
	}
	m.root = find
	return out
}

type component struct {
	cons []string
	vars []string
}

func (m *lpModel) write(path string, k *component, obj []string, sense string) error {
	var b strings.Builder
	in := map[string]float64{}
	for _, t := range obj {
		in[t]++
	}
	// Every unknown appears in the objective, in k.vars order, so that the
	// solution file lists them in that order.
	b.WriteString(sense + "\n obj:")
	for _, v := range k.vars {
		fmt.Fprintf(&b, " %+g %s", in[v], v)
	}
	b.WriteString("\nSubject To\n")
	for i, c := range k.cons {
		fmt.Fprintf(&b, " c%d: %s\n", i, c)
	}
	if len(k.cons) == 0 {
		b.WriteString(" c0: " + obj[0] + " >= 0\n")
	}
	b.WriteString("Bounds\n")
	for _, n := range k.vars {
		fmt.Fprintf(&b, " %s >= %g\n", n, m.lower[n])
	}
	b.WriteString("End\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// optimum solves one LP and returns the optimal point (one value per
// k.vars).
func (m *lpModel) optimum(dir string, k *component, obj []string, sense string) ([]float64, error) {
	f, err := os.CreateTemp(dir, "*.lp")
	if err != nil {
		return nil, err
	}
	f.Close()
	lp := f.Name()
	sol := lp + ".sol"
	defer os.Remove(lp)
	defer os.Remove(sol)
	if err := m.write(lp, k, obj, sense); err != nil {
		return nil, err
	}
	out, err := exec.Command("glpsol", "--lp", lp, "-w", sol).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("glpsol: %v: %s", err, out)
	}
	raw, err := os.ReadFile(sol)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(raw), "Status:     OPTIMAL") {
		return nil, fmt.Errorf("the published figures are inconsistent with the auditor's model (%s):\n%s", obj[0], raw)
	}
	x := make([]float64, len(k.vars))
	for _, line := range strings.Split(string(raw), "\n") {
		fs := strings.Fields(line)
		if len(fs) >= 4 && fs[0] == "j" {
			j, _ := strconv.Atoi(fs[1])
			x[j-1], _ = strconv.ParseFloat(fs[3], 64)
		}
	}
	return x, nil
}

// solveAll bounds every target. Optimal points found on the way are kept:
// when two feasible points already give a target values far enough apart,
// it cannot be pinned and needs no LP of its own.
func (m *lpModel) solveAll(t *testing.T, targets []target, stop int) []string {
	t.Helper()
	dir := t.TempDir()
	comps := m.components()
	byComp := map[*component][]target{}
	for _, k := range comps {
		sort.Strings(k.vars)
	}
	// A group's strata need not share one LP: when no published figure
	// ties some of them to the others, its unknowns fall in several
	// independent LPs, and its range is the sum of its parts' ranges.
	var spanning []target
	for _, tg := range targets {
		if len(m.parts(comps, tg)) > 1 {
			spanning = append(spanning, tg)
			continue
		}
		k := comps[m.root(tg.terms[0])]
		byComp[k] = append(byComp[k], tg)
	}
	var mu sync.Mutex
	var found []string
	var firstErr error
	solves := 0
	work := make(chan *component)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				idx := map[string]int{}
				for i, v := range k.vars {
					idx[v] = i
				}
				var points [][]float64
				value := func(x []float64, tg target) float64 {
					s := 0.0
					for _, v := range tg.terms {
						s += x[idx[v]]
					}
					return s
				}
				spread := func(tg target) (float64, float64) {
					lo, hi := 0.0, -1.0
					for i, x := range points {
						y := value(x, tg)
						if i == 0 || y < lo {
							lo = y
						}
						if i == 0 || y > hi {
							hi = y
						}
					}
					return lo, hi
				}
				need := 2.0
				// A few LPs in random directions first: their optima are
				// spread-out feasible points that settle most targets.
				for d := 0; d < 3 && len(byComp[k]) > 8; d++ {
					var obj []string
					for i, v := range k.vars {
						if (i*7+d*13)%3 == 0 {
							obj = append(obj, v)
						}
					}
					if len(obj) == 0 {
						continue
					}
					for _, sense := range []string{"Minimize", "Maximize"} {
						if x, err := m.optimum(dir, k, obj, sense); err == nil {
							points = append(points, x)
						}
					}
				}
				for _, tg := range byComp[k] {
					mu.Lock()
					enough := stop > 0 && len(found) >= stop
					mu.Unlock()
					if enough {
						break
					}
					if !tg.count {
						need = 1
					}
					if lo, hi := spread(tg); hi-lo >= need {
						continue
					}
					if len(k.cons) == 0 {
						continue // nothing published bounds it from above
					}
					var err error
					var lo, hi []float64
					if lo, err = m.optimum(dir, k, tg.terms, "Minimize"); err == nil {
						points = append(points, lo)
						hi, err = m.optimum(dir, k, tg.terms, "Maximize")
					}
					mu.Lock()
					solves += 2
					if err != nil {
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						continue
					}
					points = append(points, hi)
					if msg, err := m.judge(tg, value(lo, tg), value(hi, tg)); err != nil && firstErr == nil {
						firstErr = err
					} else if msg != "" {
						found = append(found, msg)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for k := range byComp {
		work <- k
	}
	close(work)
	wg.Wait()
	for _, tg := range spanning {
		if firstErr != nil || stop > 0 && len(found) >= stop {
			break
		}
		a, b, n, err := m.bounds(dir, comps, tg)
		solves += n
		if err != nil {
			firstErr = err
			break
		}
		if math.IsInf(b, 1) {
			continue // a part that nothing published bounds from above
		}
		if msg, err := m.judge(tg, a, b); err != nil {
			firstErr = err
		} else if msg != "" {
			found = append(found, msg)
		}
	}
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	t.Logf("auditor: %d hidden figures, %d constraints, %d unknowns, %d independent LPs, %d solves", len(targets), len(m.cons), len(m.vars), len(comps), solves)
	sort.Strings(found)
	return found
}

// parts splits a target's unknowns by the independent LP they lie in.
func (m *lpModel) parts(comps map[string]*component, tg target) map[*component][]string {
	out := map[*component][]string{}
	for _, v := range tg.terms {
		k := comps[m.root(v)]
		out[k] = append(out[k], v)
	}
	return out
}

// bounds returns the smallest and largest values of a target whose
// unknowns span several independent LPs, as the sums of its parts'
// bounds (+Inf when a part lies in an LP with no constraint), and the
// number of LPs solved.
func (m *lpModel) bounds(dir string, comps map[string]*component, tg target) (lo, hi float64, solves int, err error) {
	for k, terms := range m.parts(comps, tg) {
		if len(k.cons) == 0 {
			return 0, math.Inf(1), solves, nil
		}
		idx := map[string]int{}
		for i, v := range k.vars {
			idx[v] = i
		}
		for _, sense := range []string{"Minimize", "Maximize"} {
			x, err := m.optimum(dir, k, terms, sense)
			solves++
			if err != nil {
				return 0, 0, solves, err
			}
			s := 0.0
			for _, v := range terms {
				s += x[idx[v]]
			}
			if sense == "Minimize" {
				lo += s
			} else {
				hi += s
			}
		}
	}
	return lo, hi, solves, nil
}

// judge says whether a hidden figure whose smallest and largest values
// are a and b is disclosed: a count that can take one integer only, or a
// sum narrower than one euro, beyond what the microdata already give. A
// smallest value above the largest means the model itself is wrong.
func (m *lpModel) judge(tg target, a, b float64) (string, error) {
	if a > b+1e-6*(1+math.Abs(b)) {
		return "", fmt.Errorf("auditor: %s has its smallest value %g above its largest %g", tg.name, a, b)
	}
	known := 0.0
	for _, v := range tg.terms {
		known += m.lower[v]
	}
	pinned := b-a < 1 && b-known >= 1
	if tg.count {
		pinned = ceil(a-1e-6) == floor(b+1e-6) && floor(b+1e-6)-int64(known+0.5) >= 1
	}
	if !pinned {
		return "", nil
	}
	return fmt.Sprintf("%s is pinned to [%g, %g]", tg.name, a, b), nil
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
		pgtest.Missing(t, "glpsol is missing: scripts/stattools.sh installs glpk-utils")
	}
}

// TestAuditorFindsNothingInTheProtectedEdition is the Done-when of the
// release: every view of a realistic edition published, and the auditor
// cannot pin a single hidden figure, neither from the published tables
// alone nor with the consented microdata's lower bounds.
func TestAuditorFindsNothingInTheProtectedEdition(t *testing.T) {
	needGLPK(t)
	set := syntheticEdition(t, 300, 42)
	res, err := Tabulate(set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, microdata := range []bool{false, true} {
		if found := audit(t, set, res, 0, microdata); len(found) > 0 {
			t.Errorf("microdata %v: %d disclosures, e.g.:\n%s", microdata, len(found), strings.Join(found[:min(20, len(found))], "\n"))
		}
	}
}

// TestAuditorCatchesAnUnprotectedEdition shows that the auditor notices
// each protection removed: with primary suppression alone (each table's
// cells under k hidden, nothing else), and with linear secondary
// suppression but without the settling step (bounds from non-negativity
// and the microdata), and without the cell of those who gave no value
// behind a mean's n, it pins hidden figures.
func TestAuditorCatchesAnUnprotectedEdition(t *testing.T) {
	needGLPK(t)
	set := syntheticEdition(t, 300, 42)
	ablations := map[string]Options{"primary suppression only": {primaryOnly: true}, "no settling": {linearOnly: true},
		"no cell for those who gave no value": {noValueUnguarded: true}}
	for name, opts := range ablations {
		res, err := Tabulate(set, opts)
		if err != nil {
			t.Fatal(err)
		}
		found := audit(t, set, res, 1, true)
		if len(found) == 0 {
			t.Errorf("%s: the auditor found nothing", name)
			continue
		}
		t.Logf("%s: e.g. %s", name, found[0])
	}
}

// TestAuditorBoundsAFigureAcrossIndependentLPs: a hidden figure over a
// group whose strata no published figure ties together lies in several
// independent LPs; the auditor bounds it part by part. Parts each fixed
// pin it; a part free to move, or bounded by nothing published, does not.
func TestAuditorBoundsAFigureAcrossIndependentLPs(t *testing.T) {
	needGLPK(t)
	m := &lpModel{vars: map[string]bool{}, lower: map[string]float64{}}
	for _, v := range []string{"v_a", "v_b", "v_c", "v_d", "v_g"} {
		m.vars[v] = true
	}
	m.eq([]string{"v_a", "v_b"}, nil, 10) // a in [0, 10]
	m.eq([]string{"v_c"}, nil, 4)         // c is 4
	m.eq([]string{"v_g"}, nil, 5)         // g is 5; d is in no constraint
	targets := []target{
		{name: "a+c", terms: []string{"v_a", "v_c"}},
		{name: "c+g", terms: []string{"v_c", "v_g"}},
		{name: "d+g", terms: []string{"v_d", "v_g"}},
	}
	found := m.solveAll(t, targets, 0)
	if want := "c+g is pinned to [9, 9]"; len(found) != 1 || found[0] != want {
		t.Errorf("found %q, want only %q", found, want)
	}
}
