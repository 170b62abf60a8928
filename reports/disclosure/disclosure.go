// Package disclosure protects respondents in published tables. The
// barometer has 31 to 194 respondents, so a breakdown by région or size can
// leave one or two collectivités in a cell, and their answer would be public.
//
// Rules, applied to every table before it reaches a page, a file or the API:
//
//   - Primary suppression: a cell counting fewer than k respondents (but at
//     least one) is hidden, and so is every cell of a row or column whose
//     total is under k, zeros included: "none of the 3 answered yes" is as
//     revealing as "3 answered no".
//   - Secondary suppression: in an additive table (cells sum to margins) a
//     hidden cell must not be recomputable from what is shown. Hidden cells
//     are edges of a graph whose vertices are the table's lines (each row
//     and each column, margins included); a hidden value can be solved for
//     exactly when its edge is a bridge of that graph (it lies on no cycle).
//     Protect adds the cheapest complementary cells until no bridge is left,
//     then Recoverable checks the result independently by linear algebra.
//
// Interval disclosure (bounds from non-negativity) is not addressed: the
// aim is that no hidden count can be recomputed exactly.
package disclosure

import "fmt"

// DefaultK is the smallest number of respondents a published cell may count.
const DefaultK = 5

// Status says whether and why a cell is hidden.
type Status uint8

const (
	Shown     Status = iota
	Primary          // fewer than k respondents
	Secondary        // hidden so that a primary cell cannot be recomputed
)

func (s Status) String() string {
	switch s {
	case Primary:
		return "primary"
	case Secondary:
		return "secondary"
	}
	return "shown"
}

// Table is a two-way table of respondent counts with its margins. Entries
// are addressed on an (R+1)×(C+1) grid: row R holds the column totals,
// column C the row totals, and (R, C) the grand total.
type Table struct {
	R, C int
	// Additive tables have cells that sum to their margins (each respondent
	// in exactly one cell); select_multiple tables do not, and need no
	// secondary suppression because no total constrains a cell.
	Additive bool
	v        [][]int
	st       [][]Status
	locked   map[[2]int]bool
}

// Lock marks an entry as published elsewhere (the overall table whose
// figures are also a breakdown's total row): secondary suppression never
// relies on hiding it.
func (t *Table) Lock(i, j int) {
	if t.locked == nil {
		t.locked = map[[2]int]bool{}
	}
	t.locked[[2]int{i, j}] = true
}

// New builds an additive table from its inner cells (rows × columns) and
// computes the margins.
func New(cells [][]int) *Table {
	t := &Table{R: len(cells), Additive: true}
	if t.R > 0 {
		t.C = len(cells[0])
	}
	t.v = make([][]int, t.R+1)
	t.st = make([][]Status, t.R+1)
	for i := range t.v {
		t.v[i] = make([]int, t.C+1)
		t.st[i] = make([]Status, t.C+1)
	}
	for i, row := range cells {
		if len(row) != t.C {
			panic(fmt.Sprintf("disclosure: row %d has %d cells, want %d", i, len(row), t.C))
		}
		for j, n := range row {
			t.v[i][j] = n
			t.v[i][t.C] += n
			t.v[t.R][j] += n
			t.v[t.R][t.C] += n
		}
	}
	return t
}

// NewWithBases builds a non-additive table: inner cells and, per row, the
// number of respondents the row's percentages are of (select_multiple).
// Column totals are the sums of the cells.
func NewWithBases(cells [][]int, bases []int) *Table {
	t := New(cells)
	t.Additive = false
	t.v[t.R][t.C] = 0
	for i := range cells {
		t.v[i][t.C] = bases[i]
		t.v[t.R][t.C] += bases[i]
	}
	return t
}

// Value returns the count at (i, j) whatever its status; only the
// publishing layer may call it, and only to show Shown cells.
func (t *Table) Value(i, j int) int { return t.v[i][j] }

// Status returns whether the entry at (i, j) may be published.
func (t *Table) Status(i, j int) Status { return t.st[i][j] }

// Hidden reports whether the entry at (i, j) must not be published.
func (t *Table) Hidden(i, j int) bool { return t.st[i][j] != Shown }

// Suppressed counts hidden entries by status.
func (t *Table) Suppressed() (primary, secondary int) {
	for i := range t.st {
		for j := range t.st[i] {
			switch t.st[i][j] {
			case Primary:
				primary++
			case Secondary:
				secondary++
			}
		}
	}
	return primary, secondary
}

// Protect applies primary suppression under k and, for additive tables,
// secondary suppression. It may be called again with another k.
func (t *Table) Protect(k int) {
	if k < 1 {
		k = 1
	}
	for i := range t.st {
		for j := range t.st[i] {
			t.st[i][j] = Shown
		}
	}
	small := func(n int) bool { return n > 0 && n < k }
	for i := 0; i <= t.R; i++ {
		for j := 0; j <= t.C; j++ {
			if small(t.v[i][j]) {
				t.st[i][j] = Primary
			}
		}
	}
	// A small group hides all its cells, zeros included.
	for i := 0; i <= t.R; i++ {
		if small(t.v[i][t.C]) {
			for j := 0; j <= t.C; j++ {
				t.st[i][j] = Primary
			}
		}
	}
	for j := 0; j <= t.C; j++ {
		if small(t.v[t.R][j]) {
			for i := 0; i <= t.R; i++ {
				t.st[i][j] = Primary
			}
		}
	}
	if t.Additive {
		t.secondary()
	}
}
