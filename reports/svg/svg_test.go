package svg_test

import (
	"encoding/xml"
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
