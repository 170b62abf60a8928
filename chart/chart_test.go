package chart

import (
	"strings"
	"testing"
)

func TestLoadFranceProjectsEveryMetropolitanDepartement(t *testing.T) {
	fr, err := LoadFrance()
	if err != nil {
		t.Fatal(err)
	}
	if len(fr.Depts) != 96 {
		t.Fatalf("got %d départements, want the 96 metropolitan ones", len(fr.Depts))
	}
	for _, code := range []string{"01", "2A", "2B", "33", "75", "95"} {
		if !fr.Has(code) {
			t.Errorf("département %s missing", code)
		}
	}
	if fr.Has("971") {
		t.Error("overseas départements are not drawn on the metropolitan map")
	}
	// France is about as tall as it is wide; a projection bug shows here.
	if r := fr.Height / fr.Width; r < 0.85 || r > 1.1 {
		t.Errorf("aspect ratio %.2f, want close to 1", r)
	}
}

func TestChoroplethShadesAndEscapes(t *testing.T) {
	fr, err := LoadFrance()
	if err != nil {
		t.Fatal(err)
	}
	svg := string(fr.SVG(Choropleth{
		ID: "m", Title: "Adopters <by> département", Desc: "see table",
		Values: map[string]int{"33": 4, "75": 1},
		Label:  func(code, name string, v int) string { return name + " & co" },
	}))
	if !strings.Contains(svg, `Adopters &lt;by&gt; département`) {
		t.Error("title not escaped")
	}
	if strings.Count(svg, "<path ") != 96 {
		t.Errorf("want 96 paths, got %d", strings.Count(svg, "<path "))
	}
	if !strings.Contains(svg, `class="q4"`) || !strings.Contains(svg, `class="q1"`) {
		t.Error("counts 4 and 1 should get shades 4 and 1")
	}
	if strings.Contains(svg, "style=") {
		t.Error("inline style would break the CSP")
	}
	if len(svg) > 45<<10 {
		t.Errorf("map is %d KB; too heavy to inline", len(svg)>>10)
	}
}

func TestClassAndLegend(t *testing.T) {
	cases := []struct{ v, max, want int }{{0, 10, 0}, {1, 3, 1}, {3, 3, 3}, {1, 100, 1}, {100, 100, 5}, {50, 100, 3}}
	for _, c := range cases {
		if got := Class(c.v, c.max); got != c.want {
			t.Errorf("Class(%d,%d)=%d want %d", c.v, c.max, got, c.want)
		}
	}
	leg := LegendFor(100)
	if len(leg) != Classes+1 || leg[len(leg)-1].To != 100 || leg[1].From != 1 {
		t.Errorf("legend %+v", leg)
	}
	for i := 2; i < len(leg); i++ {
		if leg[i].From != leg[i-1].To+1 {
			t.Errorf("legend has a gap: %+v", leg)
		}
	}
}
