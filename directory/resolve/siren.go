package resolve

import (
	"fmt"
	"strings"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// ResolveSIREN links a body a source identifies by its SIREN. The register
// holds the SIREN of communes, EPCI and EPT; départements (SIREN 22…) and
// régions (23…, and 200… for the seven régions merged in 2016) have none
// there, so for them the name must also be the collectivité's. A SIREN
// that is neither in the register nor a collectivité's is another public
// or private body: an organisation, named as the source names it.
func (r *Resolver) ResolveSIREN(siren, name string) Result {
	if p := r.ix.bySIREN[siren]; p != nil {
		return Result{Outcome: Linked, Place: p, Confidence: 0.99, Reason: "its SIREN is that of " + p.String() + " in the register"}
	}
	norm := territory.Normalize(name)
	switch {
	case strings.HasPrefix(siren, "22"):
		// A département's SIREN carries its number after "22".
		code := strings.ToUpper(siren[2:4])
		if p := r.ix.get(territory.Departement, code); p != nil {
			if namesAgree(norm, p) {
				return Result{Outcome: Linked, Place: p, Confidence: 0.97,
					Reason: fmt.Sprintf("a département's SIREN (22%s…) and its name", code)}
			}
			return Result{Outcome: Unresolved, Candidates: []*Place{p},
				Reason: fmt.Sprintf("the SIREN says département %s but the name %q is not %s", code, name, p.Name)}
		}
	case strings.HasPrefix(siren, "23") || strings.HasPrefix(siren, "200"):
		if p := r.regionNamed(norm); p != nil {
			return Result{Outcome: Linked, Place: p, Confidence: 0.97, Reason: "a région's SIREN and its name"}
		}
	}
	switch {
	case strings.HasPrefix(siren, "21"):
		// A commune's SIREN carries its département after "21"; a SIREN the
		// 2026 register does not know is a commune merged or renumbered since.
		dept := strings.ToUpper(siren[2:4])
		var in []*Place
		for _, p := range ofKinds(r.ix.byName[norm], communeKinds) {
			if strings.HasPrefix(p.Departement, dept) {
				in = append(in, p)
			}
		}
		if len(in) == 1 {
			return Result{Outcome: Linked, Place: in[0], Confidence: 0.9,
				Reason: "a commune's SIREN not in the 2026 register; its name and the département in the SIREN match " + in[0].String()}
		}
		return Result{Outcome: Unresolved, Candidates: in,
			Reason: fmt.Sprintf("a commune's SIREN %s that the 2026 register does not know, and %d communes of département %s are named %q", siren, len(in), dept, name)}
	case strings.HasPrefix(siren, "24") || strings.HasPrefix(siren, "200"):
		p := parseName(name)
		cands := appendUnique(ofKinds(r.ix.byName[p.norm], groupKinds), ofKinds(r.ix.byCore[p.core], groupKinds)...)
		if len(cands) == 1 {
			return Result{Outcome: Linked, Place: cands[0], Confidence: 0.85,
				Reason: "a group's SIREN not in the 2026 register (the group changed since); its name is that of " + cands[0].String()}
		}
		if len(cands) > 1 {
			return Result{Outcome: Unresolved, Candidates: cands,
				Reason: fmt.Sprintf("a SIREN the 2026 register does not know, and %d groups are named %q", len(cands), name)}
		}
	}
	kind, why := directory.OrgOther, "its SIREN is not a collectivité's: another body"
	if siren[0] == '1' || siren[0] == '2' {
		kind, why = directory.OrgPublicBody, "its SIREN is a public body's, not a collectivité of the register (syndicat, agency, public establishment)"
	}
	o := &directory.Organisation{Name: name, Kind: kind, SIREN: siren, Country: "FR", Slug: Slug(name)}
	if len(o.Slug) > directory.MaxSlugLen {
		o.Slug = strings.TrimRight(o.Slug[:directory.MaxSlugLen], "-")
	}
	return Result{Outcome: Organisation, Organisation: o, Confidence: 0.9, Reason: why}
}

// namesAgree accepts the register's name give or take two letters
// ("Ile et Vilaine" for Ille-et-Vilaine).
func namesAgree(norm string, p *Place) bool {
	n := territory.Normalize(p.Name)
	core := parseName(norm).core // "Département du Loiret"
	return norm == n || levenshtein(norm, n) <= 2 || core == n || levenshtein(core, n) <= 2
}

// regionNamed finds the région a name ends with ("Sud Provence Alpes Côte
// d'Azur", "Région Grand Est"), or nil.
func (r *Resolver) regionNamed(norm string) *Place {
	var found *Place
	for _, ps := range r.ix.byName {
		for _, p := range ofKinds(ps, regionKinds) {
			n := territory.Normalize(p.Name)
			if norm == n || strings.HasSuffix(norm, " "+n) {
				if found != nil && found != p {
					return nil
				}
				found = p
			}
		}
	}
	return found
}
