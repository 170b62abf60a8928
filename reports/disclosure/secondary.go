package disclosure

// The graph: vertices 0..R are row lines, R+1..R+C+1 are column lines; the
// entry (i, j) is the edge between row line i and column line R+1+j.

type edge struct{ i, j int }

func (t *Table) rowV(i int) int { return i }
func (t *Table) colV(j int) int { return t.R + 1 + j }

// secondary adds complementary suppressions until no hidden entry is a
// bridge. Each round fixes one bridge by hiding one more entry, so it ends:
// at worst every entry is hidden, and a complete bipartite graph with two
// or more vertices per side has no bridge.
func (t *Table) secondary() {
	for {
		b, ok := t.bridge()
		if !ok {
			return
		}
		if !t.complement(b) {
			return // every entry is hidden or locked: nothing more can be done
		}
	}
}

// hiddenEdges lists the hidden entries.
func (t *Table) hiddenEdges() []edge {
	var es []edge
	for i := 0; i <= t.R; i++ {
		for j := 0; j <= t.C; j++ {
			if t.st[i][j] != Shown {
				es = append(es, edge{i, j})
			}
		}
	}
	return es
}

// bridge finds one hidden entry that lies on no cycle of hidden entries,
// with Tarjan's bridge-finding depth-first search.
func (t *Table) bridge() (edge, bool) {
	es := t.hiddenEdges()
	n := t.R + t.C + 2
	adj := make([][]int, n) // edge indexes
	for k, e := range es {
		adj[t.rowV(e.i)] = append(adj[t.rowV(e.i)], k)
		adj[t.colV(e.j)] = append(adj[t.colV(e.j)], k)
	}
	other := func(k, v int) int {
		if a := t.rowV(es[k].i); a != v {
			return a
		}
		return t.colV(es[k].j)
	}
	disc := make([]int, n)
	low := make([]int, n)
	timer := 0
	var found *edge
	var dfs func(v, parentEdge int)
	dfs = func(v, parentEdge int) {
		timer++
		disc[v], low[v] = timer, timer
		for _, k := range adj[v] {
			if k == parentEdge || found != nil {
				continue
			}
			u := other(k, v)
			if disc[u] == 0 {
				dfs(u, k)
				low[v] = min(low[v], low[u])
				if low[u] > disc[v] && found == nil {
					e := es[k]
					found = &e
				}
			} else {
				low[v] = min(low[v], disc[u])
			}
		}
	}
	for v := 0; v < n && found == nil; v++ {
		if disc[v] == 0 && len(adj[v]) > 0 {
			dfs(v, -1)
		}
	}
	if found == nil {
		return edge{}, false
	}
	return *found, true
}

// component returns the vertices reachable from start through hidden
// entries, not crossing the entry skip.
func (t *Table) component(start int, skip edge) map[int]bool {
	seen := map[int]bool{start: true}
	stack := []int{start}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		var next []int
		if v <= t.R {
			for j := 0; j <= t.C; j++ {
				if t.st[v][j] != Shown && (edge{v, j}) != skip {
					next = append(next, t.colV(j))
				}
			}
		} else {
			j := v - t.R - 1
			for i := 0; i <= t.R; i++ {
				if t.st[i][j] != Shown && (edge{i, j}) != skip {
					next = append(next, t.rowV(i))
				}
			}
		}
		for _, u := range next {
			if !seen[u] {
				seen[u] = true
				stack = append(stack, u)
			}
		}
	}
	return seen
}

// cost ranks candidate complements: the fewest respondents hidden, inner
// cells before margins, the grand total last, and a zero only when nothing
// else will do (hiding a known zero protects little in practice).
func (t *Table) cost(i, j int) int {
	c := t.v[i][j] * 4
	if t.v[i][j] == 0 {
		c += 1 << 20
	}
	if i == t.R || j == t.C {
		c += 1 << 22
	}
	if i == t.R && j == t.C {
		c += 1 << 24
	}
	return c
}

// complement hides the cheapest shown entry that closes a cycle through
// bridge b; when none exists, it extends from one of b's lines so that a
// later round can close the cycle.
func (t *Table) complement(b edge) bool {
	a := t.component(t.rowV(b.i), b)
	bb := t.component(t.colV(b.j), b)
	best, bestCost := edge{-1, -1}, 0
	try := func(i, j int) {
		if t.st[i][j] != Shown || t.locked[[2]int{i, j}] {
			return
		}
		if c := t.cost(i, j); best.i < 0 || c < bestCost {
			best, bestCost = edge{i, j}, c
		}
	}
	for i := 0; i <= t.R; i++ {
		for j := 0; j <= t.C; j++ {
			r, c := t.rowV(i), t.colV(j)
			if (a[r] && bb[c]) || (bb[r] && a[c]) {
				try(i, j)
			}
		}
	}
	if best.i < 0 {
		for j := 0; j <= t.C; j++ {
			try(b.i, j)
		}
		for i := 0; i <= t.R; i++ {
			try(i, b.j)
		}
	}
	if best.i < 0 {
		// Locked entries block both lines: hide the cheapest entry anywhere,
		// which a later round connects.
		for i := 0; i <= t.R; i++ {
			for j := 0; j <= t.C; j++ {
				try(i, j)
			}
		}
	}
	if best.i < 0 {
		return false
	}
	t.st[best.i][best.j] = Secondary
	return true
}
