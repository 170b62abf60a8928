package search

import (
	"regexp"
	"slices"
	"strings"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// Facet names, as they appear in URLs, the API and Meilisearch filters.
const (
	FacetType              = "type"
	FacetCategory          = "category"
	FacetOpenSource        = "open_source"
	FacetLicence           = "licence"
	FacetBusinessModel     = "business_model"
	FacetLifecycle         = "lifecycle"
	FacetHosting           = "hosting"
	FacetVendorKind        = "vendor_kind"
	FacetCountry           = "country"
	FacetAdopterType       = "adopter_type"
	FacetAdopterRegion     = "adopter_region"
	FacetAdopterPopulation = "adopter_population"
)

// facetDef describes one facet: its label and which values it accepts.
// Closed facets list their options; open ones (licence, country) check a
// pattern, and take their labels from the value itself.
type facetDef struct {
	name    string
	label   directory.Label
	options []directory.Option
	valid   func(string) bool // for open facets
	// fold puts a user's spelling into the stored one (country codes are
	// upper case); nil keeps the value as typed.
	fold func(string) string
}

// facetDefs lists every facet in display order. A function, not a package
// variable, so that nobody can change it for everyone.
func facetDefs() []facetDef {
	var cats []directory.Option
	for _, c := range directory.Categories() {
		cats = append(cats, directory.Option{Value: c.Slug, Label: c.Label})
	}
	country := regexp.MustCompile(`^[A-Z]{2}$`)
	return []facetDef{
		{name: FacetType, label: directory.Label{FR: "Type", EN: "Type"}, options: []directory.Option{
			{Value: string(TypeTool), Label: directory.Label{FR: "outil", EN: "tool"}},
			{Value: string(TypeVendor), Label: directory.Label{FR: "éditeur", EN: "vendor"}},
			{Value: string(TypeTerritory), Label: directory.Label{FR: "territoire", EN: "territory"}},
		}},
		{name: FacetCategory, label: directory.Label{FR: "Catégorie", EN: "Category"}, options: cats},
		{name: FacetOpenSource, label: directory.Label{FR: "Logiciel libre", EN: "Open source"}, options: []directory.Option{
			{Value: "yes", Label: directory.Label{FR: "libre", EN: "open source"}},
			{Value: "no", Label: directory.Label{FR: "propriétaire", EN: "proprietary"}},
			{Value: "unknown", Label: directory.Label{FR: "inconnu", EN: "unknown"}},
		}},
		{name: FacetLicence, label: directory.Label{FR: "Licence", EN: "Licence"}, valid: validLicence},
		{name: FacetBusinessModel, label: directory.Label{FR: "Modèle économique", EN: "Business model"}, options: directory.BusinessModels()},
		{name: FacetLifecycle, label: directory.Label{FR: "Cycle de vie", EN: "Lifecycle"}, options: directory.Lifecycles()},
		{name: FacetHosting, label: directory.Label{FR: "Hébergement", EN: "Hosting"}, options: directory.Hostings()},
		{name: FacetVendorKind, label: directory.Label{FR: "Type d'éditeur", EN: "Vendor kind"}, options: directory.VendorKinds()},
		{name: FacetCountry, label: directory.Label{FR: "Pays de l'éditeur", EN: "Vendor country"},
			valid: country.MatchString, fold: strings.ToUpper},
		{name: FacetAdopterType, label: directory.Label{FR: "Utilisé par", EN: "Used by"}, options: []directory.Option{
			{Value: "commune", Label: directory.Label{FR: "communes", EN: "municipalities"}},
			{Value: "epci", Label: directory.Label{FR: "intercommunalités (EPCI)", EN: "inter-municipal bodies (EPCI)"}},
			{Value: "ept", Label: directory.Label{FR: "établissements publics territoriaux (EPT)", EN: "territorial public bodies (EPT)"}},
			{Value: "departement", Label: directory.Label{FR: "départements", EN: "départements"}},
			{Value: "region", Label: directory.Label{FR: "régions", EN: "regions"}},
		}},
		{name: FacetAdopterRegion, label: directory.Label{FR: "Région des utilisateurs", EN: "Adopters' region"}, options: regions()},
		{name: FacetAdopterPopulation, label: directory.Label{FR: "Population des utilisateurs", EN: "Adopters' population"}, options: brackets()},
	}
}

// brackets are the population bands of every kind of collectivité, the one
// scheme of territory.Brackets, each labelled with its kind.
func brackets() []directory.Option {
	var out []directory.Option
	for _, b := range territory.AllBrackets() {
		out = append(out, directory.Option{Value: b.Value(), Label: directory.Label{FR: b.KindLabel("fr"), EN: b.KindLabel("en")}})
	}
	return out
}

// FacetNames lists the facet names in display order.
func FacetNames() []string {
	var out []string
	for _, d := range facetDefs() {
		out = append(out, d.name)
	}
	return out
}

// FacetOptions returns the allowed values of a closed facet with their
// labels (nil for licence and country, whose values are open), for forms.
func FacetOptions(name string) []directory.Option {
	if d, ok := facetDef1(name); ok {
		return d.options
	}
	return nil
}

func facetDef1(name string) (facetDef, bool) {
	for _, d := range facetDefs() {
		if d.name == name {
			return d, true
		}
	}
	return facetDef{}, false
}

func (d facetDef) accepts(v string) bool {
	if d.valid != nil {
		return d.valid(v)
	}
	for _, o := range d.options {
		if o.Value == v {
			return true
		}
	}
	return false
}

func (d facetDef) valueLabel(v string) directory.Label {
	for _, o := range d.options {
		if o.Value == v {
			return o.Label
		}
	}
	if v == "unknown" {
		return directory.Label{FR: "inconnue", EN: "unknown"}
	}
	return directory.Label{FR: v, EN: v}
}

func validLicence(v string) bool {
	if v == "unknown" {
		return true
	}
	canon, why := directory.CheckLicence(v)
	return why == "" && canon == v
}

// regions are the INSEE region codes of the register (COG 2026) with their
// names: the 18 régions, then the overseas collectivités the register lists
// at the same level.
func regions() []directory.Option {
	rows := [][2]string{
		{"84", "Auvergne-Rhône-Alpes"}, {"27", "Bourgogne-Franche-Comté"}, {"53", "Bretagne"},
		{"24", "Centre-Val de Loire"}, {"94", "Corse"}, {"44", "Grand Est"}, {"01", "Guadeloupe"},
		{"03", "Guyane"}, {"32", "Hauts-de-France"}, {"11", "Île-de-France"}, {"04", "La Réunion"},
		{"02", "Martinique"}, {"06", "Mayotte"}, {"28", "Normandie"}, {"75", "Nouvelle-Aquitaine"},
		{"76", "Occitanie"}, {"52", "Pays de la Loire"}, {"93", "Provence-Alpes-Côte d'Azur"},
		{"975", "Saint-Pierre-et-Miquelon"}, {"977", "Saint-Barthélemy"}, {"978", "Saint-Martin"},
		{"984", "Terres australes et antarctiques françaises"}, {"986", "Wallis et Futuna"},
		{"987", "Polynésie française"}, {"988", "Nouvelle-Calédonie"}, {"989", "Île de Clipperton"},
	}
	out := make([]directory.Option, len(rows))
	for i, r := range rows {
		out[i] = directory.Option{Value: r[0], Label: directory.Label{FR: r[1], EN: r[1]}}
	}
	return out
}

// BuildFacets turns counts of "name:value" terms over the results into the
// facets of q's results: every facet in display order, its values most
// frequent first, the selected ones always present (with their count, which
// may be 0). Backends share it so that both present facets alike.
func BuildFacets(q Query, counts map[string]int) []Facet {
	var out []Facet
	for _, d := range facetDefs() {
		f := Facet{Name: d.name, Label: d.label}
		seen := map[string]bool{}
		prefix := d.name + ":"
		for term, n := range counts {
			v, ok := strings.CutPrefix(term, prefix)
			if !ok || n <= 0 {
				continue
			}
			seen[v] = true
			f.Values = append(f.Values, FacetValue{Value: v, Label: d.valueLabel(v), Count: n})
		}
		for _, v := range q.Filters[d.name] {
			if !seen[v] {
				f.Values = append(f.Values, FacetValue{Value: v, Label: d.valueLabel(v)})
			}
		}
		for i := range f.Values {
			f.Values[i].Selected = slices.Contains(q.Filters[d.name], f.Values[i].Value)
		}
		slices.SortFunc(f.Values, func(a, b FacetValue) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out = append(out, f)
	}
	return out
}

// Count returns the count of one facet value in r (0 when absent).
func (r *Results) Count(facet, value string) int {
	for _, f := range r.Facets {
		if f.Name == facet {
			for _, v := range f.Values {
				if v.Value == value {
					return v.Count
				}
			}
		}
	}
	return 0
}
