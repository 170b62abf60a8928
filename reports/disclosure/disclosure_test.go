package disclosure_test

import (
	"math/rand/v2"
	"testing"

	"github.com/civiscope/civiscope/reports/disclosure"
)

// every checks the two promises on any protected table: no small cell is
// shown, and no hidden cell can be recomputed from what is shown.
func every(t *testing.T, tb *disclosure.Table, k int) {
	t.Helper()
	for i := 0; i <= tb.R; i++ {
		for j := 0; j <= tb.C; j++ {
			if v := tb.Value(i, j); v > 0 && v < k && !tb.Hidden(i, j) {
				t.Errorf("cell (%d,%d) = %d < k=%d is shown", i, j, v, k)
			}
		}
	}
	if rec := tb.Recoverable(); len(rec) > 0 {
		t.Errorf("hidden cells %v can be recomputed from the margins", rec)
	}
}

func TestPrimaryNeedsSecondaryInARow(t *testing.T) {
	// Région × answer. "Bretagne, oui" has 2 respondents.
	tb := disclosure.New([][]int{
		{12, 2, 9},
		{20, 15, 11},
		{8, 7, 30},
	})
	tb.Protect(5)
	if tb.Status(0, 1) != disclosure.Primary {
		t.Fatalf("cell of 2 is %v, want primary", tb.Status(0, 1))
	}
	p, s := tb.Suppressed()
	if p != 1 || s < 3 {
		t.Errorf("%d primary and %d secondary; a lone cell needs at least 3 complements (a rectangle)", p, s)
	}
	// The cheapest rectangle: column 1's smallest other cell (7), then 8
	// and 12 close it: 27 respondents hidden in all, fewer than through 9.
	for _, c := range [][2]int{{2, 1}, {2, 0}, {0, 0}} {
		if tb.Status(c[0], c[1]) != disclosure.Secondary {
			t.Errorf("complement (%d,%d) is %v, want secondary", c[0], c[1], tb.Status(c[0], c[1]))
		}
	}
	if s != 3 {
		t.Errorf("%d secondary cells, want the 3 of one rectangle", s)
	}
	every(t, tb, 5)
}

func TestSmallGroupHidesItsZeros(t *testing.T) {
	// A row of 3 respondents: showing its 0 would say "none of the 3 did X".
	tb := disclosure.New([][]int{
		{3, 0},
		{10, 12},
		{7, 9},
	})
	tb.Protect(5)
	for j := 0; j <= tb.C; j++ {
		if tb.Status(0, j) != disclosure.Primary {
			t.Errorf("cell (0,%d) of a group of 3 is %v", j, tb.Status(0, j))
		}
	}
	every(t, tb, 5)
}

func TestSmallColumnTotal(t *testing.T) {
	// Column 2 has 1 + 2 = 3 respondents overall: its margin is primary too.
	tb := disclosure.New([][]int{
		{10, 6, 1},
		{11, 9, 2},
	})
	tb.Protect(5)
	if tb.Status(2, 2) != disclosure.Primary {
		t.Errorf("column total of 3 is %v, want primary", tb.Status(2, 2))
	}
	every(t, tb, 5)
}

func TestNothingToHide(t *testing.T) {
	tb := disclosure.New([][]int{{10, 20}, {30, 0}})
	tb.Protect(5)
	if p, s := tb.Suppressed(); p+s != 0 {
		t.Errorf("%d primary, %d secondary in a table with no small cell (a zero is not small)", p, s)
	}
}

func TestAuditCatchesPrimaryOnly(t *testing.T) {
	// Without secondary suppression, the lone hidden cell is its row total
	// minus the others: Recoverable must say so, or it proves nothing.
	tb := disclosure.New([][]int{{12, 2, 9}, {20, 15, 11}})
	tb.Additive = false
	tb.Protect(5)
	tb.Additive = true
	if rec := tb.Recoverable(); len(rec) == 0 {
		t.Fatal("audit found nothing recoverable in a primary-only table")
	}
}

func TestSelectMultipleNeedsNoComplement(t *testing.T) {
	// Percent of respondents choosing each option: cells do not add up to n.
	tb := disclosure.NewWithBases([][]int{{40, 3, 22}}, []int{57})
	tb.Protect(5)
	p, s := tb.Suppressed()
	if p != 2 || s != 0 { // the cell of 3 and its column total of 3
		t.Errorf("%d primary, %d secondary; want 2 and 0", p, s)
	}
	if tb.Hidden(0, 3) {
		t.Error("the base n = 57 must stay shown")
	}
}

func TestRandomSmallTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 400; n++ {
		r, c := 1+rng.IntN(5), 1+rng.IntN(6)
		cells := make([][]int, r)
		for i := range cells {
			cells[i] = make([]int, c)
			for j := range cells[i] {
				cells[i][j] = rng.IntN(14) // many zeros and small cells
			}
		}
		for _, k := range []int{3, 5} {
			tb := disclosure.New(cells)
			tb.Protect(k)
			every(t, tb, k)
			if t.Failed() {
				t.Fatalf("table %v, k=%d", cells, k)
			}
		}
	}
}

func TestLockedTotalsAreNeverComplements(t *testing.T) {
	// Two groups; the total row is published on its own, so protection
	// must come from inner cells only.
	tb := disclosure.New([][]int{{2, 30, 40}, {9, 31, 50}})
	for j := 0; j <= 3; j++ {
		tb.Lock(2, j)
	}
	tb.Protect(5)
	for j := 0; j <= 3; j++ {
		if tb.Status(2, j) == disclosure.Secondary {
			t.Errorf("locked total (2,%d) was used as a complement", j)
		}
	}
	every(t, tb, 5)
}

func TestOneGroupWithLockedTotalEnds(t *testing.T) {
	tb := disclosure.New([][]int{{2, 30}})
	for j := 0; j <= 2; j++ {
		tb.Lock(1, j)
	}
	tb.Protect(5) // must return; the total row says it all anyway
	if !tb.Hidden(0, 0) {
		t.Error("small cell shown")
	}
}
