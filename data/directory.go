package data

import (
	"embed"
	"io/fs"
)

// directoryFiles holds the directory's shipped data: the reviewed seed of
// tools and vendors, the public adoption lists it imports (each with its
// provenance in data/README.md) and the département boundaries the
// name resolver uses.
//
//go:embed seed/tools.json sources geo/departements-avec-outre-mer.geojson
var directoryFiles embed.FS

// Paths of the directory's shipped files inside DirectoryFS.
const (
	ToolSeed          = "seed/tools.json"
	DecidimSource     = "sources/decidim_installations.json"
	EtalabSource      = "sources/consultation_gouv_outils_usages.json"
	ConsulSource      = "sources/consul_organizations_2019.json"
	DepartementShapes = "geo/departements-avec-outre-mer.geojson"
)

// DirectoryFS exposes the directory's embedded files.
func DirectoryFS() fs.FS { return directoryFiles }
