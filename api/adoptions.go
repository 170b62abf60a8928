package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// adoptionJSON is one adopter × one tool × one instance, with the evidence
// that it exists.
type adoptionJSON struct {
	ID          int64                    `json:"id"`
	Tool        toolRefJSON              `json:"tool"`
	Adopter     adopterJSON              `json:"adopter"`
	InstanceURL *string                  `json:"instance_url"`
	Category    *string                  `json:"category"`
	StartedOn   *string                  `json:"started_on"`
	EndedOn     *string                  `json:"ended_on"`
	Attested    attestedJSON             `json:"attested"`
	Status      directory.AdoptionStatus `json:"status"`
	Confidence  float64                  `json:"confidence"`
	Evidence    []evidenceJSON           `json:"evidence"`
	CreatedAt   time.Time                `json:"created_at"`
	UpdatedAt   time.Time                `json:"updated_at"`
}

// adopterJSON is either a collectivité of the register or another
// organisation; Type says which of the two objects is set.
type adopterJSON struct {
	Type         string            `json:"type"` // territory or organisation
	Territory    *adopterTerritory `json:"territory"`
	Organisation *adopterOrg       `json:"organisation"`
}

type adopterTerritory struct {
	Kind        string  `json:"kind"`
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Departement *string `json:"departement"`
	Region      *string `json:"region"`
	Population  *int    `json:"population"`
	Link        string  `json:"link"`
}

type adopterOrg struct {
	Slug    string                     `json:"slug"`
	Name    string                     `json:"name"`
	Kind    directory.OrganisationKind `json:"kind"`
	Country *string                    `json:"country"`
	Website *string                    `json:"website"`
}

// evidenceJSON is one observation, with its source for attribution.
type evidenceJSON struct {
	SourceKind    directory.SourceKind  `json:"source_kind"`
	SourceName    string                `json:"source_name"`
	SourceURL     *string               `json:"source_url"`
	SourceLicence *string               `json:"source_licence"`
	ObservedAt    time.Time             `json:"observed_at"`
	ObservedUntil *time.Time            `json:"observed_until"`
	DateMeaning   directory.DateMeaning `json:"date_meaning"`
	Excerpt       *string               `json:"excerpt"`
}

// attestedJSON is when the evidence saw the adoption, kept apart from the
// known start and end (started_on, ended_on).
type attestedJSON struct {
	First       *string `json:"first"`
	FirstSource *string `json:"first_source"`
	Last        *string `json:"last"`
	LastSource  *string `json:"last_source"`
}

func newAdoptionJSON(a *directory.Adoption) adoptionJSON {
	out := adoptionJSON{
		ID: a.ID, InstanceURL: nullable(a.InstanceURL), Category: nullable(a.Category),
		StartedOn: date(a.StartedOn), EndedOn: date(a.EndedOn), Status: a.Status, Confidence: a.Confidence,
		Evidence: []evidenceJSON{}, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		Attested: attestedJSON{First: date(a.Attested.First), FirstSource: nullable(a.Attested.FirstSource),
			Last: date(a.Attested.Last), LastSource: nullable(a.Attested.LastSource)},
	}
	if a.Tool != nil {
		out.Tool = toolRefJSON{Slug: a.Tool.Slug, Name: a.Tool.Name, Link: "/api/v1/tools/" + a.Tool.Slug}
	}
	switch {
	case a.Territory != nil:
		t := a.Territory
		out.Adopter = adopterJSON{Type: "territory", Territory: &adopterTerritory{
			Kind: t.Kind, Code: t.Code, Name: t.Name, Departement: nullable(t.Departement),
			Region: nullable(t.Region), Population: t.Population, Link: territoryURL(territory.Kind(t.Kind), t.Code)}}
	case a.Organisation != nil:
		o := a.Organisation
		out.Adopter = adopterJSON{Type: "organisation", Organisation: &adopterOrg{
			Slug: o.Slug, Name: o.Name, Kind: o.Kind, Country: nullable(o.Country), Website: nullable(o.Website)}}
	}
	for _, e := range a.Evidence {
		out.Evidence = append(out.Evidence, evidenceJSON{SourceKind: e.SourceKind, SourceName: e.SourceName,
			SourceURL: nullable(e.SourceURL), SourceLicence: nullable(e.SourceLicence), ObservedAt: e.ObservedAt,
			ObservedUntil: e.ObservedUntil, DateMeaning: e.DateMeaning, Excerpt: nullable(e.Excerpt)})
	}
	return out
}

// listAdoptions serves GET /api/v1/adoptions: adoptions with their
// evidence, by tool, by territory, by organisation, or all of them, in the
// order they were recorded.
func (a *API) listAdoptions(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, "tool", "territory", "territory_kind", "organisation", "adopter", "status", "limit", "cursor"); err != nil {
		a.problem(w, r, err)
		return
	}
	q := r.URL.Query()
	var f directory.AdoptionFilter
	var errs []civiscope.FieldError
	for _, name := range []string{"tool", "territory", "territory_kind", "organisation", "adopter", "status"} {
		if len(q[name]) > 1 {
			errs = append(errs, civiscope.FieldError{Field: name, Message: "give it once"})
		}
	}
	for _, name := range []string{"tool", "organisation"} {
		if v := q.Get(name); v != "" && (!slugParam.MatchString(v) || len(v) > directory.MaxSlugLen) {
			errs = append(errs, civiscope.FieldError{Field: name, Message: fmt.Sprintf("%q is not a slug (lower-case letters, digits and dashes)", v)})
		}
	}
	f.ToolSlug, f.OrganisationSlug = q.Get("tool"), q.Get("organisation")
	f.Status = directory.AdoptionStatus(q.Get("status"))
	switch v := q.Get("adopter"); v {
	case "":
	case "territory":
		f.OnlyTerritories = true
	case "organisation":
		f.OnlyOrganisations = true
	default:
		errs = append(errs, civiscope.FieldError{Field: "adopter", Message: fmt.Sprintf("must be territory or organisation, not %q", v)})
	}
	if q.Get("territory_kind") != "" && q.Get("territory") == "" {
		errs = append(errs, civiscope.FieldError{Field: "territory_kind", Message: "only makes sense with territory"})
	}
	if err := civiscope.Invalid(errs); err != nil {
		a.problem(w, r, err)
		return
	}
	var err error
	if f.Limit, err = pageLimit(q); err != nil {
		a.problem(w, r, err)
		return
	}
	if code := q.Get("territory"); code != "" {
		t, err := a.resolveTerritory(r, code, q.Get("territory_kind"))
		if err != nil {
			a.problem(w, r, asFilterError(err, "territory"))
			return
		}
		f.TerritoryID = t.ID
	}
	if f.ToolSlug != "" {
		if _, err := directory.GetTool(r.Context(), a.db, f.ToolSlug); err != nil {
			a.problem(w, r, asFilterError(err, "tool"))
			return
		}
	}
	key := cursorQuery(r)
	if c := q.Get("cursor"); c != "" {
		if err := a.cursors.decode(c, key, &f.After); err != nil {
			a.problem(w, r, err)
			return
		}
	}
	page, err := directory.ListAdoptions(r.Context(), a.db, f)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	out := make([]adoptionJSON, len(page.Adoptions))
	for i := range page.Adoptions {
		out[i] = newAdoptionJSON(&page.Adoptions[i])
	}
	next := ""
	if page.Next != 0 {
		next = a.cursors.encode(key, page.Next)
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, newPage(w, r, out, next))
}

// asFilterError turns "no such thing" into a 400 on the filter that named
// it: the endpoint exists, the filter value is wrong. The resolver's own
// field errors (code, kind) are renamed after the query parameters.
func asFilterError(err error, field string) error {
	switch civiscope.ErrorCode(err) {
	case civiscope.ENOTFOUND:
		return civiscope.Invalid([]civiscope.FieldError{{Field: field, Message: civiscope.ErrorMessage(err)}})
	case civiscope.EINVALID:
		var fields []civiscope.FieldError
		for _, fe := range civiscope.ErrorFields(err) {
			switch fe.Field {
			case "code":
				fe.Field = field
			case "kind":
				fe.Field = field + "_kind"
			}
			fields = append(fields, fe)
		}
		if len(fields) > 0 {
			return civiscope.Invalid(fields)
		}
	}
	return err
}
