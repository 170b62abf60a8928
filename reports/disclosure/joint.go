package disclosure

import (
	"fmt"
	"sort"
)

// Joint protects every figure published from one set of respondents at
// once: all the breakdowns of a question (overall, by kind, by bracket, by
// région), their bases, the numeric sums, and the questions routed from
// one another. Protecting each table on its own is not enough, because an
// intruder holds them all: the overall row minus the other kinds gives a
// hidden kind, and a union of régions can equal a kind.
//
// The model. Respondents fall into strata (the joint kind × bracket ×
// région cells); a group (a row of some breakdown) is a set of strata.
// Every figure is a sum, over the strata of its group, of a linear form of
// per-stratum unknowns (the number answering each choice, a sum of euros,
// and so on). A hidden figure is disclosed when its vector lies in the
// span of the published ones: some combination of published figures
// equals it. Because every figure is built from whole groups, only the
// group structure matters, and the strata are reduced to the r independent
// columns of the group-by-stratum incidence matrix: vectors have r × m
// entries, m being the number of unknowns of the linked questions.
//
// Arithmetic is exact, modulo the prime 2^31 − 1, so rank decisions never
// depend on floating-point tolerance.
type Joint struct {
	policy  Policy
	pivots  []int          // strata that carry the reduced coordinates
	members []map[int]bool // group → strata
	figs    []*Figure
	nvars   int
	alone   bool // the pass that protects settled figures (see Protect)
}

// Policy is an edition's disclosure rules. It is stored with the edition
// and printed in every release, so that nobody can publish under a weaker
// one.
type Policy struct {
	// K: a count of fewer than K respondents (but at least one) is hidden.
	K int `json:"k"`
	// MinUnits: a numeric summary (mean, median, sum) of fewer than
	// MinUnits respondents is hidden (INSEE's threshold rule uses 3).
	MinUnits int `json:"min_units"`
	// Dominance: a numeric summary is hidden when one respondent accounts
	// for more than this share of the group's total (INSEE uses 0.85).
	Dominance float64 `json:"dominance"`
}

// DefaultPolicy is the barometer's policy unless an edition stores another.
func DefaultPolicy() Policy { return Policy{K: DefaultK, MinUnits: DefaultK, Dominance: 0.85} }

// Validate refuses a policy weaker than the professional floor (k ≥ 3,
// INSEE's threshold, and a dominance share of at most 0.85).
func (p Policy) Validate() error {
	switch {
	case p.K < 3 || p.K > 100:
		return fmt.Errorf("k must be between 3 and 100, not %d", p.K)
	case p.MinUnits < 3 || p.MinUnits > 100:
		return fmt.Errorf("the numeric threshold must be between 3 and 100, not %d", p.MinUnits)
	case p.Dominance <= 0 || p.Dominance > 0.85:
		return fmt.Errorf("the dominance share must be above 0 and at most 0.85, not %g", p.Dominance)
	}
	return nil
}

// AtLeast reports whether p protects at least as much as q.
func (p Policy) AtLeast(q Policy) bool {
	return p.K >= q.K && p.MinUnits >= q.MinUnits && p.Dominance <= q.Dominance
}

// String states the rules in words, for pages and files.
func (p Policy) String() string {
	return fmt.Sprintf("k = %d; numeric summaries: at least %d respondents and none above %.0f %% of the total", p.K, p.MinUnits, 100*p.Dominance)
}

// Figure is one published number: the sum over a group's strata of a
// linear form of unknowns. Callers fill it and read Hidden after Protect.
type Figure struct {
	Group int
	Terms map[int]int // unknown → coefficient
	// Public figures are known to everyone whatever is published (the
	// number of respondents of a group, an identity between a routed
	// question and its parent): never hidden, always usable by an intruder.
	Public bool
	// Known figures are what an intruder holds from elsewhere even when
	// they are not published (a count made only of respondents in the
	// microdata): used against every hidden figure, never worth hiding as a
	// complement, and not themselves protected, since nothing secret is in
	// them.
	Known bool
	// Settled figures count no respondent who did not consent to
	// publication (a zero is the plainest case): an intruder who sees one
	// knows every part of it from the microdata, stratum by stratum, so the
	// same figure over any group inside it is known too. Only for sums of
	// non-negative unknowns.
	Settled bool
	// Sensitive figures fail a primary rule (see Policy); the caller
	// decides with Policy.Count and Policy.Magnitude.
	Sensitive bool
	// Cost ranks candidates for complementary suppression: the cheapest
	// shown figure that breaks a disclosure is hidden first.
	Cost int
	// Bundle ties figures that are published together (a numeric
	// summary's n and mean): hiding one hides all. 0 means none.
	Bundle int

	hidden    bool
	secondary bool
	vec       sparse
	settledBy *Figure // the published settled figure that gives it away
}

// known reports whether an intruder holds the figure whatever is hidden:
// known from elsewhere, inside a settled figure, or settled itself and
// hidden only by a primary rule. A settled figure's parts can only be
// above what the microdata show, never below, so as a complement it moves
// one way only; the protection takes it as known, which can only hide
// more. (A settled figure hidden to break a settling, see protectBlock,
// is not: the intruder then has no upper bound on it.)
func (f *Figure) known() bool {
	return f.Known || f.settledBy != nil || f.selfSettled()
}

func (f *Figure) selfSettled() bool {
	return f.Settled && f.hidden && !f.secondary && nonNegative(f)
}

// Hidden reports whether the figure must not be published.
func (f *Figure) Hidden() bool { return f.hidden }

// Status names why a figure is hidden.
func (f *Figure) Status() Status {
	switch {
	case !f.hidden:
		return Shown
	case f.secondary:
		return Secondary
	}
	return Primary
}

// Count applies the frequency rule to a count: n respondents of whom
// private did not agree to publication (the others appear in the
// microdata, so an intruder can subtract them).
func (p Policy) Count(n, private int) bool {
	return (n > 0 && n < p.K) || (private > 0 && private < p.K)
}

// Magnitude applies the threshold and dominance rules to a numeric
// summary of values (all ≥ 0) from n respondents, private of whom did not
// consent to publication.
func (p Policy) Magnitude(values []float64, private int) bool {
	n := len(values)
	if n == 0 {
		return false
	}
	if n < p.MinUnits || n < p.K || (private > 0 && private < p.MinUnits) {
		return true
	}
	sum, top := 0.0, 0.0
	for _, v := range values {
		if v < 0 {
			v = -v
		}
		sum += v
		top = max(top, v)
	}
	return sum > 0 && top > p.Dominance*sum
}

// NewJoint prepares a model over groups, each given as the list of strata
// it covers (stratum numbers are the caller's).
func NewJoint(p Policy, groups [][]int) *Joint {
	j := &Joint{policy: p}
	strata := map[int]bool{}
	for _, g := range groups {
		m := map[int]bool{}
		for _, s := range g {
			m[s] = true
			strata[s] = true
		}
		j.members = append(j.members, m)
	}
	var cols []int
	for s := range strata {
		cols = append(cols, s)
	}
	sort.Ints(cols)
	// Independent strata columns of the incidence matrix: restricted to
	// them, a combination of group rows is zero only if it is zero on
	// every stratum.
	b := newBasis(len(groups), 0)
	for _, s := range cols {
		var v sparse
		for gi, m := range j.members {
			if m[s] {
				v.idx = append(v.idx, int32(gi))
				v.val = append(v.val, 1)
			}
		}
		if b.insert(v, -1) {
			j.pivots = append(j.pivots, s)
		}
	}
	return j
}

// Add registers a figure. Unknowns are numbered by the caller from 0.
func (j *Joint) Add(f *Figure) {
	for u := range f.Terms {
		j.nvars = max(j.nvars, u+1)
	}
	j.figs = append(j.figs, f)
}

// Protect hides sensitive figures and then, block by block (unknowns that
// share no figure do not interact), the cheapest complements until no
// hidden figure is a combination of published ones.
func (j *Joint) Protect() {
	for _, f := range j.figs {
		f.hidden, f.secondary = f.Sensitive && !f.Public, false
	}
	j.bundles()
	blocks := j.blocks()
	// A block left as the last pass over it left it would come out of the
	// pass unchanged: skipping it saves the algebra, which on a large
	// edition is most of the time.
	after := make([][2]blockState, len(blocks))
	for {
		changed := false
		for b, block := range blocks {
			// Twice: hidden figures against everything the intruder
			// knows, settled ones included; then the settled figures hidden
			// by a primary rule against the published figures alone, since
			// without the microdata's help their value is no one's business
			// either.
			for pass, alone := range []bool{false, true} {
				if after[b][pass].same(block) {
					continue
				}
				j.alone = alone
				changed = j.protectBlock(block) || changed
				after[b][pass] = stateOf(block)
			}
			j.alone = false
		}
		if !j.settle() && !changed {
			return
		}
	}
}

// blockState is what a pass over a block reads of its figures and may
// change: whether each is hidden and why, whether the intruder knows it,
// and the settled figure that gives it away.
type blockState struct {
	flags []byte
	by    []*Figure
}

func stateOf(block []*Figure) blockState {
	s := blockState{flags: make([]byte, len(block)), by: make([]*Figure, len(block))}
	for k, f := range block {
		s.flags[k] = flag(f.hidden, 1) | flag(f.secondary, 2) | flag(f.Known, 4)
		s.by[k] = f.settledBy
	}
	return s
}

func flag(b bool, bit byte) byte {
	if b {
		return bit
	}
	return 0
}

// same reports whether block is as s saw it (never, for a zero s).
func (s blockState) same(block []*Figure) bool {
	if len(s.flags) != len(block) {
		return false
	}
	for k, f := range block {
		if s.flags[k] != flag(f.hidden, 1)|flag(f.secondary, 2)|flag(f.Known, 4) || s.by[k] != f.settledBy {
			return false
		}
	}
	return true
}

// knows reports whether the intruder holds f in the current pass.
func (j *Joint) knows(f *Figure) bool {
	if j.alone {
		return f.Known || f.settledBy != nil
	}
	return f.known()
}

// target reports whether f is a hidden figure to keep hidden in the
// current pass.
func (j *Joint) target(f *Figure) bool {
	return f.hidden && !j.knows(f) && (!j.alone || f.selfSettled())
}

// settle records, for every figure that lies inside a published settled
// one (same unknowns, a group within its group), that the intruder knows
// it: linear algebra does not see that the non-negative parts of a total
// known to the last respondent are known each. Those figures then count as
// known, and a hidden figure that they pin is protected by hiding the
// settled figure (see protectBlock). It reports whether anything changed.
func (j *Joint) settle() bool {
	changed := false
	byVar := map[int][]*Figure{} // settled sources by one of their unknowns
	for _, z := range j.figs {
		if z.Settled && (!z.hidden || z.Public || z.selfSettled()) && nonNegative(z) {
			for u := range z.Terms {
				byVar[u] = append(byVar[u], z)
			}
		}
	}
	for _, h := range j.figs {
		var by *Figure
		if !h.Public && !h.Known && len(h.Terms) > 0 {
			u := -1
			for v := range h.Terms {
				u = v
				break
			}
			for _, z := range byVar[u] {
				if z != h && within(h.Terms, z.Terms) && j.subset(h.Group, z.Group) {
					by = z
					if z.Public {
						break // the best reason: it never goes away
					}
				}
			}
		}
		if (by == nil) != (h.settledBy == nil) {
			changed = true
		}
		h.settledBy = by
	}
	return changed
}

func nonNegative(f *Figure) bool {
	for _, c := range f.Terms {
		if c < 0 {
			return false
		}
	}
	return true
}

// within reports whether every unknown of a is one of b's.
func within(a, b map[int]int) bool {
	if len(a) == 0 {
		return false
	}
	for u, c := range a {
		if c <= 0 || b[u] == 0 {
			return false
		}
	}
	return true
}

// subset reports whether group a's strata are all in group b.
func (j *Joint) subset(a, b int) bool {
	if a == b {
		return true
	}
	if len(j.members[a]) > len(j.members[b]) {
		return false
	}
	for s := range j.members[a] {
		if !j.members[b][s] {
			return false
		}
	}
	return true
}

// bundles spreads hiding across bundles.
func (j *Joint) bundles() {
	hid := map[int]bool{}
	for _, f := range j.figs {
		if f.Bundle != 0 && f.hidden {
			hid[f.Bundle] = true
		}
	}
	for _, f := range j.figs {
		if f.Bundle != 0 && hid[f.Bundle] && !f.hidden && !f.Public {
			f.hidden = true
			f.secondary = true
		}
	}
}

// blocks groups figures whose unknowns are connected, bundles included.
func (j *Joint) blocks() [][]*Figure {
	parent := make([]int, j.nvars)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	first := func(f *Figure) int {
		m := -1
		for u := range f.Terms {
			if m < 0 || u < m {
				m = u
			}
		}
		return m
	}
	bundleVar := map[int]int{}
	for _, f := range j.figs {
		a := first(f)
		if a < 0 {
			continue
		}
		for u := range f.Terms {
			union(a, u)
		}
		if f.Bundle != 0 {
			if b, ok := bundleVar[f.Bundle]; ok {
				union(a, b)
			} else {
				bundleVar[f.Bundle] = a
			}
		}
	}
	byRoot := map[int][]*Figure{}
	var roots []int
	for _, f := range j.figs {
		a := first(f)
		if a < 0 {
			continue
		}
		r := find(a)
		if _, ok := byRoot[r]; !ok {
			roots = append(roots, r)
		}
		byRoot[r] = append(byRoot[r], f)
	}
	out := make([][]*Figure, 0, len(roots))
	for _, r := range roots {
		out = append(out, byRoot[r])
	}
	return out
}

// vectors writes each figure of a block in reduced coordinates: one entry
// per (pivot stratum, unknown of the block), the unknowns numbered in the
// order the block first names them. It returns the dimension.
func (j *Joint) vectors(block []*Figure) int {
	local := map[int]int{}
	var terms []int
	for _, f := range block {
		terms = terms[:0]
		for u := range f.Terms {
			terms = append(terms, u)
		}
		sort.Ints(terms)
		for _, u := range terms {
			if _, ok := local[u]; !ok {
				local[u] = len(local)
			}
		}
	}
	m := len(local)
	for _, f := range block {
		// Entries (pi, local u) in increasing pi*m + local u.
		terms = terms[:0]
		for u := range f.Terms {
			terms = append(terms, u)
		}
		sort.Slice(terms, func(a, b int) bool { return local[terms[a]] < local[terms[b]] })
		var v sparse
		for pi, s := range j.pivots {
			if !j.members[f.Group][s] {
				continue
			}
			for _, u := range terms {
				if x := mod(int64(f.Terms[u])); x != 0 {
					v.idx = append(v.idx, int32(pi*m+local[u]))
					v.val = append(v.val, uint32(x))
				}
			}
		}
		f.vec = v
	}
	return len(j.pivots) * m
}

func (j *Joint) protectBlock(block []*Figure) (hid bool) {
	any := false
	for _, f := range block {
		any = any || j.target(f)
	}
	if !any {
		return false
	}
	dim := j.vectors(block)
	defer func() {
		for _, f := range block {
			f.vec = sparse{}
		}
	}()
	// A figure that public figures alone determine is public knowledge:
	// hiding it protects nothing, it would never stop being "disclosed",
	// and as a complement it would break nothing.
	pub := newBasis(dim, 0)
	for _, f := range block {
		if f.Public {
			pub.insert(f.vec, -1)
		}
	}
	for _, f := range block {
		if !f.Public && pub.contains(f.vec) {
			f.hidden, f.secondary, f.Known = false, false, true
		}
	}
	// Figures with the same vector are one number published twice (the
	// overall row and a kind that every respondent shares): hiding one is
	// worth something only with the others, so they go together, at the
	// cost of the dearest.
	same := map[string][]int{}
	for k, f := range block {
		key := f.vec.key()
		same[key] = append(same[key], k)
	}
	twins := make([][]int, len(block))
	unitCost := make([]int, len(block))
	known := make([]bool, len(block)) // a twin is public or known anyway
	for _, ks := range same {
		c, kn := 0, false
		for _, k := range ks {
			c = max(c, block[k].Cost)
			kn = kn || block[k].Public || j.knows(block[k])
		}
		for _, k := range ks {
			twins[k], unitCost[k], known[k] = ks, c, kn
		}
	}
	// The basis of what the intruder sees, kept from round to round: a
	// round only hides figures, so the rows built from the figures before
	// the first one it took out are what a new basis would build again.
	shown := newBasis(dim, len(block))
	in := make([]bool, len(block))
	for round := 0; round <= len(block); round++ {
		first := len(block)
		for k, f := range block {
			if now := !f.hidden || j.knows(f); now != in[k] {
				first = min(first, k)
				in[k] = now
			}
		}
		shown.truncate(first)
		for k := first; k < len(block); k++ {
			if in[k] {
				shown.insert(block[k].vec, k)
			}
		}
		changed := false
		fresh := map[int]bool{} // hidden in this round: the basis still counts them
	figures:
		for _, h := range block {
			if !j.target(h) {
				continue
			}
			combo, ok := shown.express(h.vec)
			if !ok {
				continue
			}
			best := -1
			var via *Figure // a settled figure that gives a known part away
			for k, c := range combo {
				f := block[k]
				if c != 0 && f.settledBy != nil && !f.Known && !f.settledBy.Public && !f.settledBy.hidden && !f.settledBy.Known {
					if via == nil || f.settledBy.Cost < via.Cost {
						via = f.settledBy
					}
				}
				if c == 0 || f.Public || j.knows(f) || known[k] {
					continue
				}
				if fresh[k] {
					continue figures // already broken this round; the next round checks again
				}
				if f.hidden {
					continue
				}
				if best < 0 || unitCost[k] < unitCost[best] {
					best = k
				}
			}
			switch {
			case best < 0 && via == nil:
				continue // only public figures pin it: it was shown above
			case best < 0 || (via != nil && via.Cost < unitCost[best]):
				j.hide(via)
			default:
				for _, k := range twins[best] {
					if !block[k].Public && !j.knows(block[k]) {
						j.hide(block[k])
					}
				}
			}
			for k, f := range block {
				if f.hidden && f.secondary && !fresh[k] {
					fresh[k] = true
				}
			}
			changed, hid = true, true
		}
		if !changed {
			return hid
		}
	}
	return hid
}

func (j *Joint) hide(f *Figure) {
	f.hidden, f.secondary = true, true
	if f.Bundle == 0 {
		return
	}
	for _, g := range j.figs {
		if g.Bundle == f.Bundle && !g.hidden && !g.Public {
			g.hidden, g.secondary = true, true
		}
	}
}

// Disclosed lists the hidden figures that published ones determine, by
// independent linear algebra over the whole model (no blocks); empty when
// Protect did its job.
func (j *Joint) Disclosed() []*Figure {
	var out []*Figure
	for _, block := range j.blocks() {
		shown := newBasis(j.vectors(block), 0)
		for _, f := range block {
			if !f.hidden || f.known() {
				shown.insert(f.vec, -1)
			}
		}
		for _, f := range block {
			if f.hidden && !f.known() && shown.contains(f.vec) {
				out = append(out, f)
			}
		}
		for _, f := range block {
			f.vec = sparse{}
		}
	}
	return out
}

// LinearOnly protects as Protect does but without the settling step: it
// exists so that tests can show what bounds from the microdata and from
// non-negativity give away when linear algebra alone decides.
func (j *Joint) LinearOnly() {
	for _, f := range j.figs {
		f.hidden, f.secondary, f.settledBy = f.Sensitive && !f.Public, false, nil
		if f.Settled {
			f.Settled = false
		}
	}
	j.bundles()
	for _, block := range j.blocks() {
		j.protectBlock(block)
	}
}

// PrimaryOnly applies the primary rules alone. It exists so that tests can
// show what an unprotected release gives away.
func (j *Joint) PrimaryOnly() {
	for _, f := range j.figs {
		f.hidden, f.secondary = f.Sensitive && !f.Public, false
	}
	j.bundles()
}
