package resolve

import (
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/civiscope/civiscope/data"
)

// TestOfficialDomainsAreBackedByTheData keeps the curated domain table
// honest: every entry must be checkable from the shipped sources, i.e. some
// decidim.org installation on that domain carries a point inside the
// département the table names.
func TestOfficialDomainsAreBackedByTheData(t *testing.T) {
	raw, err := fs.ReadFile(data.DirectoryFS(), data.DecidimSource)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Installations []struct {
			URL string   `json:"url"`
			Lat *float64 `json:"lat"`
			Lon *float64 `json:"lon"`
		} `json:"installations"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	shapesRaw, err := data.DirectoryFS().Open(data.DepartementShapes)
	if err != nil {
		t.Fatal(err)
	}
	defer shapesRaw.Close()
	shapes, err := ReadShapes(shapesRaw)
	if err != nil {
		t.Fatal(err)
	}
	for domain, od := range officialDomains() {
		backed := false
		for _, in := range f.Installations {
			if parseSite(in.URL).registered != domain || in.Lat == nil || in.Lon == nil {
				continue
			}
			if od.kind == "departement" && shapes.Departement(*in.Lat, *in.Lon) == od.code {
				backed = true
			}
		}
		if !backed {
			t.Errorf("official domain %s → %s %s is not backed by any shipped entry", domain, od.kind, od.code)
		}
	}
}

func TestShapesPlacePoints(t *testing.T) {
	f, err := data.DirectoryFS().Open(data.DepartementShapes)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ReadShapes(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lat, lon float64
		want     string
	}{
		{48.8988, 2.1969, "92"},    // Nanterre
		{47.3941, 0.6892, "37"},    // Tours
		{-21.0095, 55.2716, "974"}, // La Réunion
		{41.3851, 2.1734, ""},      // Barcelona
		{50.8503, 4.3517, ""},      // Brussels
	} {
		if got := s.Departement(c.lat, c.lon); got != c.want {
			t.Errorf("(%v, %v): got %q, want %q", c.lat, c.lon, got, c.want)
		}
	}
}
