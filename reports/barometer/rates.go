package barometer

import (
	"github.com/civiscope/civiscope/reports/disclosure"
	"github.com/civiscope/civiscope/survey"
)

// Rate is the response rate of one stratum of the sampling frame. The
// frame size is public; the number of respondents is a count of
// respondents like any other, hidden under k.
type Rate struct {
	Dimension string  `json:"dimension"` // kind, population, region
	Group     string  `json:"group"`
	Label     string  `json:"label"`
	Frame     int     `json:"frame"`
	Responded int     `json:"responded"`
	Percent   float64 `json:"percent"`
	Shown     bool    `json:"shown"`
}

// ProtectRates puts rates read straight from the survey under the same
// disclosure control as Reports.Rates, for a page that follows
// participation while an edition is still in the field (Reports.Rates
// serves published editions only). total covers the whole frame, from
// the first dimension; its respondents are hidden under k like any other
// count, and then so is every stratum.
func ProtectRates(rs []survey.Rate, k int) (rates []Rate, total Rate) {
	if k == 0 {
		k = disclosure.DefaultK
	}
	total = Rate{Dimension: "total"}
	var sum survey.Rate
	for _, r := range rs {
		if r.Dimension == rs[0].Dimension {
			sum.Frame += r.Frame
			sum.Submitted += r.Submitted
		}
	}
	total.Frame = sum.Frame
	tb := disclosure.New([][]int{{sum.Submitted}})
	tb.Protect(k)
	if total.Shown = !tb.Hidden(0, 0); total.Shown {
		total.Responded = sum.Submitted
		total.Percent = 100 * sum.ResponseRate()
	}
	return protectRates(rs, k), total
}

func protectRates(rs []survey.Rate, k int) []Rate {
	if k == 0 {
		k = disclosure.DefaultK
	}
	// Within one dimension, responded counts add up to the total number of
	// respondents, which is published: protect each dimension as a
	// one-row additive table, locked total.
	byDim := map[string][]int{}
	var order []string
	for i, r := range rs {
		if _, ok := byDim[r.Dimension]; !ok {
			order = append(order, r.Dimension)
		}
		byDim[r.Dimension] = append(byDim[r.Dimension], i)
	}
	out := make([]Rate, len(rs))
	for _, d := range order {
		idx := byDim[d]
		cells := [][]int{make([]int, len(idx))}
		for j, i := range idx {
			cells[0][j] = rs[i].Submitted
		}
		tb := disclosure.New(cells)
		tb.Lock(0, len(idx))
		tb.Lock(1, len(idx))
		tb.Protect(k)
		for j, i := range idx {
			r := rs[i]
			o := Rate{Dimension: r.Dimension, Group: r.Group, Label: r.Label, Frame: r.Frame, Shown: !tb.Hidden(0, j)}
			if o.Shown {
				o.Responded = r.Submitted
				o.Percent = 100 * r.ResponseRate()
			}
			out[i] = o
		}
	}
	return out
}
