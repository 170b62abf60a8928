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
//go:embed seed/tools.json seed/opendata_platforms.json sources geo/departements-avec-outre-mer.geojson
var directoryFiles embed.FS

// Paths of the directory's shipped files inside DirectoryFS.
const (
	ToolSeed      = "seed/tools.json"
	DecidimSource = "sources/decidim_installations.json"
	EtalabSource  = "sources/consultation_gouv_outils_usages.json"
	ConsulSource  = "sources/consul_organizations_2019.json"
	// PlatformSeed adds the open-data platforms OpenDataFrance names that
	// the reviewed seed lacks, with only the facts that source gives.
	PlatformSeed      = "seed/opendata_platforms.json"
	ODFSource         = "sources/odf_observatoire_2022.csv"
	DatagouvSource    = "sources/datagouv_organisations_2026-01-16.csv"
	CensusSource      = "sources/decidim_census" // instances.csv, activity.csv, platforms.csv
	DepartementShapes = "geo/departements-avec-outre-mer.geojson"
)

// DirectoryFS exposes the directory's embedded files.
func DirectoryFS() fs.FS { return directoryFiles }
