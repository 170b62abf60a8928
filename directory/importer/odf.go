package importer

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/resolve"
)

// --- OpenDataFrance, observatoire open data des territoires 2022 ---

const (
	odfName    = "Observatoire open data des territoires 2022 (OpenDataFrance)"
	odfURL     = "https://github.com/dataforgoodfr/13_eclaireur_public/blob/0095ba71edc4cab41eea5ac8b679bef64ff559e2/back/scripts/datasets/odf.csv"
	odfLicence = "Licence Ouverte 2.0"
)

// odfSnapshot is the date the observatory measured its indicators on
// (indicateurs-odater-organisations-2022-12-31).
func odfSnapshot() time.Time { return time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC) }

// odfPlatforms maps the observatory's platform names to tool slugs, in the
// seed or in data/seed/opendata_platforms.json. "Spécifique" (a bespoke
// portal) names no tool.
func odfPlatforms() map[string]string {
	return map[string]string{
		"DataGouv": "data-gouv-fr", "OpenDataSoft": "opendatasoft", "CKAN": "ckan", "DKAN": "dkan",
		"ArcGIS": "arcgis", "GeoNetwork": "geonetwork", "Hop'n Data": "hopn-data", "Onegeo Suite": "onegeo-suite",
		"Typo3": "typo3", "Spip": "spip", "Joomla": "joomla", "GeoServer": "geoserver", "OD Gazette": "od-gazette",
		"Metaclic": "metaclic", "Mobapi": "mobapi", "CMS.eolas": "cms-eolas", "Spécifique": "",
	}
}

// datagouvOrgURL is an organisation's page on data.gouv.fr.
func datagouvOrgURL(id string) string {
	if id == "" {
		return "https://www.data.gouv.fr"
	}
	return "https://www.data.gouv.fr/organizations/" + id + "/"
}

// odfRow is one validated row of the observatory.
type odfRow struct {
	where, siren, name, portal, datagouvID string
	platforms                              []string
	note, dup                              string
}

func readODFRows(r io.Reader, name string) ([]odfRow, error) {
	f, err := openCSV(r, name, "siren", "nom", "url_platform", "id_datagouv", "techno_platform")
	if err != nil {
		return nil, err
	}
	known := odfPlatforms()
	seen := map[string]string{}
	var out []odfRow
	for f.next() {
		row := odfRow{where: f.where(), siren: f.siren("siren"), name: f.get("nom"), portal: f.webURL("url_platform"), datagouvID: f.get("id_datagouv")}
		if row.name == "" {
			f.fail("nom is empty")
		}
		if row.datagouvID != "" && !datagouvID.MatchString(row.datagouvID) {
			// Only the address of the data.gouv.fr page depends on it: the
			// row stays, without the id, and the report says so.
			row.note = fmt.Sprintf("%s: id_datagouv %q is not a data.gouv.fr id (24 hex digits); not used", row.where, row.datagouvID)
			row.datagouvID = ""
		}
		for _, p := range strings.Split(f.get("techno_platform"), ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if _, ok := known[p]; !ok {
				f.fail("unknown platform %q in techno_platform", p)
			}
			row.platforms = append(row.platforms, p)
		}
		if prev, dup := seen[row.siren]; dup && row.siren != "" {
			// Two rows for one body: neither is guessed to be the right one.
			row.dup = "duplicated: SIREN " + row.siren + " is also on " + prev
			for i := range out {
				if out[i].siren == row.siren && out[i].dup == "" {
					out[i].dup = "duplicated: SIREN " + row.siren + " is also on " + row.where
				}
			}
		} else {
			seen[row.siren] = row.where
		}
		out = append(out, row)
	}
	if len(out) == 0 && len(f.errs) == 0 {
		f.fail("no rows")
	}
	return out, f.err()
}

func readODF(r io.Reader, name string) ([]Record, error) {
	rows, err := readODFRows(r, name)
	if err != nil {
		return nil, err
	}
	tools := odfPlatforms()
	var out []Record
	for _, row := range rows {
		base := Record{
			Label:   fmt.Sprintf("%s (SIREN %s)", row.name, row.siren),
			Adopter: resolve.Input{Name: row.name, French: true},
			SIREN:   row.siren, Status: directory.StatusUnknown, Category: "open-data",
		}
		if len(row.platforms) == 0 {
			rec := base
			rec.Fingerprint = row.where
			rec.InstanceURL = row.portal
			rec.Skip = "the observatory names no platform for this portal"
			if row.dup != "" {
				rec.Skip = row.dup
			}
			out = append(out, rec)
			continue
		}
		for _, p := range row.platforms {
			rec := base
			rec.Fingerprint = fmt.Sprintf("odf.csv#%s/%s", row.siren, p)
			rec.Note = row.note
			if row.dup != "" {
				rec.Skip = row.dup
			}
			rec.ToolName, rec.ToolSlug = p, tools[p]
			rec.InstanceURL = row.portal
			if p == "DataGouv" {
				rec.InstanceURL = datagouvOrgURL(row.datagouvID)
			}
			if rec.ToolSlug == "" {
				rec.Skip = fmt.Sprintf("the portal runs on a bespoke platform (%q), which is no tool of the directory", p)
			}
			rec.Evidence = directory.Evidence{
				SourceKind: directory.SourcePublicCatalogue, SourceName: odfName, SourceURL: odfURL, SourceLicence: odfLicence,
				ObservedAt: odfSnapshot(), DateMeaning: directory.DateObservation, Fingerprint: rec.Fingerprint,
				Excerpt: clip(fmt.Sprintf("OpenDataFrance's 2022 observatory lists %q (SIREN %s) as publishing open data on %s (portal %s)",
					row.name, row.siren, p, rec.InstanceURL), directory.MaxExcerptLen),
			}
			out = append(out, rec)
		}
	}
	return out, nil
}

// shippedODF maps data.gouv.fr organisation ids to the observatory's rows,
// from the shipped copy: the observatory is how a data.gouv.fr
// organisation is known by its SIREN.
func shippedODF() map[string][]odfRow {
	raw, err := fs.ReadFile(data.DirectoryFS(), data.ODFSource)
	if err != nil {
		return nil
	}
	rows, err := readODFRows(bytes.NewReader(raw), "odf_observatoire_2022.csv")
	if err != nil {
		return nil
	}
	out := map[string][]odfRow{}
	for _, r := range rows {
		if r.datagouvID != "" {
			out[r.datagouvID] = append(out[r.datagouvID], r)
		}
	}
	return out
}
