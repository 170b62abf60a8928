// Package importer loads adoptions from public lists (the decidim.org
// installations, Etalab's consultation.gouv.fr catalogue, the CONSUL
// organisations map) into the directory. Each record goes through the name
// resolver; linked ones become adoptions with a piece of evidence that names
// the source file at its commit and its licence; the rest land in the review
// report with the reason. Re-running an import adds nothing twice.
//
// Entry points: Read (parse a source file), Run (import records), and
// Report.WriteText (the review report).
package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/resolve"
)

// Source names an adoption list this package can read.
type Source string

const (
	Decidim      Source = "decidim"
	Etalab       Source = "etalab"
	Consul       Source = "consul"
	OpenDataFr   Source = "opendatafrance"
	Datagouv     Source = "datagouv"
	DecidimCount Source = "decidim-census"
)

// Sources lists the known sources, in the order a fresh directory imports
// them: the census comes after decidim.org's list, whose adoptions it adds
// evidence to, and data.gouv.fr after OpenDataFrance, for the same reason.
func Sources() []Source {
	return []Source{Decidim, Etalab, Consul, OpenDataFr, Datagouv, DecidimCount}
}

// Record is one adopter × tool claim read from a source.
type Record struct {
	Fingerprint string // the record's identity in its source (file path, entry key)
	Label       string // how the report names it
	Adopter     resolve.Input
	ToolSlug    string // "" when the source does not say which tool
	ToolName    string // the source's own name for the tool
	InstanceURL string // the live URL; for an archived site, the original
	Archived    string // the archive URL, when the source only has that
	Status      directory.AdoptionStatus
	Category    string
	Evidence    directory.Evidence
	// SIREN, when the source gives it, links the adopter instead of its name.
	SIREN string
	// HostOnly says the source knows the instance by its address alone.
	HostOnly bool
	// Skip, when set, says why the record cannot be imported although it
	// is valid (a bespoke platform names no tool, an ambiguous identifier).
	Skip string
	// Note is something the review report should say about the record.
	Note string
}

// Read parses a source file into records. A file that is not what the
// source expects is an EINVALID error naming the problem.
func Read(src Source, r io.Reader) ([]Record, error) {
	switch src {
	case Decidim:
		return readDecidim(r)
	case Etalab:
		return readEtalab(r)
	case Consul:
		return readConsul(r)
	case OpenDataFr:
		return readODF(r, "odf_observatoire_2022.csv")
	case Datagouv:
		return readDatagouv(r, "datagouv_organisations.csv", shippedODF())
	case DecidimCount:
		return nil, civiscope.Errorf(civiscope.EINVALID, "the decidim-census source is a folder (instances.csv, activity.csv, platforms.csv): use ReadPath")
	}
	return nil, civiscope.Errorf(civiscope.EINVALID, "unknown source %q: use %s", src, sourceNames())
}

func sourceNames() string {
	var out []string
	for _, s := range Sources() {
		out = append(out, string(s))
	}
	return strings.Join(out, ", ")
}

// ReadPath reads a source from fsys: a file, or for decidim-census the
// folder holding its three files. Errors name the file and line.
func ReadPath(src Source, fsys fs.FS, name string) ([]Record, error) {
	if src == DecidimCount {
		return readCensus(fsys, name)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, civiscope.Errorf(civiscope.EINVALID, "cannot read %s: %v", name, err)
	}
	defer f.Close()
	switch src {
	case OpenDataFr:
		return readODF(f, path.Base(name))
	case Datagouv:
		return readDatagouv(f, path.Base(name), shippedODF())
	}
	return Read(src, f)
}

func decode(r io.Reader, v any, what string) error {
	if err := json.NewDecoder(r).Decode(v); err != nil {
		return civiscope.Errorf(civiscope.EINVALID, "this is not a %s file: %v", what, err)
	}
	return nil
}

// purpose reads the adoption's purpose from the source's own words.
func purpose(texts ...string) string {
	t := strings.ToLower(strings.Join(texts, " "))
	switch {
	case strings.Contains(t, "budget") || strings.Contains(t, "presupuesto"):
		return "participatory-budgeting"
	case strings.Contains(t, "petition"):
		return "petitions"
	}
	return ""
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// --- decidim.org installations ---

type decidimFile struct {
	Source struct {
		Repo   string `json:"repo"`
		Commit string `json:"commit"`
	} `json:"source"`
	Installations []struct {
		Slug        string   `json:"slug"`
		Title       string   `json:"title"`
		URL         string   `json:"url"`
		ArchivedURL bool     `json:"archived_url"`
		Type        string   `json:"type"`
		Lon         *float64 `json:"lon"`
		Lat         *float64 `json:"lat"`
		SourcePath  string   `json:"source_path"`
	} `json:"installations"`
}

// decidimObserved is the date of the decidim.org commit the file was taken
// from (data/README.md).
func decidimObserved() time.Time { return time.Date(2026, 7, 23, 0, 0, 0, 0, time.UTC) }

func readDecidim(r io.Reader) ([]Record, error) {
	var f decidimFile
	if err := decode(r, &f, "decidim installations"); err != nil {
		return nil, err
	}
	if f.Source.Repo != "decidim/decidim.org" || f.Source.Commit == "" || len(f.Installations) == 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "this is not the decidim.org installations list (source %q, %d entries)", f.Source.Repo, len(f.Installations))
	}
	out := make([]Record, 0, len(f.Installations))
	for _, in := range f.Installations {
		rec := Record{
			Fingerprint: in.SourcePath,
			Label:       in.Title,
			Adopter:     resolve.Input{Name: in.Title, URL: in.URL, Lat: in.Lat, Lon: in.Lon, SourceType: in.Type},
			ToolSlug:    "decidim", ToolName: "Decidim",
			InstanceURL: in.URL,
			Status:      directory.StatusCurrent,
			Category:    purpose(in.URL, in.Title),
		}
		excerpt := fmt.Sprintf("decidim.org lists %q (type %s) with the URL %s", in.Title, in.Type, in.URL)
		observed, meaning := decidimObserved(), directory.DateSourceSnapshot
		if orig, ok := directory.ArchivedOriginal(in.URL); ok || in.ArchivedURL {
			rec.Status = directory.StatusEnded
			rec.Archived = in.URL
			if ok {
				rec.InstanceURL = orig
			}
			excerpt += "; the list points to an archived copy, so the site is gone"
			// The archive's capture is the last day the site is known alive.
			if at, ok := ArchiveTimestamp(in.URL); ok {
				observed, meaning = at, directory.DateObservation
				excerpt += fmt.Sprintf(" (archived on %s, the last day it is known to have been online)", at.Format("2006-01-02"))
			}
		}
		rec.Evidence = directory.Evidence{
			SourceKind:    directory.SourceVendorList,
			SourceName:    "decidim.org installations",
			SourceURL:     fmt.Sprintf("https://github.com/%s/blob/%s/%s", f.Source.Repo, f.Source.Commit, in.SourcePath),
			SourceLicence: "AGPL-3.0-only",
			ObservedAt:    observed,
			DateMeaning:   meaning,
			Excerpt:       clip(excerpt, directory.MaxExcerptLen),
			Fingerprint:   in.SourcePath,
		}
		out = append(out, rec)
	}
	return out, nil
}

// --- Etalab consultation.gouv.fr ---

type etalabFile struct {
	Source struct {
		Repo string `json:"repo"`
	} `json:"source"`
	Usage []struct {
		SourcePath   string   `json:"source_path"`
		SourceCommit string   `json:"source_commit"`
		Title        string   `json:"title"`
		Organisateur *string  `json:"organisateur"`
		Outil        []string `json:"outil"`
		Link         *string  `json:"link"`
		Date         string   `json:"date"`
		InProgress   *bool    `json:"in_progress"`
	} `json:"usage"`
}

// etalabTools maps the catalogue's tool names to seed slugs.
func etalabTools() map[string]string {
	return map[string]string{
		"Decidim": "decidim", "Cap Collectif": "cap-collectif", "Civocracy": "civocracy",
		"DemocracyOS": "democracyos", "Assembl": "assembl", "Nova Ideo": "nova-ideo", "ID-City": "id-city",
	}
}

func parseEtalabDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05.000-07:00", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func readEtalab(r io.Reader) ([]Record, error) {
	var f etalabFile
	if err := decode(r, &f, "consultation.gouv.fr catalogue"); err != nil {
		return nil, err
	}
	if f.Source.Repo != "consultation-gouv/consultation.gouv.fr" || len(f.Usage) == 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "this is not Etalab's consultation.gouv.fr catalogue (source %q, %d usages)", f.Source.Repo, len(f.Usage))
	}
	tools := etalabTools()
	var out []Record
	for _, u := range f.Usage {
		org, link := "", ""
		if u.Organisateur != nil {
			org = *u.Organisateur
		}
		if u.Link != nil {
			link = strings.TrimSpace(*u.Link)
		}
		observed, ok := parseEtalabDate(u.Date)
		meaning := directory.DateConsultation
		if !ok {
			observed = time.Date(2019, 12, 12, 0, 0, 0, 0, time.UTC) // the catalogue's HEAD
			meaning = directory.DateSourceSnapshot
		}
		status := directory.StatusUnknown // "in progress" in 2019 says nothing about today
		if u.InProgress != nil && !*u.InProgress {
			status = directory.StatusEnded
		}
		names := u.Outil
		if len(names) == 0 {
			names = []string{""}
		}
		for _, tn := range names {
			rec := Record{
				Fingerprint: u.SourcePath, Label: fmt.Sprintf("%s: %s", org, u.Title),
				Adopter:  resolve.Input{Name: org, URL: link, French: true},
				ToolSlug: tools[tn], ToolName: tn, InstanceURL: link, Status: status,
				Category: purpose(u.Title, link),
			}
			if rec.Category == "" {
				rec.Category = "consultation"
			}
			rec.Evidence = directory.Evidence{
				SourceKind:    directory.SourcePublicCatalogue,
				SourceName:    "consultation.gouv.fr (Etalab)",
				SourceURL:     fmt.Sprintf("https://github.com/consultation-gouv/consultation.gouv.fr/blob/%s/%s", u.SourceCommit, u.SourcePath),
				SourceLicence: "MIT",
				ObservedAt:    observed,
				DateMeaning:   meaning,
				Excerpt:       clip(fmt.Sprintf("Etalab's catalogue lists the consultation %q organised by %q with %s at %s", u.Title, org, tn, link), directory.MaxExcerptLen),
				Fingerprint:   u.SourcePath,
			}
			out = append(out, rec)
		}
	}
	return out, nil
}

// --- CONSUL organisations (2019) ---

type consulFile struct {
	Source struct {
		Repo   string `json:"repo"`
		Commit string `json:"commit"`
		Path   string `json:"path"`
	} `json:"source"`
	Organizations []struct {
		Name          string   `json:"name"`
		Country       *string  `json:"country"`
		ConsulWebsite *string  `json:"consul_website"`
		Website       *string  `json:"website"`
		Latitude      *float64 `json:"latitude"`
		Longitude     *float64 `json:"longitude"`
	} `json:"organizations"`
}

func consulObserved() time.Time { return time.Date(2019, 5, 13, 0, 0, 0, 0, time.UTC) }

func readConsul(r io.Reader) ([]Record, error) {
	var f consulFile
	if err := decode(r, &f, "CONSUL organisations"); err != nil {
		return nil, err
	}
	if f.Source.Repo != "consuldemocracy/website" || len(f.Organizations) == 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "this is not the CONSUL organisations list (source %q, %d entries)", f.Source.Repo, len(f.Organizations))
	}
	var out []Record
	for _, o := range f.Organizations {
		country, site := "", ""
		if o.Country != nil {
			country = *o.Country
		}
		if o.ConsulWebsite != nil {
			site = strings.TrimSpace(*o.ConsulWebsite)
		}
		instance := site
		if site == "" && o.Website != nil {
			site = strings.TrimSpace(*o.Website) // the adopter's site, not the instance
		}
		if instance != "" && !strings.Contains(instance, "://") {
			instance = "https://" + instance
		}
		fp := fmt.Sprintf("%s#%s/%s", f.Source.Path, country, o.Name)
		rec := Record{
			Fingerprint: fp, Label: o.Name,
			Adopter:  resolve.Input{Name: o.Name, URL: site, Lat: o.Latitude, Lon: o.Longitude, Country: country},
			ToolSlug: "consul", ToolName: "CONSUL", InstanceURL: instance, Status: directory.StatusUnknown,
			Category: purpose(instance),
		}
		rec.Evidence = directory.Evidence{
			SourceKind:    directory.SourceVendorList,
			SourceName:    "CONSUL organisations map (consulproject.org, 2019)",
			SourceURL:     fmt.Sprintf("https://github.com/%s/blob/%s/%s", f.Source.Repo, f.Source.Commit, f.Source.Path),
			SourceLicence: "MIT",
			ObservedAt:    consulObserved(),
			DateMeaning:   directory.DateSourceSnapshot,
			Excerpt:       clip(fmt.Sprintf("the CONSUL project's 2019 map lists %q (country %q) with the site %q", o.Name, country, site), directory.MaxExcerptLen),
			Fingerprint:   fp,
		}
		out = append(out, rec)
	}
	return out, nil
}
