package api

import (
	"net/http"
	"time"

	"github.com/civiscope/civiscope/directory"
)

// vendorJSON is a vendor with its tools.
type vendorJSON struct {
	Slug      string               `json:"slug"`
	Name      string               `json:"name"`
	Kind      directory.VendorKind `json:"kind"`
	SIREN     *string              `json:"siren"`
	Country   *string              `json:"country"`
	Website   *string              `json:"website"`
	Tools     []toolRefJSON        `json:"tools"`
	CreatedAt time.Time            `json:"created_at"`
	UpdatedAt time.Time            `json:"updated_at"`
	Links     vendorLinks          `json:"links"`
}

type toolRefJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Link string `json:"link"`
}

type vendorLinks struct {
	Self  string `json:"self"`
	Tools string `json:"tools"`
}

// getVendor serves GET /api/v1/vendors/{slug}. A vendor makes a handful of
// tools, so they are listed in full (up to the directory's page maximum;
// the tools link pages through any more).
func (a *API) getVendor(w http.ResponseWriter, r *http.Request) {
	slug, err := pathSlug(r, "vendor")
	if err == nil {
		err = onlyParams(r)
	}
	if err != nil {
		a.problem(w, r, err)
		return
	}
	v, err := directory.GetVendor(r.Context(), a.db, slug)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	tools, err := directory.ListTools(r.Context(), a.db, directory.ToolFilter{VendorSlug: slug, Limit: directory.MaxPageSize})
	if err != nil {
		a.problem(w, r, err)
		return
	}
	out := vendorJSON{
		Slug: v.Slug, Name: v.Name, Kind: v.Kind, SIREN: nullable(v.SIREN), Country: nullable(v.Country),
		Website: nullable(v.Website), Tools: []toolRefJSON{}, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		Links: vendorLinks{Self: "/api/v1/vendors/" + v.Slug, Tools: "/api/v1/tools?vendor=" + v.Slug},
	}
	for _, t := range tools.Tools {
		out.Tools = append(out.Tools, toolRefJSON{Slug: t.Slug, Name: t.Name, Link: "/api/v1/tools/" + t.Slug})
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, out)
}
