// Package data embeds the data sets that ship with the binary, so that
// `civiscope serve` on an empty database needs no network and no npm.
// Each file's origin and licence is in data/README.md.
package data

import (
	"embed"
	"io/fs"
)

//go:embed cog/*.tgz
var files embed.FS

// COGSnapshot is the npm package @etalab/decoupage-administratif, as
// published (INSEE COG, Licence Ouverte). Keeping the tarball byte-for-byte
// lets anyone check it against the registry's integrity hash.
const COGSnapshot = "cog/etalab-decoupage-administratif-6.0.0.tgz"

// COGVintage names the register version in use, for the README and reports.
const COGVintage = "COG 2026 (@etalab/decoupage-administratif 6.0.0)"

// FS exposes the embedded files.
func FS() fs.FS { return files }
