package disclosure

// Exact linear algebra modulo the prime 2^31 − 1. Figures are sums of
// small integers, so a combination that vanishes modulo this prime but not
// over the rationals would need a determinant divisible by it: not a
// practical risk for tables of this size, and the tests audit the result
// independently with an LP solver.

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

func unit(n, k int) []uint64 {
	v := make([]uint64, n)
	v[k] = 1
	return v
}

// basis is a row-echelon basis built one vector at a time; each row keeps
// the combination of inserted vectors it stands for.
type basis struct {
	rows   [][]uint64
	combos [][]uint64
	pivots []int
}

// reduce subtracts the basis from v (and the matching combination from
// c, when given); rows are reduced against earlier rows at insertion, so
// one pass in order clears every pivot.
func (b *basis) reduce(v, c []uint64) {
	for i, row := range b.rows {
		p := b.pivots[i]
		f := v[p]
		if f == 0 {
			continue
		}
		neg := prime - f
		for k := p; k < len(v); k++ {
			if row[k] != 0 {
				v[k] = (v[k] + neg*row[k]) % prime
			}
		}
		if c != nil {
			for k, x := range b.combos[i] {
				if x != 0 {
					c[k] = (c[k] + neg*x) % prime
				}
			}
		}
	}
}

// insert adds v (a copy) to the basis; combo is what v stands for. It
// reports whether v was independent of the basis.
func (b *basis) insert(v, combo []uint64) bool {
	v = append([]uint64(nil), v...)
	if combo != nil {
		combo = append([]uint64(nil), combo...)
	}
	b.reduce(v, combo)
	p := -1
	for k, x := range v {
		if x != 0 {
			p = k
			break
		}
	}
	if p < 0 {
		return false
	}
	s := inv(v[p])
	for k := p; k < len(v); k++ {
		v[k] = v[k] * s % prime
	}
	for k := range combo {
		combo[k] = combo[k] * s % prime
	}
	b.rows = append(b.rows, v)
	b.combos = append(b.combos, combo)
	b.pivots = append(b.pivots, p)
	return true
}

// contains reports whether v is a combination of the basis.
func (b *basis) contains(v []uint64) bool {
	v = append([]uint64(nil), v...)
	b.reduce(v, nil)
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// express returns the coefficients, over the inserted vectors, of a
// combination equal to v, if there is one.
func (b *basis) express(v []uint64, n int) ([]uint64, bool) {
	v = append([]uint64(nil), v...)
	c := make([]uint64, n)
	b.reduce(v, c)
	for _, x := range v {
		if x != 0 {
			return nil, false
		}
	}
	// v − Σ combos = 0, so v = −c.
	for k := range c {
		if c[k] != 0 {
			c[k] = prime - c[k]
		}
	}
	return c, true
}
