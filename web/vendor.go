package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope/directory"
)

type vendorView struct {
	Vendor *directory.Vendor
	Tools  []directory.Tool
}

func (s *Site) vendor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := directory.GetVendor(ctx, s.db, chi.URLParam(r, "slug"))
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	page, err := directory.ListTools(ctx, s.db, directory.ToolFilter{VendorSlug: v.Slug, Limit: directory.MaxPageSize})
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	s.rd.RenderNav(w, r, http.StatusOK, "vendor", "search", vendorView{Vendor: v, Tools: page.Tools})
}
