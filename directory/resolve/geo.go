package resolve

import (
	"encoding/json"
	"fmt"
	"io"
)

// Shapes holds the outlines of the départements, to say which one a point
// falls in. Sources give coordinates of uneven quality, so a point is only
// ever used to confirm or to choose among homonyms, never alone.
type Shapes struct {
	depts []deptShape
}

type deptShape struct {
	code  string
	rings [][][2]float64 // outer rings and holes alike; even-odd rule
	box   [4]float64     // min lon, min lat, max lon, max lat
}

// ReadShapes parses a GeoJSON FeatureCollection of départements with a
// "code" property (gregoiredavid/france-geojson).
func ReadShapes(r io.Reader) (*Shapes, error) {
	var fc struct {
		Features []struct {
			Properties struct {
				Code string `json:"code"`
			} `json:"properties"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return nil, fmt.Errorf("read département shapes: %w", err)
	}
	s := &Shapes{}
	for _, f := range fc.Features {
		d := deptShape{code: f.Properties.Code, box: [4]float64{180, 90, -180, -90}}
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("département %s: %w", d.code, err)
			}
			polys = append(polys, p)
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("département %s: %w", d.code, err)
			}
		default:
			return nil, fmt.Errorf("département %s: unexpected geometry %q", d.code, f.Geometry.Type)
		}
		for _, p := range polys {
			for _, ring := range p {
				d.rings = append(d.rings, ring)
				for _, pt := range ring {
					d.box[0], d.box[1] = min(d.box[0], pt[0]), min(d.box[1], pt[1])
					d.box[2], d.box[3] = max(d.box[2], pt[0]), max(d.box[3], pt[1])
				}
			}
		}
		if d.code == "" || len(d.rings) == 0 {
			return nil, fmt.Errorf("a feature has no code or no outline")
		}
		s.depts = append(s.depts, d)
	}
	return s, nil
}

// Departement returns the code of the département containing the point, or
// "" when it lies outside all of them (abroad, at sea, or in a collectivité
// d'outre-mer without an outline).
func (s *Shapes) Departement(lat, lon float64) string {
	if s == nil {
		return ""
	}
	for _, d := range s.depts {
		if lon < d.box[0] || lon > d.box[2] || lat < d.box[1] || lat > d.box[3] {
			continue
		}
		in := false
		for _, ring := range d.rings {
			if inRing(ring, lon, lat) {
				in = !in
			}
		}
		if in {
			return d.code
		}
	}
	return ""
}

// inRing is the even-odd ray-casting test.
func inRing(ring [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}
