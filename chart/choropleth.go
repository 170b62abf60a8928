package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Classes is how many shades a choropleth uses besides "none".
const Classes = 5

// Choropleth describes one map: a count per département code.
type Choropleth struct {
	// ID prefixes the SVG's element ids; unique within a page.
	ID string
	// Title and Desc are the map's accessible name and description; Desc
	// should point to the table that carries the same figures.
	Title, Desc string
	Values      map[string]int
	// Label gives each département's tooltip, e.g. "Gironde : 3 adoptions".
	Label func(code, name string, value int) string
}

// Class returns the shade (0 for none, 1..Classes) of value on a scale whose
// largest value is max. With few distinct counts, each count gets its own
// shade so that 1 and 2 adopters stay distinguishable.
func Class(value, max int) int {
	switch {
	case value <= 0 || max <= 0:
		return 0
	case max <= Classes:
		return value
	}
	c := 1 + (value-1)*Classes/max
	if c > Classes {
		c = Classes
	}
	return c
}

// Legend is one entry of the map's key.
type Legend struct {
	Class    int
	From, To int
}

// LegendFor returns the key of a map whose largest value is max.
func LegendFor(max int) []Legend {
	out := []Legend{{Class: 0}}
	if max <= 0 {
		return out
	}
	if max <= Classes {
		for v := 1; v <= max; v++ {
			out = append(out, Legend{Class: v, From: v, To: v})
		}
		return out
	}
	from := 1
	for c := 1; c <= Classes; c++ {
		to := from
		for to+1 <= max && Class(to+1, max) == c {
			to++
		}
		if Class(from, max) == c {
			out = append(out, Legend{Class: c, From: from, To: to})
		}
		from = to + 1
	}
	return out
}

// Max is the largest value of the map.
func (c Choropleth) Max() int {
	m := 0
	for _, v := range c.Values {
		m = max(m, v)
	}
	return m
}

// SVG draws the map. Shades are CSS classes (q0…q5), so the page's
// stylesheet sets colours with enough contrast and no inline style is needed
// under a strict CSP. Each département carries a <title> tooltip.
func (f *France) SVG(c Choropleth) template.HTML {
	var b strings.Builder
	b.Grow(60 << 10)
	mx := c.Max()
	id := html.EscapeString(c.ID)
	fmt.Fprintf(&b, `<svg class="choropleth" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, f.Width, f.Height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.Desc))
	for _, d := range f.Depts {
		v := c.Values[d.Code]
		label := d.Name
		if c.Label != nil {
			label = c.Label(d.Code, d.Name, v)
		}
		fmt.Fprintf(&b, `<path class="q%d" d="%s"><title>%s</title></path>`, Class(v, mx), d.Path, html.EscapeString(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
