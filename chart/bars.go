package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Bar is one labelled value of a bar chart.
type Bar struct {
	Label string
	Value int
}

// Bars draws a horizontal bar chart as SVG. Widths are attributes, not
// styles, so it works under a CSP without 'unsafe-inline'. Pair it with a
// table: the chart is aria-hidden and the table is what assistive
// technologies read.
func Bars(bars []Bar, format func(int) string) template.HTML {
	const rowH, labelW, barW = 24, 220, 300
	mx := 0
	for _, b := range bars {
		mx = max(mx, b.Value)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="bars" viewBox="0 0 %d %d" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">`, labelW+barW+60, rowH*len(bars)+4)
	for i, b := range bars {
		w := 0
		if mx > 0 {
			w = b.Value * barW / mx
		}
		y := i*rowH + 2
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+16, html.EscapeString(truncate(b.Label, 34)))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d"></rect>`, labelW, y+3, max(w, 1), rowH-8)
		v := fmt.Sprint(b.Value)
		if format != nil {
			v = format(b.Value)
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d">%s</text>`, labelW+max(w, 1)+6, y+16, html.EscapeString(v))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
