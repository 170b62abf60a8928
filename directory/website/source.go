// Package website is the register of collectivités' official websites: it
// reads the public lists that name them (the service-public.fr annuaire of
// 2016 and 2019, Etalab's public-sector domain lists), attaches each
// address to today's collectivité through the register's history, and
// keeps the history of addresses with their sources and dates.
package website

import (
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"time"
)

// Source describes a list of websites: its name, where it comes from,
// and its licence. Every row written from a list carries these.
type Source struct {
	Key     string // stable key stored on rows: annuaire-2019…
	Title   string
	URL     string
	Licence string
	// Snapshot is the date the list describes, for lists without a date per
	// record: the commit the copy was taken from.
	Snapshot time.Time
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The shipped sources (files under data/websites, see data/README.md).
var (
	Annuaire2019 = Source{Key: "annuaire-2019",
		Title:    "Annuaire de l'administration (service-public.fr, DILA), copie okfnfr/dada-france-authorities, 2019",
		URL:      "https://github.com/okfnfr/dada-france-authorities/tree/6811933f508e4a97988d6a32a57c05b35edd0a49",
		Licence:  "Licence Ouverte",
		Snapshot: day("2019-10-22")}
	Annuaire2016 = Source{Key: "annuaire-2016",
		Title:    "Annuaire de l'administration (service-public.fr, DILA), copie cquest/annuaire-services-publics, 2016",
		URL:      "https://github.com/cquest/annuaire-services-publics/tree/f7713da88c44fbb9570d782868d6cab979451f06",
		Licence:  "Licence Ouverte",
		Snapshot: day("2016-02-26")}
	EtalabDomains = Source{Key: "domaines-etalab",
		Title:    "Noms de domaine des organismes publics (Etalab / DINUM), listes de décembre 2022",
		URL:      "https://github.com/etalab/noms-de-domaine-organismes-secteur-public/tree/bce11fce62db60d9bc9fcecaccfe34f9c8b638dd",
		Licence:  "Licence Ouverte 2.0",
		Snapshot: day("2023-01-28")}
	Contribution = Source{Key: "contribution", Title: "Correction d'un contributeur, validée par la modération", Licence: "Licence Ouverte 2.0"}
)

// Paths of the shipped files inside the data file system.
const (
	Annuaire2019File = "websites/annuaire_2019.csv"
	Annuaire2016File = "websites/annuaire_2016.csv"
	DomainsDir       = "websites/domaines"
)

// Listing is one website as a source lists it, before it is attached to
// a collectivité.
type Listing struct {
	Source *Source
	Record string // the source's id: mairie-54003-01
	Kind   string // mairie, mairie_com, paris_mairie, epci, cg, cr…
	Code   string // the INSEE commune code the record is filed under
	Rank   string // 01 for a commune's own mairie
	Raw    string // the address as written
	Listed time.Time
}

// Rejected is a row that could not be read, with why.
type Rejected struct {
	Source *Source
	Record string
	Value  string
	Reason string
}

var recordID = regexp.MustCompile(`^([a-z_]+)-([0-9][0-9AB][0-9]{3})-([0-9]+)$`)

// ReadAnnuaire reads one of the shipped annuaire CSVs: the 2019 columns
// (source_id, kind, insee_code, home_page) or the 2016 ones (id, type,
// codeinsee, website, update). A bad row is returned as Rejected and the
// reading goes on.
func ReadAnnuaire(src *Source, r io.Reader) ([]Listing, []Rejected, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: read header: %w", src.Key, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(h, "#")] = i
	}
	pick := func(names ...string) int {
		for _, n := range names {
			if i, ok := col[n]; ok {
				return i
			}
		}
		return -1
	}
	idC, urlC, dateC := pick("source_id", "id"), pick("home_page", "website"), pick("update")
	if idC < 0 || urlC < 0 {
		return nil, nil, fmt.Errorf("%s: want the columns source_id/id and home_page/website, got %v", src.Key, head)
	}
	var out []Listing
	var bad []Rejected
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		record := fmt.Sprintf("line %d", line)
		if err != nil {
			bad = append(bad, Rejected{Source: src, Record: record, Reason: "not valid CSV: " + err.Error()})
			continue
		}
		if len(rec) <= idC || len(rec) <= urlC {
			bad = append(bad, Rejected{Source: src, Record: record, Value: strings.Join(rec, ","), Reason: "missing columns"})
			continue
		}
		id, raw := strings.TrimSpace(rec[idC]), strings.TrimSpace(rec[urlC])
		m := recordID.FindStringSubmatch(id)
		if m == nil {
			bad = append(bad, Rejected{Source: src, Record: record, Value: id, Reason: "the record id is not kind-code-rank"})
			continue
		}
		if raw == "" {
			continue
		}
		l := Listing{Source: src, Record: id, Kind: m[1], Code: m[2], Rank: m[3], Raw: raw, Listed: src.Snapshot}
		if dateC >= 0 && dateC < len(rec) {
			if t, err := time.Parse(time.DateOnly, rec[dateC]); err == nil {
				l.Listed = t
			}
		}
		out = append(out, l)
	}
	return out, bad, nil
}

// ReadShipped reads the two annuaire files from fsys (data.WebsitesFS).
func ReadShipped(fsys fs.FS) ([]Listing, []Rejected, error) {
	var all []Listing
	var bad []Rejected
	for _, f := range []struct {
		src  *Source
		path string
	}{{&Annuaire2019, Annuaire2019File}, {&Annuaire2016, Annuaire2016File}} {
		fh, err := fsys.Open(f.path)
		if err != nil {
			return nil, nil, fmt.Errorf("open %s: %w", f.path, err)
		}
		l, b, err := ReadAnnuaire(f.src, fh)
		fh.Close()
		if err != nil {
			return nil, nil, err
		}
		all, bad = append(all, l...), append(bad, b...)
	}
	return all, bad, nil
}
