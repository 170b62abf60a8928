package importer

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/resolve"
)

// --- DigiDemLab's Decidim census: 168 instances polled daily, 2021–2026 ---
//
// The census keeps a row for each day an instance's API answered. The first
// and last of those days are observations: the last is when the API stopped
// answering, which may be a move, a schema change or a closed API as much
// as a closure, so it never ends the adoption.

const (
	censusName    = "Decidim census (DigiDemLab)"
	censusRepo    = "https://github.com/digidemlab/decidim-census/blob/82ae4e33751cf150a4a089134fb06f8e6904f3bf/"
	censusLicence = "AGPL-3.0-only"
)

type censusYear struct {
	year, days                        int
	first, last                       time.Time
	users, processes, proposals, cmts int
	host                              string
}

type censusInstance struct {
	id, url, where string
	years          []censusYear
}

func readCensus(fsys fs.FS, dir string) ([]Record, error) {
	instances, byID, err := readCensusInstances(fsys, dir)
	if err != nil {
		return nil, err
	}
	if err := readCensusActivity(fsys, dir, byID); err != nil {
		return nil, err
	}
	versions, names, err := readCensusPlatforms(fsys, dir)
	if err != nil {
		return nil, err
	}
	listed := decidimListByHost()
	var out []Record
	for _, in := range instances {
		rec := Record{
			Fingerprint: "decidim-census#" + in.id, Label: fmt.Sprintf("census %s %s", in.id, in.url),
			ToolSlug: "decidim", ToolName: "Decidim", InstanceURL: in.url, Status: directory.StatusUnknown,
			Category: purpose(in.url),
		}
		switch l, ok := listed[directory.InstanceKey(in.url)]; {
		case ok:
			// The same instance as decidim.org's entry: resolved the same way,
			// so that it is the same adoption with one more piece of evidence.
			rec.Adopter = l
		case names[in.id] != "" && names[in.id] != "My Application Name":
			rec.Adopter = resolve.Input{Name: names[in.id], URL: in.url}
			rec.HostOnly = true // fall back on the host if the name says nothing
		default:
			rec.Adopter = resolve.Input{URL: in.url}
			rec.HostOnly = true
		}
		if len(in.years) == 0 {
			rec.Skip = "the census never recorded an answer from its API"
			out = append(out, rec)
			continue
		}
		first, last, days := in.years[0].first, in.years[0].last, 0
		var parts []string
		for _, y := range in.years {
			if y.first.Before(first) {
				first = y.first
			}
			if y.last.After(last) {
				last = y.last
			}
			days += y.days
			parts = append(parts, fmt.Sprintf("%d: %d days, %s users, %s processes, %s proposals, %s comments",
				y.year, y.days, num(y.users), num(y.processes), num(y.proposals), num(y.cmts)))
		}
		excerpt := fmt.Sprintf("the census's daily query of %s answered on %d days from %s to %s (the last day it answered, not an end). At each year's last answer: %s",
			in.url, days, first.Format("2006-01-02"), last.Format("2006-01-02"), strings.Join(parts, "; "))
		if v := versions[in.id]; v != "" {
			excerpt += fmt.Sprintf(". Decidim %s at the last run", v)
		}
		rec.Evidence = directory.Evidence{
			SourceKind: directory.SourcePublicCatalogue, SourceName: censusName,
			SourceURL:     censusRepo + "_data/historical/" + url.PathEscape(in.id+" - "+in.years[0].host+".csv"),
			SourceLicence: censusLicence, ObservedAt: first, ObservedUntil: &last, DateMeaning: directory.DateObservation,
			Fingerprint: rec.Fingerprint, Excerpt: clip(excerpt, directory.MaxExcerptLen),
		}
		out = append(out, rec)
	}
	return out, nil
}

func num(n int) string {
	if n < 0 {
		return "?"
	}
	return strconv.Itoa(n)
}

func readCensusFile(fsys fs.FS, dir, name string, cols ...string) (*csvFile, error) {
	p := path.Join(dir, name)
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, civiscope.Errorf(civiscope.EINVALID, "cannot read %s: %v (the decidim-census source is a folder holding instances.csv, activity.csv and platforms.csv)", p, err)
	}
	return openCSV(bytes.NewReader(raw), name, cols...)
}

func readCensusInstances(fsys fs.FS, dir string) ([]*censusInstance, map[string]*censusInstance, error) {
	f, err := readCensusFile(fsys, dir, "instances.csv", "id", "url", "source")
	if err != nil {
		return nil, nil, err
	}
	var out []*censusInstance
	byID := map[string]*censusInstance{}
	for f.next() {
		in := &censusInstance{id: f.get("id"), url: f.webURL("url"), where: f.where()}
		if _, err := strconv.Atoi(in.id); err != nil {
			f.fail("id %q is not a number", in.id)
		} else if prev, dup := byID[in.id]; dup {
			f.fail("id %s already on %s", in.id, prev.where)
		}
		byID[in.id] = in
		out = append(out, in)
	}
	if len(out) == 0 && len(f.errs) == 0 {
		f.fail("no rows")
	}
	return out, byID, f.err()
}

func readCensusActivity(fsys fs.FS, dir string, byID map[string]*censusInstance) error {
	f, err := readCensusFile(fsys, dir, "activity.csv", "instance_id", "host", "year", "first_day", "last_day",
		"days_answered", "users_count", "processes_count", "proposals", "comments_count")
	if err != nil {
		return err
	}
	for f.next() {
		in := byID[f.get("instance_id")]
		if in == nil {
			f.fail("instance_id %q is not in instances.csv", f.get("instance_id"))
		}
		y := censusYear{host: f.get("host"), days: f.count("days_answered"), users: f.count("users_count"),
			processes: f.count("processes_count"), proposals: f.count("proposals"), cmts: f.count("comments_count")}
		y.year, _ = strconv.Atoi(f.get("year"))
		first, last := f.date("first_day", false), f.date("last_day", false)
		if first == nil || last == nil {
			continue
		}
		y.first, y.last = *first, *last
		switch {
		case y.year != first.Year() || y.year != last.Year():
			f.fail("year %q does not hold first_day %s and last_day %s", f.get("year"), f.get("first_day"), f.get("last_day"))
		case last.Before(*first):
			f.fail("last_day is before first_day")
		case y.days < 1 || y.days > int(last.Sub(*first).Hours()/24)+1:
			f.fail("days_answered %q does not fit between first_day and last_day", f.get("days_answered"))
		}
		if in != nil {
			in.years = append(in.years, y)
		}
	}
	for _, in := range byID {
		sort.Slice(in.years, func(i, j int) bool { return in.years[i].first.Before(in.years[j].first) })
	}
	return f.err()
}

// readCensusPlatforms reads the last run's answers: each instance's Decidim
// version and the name it gives itself.
func readCensusPlatforms(fsys fs.FS, dir string) (versions, names map[string]string, err error) {
	f, err := readCensusFile(fsys, dir, "platforms.csv", "id", "platform_url", "platform_name", "version")
	if err != nil {
		return nil, nil, err
	}
	versions, names = map[string]string{}, map[string]string{}
	for f.next() {
		id := f.get("id")
		if id == "" && f.get("platform_name") == "TOTAL" {
			continue // the sum over instances
		}
		if _, err := strconv.Atoi(id); err != nil {
			f.fail("id %q is not a number", id)
		}
		versions[id], names[id] = f.get("version"), f.get("platform_name")
	}
	return versions, names, f.err()
}

// decidimListByHost gives decidim.org's entries by instance, as the
// decidim importer describes them to the resolver.
func decidimListByHost() map[string]resolve.Input {
	raw, err := fs.ReadFile(data.DirectoryFS(), data.DecidimSource)
	if err != nil {
		return nil
	}
	recs, err := readDecidim(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	out := map[string]resolve.Input{}
	for _, r := range recs {
		k := directory.InstanceKey(r.InstanceURL)
		if _, dup := out[k]; !dup && k != "" {
			out[k] = r.Adopter
		}
	}
	return out
}
