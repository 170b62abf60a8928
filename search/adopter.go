package search

import (
	"slices"
	"strings"
)

// "Used by" facets describe one adopter each. A tool used by a small
// commune and by a département is not "used by départements under 1,000
// inhabitants": when two or three of the adopter facets are chosen, one
// adopter must meet them all. Each tool document carries, besides the
// plain values, one hidden term per adopter and per pair or triple of its
// kind, région and band (FacetAdopter), so that a backend matches a
// combination with one lookup.

// FacetAdopter is the hidden facet of adopter combinations.
const FacetAdopter = "adopter"

// adopterFacets are the facets that describe one adopter, in key order.
func adopterFacets() []string {
	return []string{FacetAdopterType, FacetAdopterRegion, FacetAdopterPopulation}
}

// IsAdopterFacet reports whether a facet describes one adopter.
func IsAdopterFacet(name string) bool { return slices.Contains(adopterFacets(), name) }

// AdopterKey is the hidden term of one combination: the values by facet,
// "" for a facet left out.
func AdopterKey(kind, region, bracket string) string {
	var parts []string
	for i, v := range []string{kind, region, bracket} {
		if v != "" {
			parts = append(parts, adopterFacets()[i]+"="+v)
		}
	}
	return strings.Join(parts, "|")
}

// adopterCombinations lists the keys of one adopter's pairs and triple.
func adopterCombinations(kind, region, bracket string) []string {
	var out []string
	for _, c := range [][3]string{{kind, region, ""}, {kind, "", bracket}, {"", region, bracket}, {kind, region, bracket}} {
		n := 0
		for _, v := range c {
			if v != "" {
				n++
			}
		}
		if n >= 2 {
			out = append(out, AdopterKey(c[0], c[1], c[2]))
		}
	}
	return out
}

// AdopterKeys returns the hidden terms that filters on two or three adopter
// facets match (any one of them will do), or nil when fewer than two
// adopter facets are filtered: plain facet values then say it all.
func AdopterKeys(filters map[string][]string) []string {
	n := 0
	for _, f := range adopterFacets() {
		if len(filters[f]) > 0 {
			n++
		}
	}
	if n < 2 {
		return nil
	}
	pick := func(f string) []string {
		if v := filters[f]; len(v) > 0 {
			return v
		}
		return []string{""}
	}
	var out []string
	for _, k := range pick(FacetAdopterType) {
		for _, r := range pick(FacetAdopterRegion) {
			for _, b := range pick(FacetAdopterPopulation) {
				out = append(out, AdopterKey(k, r, b))
			}
		}
	}
	return out
}
