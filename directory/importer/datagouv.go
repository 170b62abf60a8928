package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/resolve"
)

// --- data.gouv.fr catalogue (export of 2026-01-16), one row per organisation ---
//
// The shipped file is derived (scripts/derive-directory-sources.py) from the
// 38,218 datasets of collectivité organisations: per organisation, its
// datasets, the earliest creation date from 2010 on and the latest
// modification. The earliest creation is when the catalogue first shows the
// collectivité publishing open data: an observation, not a start date.
//
// Participatory-budget datasets are not imported: a dataset shows that a
// collectivité runs a participatory budget, not which tool it uses, and an
// adoption here always names a tool.

const (
	datagouvName    = "Catalogue des données de data.gouv.fr (export du 2026-01-16)"
	datagouvURL     = "https://github.com/chobrien99-svg/French-Tech-Open-Data/blob/4b9fdd23aa5d69342626b49a425b50e0253e379c/export-dataset-20260116-055249-1%20-by%20MaxAI.csv"
	datagouvLicence = "Licence Ouverte 2.0"
)

func readDatagouv(r io.Reader, name string, odf map[string][]odfRow) ([]Record, error) {
	f, err := openCSV(r, name, "organization_id", "organization", "datasets", "archived_datasets",
		"first_created_on", "first_dataset_id", "last_modified_on", "datasets_created_before_2010")
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	var out []Record
	for f.next() {
		id, org := f.get("organization_id"), f.get("organization")
		if !datagouvID.MatchString(id) {
			f.fail("organization_id %q is not a data.gouv.fr id (24 hex digits)", id)
		}
		dup := ""
		if prev, ok := seen[id]; ok {
			dup = "duplicated: organisation " + id + " is also on " + prev
		} else {
			seen[id] = f.where()
		}
		if org == "" {
			f.fail("organization is empty")
		}
		n, archived, early := f.count("datasets"), f.count("archived_datasets"), f.count("datasets_created_before_2010")
		if n < 1 {
			f.fail("datasets must be at least 1")
		} else if archived > n || early > n {
			f.fail("archived_datasets (%d) or datasets_created_before_2010 (%d) exceeds datasets (%d)", archived, early, n)
		}
		first, last := f.date("first_created_on", true), f.date("last_modified_on", true)
		firstID := f.get("first_dataset_id")
		if first != nil && !datagouvID.MatchString(firstID) {
			f.fail("first_dataset_id %q is not a data.gouv.fr id", firstID)
		}
		rec := Record{
			Fingerprint: "datagouv#" + id, Label: org,
			Adopter:  resolve.Input{Name: org, French: true},
			ToolSlug: "data-gouv-fr", ToolName: "data.gouv.fr", InstanceURL: datagouvOrgURL(id),
			Status: directory.StatusUnknown, Category: "open-data",
		}
		switch rows := odf[id]; {
		case len(rows) == 1:
			// Linked by the observatory's SIREN, checked against its name
			// for the body, not the organisation's display name.
			rec.SIREN = rows[0].siren
			rec.Adopter.Name = rows[0].name
		case len(rows) > 1:
			var who []string
			for _, r := range rows {
				who = append(who, fmt.Sprintf("%s (SIREN %s)", r.name, r.siren))
			}
			rec.Skip = "ambiguous: OpenDataFrance gives this data.gouv.fr organisation to several bodies: " + strings.Join(who, ", ")
		}
		if dup != "" {
			rec.Skip = dup
		}
		if first == nil {
			if rec.Skip == "" {
				rec.Skip = "no dataset of this organisation has a creation date from 2010 on, so nothing dates its publication"
			}
			out = append(out, rec)
			continue
		}
		if last == nil || last.Before(*first) {
			last = first
		}
		rec.Evidence = directory.Evidence{
			SourceKind: directory.SourcePublicCatalogue, SourceName: datagouvName, SourceURL: datagouvURL, SourceLicence: datagouvLicence,
			ObservedAt: *first, ObservedUntil: last, DateMeaning: directory.DateObservation, Fingerprint: rec.Fingerprint,
			Excerpt: clip(fmt.Sprintf("data.gouv.fr's catalogue lists %d datasets of %q (%d archived); the earliest was created on %s (dataset %s), the latest change is of %s",
				n, org, archived, first.Format("2006-01-02"), firstID, last.Format("2006-01-02")), directory.MaxExcerptLen),
		}
		out = append(out, rec)
	}
	if len(out) == 0 && len(f.errs) == 0 {
		f.fail("no rows")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return out, nil
}
