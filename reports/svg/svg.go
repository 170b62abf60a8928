// Package svg draws the report charts the chart package does not have:
// line charts and Kaplan–Meier step curves, as server-rendered SVG. Like
// the chart package, every chart has an accessible name and description
// pointing to the data table printed next to it, sizes are attributes (no
// inline style, so a strict CSP holds) and colours are CSS classes (s0…s5).
package svg

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Point is one (x, y) value.
type Point struct{ X, Y float64 }

// Series is one line.
type Series struct {
	Name   string
	Points []Point
}

// Chart is what Lines and Steps draw.
type Chart struct {
	ID          string // unique within the page, prefixes element ids
	Title, Desc string // accessible name; Desc should name the data table
	XLabel      string
	YLabel      string
	YMax        float64 // 0: the largest value
	Percent     bool    // y is a fraction 0..1, labelled as %
	Series      []Series
}

const (
	width, height            = 640, 320
	left, right, top, bottom = 56, 150, 16, 40
)

// Lines draws straight segments between points.
func Lines(c Chart) template.HTML { return draw(c, false) }

// Steps draws step functions (survival curves): the value holds until the
// next point.
func Steps(c Chart) template.HTML { return draw(c, true) }

func draw(c Chart, steps bool) template.HTML {
	xmin, xmax, ymax := math.Inf(1), math.Inf(-1), c.YMax
	for _, s := range c.Series {
		for _, p := range s.Points {
			xmin, xmax = math.Min(xmin, p.X), math.Max(xmax, p.X)
			if c.YMax == 0 && !math.IsNaN(p.Y) {
				ymax = math.Max(ymax, p.Y)
			}
		}
	}
	if math.IsInf(xmin, 0) {
		xmin, xmax = 0, 1
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	if ymax <= 0 {
		ymax = 1
	}
	pw, ph := float64(width-left-right), float64(height-top-bottom)
	x := func(v float64) float64 { return left + (v-xmin)/(xmax-xmin)*pw }
	y := func(v float64) float64 { return top + ph - v/ymax*ph }
	id := html.EscapeString(c.ID)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="lines" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.Desc))
	// Axes and ticks: five on y, at most ten on x.
	fmt.Fprintf(&b, `<line class="axis" stroke="currentColor" x1="%d" y1="%d" x2="%d" y2="%d"></line>`, left, top, left, height-bottom)
	fmt.Fprintf(&b, `<line class="axis" stroke="currentColor" x1="%d" y1="%d" x2="%d" y2="%d"></line>`, left, height-bottom, width-right, height-bottom)
	for i := 0; i <= 4; i++ {
		v := ymax * float64(i) / 4
		label := trim(v)
		if c.Percent {
			label = fmt.Sprintf("%.0f %%", 100*v)
		}
		fmt.Fprintf(&b, `<line class="grid" stroke="currentColor" stroke-opacity="0.15" x1="%d" y1="%.1f" x2="%d" y2="%.1f"></line><text x="%d" y="%.1f" text-anchor="end">%s</text>`,
			left, y(v), width-right, y(v), left-6, y(v)+4, label)
	}
	stepX := math.Max(1, math.Ceil((xmax-xmin)/10))
	for v := xmin; v <= xmax+1e-9; v += stepX {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(v), height-bottom+16, trim(v))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, left+int(pw/2), height-4, html.EscapeString(c.XLabel))
	for i, s := range c.Series {
		if len(s.Points) == 0 {
			continue
		}
		var d strings.Builder
		pen := false // a point whose Y is NaN has no data: the line stops there and starts again after
		var last Point
		for _, p := range s.Points {
			if math.IsNaN(p.Y) {
				pen = false
				continue
			}
			drawn := pen
			pen, last = true, p
			switch {
			case !drawn:
				fmt.Fprintf(&d, "M%.1f %.1f", x(p.X), y(p.Y))
			case steps:
				fmt.Fprintf(&d, "H%.1fV%.1f", x(p.X), y(p.Y))
			default:
				fmt.Fprintf(&d, "L%.1f %.1f", x(p.X), y(p.Y))
			}
		}
		if d.Len() == 0 {
			continue
		}
		fmt.Fprintf(&b, `<path class="s%d" fill="none" stroke="currentColor" stroke-width="2" d="%s"></path>`, i%6, d.String())
		fmt.Fprintf(&b, `<text class="s%d" x="%d" y="%.1f">%s</text>`, i%6, width-right+6, y(last.Y)+4+float64(i%3)*0, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func trim(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
