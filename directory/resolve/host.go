package resolve

import (
	"fmt"
	"strings"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// genericLabels are host words that name the activity, not the adopter.
func genericLabel(l string) bool {
	switch l {
	case "www", "decidim", "participez", "participer", "participons", "participation", "participe", "jeparticipe",
		"budget", "budgetparticipatif", "concertation", "consultation", "consultations", "contribuez", "petitions",
		"democratie", "citoyen", "citoyens", "mairie", "ville", "agglo", "metropole":
		return true
	}
	return false
}

// ResolveHost links an instance known only by its address, with the same
// rules as names: the central state's domains are organisations, and a
// collectivité is linked only when a label of a French host, stripped of a
// "ville" prefix and a département number, is exactly the name of one
// territory (or one in the département the number gives). Campaign and
// party sites ("grenobleencommun", "reveillonsannecy") name no territory
// exactly and stay unlinked.
func (r *Resolver) ResolveHost(rawURL string) Result {
	s := r.signals(Input{URL: rawURL})
	if s.site.host == "" {
		return Result{Outcome: Unresolved, Reason: "the address has no host"}
	}
	if s.site.isGovFR() {
		return r.organisation(s.site.host, directory.OrgState, "", "", s, "its site is on gouv.fr, the domain of the French state")
	}
	if !s.french {
		if s.country != "" {
			return r.organisation(s.site.host, directory.OrgForeignGovernment, "", "", s, "its domain is in "+s.country+", not in France")
		}
		return Result{Outcome: Unresolved, Reason: fmt.Sprintf("nothing in %s says it is in France and no list names its owner", s.site.host)}
	}
	if official, ok := r.domains[s.site.registered]; ok {
		if p := r.ix.get(territory.Kind(official.kind), official.code); p != nil {
			return Result{Outcome: Linked, Place: p, Confidence: 0.9, Reason: official.why}
		}
	}
	dept := s.site.deptHint()
	var tried []string
	for _, raw := range s.site.labels {
		l := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, raw)
		for _, prefix := range []string{"villede", "villed", "ville"} {
			if strings.HasPrefix(l, prefix) && len(l) > len(prefix)+3 {
				l = l[len(prefix):]
				break
			}
		}
		if len(l) < 4 || genericLabel(l) {
			continue
		}
		tried = append(tried, l)
		cands := r.ix.byCompact[l]
		if dept != "" && len(cands) > 1 {
			cands = inDept(cands, dept)
		}
		switch {
		case len(cands) == 1:
			return Result{Outcome: Linked, Place: cands[0], Confidence: 0.85,
				Reason: fmt.Sprintf("the host label %q is the name of %s and of no other territory", raw, cands[0])}
		case len(cands) > 1:
			return Result{Outcome: Unresolved, Candidates: cands,
				Reason: fmt.Sprintf("ambiguous: %d territories are named %q", len(cands), l)}
		}
	}
	return Result{Outcome: Unresolved, Reason: fmt.Sprintf("no label of %s (%s) is exactly the name of a territory", s.site.host, strings.Join(tried, ", "))}
}
