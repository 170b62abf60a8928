package disclosure

import "math"

// Recoverable lists the hidden entries of an additive table that an
// intruder could recompute exactly from the shown entries and the fact that
// every row and column sums to its margin. It solves the linear system
// independently of how Protect chose its suppressions, so it is the check
// that secondary suppression worked: Gaussian elimination over the hidden
// unknowns, then a hidden entry is recoverable when its unit vector lies in
// the row space of the constraints.
func (t *Table) Recoverable() [][2]int {
	if !t.Additive {
		return nil
	}
	idx := map[[2]int]int{}
	var cells [][2]int
	for i := 0; i <= t.R; i++ {
		for j := 0; j <= t.C; j++ {
			if t.st[i][j] != Shown {
				idx[[2]int{i, j}] = len(cells)
				cells = append(cells, [2]int{i, j})
			}
		}
	}
	n := len(cells)
	if n == 0 {
		return nil
	}
	// One equation per line: the inner entries minus the margin are zero.
	// Only the coefficients of hidden entries matter for solvability.
	var rows [][]float64
	line := func(entries [][2]int, margin [2]int) {
		r := make([]float64, n)
		any := false
		for _, e := range entries {
			if k, ok := idx[e]; ok {
				r[k] = 1
				any = true
			}
		}
		if k, ok := idx[margin]; ok {
			r[k] = -1
			any = true
		}
		if any {
			rows = append(rows, r)
		}
	}
	for i := 0; i <= t.R; i++ {
		var es [][2]int
		for j := 0; j < t.C; j++ {
			es = append(es, [2]int{i, j})
		}
		line(es, [2]int{i, t.C})
	}
	for j := 0; j <= t.C; j++ {
		var es [][2]int
		for i := 0; i < t.R; i++ {
			es = append(es, [2]int{i, j})
		}
		line(es, [2]int{t.R, j})
	}
	base := rank(rows)
	var out [][2]int
	for k, c := range cells {
		unit := make([]float64, n)
		unit[k] = 1
		if rank(append(clone(rows), unit)) == base {
			out = append(out, c)
		}
	}
	return out
}

func clone(m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for i := range m {
		out[i] = append([]float64(nil), m[i]...)
	}
	return out
}

// rank computes a matrix's rank by Gaussian elimination with partial
// pivoting; entries are small integers, so a fixed tolerance is safe.
func rank(m [][]float64) int {
	m = clone(m)
	if len(m) == 0 {
		return 0
	}
	cols := len(m[0])
	r := 0
	for c := 0; c < cols && r < len(m); c++ {
		p := r
		for i := r + 1; i < len(m); i++ {
			if math.Abs(m[i][c]) > math.Abs(m[p][c]) {
				p = i
			}
		}
		if math.Abs(m[p][c]) < 1e-9 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		for i := range m {
			if i != r && math.Abs(m[i][c]) > 1e-12 {
				f := m[i][c] / m[r][c]
				for k := c; k < cols; k++ {
					m[i][k] -= f * m[r][k]
				}
			}
		}
		r++
	}
	return r
}
