package data

import "embed"

//go:embed geo/*.geojson
var geoFiles embed.FS

// DepartementsGeoJSON is the simplified outline of the 96 metropolitan
// départements (IGN Admin Express COG 2018 / INSEE COG 2018, Licence
// Ouverte, as packaged by gregoiredavid/france-geojson). The web and the
// reports project it once for their choropleths.
const DepartementsGeoJSON = "geo/departements-version-simplifiee.geojson"

// GeoVintage names the boundaries' source, for captions and credits.
const GeoVintage = "IGN Admin Express COG 2018 / INSEE (Licence Ouverte)"

// ReadGeo returns an embedded geographic file.
func ReadGeo(name string) ([]byte, error) { return geoFiles.ReadFile(name) }
