package svg_test

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/reports/svg"
)

func TestStepsAreAccessibleAndWellFormed(t *testing.T) {
	out := string(svg.Steps(svg.Chart{
		ID: "km", Title: "Survie <des> outils", Desc: "Voir le tableau", Percent: true, YMax: 1,
		Series: []svg.Series{{Name: "2010–2014", Points: []svg.Point{{0, 1}, {5, 0.5}, {14, 0.5}}}},
	}))
	if err := xml.Unmarshal([]byte(out), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	for _, want := range []string{`role="img"`, `aria-labelledby="km-t km-d"`, "Survie &lt;des&gt; outils", "H", "50 %"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	lines := string(svg.Lines(svg.Chart{ID: "l", Series: []svg.Series{{Name: "a", Points: []svg.Point{{2015, 3}, {2016, 5}}}}}))
	if !strings.Contains(lines, "L") || strings.Contains(lines, "NaN") {
		t.Errorf("line chart: %s", lines)
	}
	if empty := string(svg.Lines(svg.Chart{ID: "e"})); strings.Contains(empty, "NaN") || strings.Contains(empty, "Inf") {
		t.Errorf("empty chart: %s", empty)
	}
}

// A year without data is a gap: the line stops and starts again.
func TestLinesLeaveGaps(t *testing.T) {
	pts := []svg.Point{{X: 2015, Y: 2}, {X: 2016, Y: 3}, {X: 2017, Y: math.NaN()}, {X: 2018, Y: 1}}
	out := string(svg.Lines(svg.Chart{ID: "g", Series: []svg.Series{{Name: "n", Points: pts}}}))
	d := out[strings.Index(out, ` d="`)+4:]
	d = d[:strings.Index(d, `"`)]
	if strings.Count(d, "M") != 2 || strings.Count(d, "L") != 1 || strings.Contains(out, "NaN") {
		t.Errorf("path %q: want two runs, the second after the gap", d)
	}
}
