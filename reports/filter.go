package reports

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// Filter narrows every trend. Empty fields do not filter.
type Filter struct {
	YearFrom    int    `json:"from"`        // inclusive; 0 = no bound
	YearTo      int    `json:"to"`          // inclusive; 0 = no bound
	Category    string `json:"category"`    // category slug
	Tool        string `json:"tool"`        // tool slug
	Region      string `json:"region"`      // INSEE code of the région of the adopter
	Departement string `json:"departement"` // INSEE code of the département of the adopter
	Kind        string `json:"kind"`        // adopter kind, see AdopterKinds
	Bracket     int    `json:"bracket"`     // population bracket, see Brackets; 0 = all
}

// AdopterKinds lists the kinds of adopter that trends break down by.
func AdopterKinds() []directory.Option {
	return []directory.Option{
		{Value: "commune", Label: directory.Label{FR: "commune", EN: "municipality"}},
		{Value: "epci", Label: directory.Label{FR: "intercommunalité (EPCI)", EN: "inter-municipality (EPCI)"}},
		{Value: "ept", Label: directory.Label{FR: "établissement public territorial", EN: "territorial public body (EPT)"}},
		{Value: "departement", Label: directory.Label{FR: "département", EN: "département"}},
		{Value: "region", Label: directory.Label{FR: "région", EN: "region"}},
		{Value: "organisation", Label: directory.Label{FR: "autre organisation", EN: "other organisation"}},
	}
}

// Bracket is a population band of the one scheme (territory.Bracket),
// numbered for the materialised views.
type Bracket struct {
	ID   int
	Kind string // "" for "population unknown"
	Min  int    // inclusive
	Max  int    // exclusive; 0 = no upper bound
	// Label names the kind with the band ("communes de 20 000 à 49 999
	// hab."), for breakdowns that mix kinds; Band is the band alone, for
	// rows that already say the kind.
	Label, Band directory.Label
}

// Brackets lists the population bands; ID 0 is "population unknown"
// (organisations, and the few territories without a census figure), then
// every band of territory.AllBrackets in its order: each kind is banded
// among its own kind. Migration 00608's population_bracket computes the
// same numbers in SQL.
func Brackets() []Bracket {
	unknown := directory.Label{FR: "population inconnue", EN: "population unknown"}
	out := []Bracket{{ID: 0, Label: unknown, Band: unknown}}
	for i, b := range territory.AllBrackets() {
		out = append(out, Bracket{ID: i + 1, Kind: string(b.Kind), Min: b.Min, Max: b.Max,
			Label: directory.Label{FR: b.KindLabel("fr"), EN: b.KindLabel("en")},
			Band:  directory.Label{FR: b.Label("fr"), EN: b.Label("en")}})
	}
	return out
}

// BracketOf returns the number of the band of a collectivité of kind k and
// population pop (territory.BracketNumber); 0 for a kind without bands (an
// organisation).
func BracketOf(k territory.Kind, pop int) int {
	if !k.Valid() {
		return 0
	}
	return territory.BracketNumber(k, pop)
}

var (
	inseeRegion = regexp.MustCompile(`^[0-9]{2}$`)
	inseeDept   = regexp.MustCompile(`^([0-9]{2}|2A|2B|97[1-8])$`)
	slugRe      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Validate checks every field and names each one that is wrong.
func (f Filter) Validate() error {
	var errs []civiscope.FieldError
	add := func(field, rule string, params civiscope.Params, format string, args ...any) {
		errs = append(errs, civiscope.Field(field, rule, params, format, args...))
	}
	for _, y := range []struct {
		name string
		v    int
	}{{"from", f.YearFrom}, {"to", f.YearTo}} {
		if y.v != 0 && (y.v < 1980 || y.v > 2100) {
			add(y.name, "year_range", civiscope.Params{"min": "1980", "max": "2100"}, "must be a year between 1980 and 2100, not %d", y.v)
		}
	}
	if f.YearFrom != 0 && f.YearTo != 0 && f.YearFrom > f.YearTo {
		add("to", "year_order", civiscope.Params{"from": strconv.Itoa(f.YearFrom), "to": strconv.Itoa(f.YearTo)}, "must not be before from (%d > %d)", f.YearFrom, f.YearTo)
	}
	if f.Category != "" {
		if _, ok := directory.CategoryBySlug(f.Category); !ok {
			add("category", "unknown_value", civiscope.Params{"value": f.Category}, "unknown category %q", f.Category)
		}
	}
	if f.Tool != "" && !slugRe.MatchString(f.Tool) {
		add("tool", "slug", nil, "%q is not a tool slug (lower case letters, digits and hyphens)", f.Tool)
	}
	if f.Region != "" && !inseeRegion.MatchString(f.Region) {
		add("region", "insee_region", civiscope.Params{"value": f.Region}, "%q is not a région INSEE code (two digits, e.g. 84)", f.Region)
	}
	if f.Departement != "" && !inseeDept.MatchString(f.Departement) {
		add("departement", "insee_departement", civiscope.Params{"value": f.Departement}, "%q is not a département INSEE code (e.g. 01, 2A, 974)", f.Departement)
	}
	if f.Kind != "" {
		ok := false
		for _, k := range AdopterKinds() {
			ok = ok || k.Value == f.Kind
		}
		if !ok {
			add("kind", "unknown_value", civiscope.Params{"value": f.Kind}, "unknown adopter kind %q (commune, epci, ept, departement, region or organisation)", f.Kind)
		}
	}
	if f.Bracket < 0 || f.Bracket >= len(Brackets()) {
		add("bracket", "between", civiscope.Params{"min": 1, "max": len(Brackets()) - 1}, "must be between 1 and %d", len(Brackets())-1)
	}
	return civiscope.Invalid(errs)
}

// ParseFilter reads a filter from query parameters (from, to, category,
// tool, region, departement, kind, bracket) and validates it, so that the
// web pages, the API and the CLI accept the same words.
func ParseFilter(get func(string) string) (Filter, error) {
	var f Filter
	var errs []civiscope.FieldError
	num := func(name string) int {
		s := strings.TrimSpace(get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, civiscope.Field(name, "whole_number", civiscope.Params{"value": s}, "%q is not a whole number", s))
		}
		return n
	}
	f.YearFrom = num("from")
	f.YearTo = num("to")
	f.Bracket = num("bracket")
	f.Category = strings.TrimSpace(get("category"))
	f.Tool = strings.TrimSpace(get("tool"))
	f.Region = strings.ToUpper(strings.TrimSpace(get("region")))
	f.Departement = strings.ToUpper(strings.TrimSpace(get("departement")))
	f.Kind = strings.TrimSpace(get("kind"))
	if err := civiscope.Invalid(errs); err != nil {
		return f, err
	}
	return f, f.Validate()
}
