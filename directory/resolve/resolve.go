// Package resolve turns the name of an adopter, as a public list writes it,
// into a collectivité of the INSEE register, an organisation that is not a
// territory, a foreign body, or nothing. A wrong link is worse than none:
// every link needs the name to match, and a second signal (the domain, the
// coordinates, the type words) whenever the name alone could point to
// several places. Everything it does not link comes back with a reason for
// the import's review report.
//
// Entry points: New (loads the register once), (*Resolver).Resolve.
package resolve

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// Input is one adopter as a source describes it.
type Input struct {
	Name string
	URL  string // the instance or the adopter's site
	// Lat and Lon are the source's point, when it gives one.
	Lat, Lon *float64
	// SourceType is the source's own classification (decidim: city, region,
	// org, university); a weak hint, sources get it wrong.
	SourceType string
	// Country is the source's ISO country code when it gives one.
	Country string
	// French says the source only lists French bodies (Etalab's catalogue).
	French bool
}

// Outcome is what an input resolved to.
type Outcome string

const (
	Linked       Outcome = "territory"    // a French collectivité of the register
	Organisation Outcome = "organisation" // a French or foreign body that is not a collectivité
	Foreign      Outcome = "foreign"      // a foreign government or city
	Unresolved   Outcome = "unresolved"   // not linked; see Reason
)

// Result is the resolver's answer.
type Result struct {
	Outcome      Outcome
	Place        *Place                  // when Linked
	Organisation *directory.Organisation // when Organisation or Foreign
	Confidence   float64
	// Reason says how the link was made, or why nothing was linked.
	Reason     string
	Candidates []*Place // homonyms or conflicting places, for the report
}

// Resolver resolves names against the register loaded at New.
type Resolver struct {
	names   *territory.Index // the register's own fuzzy lookup
	ix      *index
	shapes  *Shapes
	domains map[string]officialDomain
}

// New loads the register from db and the département outlines from shapes
// (GeoJSON; nil disables the coordinate checks).
func New(ctx context.Context, db postgres.Querier, shapes io.Reader) (*Resolver, error) {
	ix, err := loadIndex(ctx, db)
	if err != nil {
		return nil, err
	}
	names, err := territory.LoadIndex(ctx, db)
	if err != nil {
		return nil, err
	}
	r := &Resolver{names: names, ix: ix, domains: officialDomains()}
	if shapes != nil {
		if r.shapes, err = ReadShapes(shapes); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// signals gathers what an input says besides its name.
type signals struct {
	site      site
	pointDept string // département of the point, "" when none or abroad
	hasPoint  bool
	abroad    bool // the point lies outside every French département
	french    bool // something says the adopter is in France
	country   string
}

func (r *Resolver) signals(in Input) signals {
	s := signals{site: parseSite(in.URL)}
	if in.Lat != nil && in.Lon != nil && r.shapes != nil {
		s.hasPoint = true
		s.pointDept = r.shapes.Departement(*in.Lat, *in.Lon)
		s.abroad = s.pointDept == ""
	}
	switch c := strings.ToUpper(strings.TrimSpace(in.Country)); {
	case c != "":
		s.country = c
	case frenchTLD(s.site.tld):
		s.country = "FR"
	case tldCountry(s.site.tld) != "":
		s.country = tldCountry(s.site.tld)
	case in.French || s.pointDept != "":
		s.country = "FR"
	}
	s.french = s.country == "FR"
	return s
}

// Resolve decides who in stands for.
func (r *Resolver) Resolve(ctx context.Context, in Input) Result {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return Result{Outcome: Unresolved, Reason: "the source names no adopter"}
	}
	s := r.signals(in)
	p := parseName(name)
	if p.norm == "" {
		return Result{Outcome: Unresolved, Reason: "the name has no letters"}
	}
	// A council, an agency or a ministry *of* a place is not the place.
	if rule, ok := matchOrgRule(p.norm); ok {
		return r.organisation(name, rule.kind, rule.slug, rule.name, s, "its name says it is "+string(rule.kind))
	}
	if s.site.isGovFR() {
		return r.organisation(name, directory.OrgState, "", "", s, "its site is on gouv.fr, the domain of the French state")
	}
	switch strings.ToLower(in.SourceType) {
	case "university", "univ":
		return r.organisation(name, directory.OrgUniversity, "", "", s, "the source lists it as a university")
	case "org", "organisation", "organization":
		return r.organisation(name, directory.OrgOther, "", "", s, "the source lists it as an organisation, not a government")
	}
	if s.country != "" && !s.french {
		return r.organisation(name, directory.OrgForeignGovernment, "", "", s, "it is in "+s.country+", not in France")
	}
	if !s.french {
		if s.abroad {
			return r.organisation(name, directory.OrgForeignGovernment, "", "", s, "its point lies outside France")
		}
		return Result{Outcome: Unresolved, Reason: "nothing says it is in France: no French domain, no point, no country"}
	}
	return r.territory(ctx, name, p, s, in)
}

func (r *Resolver) organisation(name string, kind directory.OrganisationKind, slug, display string, s signals, why string) Result {
	o := &directory.Organisation{Name: name, Kind: kind, Country: s.country}
	if display != "" {
		o.Name = display
	}
	if slug == "" {
		slug = Slug(o.Name)
		if o.Country != "" && o.Country != "FR" {
			slug += "-" + strings.ToLower(o.Country)
		}
	}
	if len(slug) > directory.MaxSlugLen {
		slug = strings.TrimRight(slug[:directory.MaxSlugLen], "-")
	}
	o.Slug = slug
	if kind == directory.OrgForeignGovernment {
		return Result{Outcome: Foreign, Organisation: o, Confidence: 0.8, Reason: why}
	}
	return Result{Outcome: Organisation, Organisation: o, Confidence: 0.9, Reason: why}
}

// territory links a French adopter to the register, or explains why not.
func (r *Resolver) territory(ctx context.Context, name string, p parsedName, s signals, in Input) Result {
	official, hasOfficial := r.domains[s.site.registered]
	var officialPlace *Place
	if hasOfficial {
		officialPlace = r.ix.get(territory.Kind(official.kind), official.code)
	}

	cands, how := r.exact(p)
	truncated := false
	if len(cands) == 0 {
		cands, truncated = r.truncated(p), true
		how = "the start of the name"
	}
	if len(cands) == 0 {
		truncated = false
		if officialPlace != nil {
			return Result{Outcome: Linked, Place: officialPlace, Confidence: 0.9, Reason: official.why}
		}
		return r.fuzzy(name, p, s)
	}

	// Several kinds share the name (Paris, Loiret…): the source's own type
	// is the tie-breaker, never the population.
	cands = preferKind(cands, in.SourceType)
	// Homonyms: the domain's département number, then the point, decide.
	if len(cands) > 1 {
		if d := s.site.deptHint(); d != "" {
			if k := inDept(cands, d); len(k) == 1 {
				return r.confirm(k[0], s, 0.95, how+" and the département number in the domain", officialPlace)
			}
		}
		if s.pointDept != "" {
			if k := inDept(cands, s.pointDept); len(k) == 1 {
				return r.confirm(k[0], s, 0.9, how+" and the source's point", officialPlace)
			}
		}
		if officialPlace != nil {
			for _, c := range cands {
				if c == officialPlace {
					return Result{Outcome: Linked, Place: c, Confidence: 0.95, Reason: official.why}
				}
			}
		}
		return Result{Outcome: Unresolved, Candidates: cands,
			Reason: fmt.Sprintf("ambiguous: %d territories are named %q and neither the domain nor the point tells them apart", len(cands), name)}
	}
	c := cands[0]
	if truncated && !s.site.mentions(compact(c.core)) && !(s.pointDept != "" && c.Departement == s.pointDept) {
		return Result{Outcome: Unresolved, Candidates: cands,
			Reason: fmt.Sprintf("only the start of the name matches %s, and neither the domain nor the point confirms it", c)}
	}
	return r.confirm(c, s, 0.9, how, officialPlace)
}

// confirm checks a single candidate against the other signals: a point in
// another département, or an official domain of another collectivité, is a
// conflict unless the domain itself names the candidate.
func (r *Resolver) confirm(c *Place, s signals, conf float64, how string, official *Place) Result {
	domainSays := s.site.mentions(compact(c.core))
	if official != nil && official != c {
		return Result{Outcome: Unresolved, Candidates: []*Place{c, official},
			Reason: fmt.Sprintf("conflict: the name points to %s but the domain %s belongs to %s", c, s.site.registered, official)}
	}
	if s.pointDept != "" && c.Departement != "" && !pointFits(c, s.pointDept, r.ix) && !domainSays {
		return Result{Outcome: Unresolved, Candidates: []*Place{c},
			Reason: fmt.Sprintf("conflict: the name points to %s but the source's point lies in département %s", c, s.pointDept)}
	}
	reason := "matched on " + how
	switch {
	case domainSays:
		conf += 0.05
		reason += ", confirmed by the domain " + s.site.host
	case s.pointDept != "":
		reason += ", consistent with the source's point"
	}
	return Result{Outcome: Linked, Place: c, Confidence: min(conf, 0.99), Reason: reason}
}

// pointFits says whether a point in département d is inside c: for a
// région, d must belong to it; otherwise d must be c's département.
func pointFits(c *Place, d string, ix *index) bool {
	if c.Kind == territory.Region {
		if dp := ix.get(territory.Departement, d); dp != nil {
			return dp.Region == c.Code
		}
		return false
	}
	return c.Departement == d
}

// exact finds territories whose name, or core name for the kinds the type
// words give, equals the input's, trying the name with and without a
// leading article.
func (r *Resolver) exact(p parsedName) ([]*Place, string) {
	var out []*Place
	variants := []string{p.norm, p.core}
	for _, a := range []string{"le ", "la ", "les ", "l "} {
		variants = append(variants, a+p.core)
	}
	for _, v := range variants {
		out = appendUnique(out, ofKinds(r.ix.byName[v], p.kinds)...)
		if p.kinds != nil {
			out = appendUnique(out, ofKinds(r.ix.byCore[v], p.kinds)...)
		}
	}
	how := "the name"
	if p.kinds != nil {
		how = "the name and its type words"
	}
	return out, how
}

// truncated drops trailing words ("Valbonne Sophia Antipolis") until a
// name matches; the caller requires confirmation for such matches.
func (r *Resolver) truncated(p parsedName) []*Place {
	words := strings.Fields(p.core)
	for n := len(words) - 1; n >= 1; n-- {
		v := strings.Join(words[:n], " ")
		if len(v) < 4 {
			break
		}
		if ps := ofKinds(r.ix.byName[v], p.kinds); len(ps) > 0 {
			return ps
		}
	}
	return nil
}

// fuzzy accepts a misspelt name only when one territory is within two
// edits of it and the domain or the point agrees.
func (r *Resolver) fuzzy(name string, p parsedName, s signals) Result {
	// Short names are too close to too many others for a typo to be told
	// from another place ("Alsace" is two letters from "Sacé").
	if len(p.core) < 8 {
		return Result{Outcome: Unresolved, Reason: fmt.Sprintf("no territory is named %q", name)}
	}
	ms, err := r.names.Find(p.norm, territory.FindOptions{Kinds: p.kinds, Limit: 10})
	if err != nil {
		return Result{Outcome: Unresolved, Reason: "lookup failed: " + err.Error()}
	}
	type scored struct {
		p    *Place
		dist int
	}
	var best []scored
	for _, m := range ms {
		pl := r.ix.get(m.Kind, m.Code)
		if pl == nil {
			continue
		}
		d := min(levenshtein(pl.core, p.core), levenshtein(territory.Normalize(pl.Name), p.norm))
		if d <= 2 {
			best = append(best, scored{pl, d})
		}
	}
	sort.Slice(best, func(i, j int) bool { return best[i].dist < best[j].dist })
	if len(best) == 0 {
		var near []*Place
		for _, m := range ms[:min(3, len(ms))] {
			if pl := r.ix.get(m.Kind, m.Code); pl != nil {
				near = append(near, pl)
			}
		}
		return Result{Outcome: Unresolved, Candidates: near, Reason: fmt.Sprintf("no territory is named %q or within two letters of it", name)}
	}
	if len(best) > 1 && best[1].dist == best[0].dist {
		return Result{Outcome: Unresolved, Candidates: []*Place{best[0].p, best[1].p},
			Reason: fmt.Sprintf("misspelt and ambiguous: %q is as close to %s as to %s", name, best[0].p, best[1].p)}
	}
	c := best[0].p
	domainSays := s.site.mentions(compact(c.core))
	pointSays := s.pointDept != "" && pointFits(c, s.pointDept, r.ix)
	if !domainSays && !pointSays {
		return Result{Outcome: Unresolved, Candidates: []*Place{c},
			Reason: fmt.Sprintf("%q looks like a misspelling of %s, but neither the domain nor the point confirms it", name, c)}
	}
	how := "the source's point"
	if domainSays {
		how = "the domain " + s.site.host
	}
	return Result{Outcome: Linked, Place: c, Confidence: 0.8,
		Reason: fmt.Sprintf("corrected a misspelling (%d letter(s)) to %s, confirmed by %s", best[0].dist, c.Name, how)}
}

// preferKind keeps the candidates of the kind the source's own type points
// to, when that leaves at least one.
func preferKind(cands []*Place, sourceType string) []*Place {
	if len(cands) < 2 {
		return cands
	}
	var want func(territory.Kind) bool
	switch strings.ToLower(sourceType) {
	case "city", "commune", "municipality":
		want = func(k territory.Kind) bool { return k == territory.Commune }
	case "region", "regi":
		want = func(k territory.Kind) bool { return k != territory.Commune }
	default:
		return cands
	}
	var out []*Place
	for _, c := range cands {
		if want(c.Kind) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return cands
	}
	return out
}

func inDept(cands []*Place, d string) []*Place {
	var out []*Place
	for _, c := range cands {
		if c.Departement == d {
			out = append(out, c)
		}
	}
	return out
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
