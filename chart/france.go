// Package chart draws the site's and the reports' figures as static SVG:
// a choropleth of French départements and bar charts. It knows nothing of
// HTTP; callers embed the SVG in a page or a report and always pair it with
// a data table, the accessible alternative.
package chart

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/civiscope/civiscope/data"
)

// France is the projected outline of the metropolitan départements, ready
// to draw. Build it once with LoadFrance and share it: it is read-only.
type France struct {
	Width, Height float64
	Depts         []Dept // sorted by code
	byCode        map[string]int
}

// Dept is one département's outline as an SVG path in the map's viewBox.
type Dept struct {
	Code string
	Name string
	Path string
}

// Has reports whether the map draws a département (overseas ones are not
// drawn; they appear in the table only).
func (f *France) Has(code string) bool { _, ok := f.byCode[code]; return ok }

type geoJSON struct {
	Features []struct {
		Properties struct {
			Code string `json:"code"`
			Nom  string `json:"nom"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// mapWidth is the viewBox width; the height follows the projection. Paths
// use whole units of this box, relative to the previous point, which keeps
// the inlined map small.
const mapWidth = 1000.0

// minStep drops vertices closer than this (in viewBox units) to the last one
// kept: about two pixels at the width pages show the map (34rem), and the
// SVG shrinks from 120 KB to about 35 KB.
const minStep = 4.0

// LoadFrance reads the embedded boundaries and projects them.
func LoadFrance() (*France, error) {
	b, err := data.ReadGeo(data.DepartementsGeoJSON)
	if err != nil {
		return nil, fmt.Errorf("read département boundaries: %w", err)
	}
	return ParseFrance(b)
}

// ParseFrance projects a GeoJSON FeatureCollection of départements (WGS84,
// properties code and nom) with an equirectangular projection scaled at the
// mean latitude: at France's size it is close to Lambert-93 and needs no
// library.
func ParseFrance(b []byte) (*France, error) {
	var g geoJSON
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("parse département boundaries: %w", err)
	}
	if len(g.Features) == 0 {
		return nil, fmt.Errorf("parse département boundaries: no features")
	}
	type ring [][2]float64
	polys := make([][]ring, len(g.Features))
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, f := range g.Features {
		var rings []ring
		switch f.Geometry.Type {
		case "Polygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &rings); err != nil {
				return nil, fmt.Errorf("département %s: %w", f.Properties.Code, err)
			}
		case "MultiPolygon":
			var mp [][]ring
			if err := json.Unmarshal(f.Geometry.Coordinates, &mp); err != nil {
				return nil, fmt.Errorf("département %s: %w", f.Properties.Code, err)
			}
			for _, p := range mp {
				rings = append(rings, p...)
			}
		default:
			return nil, fmt.Errorf("département %s: unsupported geometry %q", f.Properties.Code, f.Geometry.Type)
		}
		for _, r := range rings {
			for _, pt := range r {
				x, y := project(pt[0], pt[1])
				minX, maxX = math.Min(minX, x), math.Max(maxX, x)
				minY, maxY = math.Min(minY, y), math.Max(maxY, y)
			}
		}
		polys[i] = rings
	}
	scale := mapWidth / (maxX - minX)
	fr := &France{Width: mapWidth, Height: math.Ceil((maxY - minY) * scale), byCode: map[string]int{}}
	for i, f := range g.Features {
		var sb strings.Builder
		var px, py int // the pen, in whole viewBox units
		for _, r := range polys[i] {
			var lx, ly float64
			n := 0
			for j, pt := range r {
				x, y := project(pt[0], pt[1])
				x, y = (x-minX)*scale, (y-minY)*scale
				if j > 0 && j < len(r)-1 && math.Hypot(x-lx, y-ly) < minStep {
					continue
				}
				ix, iy := int(math.Round(x)), int(math.Round(y))
				switch {
				case n == 0:
					// An absolute move starts each ring, so rings never drift.
					sb.WriteByte('M')
					sb.WriteString(strconv.Itoa(ix))
					sb.WriteByte(' ')
					sb.WriteString(strconv.Itoa(iy))
				case ix == px && iy == py:
					continue
				default:
					sb.WriteByte('l')
					sb.WriteString(strconv.Itoa(ix - px))
					sb.WriteByte(' ')
					sb.WriteString(strconv.Itoa(iy - py))
				}
				px, py, lx, ly = ix, iy, x, y
				n++
			}
			sb.WriteByte('z')
		}
		fr.Depts = append(fr.Depts, Dept{Code: f.Properties.Code, Name: f.Properties.Nom, Path: sb.String()})
	}
	sort.Slice(fr.Depts, func(i, j int) bool { return fr.Depts[i].Code < fr.Depts[j].Code })
	for i, d := range fr.Depts {
		fr.byCode[d.Code] = i
	}
	return fr, nil
}

// project maps longitude and latitude (degrees) to plane coordinates with
// y growing southwards, as SVG expects.
func project(lon, lat float64) (float64, float64) {
	const lat0 = 46.5 * math.Pi / 180
	return lon * math.Cos(lat0), -lat
}
