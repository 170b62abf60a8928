package website

import (
	"fmt"
	"sort"
	"time"

	"github.com/civiscope/civiscope/directory/territory"
)

// Places is what attaching needs from the register: today's collectivités
// by code, and the register's history of codes.
type Places struct {
	Lineage territory.Lineage
	// Commune, Departement, Region map an INSEE code to the territory id;
	// EPCI maps a SIREN.
	Commune, Departement, Region, EPCI map[string]int64
	// CommuneEPCI maps a commune code to its EPCI's SIREN.
	CommuneEPCI map[string]string
}

// Row is a website attached to a collectivité, ready to write.
type Row struct {
	TerritoryID int64
	URL, Host   string
	Current     bool
	Note        string
	Source      *Source
	Record      string
	ListedCode  string
	First, Last time.Time
}

// candidate is a listing attached to its collectivité: direct when the
// listing is the collectivité's own record (its mairie, its council), not
// a merged commune's or a délégué mairie's.
type candidate struct {
	Listing
	url, host string
	target    int64
	direct    bool
	note      string
}

// attach finds today's collectivité of a listing, or says why there is
// none.
func (p *Places) attach(l Listing) (target int64, direct bool, note, reason string) {
	cur, merged := p.Lineage.Current(l.Code)
	switch l.Kind {
	case "mairie", "mairie_com", "paris_mairie", "paris_mairie_arrondissement":
		id, ok := p.Commune[cur]
		if !ok {
			return 0, false, "", fmt.Sprintf("commune code %s is neither in the register nor in its history", l.Code)
		}
		switch {
		case merged:
			return id, false, fmt.Sprintf("site of the former commune %s, merged into %s", l.Code, cur), ""
		case cur != l.Code:
			return id, false, fmt.Sprintf("site of the arrondissement mairie %s", l.Code), ""
		case l.Rank != "01":
			return id, false, "site of a délégué mairie (" + l.Record + ")", ""
		}
		return id, true, "", ""
	case "epci":
		siren, ok := p.CommuneEPCI[cur]
		if !ok {
			return 0, false, "", fmt.Sprintf("the seat commune %s belongs to no EPCI today", l.Code)
		}
		return p.EPCI[siren], true, "", ""
	case "cg", "cr":
		seats, ids, what := p.Lineage.DepartementSeat[cur], p.Departement, "département"
		if l.Kind == "cr" {
			seats, ids, what = p.Lineage.RegionSeat[cur], p.Region, "région"
		}
		if len(seats) != 1 {
			return 0, false, "", fmt.Sprintf("commune %s is not the seat (chef-lieu) of exactly one current %s", l.Code, what)
		}
		id, ok := ids[seats[0]]
		if !ok {
			return 0, false, "", fmt.Sprintf("%s %s is not in the register", what, seats[0])
		}
		return id, true, "", ""
	}
	return 0, false, "", "kind " + l.Kind + " is not a collectivité"
}

// Plan attaches every listing and decides, for each collectivité, its
// current website and its former ones. The newest source that lists the
// collectivité's own record decides the current site; when that source
// lists several hosts as the collectivité's own (EPCI merged since), none
// is current. Every other host is kept as former, dated, with its reason.
func (p *Places) Plan(listings []Listing) ([]Row, []Rejected) {
	var bad []Rejected
	by := map[int64][]candidate{}
	for _, l := range listings {
		u, host, err := normalize(l.Raw)
		if err != nil {
			bad = append(bad, Rejected{Source: l.Source, Record: l.Record, Value: l.Raw, Reason: err.Error()})
			continue
		}
		target, direct, note, reason := p.attach(l)
		if reason != "" {
			bad = append(bad, Rejected{Source: l.Source, Record: l.Record, Value: l.Raw, Reason: reason})
			continue
		}
		by[target] = append(by[target], candidate{Listing: l, url: u, host: host, target: target, direct: direct, note: note})
	}
	ids := make([]int64, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var rows []Row
	for _, id := range ids {
		rows = append(rows, decide(id, by[id])...)
	}
	return rows, bad
}

func decide(id int64, cands []candidate) []Row {
	// Newest source first; in one source, the record's own order.
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Source.Snapshot.After(cands[j].Source.Snapshot) })
	current, ambiguous := "", ""
	for _, c := range cands {
		if !c.direct {
			continue
		}
		hosts := map[string]bool{}
		for _, o := range cands {
			if o.direct && o.Source == c.Source {
				hosts[o.host] = true
			}
		}
		if len(hosts) == 1 {
			current = c.host
		} else {
			ambiguous = fmt.Sprintf("one of %d sites the %s lists for what is now one collectivité", len(hosts), c.Source.Key)
		}
		break
	}
	rows := map[string]*Row{}
	var order []string
	for _, c := range cands {
		r, ok := rows[c.host]
		if !ok {
			r = &Row{TerritoryID: id, URL: c.url, Host: c.host, Current: c.host == current, Source: c.Source,
				Record: c.Record, ListedCode: c.Code, First: c.Listed, Last: c.Listed}
			switch {
			case r.Current:
			case c.note != "":
				r.Note = c.note
			case ambiguous != "":
				r.Note = ambiguous
			case current != "":
				r.Note = "replaced by " + current
			}
			rows[c.host] = r
			order = append(order, c.host)
			continue
		}
		// The same host in an older listing: it was already there then.
		if c.Listed.Before(r.First) {
			r.First = c.Listed
		}
		if c.Listed.After(r.Last) {
			r.Last = c.Listed
		}
	}
	out := make([]Row, 0, len(order))
	for _, h := range order {
		out = append(out, *rows[h])
	}
	return out
}
