package disclosure

import (
	"encoding/binary"
	"slices"
)

// Exact linear algebra modulo the prime 2^31 − 1. Figures are sums of
// small integers, so a combination that vanishes modulo this prime but not
// over the rationals would need a determinant divisible by it: not a
// practical risk for tables of this size, and the tests audit the result
// independently with an LP solver.
//
// Vectors are sparse: a figure touches one group's strata and a few
// unknowns, a few dozen coordinates of the hundreds a block of a large
// edition has, and the echelon rows stay nearly as sparse. Dense vectors
// made the protection of a 30,000-response edition take seconds and
// gigabytes of garbage (issue 16); the arithmetic is the same, in the same
// order, so the results are too.

const prime = 1<<31 - 1

func mod(x int64) uint64 {
	x %= prime
	if x < 0 {
		x += prime
	}
	return uint64(x)
}

func inv(a uint64) uint64 {
	// Fermat: a^(p-2).
	r, e := uint64(1), uint64(prime-2)
	for e > 0 {
		if e&1 == 1 {
			r = r * a % prime
		}
		a = a * a % prime
		e >>= 1
	}
	return r
}

// sparse is a vector by its non-zero entries, in increasing index order.
// Entries are below the prime, so they fit 32 bits.
type sparse struct {
	idx []int32
	val []uint32
}

// sparseOf reads the non-zero entries of a dense vector.
func sparseOf(v []uint64) sparse {
	var s sparse
	for k, x := range v {
		if x != 0 {
			s.idx = append(s.idx, int32(k))
			s.val = append(s.val, uint32(x))
		}
	}
	return s
}

// key is a map key for a vector: equal vectors, equal keys.
func (s sparse) key() string {
	b := make([]byte, 0, 8*len(s.idx))
	for k, i := range s.idx {
		b = binary.LittleEndian.AppendUint32(b, uint32(i))
		b = binary.LittleEndian.AppendUint32(b, s.val[k])
	}
	return string(b)
}

// basis is a row-echelon basis built one vector at a time; each row keeps
// the combination of inserted vectors it stands for. Reductions work in
// dense scratch vectors that the basis reuses; rows are stored sparse.
type basis struct {
	dim    int // length of the vectors
	n      int // number of vectors a combination ranges over (0: none kept)
	rows   []sparse
	combos []sparse
	pivots []int
	from   []int    // the inserted vector each row was made from
	v, c   []uint64 // scratch
}

func newBasis(dim, n int) *basis {
	return &basis{dim: dim, n: n, v: make([]uint64, dim), c: make([]uint64, n)}
}

// load clears the scratch vectors and writes s into v and, when k ≥ 0 and
// combinations are kept, the unit combination k into c.
func (b *basis) load(s sparse, k int) {
	clear(b.v)
	clear(b.c)
	for j, i := range s.idx {
		b.v[i] = uint64(s.val[j])
	}
	if k >= 0 && b.n > 0 {
		b.c[k] = 1
	}
}

// reduce subtracts the basis from the scratch vector (and the matching
// combination from the scratch combination); rows are reduced against
// earlier rows at insertion, so one pass in order clears every pivot.
func (b *basis) reduce(combos bool) {
	v, c := b.v, b.c
	for i, row := range b.rows {
		f := v[b.pivots[i]]
		if f == 0 {
			continue
		}
		neg := prime - f
		for j, k := range row.idx {
			v[k] = (v[k] + neg*uint64(row.val[j])) % prime
		}
		if combos {
			cb := b.combos[i]
			for j, k := range cb.idx {
				c[k] = (c[k] + neg*uint64(cb.val[j])) % prime
			}
		}
	}
}

// insert adds s, the k-th vector of the combinations, to the basis. It
// reports whether s was independent of the basis.
func (b *basis) insert(s sparse, k int) bool {
	b.load(s, k)
	b.reduce(b.n > 0)
	p := slices.IndexFunc(b.v, func(x uint64) bool { return x != 0 })
	if p < 0 {
		return false
	}
	inv := inv(b.v[p])
	var row sparse
	for i := p; i < b.dim; i++ {
		if x := b.v[i]; x != 0 {
			row.idx = append(row.idx, int32(i))
			row.val = append(row.val, uint32(x*inv%prime))
		}
	}
	var combo sparse
	for i, x := range b.c {
		if x != 0 {
			combo.idx = append(combo.idx, int32(i))
			combo.val = append(combo.val, uint32(x*inv%prime))
		}
	}
	b.rows = append(b.rows, row)
	b.combos = append(b.combos, combo)
	b.pivots = append(b.pivots, p)
	b.from = append(b.from, k)
	return true
}

// truncate takes the basis back to what inserting only the vectors before
// the k-th would have built: each row depends on earlier rows alone, so
// those are the rows made from them.
func (b *basis) truncate(k int) {
	n := len(b.rows)
	for n > 0 && b.from[n-1] >= k {
		n--
	}
	b.rows, b.combos, b.pivots, b.from = b.rows[:n], b.combos[:n], b.pivots[:n], b.from[:n]
}

// contains reports whether s is a combination of the basis.
func (b *basis) contains(s sparse) bool {
	b.load(s, -1)
	b.reduce(false)
	return !slices.ContainsFunc(b.v, func(x uint64) bool { return x != 0 })
}

// express returns the coefficients, over the inserted vectors, of a
// combination equal to s, if there is one. The slice is the basis's
// scratch: it holds until the next call.
func (b *basis) express(s sparse) ([]uint64, bool) {
	b.load(s, -1)
	b.reduce(true)
	if slices.ContainsFunc(b.v, func(x uint64) bool { return x != 0 }) {
		return nil, false
	}
	// s − Σ combos = 0, so s = −c.
	for k, x := range b.c {
		if x != 0 {
			b.c[k] = prime - x
		}
	}
	return b.c, true
}
