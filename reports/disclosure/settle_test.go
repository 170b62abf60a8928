package disclosure_test

import (
	"testing"

	"github.com/civiscope/civiscope/reports/disclosure"
)

// A lone respondent (stratum 1, group B) whose "gave a value" count n is
// hidden, inside a group A whose "gave no value" count is published as 0:
// every part of a zero is zero, so B's no-value count is 0 and the public
// number of B's respondents gives n away. Linear algebra cannot see it;
// the settling step must hide A's zero too.
func TestSettledZeroIsNotAComplement(t *testing.T) {
	groups := [][]int{{1, 2}, {1}} // A = strata 1 and 2, B = stratum 1
	const n, miss = 0, 1
	build := func() (*disclosure.Joint, *disclosure.Figure, *disclosure.Figure) {
		j := disclosure.NewJoint(disclosure.DefaultPolicy(), groups)
		nB := &disclosure.Figure{Group: 1, Terms: map[int]int{n: 1}, Sensitive: true, Bundle: 1}
		missB := &disclosure.Figure{Group: 1, Terms: map[int]int{miss: 1}, Bundle: 1, Settled: true}
		nA := &disclosure.Figure{Group: 0, Terms: map[int]int{n: 1}, Bundle: 2, Cost: 1}
		missA := &disclosure.Figure{Group: 0, Terms: map[int]int{miss: 1}, Bundle: 2, Settled: true}
		for _, f := range []*disclosure.Figure{nB, missB, nA, missA,
			{Group: 0, Terms: map[int]int{n: 1, miss: 1}, Public: true},
			{Group: 1, Terms: map[int]int{n: 1, miss: 1}, Public: true}} {
			j.Add(f)
		}
		return j, nB, missA
	}
	j, nB, missA := build()
	j.LinearOnly()
	if !nB.Hidden() || missA.Hidden() {
		t.Fatalf("linear protection: n of B hidden %v, A's zero hidden %v; want true, false", nB.Hidden(), missA.Hidden())
	}
	j, nB, missA = build()
	j.Protect()
	if !nB.Hidden() || !missA.Hidden() {
		t.Errorf("with settling: n of B hidden %v, A's zero hidden %v; want both", nB.Hidden(), missA.Hidden())
	}
}
