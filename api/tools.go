package api

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
)

// toolSummaryJSON is a tool in a list: enough to choose, without the long
// descriptions and the sources.
type toolSummaryJSON struct {
	Slug          string                  `json:"slug"`
	Name          string                  `json:"name"`
	Tagline       directory.Label         `json:"tagline"`
	Categories    []string                `json:"categories"`
	Website       *string                 `json:"website"`
	Licence       *string                 `json:"licence"`
	OpenSource    *bool                   `json:"open_source"`
	BusinessModel directory.BusinessModel `json:"business_model"`
	Hosting       directory.Hosting       `json:"hosting"`
	Lifecycle     directory.Lifecycle     `json:"lifecycle"`
	Vendor        *vendorRefJSON          `json:"vendor"`
	AdoptionCount int                     `json:"adoption_count"`
	UpdatedAt     time.Time               `json:"updated_at"`
	Links         toolLinks               `json:"links"`
}

// toolJSON is the full profile of GET /tools/{slug}.
type toolJSON struct {
	toolSummaryJSON
	Description      directory.Label         `json:"description"`
	SourceRepo       *string                 `json:"source_repo"`
	Languages        []string                `json:"languages"`
	Accessibility    directory.Accessibility `json:"accessibility"`
	AccessibilityURL *string                 `json:"accessibility_url"`
	FoundedYear      *int                    `json:"founded_year"`
	LifecycleSince   *string                 `json:"lifecycle_since"`
	LifecycleReason  *string                 `json:"lifecycle_reason"`
	Sources          []sourceJSON            `json:"sources"`
	CreatedAt        time.Time               `json:"created_at"`
}

type vendorRefJSON struct {
	Slug string               `json:"slug"`
	Name string               `json:"name"`
	Kind directory.VendorKind `json:"kind"`
	Link string               `json:"link"`
}

type toolLinks struct {
	Self      string `json:"self"`
	Adoptions string `json:"adoptions"`
}

// sourceJSON says where facts of a profile come from, for attribution.
type sourceJSON struct {
	Kind       directory.SourceKind `json:"kind"`
	Name       string               `json:"name"`
	URL        *string              `json:"url"`
	Licence    *string              `json:"licence"`
	Fields     []string             `json:"fields"`
	ObservedOn *string              `json:"observed_on"`
}

func date(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func newToolSummaryJSON(t *directory.Tool) toolSummaryJSON {
	out := toolSummaryJSON{
		Slug: t.Slug, Name: t.Name, Tagline: directory.Label{FR: t.TaglineFR, EN: t.TaglineEN},
		Categories: orEmpty(t.Categories), Website: nullable(t.Website), Licence: nullable(t.Licence),
		OpenSource: t.OpenSource, BusinessModel: t.BusinessModel, Hosting: t.Hosting, Lifecycle: t.Lifecycle,
		AdoptionCount: t.AdoptionCount, UpdatedAt: t.UpdatedAt,
		Links: toolLinks{Self: "/api/v1/tools/" + t.Slug, Adoptions: "/api/v1/adoptions?tool=" + t.Slug},
	}
	if t.Vendor != nil {
		out.Vendor = &vendorRefJSON{Slug: t.Vendor.Slug, Name: t.Vendor.Name, Kind: t.Vendor.Kind, Link: "/api/v1/vendors/" + t.Vendor.Slug}
	}
	return out
}

func newToolJSON(t *directory.Tool) toolJSON {
	out := toolJSON{
		toolSummaryJSON: newToolSummaryJSON(t),
		Description:     directory.Label{FR: t.DescriptionFR, EN: t.DescriptionEN},
		SourceRepo:      nullable(t.SourceRepo), Languages: orEmpty(t.Languages),
		Accessibility: t.Accessibility, AccessibilityURL: nullable(t.AccessibilityURL),
		LifecycleSince: date(t.LifecycleSince), LifecycleReason: nullable(t.LifecycleReason),
		Sources: []sourceJSON{}, CreatedAt: t.CreatedAt,
	}
	if t.FoundedYear != 0 {
		y := t.FoundedYear
		out.FoundedYear = &y
	}
	for _, s := range t.Sources {
		out.Sources = append(out.Sources, sourceJSON{Kind: s.Kind, Name: s.Name, URL: nullable(s.URL),
			Licence: nullable(s.Licence), Fields: orEmpty(s.Fields), ObservedOn: date(s.ObservedOn)})
	}
	return out
}

// toolParams are the query parameters of GET /tools. Their names and
// values are those of the search facets (search.FacetNames), so a client
// moves between /tools and /search without renaming anything; the facets
// that need the search index (country, adopter_*) are on /search only.
func toolParams() []string {
	return []string{"category", "open_source", "licence", "business_model", "hosting", "lifecycle", "vendor", "vendor_kind", "limit", "cursor"}
}

var slugParam = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func toolFilter(q url.Values) (directory.ToolFilter, error) {
	var f directory.ToolFilter
	var errs []civiscope.FieldError
	for _, name := range toolParams() {
		if len(q[name]) > 1 {
			errs = append(errs, civiscope.FieldError{Field: name, Message: "give it once; to combine several values use /api/v1/search"})
		}
	}
	f.Category = q.Get("category")
	switch v := q.Get("open_source"); v {
	case "":
	case "yes", "no":
		b := v == "yes"
		f.OpenSource = &b
	default:
		errs = append(errs, civiscope.FieldError{Field: "open_source", Message: fmt.Sprintf("must be yes or no, not %q", v)})
	}
	f.Licence = q.Get("licence")
	f.BusinessModel = directory.BusinessModel(q.Get("business_model"))
	f.Hosting = directory.Hosting(q.Get("hosting"))
	f.Lifecycle = directory.Lifecycle(q.Get("lifecycle"))
	f.VendorKind = directory.VendorKind(q.Get("vendor_kind"))
	if v := q.Get("vendor"); v != "" {
		if !slugParam.MatchString(v) || len(v) > directory.MaxSlugLen {
			errs = append(errs, civiscope.FieldError{Field: "vendor", Message: fmt.Sprintf("%q is not a vendor slug (lower-case letters, digits and dashes)", v)})
		}
		f.VendorSlug = v
	}
	if len(f.Licence) > 100 {
		errs = append(errs, civiscope.FieldError{Field: "licence", Message: "is longer than an SPDX expression can be"})
	}
	return f, civiscope.Invalid(errs)
}

// listTools serves GET /api/v1/tools: tools by slug, filtered like the
// search facets, with keyset pagination.
func (a *API) listTools(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, toolParams()...); err != nil {
		a.problem(w, r, err)
		return
	}
	q := r.URL.Query()
	f, err := toolFilter(q)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	if f.Limit, err = pageLimit(q); err != nil {
		a.problem(w, r, err)
		return
	}
	key := cursorQuery(r)
	if c := q.Get("cursor"); c != "" {
		if err := a.cursors.decode(c, key, &f.After); err != nil {
			a.problem(w, r, err)
			return
		}
	}
	page, err := directory.ListTools(r.Context(), a.db, f)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	out := make([]toolSummaryJSON, len(page.Tools))
	for i := range page.Tools {
		out[i] = newToolSummaryJSON(&page.Tools[i])
	}
	next := ""
	if page.Next != "" {
		next = a.cursors.encode(key, page.Next)
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, newPage(w, r, out, next))
}

// pathSlug reads a slug from the path; anything else is a 400 rather than
// a lookup.
func pathSlug(r *http.Request, what string) (string, error) {
	s := chi.URLParam(r, "slug")
	if !slugParam.MatchString(s) || len(s) > directory.MaxSlugLen {
		return "", civiscope.Invalid([]civiscope.FieldError{{Field: "slug", Message: fmt.Sprintf("%q is not a %s slug (lower-case letters, digits and dashes)", s, what)}})
	}
	return s, nil
}

// getTool serves GET /api/v1/tools/{slug}.
func (a *API) getTool(w http.ResponseWriter, r *http.Request) {
	slug, err := pathSlug(r, "tool")
	if err == nil {
		err = onlyParams(r)
	}
	if err != nil {
		a.problem(w, r, err)
		return
	}
	t, err := directory.GetTool(r.Context(), a.db, slug)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, newToolJSON(t))
}

// categoryJSON is one entry of the taxonomy.
type categoryJSON struct {
	Slug  string          `json:"slug"`
	Label directory.Label `json:"label"`
	Links struct {
		Tools string `json:"tools"`
	} `json:"links"`
}

// listCategories serves GET /api/v1/categories: the whole taxonomy, in
// display order, in one page.
func (a *API) listCategories(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	cats := directory.Categories()
	out := make([]categoryJSON, len(cats))
	for i, c := range cats {
		out[i] = categoryJSON{Slug: c.Slug, Label: c.Label}
		out[i].Links.Tools = "/api/v1/tools?category=" + c.Slug
	}
	a.writeJSON(w, r, http.StatusOK, cacheStable, newPage(w, r, out, ""))
}
