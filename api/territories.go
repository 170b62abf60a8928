package api

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/website"
)

// territoryJSON is a territory as the API shows it. Empty codes are null,
// so a client can tell "none" from "empty".
type territoryJSON struct {
	Kind        territory.Kind `json:"kind"`
	Code        string         `json:"code"`
	SIREN       *string        `json:"siren"`
	Name        string         `json:"name"`
	LegalForm   *string        `json:"legal_form"`
	Departement *string        `json:"departement"`
	Region      *string        `json:"region"`
	EPCI        *string        `json:"epci"`
	EPT         *string        `json:"ept"`
	Zone        *string        `json:"zone"`
	Population  *int           `json:"population"`
	PostalCodes []string       `json:"postal_codes"`
	Historic    bool           `json:"historic"`
	Links       territoryLinks `json:"links"`
}

type territoryLinks struct {
	Self        string  `json:"self"`
	Departement *string `json:"departement"`
	Region      *string `json:"region"`
	EPCI        *string `json:"epci"`
	EPT         *string `json:"ept"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// territoryURL is the canonical, unambiguous address of a territory: the
// kind is always given, because département and région codes overlap.
func territoryURL(kind territory.Kind, code string) string {
	return "/api/v1/territories/" + code + "?kind=" + string(kind)
}

func territoryLink(kind territory.Kind, code string) *string {
	if code == "" {
		return nil
	}
	u := territoryURL(kind, code)
	return &u
}

func newTerritoryJSON(t *territory.Territory) territoryJSON {
	pc := t.PostalCodes
	if pc == nil {
		pc = []string{}
	}
	return territoryJSON{
		Kind: t.Kind, Code: t.Code, SIREN: nullable(t.SIREN), Name: t.Name,
		LegalForm: nullable(t.LegalForm), Departement: nullable(t.Departement),
		Region: nullable(t.Region), EPCI: nullable(t.EPCI), EPT: nullable(t.EPT),
		Zone: nullable(t.Zone), Population: t.Population, PostalCodes: pc, Historic: t.Historic,
		Links: territoryLinks{
			Self:        territoryURL(t.Kind, t.Code),
			Departement: territoryLink(territory.Departement, t.Departement),
			Region:      territoryLink(territory.Region, t.Region),
			EPCI:        territoryLink(territory.EPCI, t.EPCI),
			EPT:         territoryLink(territory.EPT, t.EPT),
		},
	}
}

var territoryCode = regexp.MustCompile(`^[0-9AB]{2,9}$`)

// candidateKinds tells which kinds a bare code can name from its shape:
// five characters are a commune, nine digits a SIREN (EPCI or EPT), two or
// three characters a département or, for two digits, a région.
func candidateKinds(code string) []territory.Kind {
	switch len(code) {
	case 5:
		return []territory.Kind{territory.Commune}
	case 9:
		return []territory.Kind{territory.EPCI, territory.EPT}
	case 2:
		if code[0] == '2' && (code[1] == 'A' || code[1] == 'B') {
			return []territory.Kind{territory.Departement}
		}
		return []territory.Kind{territory.Departement, territory.Region}
	case 3:
		return []territory.Kind{territory.Departement}
	}
	return nil
}

// resolveTerritory finds the territory a code names. With ?kind= the
// answer is exact. Without it, a code that exists at two levels (84 is
// both the département of Vaucluse and the région Auvergne-Rhône-Alpes) is
// refused with both candidates named, rather than one picked silently.
func (a *API) resolveTerritory(r *http.Request, rawCode, rawKind string) (*territory.Territory, error) {
	code := strings.ToUpper(strings.TrimSpace(rawCode))
	var errs []civiscope.FieldError
	if !territoryCode.MatchString(code) || candidateKinds(code) == nil {
		errs = append(errs, civiscope.FieldError{Field: "code", Message: fmt.Sprintf(
			"%q is not a territory code: use an INSEE code (5 characters for a commune, 2 or 3 for a département, 2 digits for a région) or the 9-digit SIREN of an EPCI or EPT", rawCode)})
	}
	kind := territory.Kind(strings.ToLower(rawKind))
	if rawKind != "" && !kind.Valid() {
		errs = append(errs, civiscope.FieldError{Field: "kind", Message: fmt.Sprintf("%q is not a kind; use commune, epci, ept, departement or region", rawKind)})
	}
	if err := civiscope.Invalid(errs); err != nil {
		return nil, err
	}
	if rawKind != "" {
		return territory.Get(r.Context(), a.db, kind, code)
	}
	var found []*territory.Territory
	for _, k := range candidateKinds(code) {
		t, err := territory.Get(r.Context(), a.db, k, code)
		switch civiscope.ErrorCode(err) {
		case "":
			found = append(found, t)
		case civiscope.ENOTFOUND:
		default:
			return nil, err
		}
	}
	switch len(found) {
	case 0:
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no territory with code %q in the register", code)
	case 1:
		return found[0], nil
	}
	var names []string
	for _, t := range found {
		names = append(names, fmt.Sprintf("the %s %s (kind=%s)", t.Kind.Label(), t.Name, t.Kind))
	}
	return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "kind", Message: fmt.Sprintf(
		"code %s is ambiguous: it is %s; add ?kind= to choose", code, strings.Join(names, " and "))}})
}

// getTerritory serves GET /api/v1/territories/{code}.
func (a *API) getTerritory(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, "kind"); err != nil {
		a.problem(w, r, err)
		return
	}
	t, err := a.resolveTerritory(r, chi.URLParam(r, "code"), r.URL.Query().Get("kind"))
	if err != nil {
		a.problem(w, r, err)
		return
	}
	sites, err := website.ForTerritory(r.Context(), a.db, t.ID)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	out := territoryWithSites{territoryJSON: newTerritoryJSON(t), Websites: make([]websiteJSON, len(sites))}
	for i, s := range sites {
		out.Websites[i] = newWebsiteJSON(s)
	}
	a.writeJSON(w, r, http.StatusOK, cacheStable, out)
}

// territoryWithSites is one territory with its websites and their sources.
type territoryWithSites struct {
	territoryJSON
	Websites []websiteJSON `json:"websites"`
}

type websiteJSON struct {
	website.Website
	FirstListed string `json:"first_listed"`
	LastListed  string `json:"last_listed"`
}

func newWebsiteJSON(s website.Website) websiteJSON {
	return websiteJSON{Website: s, FirstListed: s.FirstListed.Format(time.DateOnly), LastListed: s.LastListed.Format(time.DateOnly)}
}
