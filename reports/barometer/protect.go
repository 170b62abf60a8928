package barometer

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/civiscope/civiscope/reports/disclosure"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// protection builds one disclosure.Joint over every figure of an edition.
// Groups are the rows of every breakdown (the overall row is shared by
// all of them, so its cells are one figure, hidden everywhere or nowhere);
// strata are the joint kind × bracket × région cells of the respondents.
// Each question gets unknowns per answer column; the facts an intruder
// holds anyway are public figures:
//   - how many respondents each group has (the response rates),
//   - that a routed question's base equals its parent's answers that open
//     it (checked on the data: "annee_strategie is asked exactly of those
//     who answered strategie = oui").
//
// The consented microdata are public too, so every rule counts the
// respondents who did not consent apart: "6 said yes, 5 of them are in the
// microdata" hides the 6.
type protection struct {
	sheet *sheet // nil once the figures are made
	form  *xlsform.Form
	seen  map[string]map[string]bool // group keys present per dimension
	pol   disclosure.Policy
	opts  Options
	joint *disclosure.Joint
	dims  map[string][]Group // display groups per dimension
	gid   map[string]int     // dim + "/" + key → group id
	resp  [][]int            // response → its group ids, one per dimension
	nvar  int
	// nbundle numbers the figures published together (disclosure.Figure.Bundle).
	nbundle int
	sel     []*selectFigures
	num     []*numberFigures
	// members records, per question, the unknowns each response counts in
	// (nil when the question did not apply), so routed children can be
	// linked to their parent.
	members map[string][][]int
}

type selectFigures struct {
	q      *xlsform.Question
	multi  bool
	cols   []Column
	counts [][]int // group → column
	bases  []int
	cells  [][]*disclosure.Figure
	base   []*disclosure.Figure
}

type numberFigures struct {
	q      *xlsform.Question
	repeat bool
	n      []*disclosure.Figure
	sum    []*disclosure.Figure
	vals   [][]float64 // per group; nil once summarised
	sums   []summary   // per group
}

// summary is what a numeric table says of a group's values.
type summary struct {
	n            int
	mean, median float64
}

// summarise computes every group's summary once: the overall row is in
// every breakdown, and every language says the same numbers.
func (f *numberFigures) summarise() {
	if f.vals == nil {
		return
	}
	f.sums = make([]summary, len(f.vals))
	for g, v := range f.vals {
		f.sums[g].n = len(v)
		if len(v) == 0 {
			continue
		}
		sort.Float64s(v)
		s := 0.0
		for _, x := range v {
			s += x
		}
		f.sums[g].mean = s / float64(len(v))
		f.sums[g].median = v[len(v)/2]
		if len(v)%2 == 0 {
			f.sums[g].median = (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
	}
	f.vals = nil
}

func newProtection(sh *sheet, pol disclosure.Policy, opts Options) *protection {
	p := &protection{sheet: sh, form: sh.form, pol: pol, opts: opts, dims: map[string][]Group{}, seen: map[string]map[string]bool{}, gid: map[string]int{}, members: map[string][][]int{}}
	strata := map[string]int{}
	stratumOf := make([]int, len(sh.rows))
	for i := range sh.rows {
		r := &sh.rows[i]
		key := r.kind + "|" + r.bracket + "|" + r.region
		s, ok := strata[key]
		if !ok {
			s = len(strata)
			strata[key] = s
		}
		stratumOf[i] = s
	}
	var members [][]int
	for _, d := range Dimensions() {
		p.seen[d] = present(sh, d)
		p.dims[d] = groups(p.seen[d], d, opts)
		for _, g := range p.dims[d] {
			p.gid[d+"/"+g.Key] = len(members)
			members = append(members, nil)
		}
	}
	seen := make([]map[int]bool, len(members))
	p.resp = make([][]int, len(sh.rows))
	for i := range sh.rows {
		for _, d := range Dimensions() {
			g := p.gid[d+"/"+sh.rows[i].group(d)]
			p.resp[i] = append(p.resp[i], g)
			if seen[g] == nil {
				seen[g] = map[int]bool{}
			}
			if !seen[g][stratumOf[i]] {
				seen[g][stratumOf[i]] = true
				members[g] = append(members[g], stratumOf[i])
			}
		}
	}
	p.joint = disclosure.NewJoint(pol, members)
	return p
}

func (p *protection) newVar() int { p.nvar++; return p.nvar - 1 }

func (p *protection) newBundle() int { p.nbundle++; return p.nbundle }

// cost orders complementary suppression by the respondents a figure holds
// who did not consent (the others are in the microdata, so hiding them
// protects nothing and a complement made only of them leaves no room to
// move): few first, none only when nothing else will do, bases late and
// the overall row last, so the headline figures stay.
func (p *protection) cost(g, n int, base bool) int {
	c := n * 4
	if n == 0 {
		c += 1 << 20
	}
	if base {
		c += 1 << 22
	}
	if g == p.gid[All+"/"+All] {
		c += 1 << 24
	}
	return c
}

// slack penalises a complement whose unpublished partner (those who gave
// no value, or were not asked) holds no respondent who did not consent:
// the intruder can then bound it at what the microdata show, and a hidden
// figure whose only way to move is through it stays pinned.
func (p *protection) slack(partner bool, private int) int {
	if partner && private == 0 {
		return 1 << 25 // dearer than the overall row: better hide it than leave no room
	}
	return 0
}

var reference = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}`)

// parents lists the questions q's routing depends on: its own relevance
// and that of its enclosing groups and repeats.
func parents(q *xlsform.Question) []string {
	var out []string
	for x := q; x != nil; x = x.Parent() {
		for _, m := range reference.FindAllStringSubmatch(x.Relevant, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// link adds, when the data show that q applies exactly to the responses
// counting in some unknowns of a parent, the public identity "q's base in
// each group = those unknowns' sum in that group".
func (p *protection) link(q *xlsform.Question, applies []bool, baseTerms map[int]int) {
	for _, name := range parents(q) {
		pm := p.members[name]
		if pm == nil {
			continue
		}
		// The parent's unknowns whose every response q applies to.
		ok := map[int]bool{}
		bad := map[int]bool{}
		for i, vs := range pm {
			for _, v := range vs {
				if applies[i] {
					if !bad[v] {
						ok[v] = true
					}
				} else {
					bad[v] = true
					delete(ok, v)
				}
			}
		}
		if len(ok) == 0 {
			continue
		}
		exact := true
		for i, vs := range pm {
			hits := 0
			for _, v := range vs {
				if ok[v] {
					hits++
				}
			}
			if (hits > 0) != applies[i] || hits > 1 {
				exact = false
				break
			}
		}
		if !exact {
			continue
		}
		for g := range p.gidList() {
			terms := map[int]int{}
			for v, c := range baseTerms {
				terms[v] = c
			}
			for v := range ok {
				terms[v] -= 1
			}
			p.joint.Add(&disclosure.Figure{Group: g, Terms: terms, Public: true})
		}
		return
	}
}

func (p *protection) gidList() []int {
	out := make([]int, len(p.gid))
	for i := range out {
		out[i] = i
	}
	return out
}

func (p *protection) addSelect(q *xlsform.Question) {
	f := &selectFigures{q: q, multi: q.Type == xlsform.SelectMultiple || q.InRepeat() != nil}
	for _, c := range p.form.Choices[q.List] {
		f.cols = append(f.cols, Column{Key: c.Name, Label: c.Label.In(p.opts.Lang, "fr")})
	}
	f.cols = append(f.cols, missingColumns(p.opts)...)
	col := map[string]int{}
	vars := make([]int, len(f.cols))
	for j, c := range f.cols {
		col[c.Key] = j
		vars[j] = p.newVar()
	}
	G := len(p.gid)
	f.counts = make([][]int, G)
	private := make([][]int, G)
	for g := range f.counts {
		f.counts[g] = make([]int, len(f.cols))
		private[g] = make([]int, len(f.cols))
	}
	f.bases = make([]int, G)
	pbase := make([]int, G)
	pna := make([]int, G) // skipped by routing, not consenting
	resp := make([]int, G)
	applies := make([]bool, len(p.sheet.rows))
	members := make([][]int, len(p.sheet.rows))
	// An unpublished count (skipped, or for a multiple question "answered
	// something") is an unknown only if it holds a respondent who did not
	// consent: the microdata give away the others, and the intruder then
	// knows it exactly. Assuming so is the safe side.
	anyNA := false
	qc := p.sheet.col[q.Name]
	for i := range p.sheet.rows {
		r := &p.sheet.rows[i]
		a := r.answers[qc]
		for _, g := range p.resp[i] {
			resp[g]++
		}
		if a.missing == survey.NotApplicable {
			anyNA = anyNA || !r.publish
			if !r.publish {
				for _, g := range p.resp[i] {
					pna[g]++
				}
			}
			continue
		}
		applies[i] = true
		var js []int
		if a.missing != "" {
			js = []int{col[string(a.missing)]}
		} else {
			for _, v := range a.values {
				if j, ok := col[v]; ok {
					js = append(js, j)
				}
			}
		}
		for _, j := range js {
			members[i] = append(members[i], vars[j])
		}
		for _, g := range p.resp[i] {
			f.bases[g]++
			if !r.publish {
				pbase[g]++
			}
			for _, j := range js {
				f.counts[g][j]++
				if !r.publish {
					private[g][j]++
				}
			}
		}
	}
	p.members[q.Name] = members
	// The base: every column of an additive question; for a multiple one,
	// those who chose something (an unknown no table shows) plus the
	// missing columns.
	baseTerms := map[int]int{}
	for j, c := range f.cols {
		if !f.multi || c.Missing {
			baseTerms[vars[j]] = 1
		}
	}
	if f.multi {
		baseTerms[p.newVar()] = 1
	}
	na := -1
	if anyNA {
		na = p.newVar()
	}
	f.cells = make([][]*disclosure.Figure, G)
	f.base = make([]*disclosure.Figure, G)
	for g := 0; g < G; g++ {
		small := p.pol.Count(f.bases[g], pbase[g])
		f.base[g] = &disclosure.Figure{Group: g, Terms: baseTerms, Sensitive: small, Settled: pbase[g] == 0, Cost: p.cost(g, pbase[g], true) + p.slack(na >= 0, pna[g])}
		p.joint.Add(f.base[g])
		f.cells[g] = make([]*disclosure.Figure, len(f.cols))
		for j := range f.cols {
			n := f.counts[g][j]
			f.cells[g][j] = &disclosure.Figure{Group: g, Terms: map[int]int{vars[j]: 1}, Settled: private[g][j] == 0,
				Sensitive: small || p.pol.Count(n, private[g][j]), Cost: p.cost(g, private[g][j], false)}
			p.joint.Add(f.cells[g][j])
		}
		rates := map[int]int{}
		for v, c := range baseTerms {
			rates[v] = c
		}
		if na >= 0 {
			rates[na] = 1
		}
		p.joint.Add(&disclosure.Figure{Group: g, Terms: rates, Public: true, Settled: pbase[g]+pna[g] == 0})
	}
	if anyNA {
		p.link(q, applies, baseTerms)
	}
	p.sel = append(p.sel, f)
}

func (p *protection) addNumber(q *xlsform.Question) error {
	f := &numberFigures{q: q, repeat: q.InRepeat() != nil}
	G := len(p.gid)
	f.vals = make([][]float64, G)
	totals := make([][]float64, G) // one per respondent, for the dominance rule
	pmiss := make([]int, G)        // gave no value, not consenting
	nmiss := make([]int, G)        // gave no value
	pna := make([]int, G)          // not asked, not consenting
	private := make([]int, G)
	resp := make([]int, G)
	applies := make([]bool, len(p.sheet.rows))
	members := make([][]int, len(p.sheet.rows))
	ans, miss, na, sum := p.newVar(), -1, -1, p.newVar()
	anyMissing, anyNA := false, false
	qc := p.sheet.col[q.Name]
	for i := range p.sheet.rows {
		r := &p.sheet.rows[i]
		a := r.answers[qc]
		if a.missing == survey.NotApplicable {
			anyNA = anyNA || !r.publish
			if !r.publish {
				for _, g := range p.resp[i] {
					pna[g]++
				}
			}
			continue
		}
		applies[i] = true
		if a.missing != "" || len(a.values) == 0 {
			anyMissing = anyMissing || !r.publish
			for _, g := range p.resp[i] {
				nmiss[g]++
				if !r.publish {
					pmiss[g]++
				}
			}
			continue
		}
		members[i] = []int{ans}
		total := 0.0
		for _, s := range a.values {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("response %d, %s: %q is not a number", r.id, q.Name, s)
			}
			total += x
			for _, g := range p.resp[i] {
				f.vals[g] = append(f.vals[g], x)
			}
		}
		for _, g := range p.resp[i] {
			totals[g] = append(totals[g], total)
			resp[g]++
			if !r.publish {
				private[g]++
			}
		}
	}
	if anyMissing {
		miss = p.newVar()
	}
	if anyNA {
		na = p.newVar()
	}
	p.members[q.Name] = members
	for g := 0; g < G; g++ {
		nSens := p.pol.Count(resp[g], private[g])
		f.n = append(f.n, &disclosure.Figure{Group: g, Terms: map[int]int{ans: 1}, Sensitive: nSens, Settled: private[g] == 0, Cost: p.cost(g, private[g], false) + p.slack(miss >= 0, pmiss[g])})
		f.sum = append(f.sum, &disclosure.Figure{Group: g, Terms: map[int]int{sum: 1}, Settled: private[g] == 0,
			Sensitive: nSens || p.pol.Magnitude(totals[g], private[g]), Cost: p.cost(g, private[g], false)})
		p.joint.Add(f.n[g])
		p.joint.Add(f.sum[g])
		if miss >= 0 && !f.repeat && !p.opts.noValueUnguarded {
			// Those who gave no value are never printed, but the response
			// rates minus n give them away: they are a cell under the same
			// rule, published (or not) with n. Made only of respondents in
			// the microdata, the count tells nothing new and stays.
			bundle := p.newBundle()
			f.n[g].Bundle = bundle
			p.joint.Add(&disclosure.Figure{Group: g, Terms: map[int]int{miss: 1}, Bundle: bundle, Settled: pmiss[g] == 0,
				Sensitive: pmiss[g] > 0 && p.pol.Count(nmiss[g], pmiss[g]), Cost: p.cost(g, pmiss[g], false)})
		}
		if f.repeat {
			continue // n counts tool rows, which no public figure constrains
		}
		rates := map[int]int{ans: 1}
		if miss >= 0 {
			rates[miss] = 1
		}
		if na >= 0 {
			rates[na] = 1
		}
		p.joint.Add(&disclosure.Figure{Group: g, Terms: rates, Public: true, Settled: private[g]+pmiss[g]+pna[g] == 0})
	}
	if anyNA && !f.repeat {
		base := map[int]int{ans: 1}
		if miss >= 0 {
			base[miss] = 1
		}
		p.link(q, applies, base)
	}
	p.num = append(p.num, f)
	return nil
}

// relabel makes the figures say their groups and answers in lang. It
// builds new slices: Results already emitted in another language share
// the old ones.
func (p *protection) relabel(lang string) {
	if lang == p.opts.Lang {
		return
	}
	p.opts.Lang = lang
	for d, gs := range p.dims {
		said := map[string]string{}
		for _, g := range groups(p.seen[d], d, p.opts) {
			said[g.Key] = g.Label
		}
		out := make([]Group, len(gs))
		for i, g := range gs {
			out[i] = Group{g.Key, said[g.Key]}
		}
		p.dims[d] = out
	}
	missing := missingColumns(p.opts)
	for _, f := range p.sel {
		choices := p.form.Choices[f.q.List]
		cols := make([]Column, len(f.cols))
		for j, c := range f.cols {
			if j < len(choices) {
				c.Label = choices[j].Label.In(lang, "fr")
			} else {
				c.Label = missing[j-len(choices)].Label
			}
			cols[j] = c
		}
		f.cols = cols
	}
}

func (p *protection) tables() []Table {
	var out []Table
	all := p.gid[All+"/"+All]
	for _, f := range p.sel {
		for _, d := range Dimensions() {
			t := Table{Question: f.q.Name, Concept: f.q.Concept, Label: f.q.Label.In(p.opts.Lang, "fr"), Type: string(f.q.Type),
				Multiple: f.multi, Dimension: d, Columns: f.cols, Groups: append([]Group(nil), p.dims[d]...)}
			var ids []int
			for _, g := range p.dims[d] {
				ids = append(ids, p.gid[d+"/"+g.Key])
			}
			if d != All {
				ids = append(ids, all)
				t.Groups = append(t.Groups, Group{"total", label(p.opts, "Ensemble", "All respondents")})
			}
			for _, g := range ids {
				base := Cell{Status: f.base[g].Status().String(), Shown: !f.base[g].Hidden()}
				if base.Shown {
					base.N, base.Base, base.Percent = f.bases[g], f.bases[g], 100
				}
				t.Bases = append(t.Bases, base)
				line := make([]Cell, len(f.cols))
				for j := range f.cols {
					fig := f.cells[g][j]
					c := Cell{Status: fig.Status().String(), Shown: !fig.Hidden()}
					if c.Shown {
						c.N = f.counts[g][j]
						if base.Shown && base.Base > 0 {
							c.Base = base.Base
							c.Percent = 100 * float64(c.N) / float64(c.Base)
						}
					}
					line[j] = c
				}
				t.Cells = append(t.Cells, line)
			}
			out = append(out, t)
		}
	}
	return out
}

func (p *protection) numerics() []Numeric {
	var out []Numeric
	all := p.gid[All+"/"+All]
	for _, f := range p.num {
		f.summarise()
		unit := "respondent"
		if f.repeat {
			unit = "tool"
		}
		for _, d := range Dimensions() {
			n := Numeric{Question: f.q.Name, Label: f.q.Label.In(p.opts.Lang, "fr"), Dimension: d, Unit: unit, Groups: append([]Group(nil), p.dims[d]...)}
			var ids []int
			for _, g := range p.dims[d] {
				ids = append(ids, p.gid[d+"/"+g.Key])
			}
			if d != All {
				ids = append(ids, all)
				n.Groups = append(n.Groups, Group{"total", label(p.opts, "Ensemble", "All respondents")})
			}
			for _, g := range ids {
				st := Stat{NShown: !f.n[g].Hidden(), Shown: !f.sum[g].Hidden(), Status: f.sum[g].Status().String()}
				sum := f.sums[g]
				if st.NShown {
					st.N = sum.n
				}
				if st.Shown && sum.n > 0 {
					st.Mean, st.Median = sum.mean, sum.median
				}
				n.Stats = append(n.Stats, st)
			}
			out = append(out, n)
		}
	}
	return out
}
