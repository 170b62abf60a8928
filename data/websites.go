package data

import (
	"embed"
	"io/fs"
)

// websiteFiles holds the lists of collectivités' websites: the columns of
// the service-public.fr annuaire (2016, 2019) that name a website, and
// Etalab's public-sector domain lists (data/README.md).
//
//go:embed websites
var websiteFiles embed.FS

// WebsitesFS exposes them; paths start with "websites/".
func WebsitesFS() fs.FS { return websiteFiles }
