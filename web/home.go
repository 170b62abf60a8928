package web

import "net/http"

func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	s.rd.RenderNav(w, r, http.StatusOK, "home", "home", nil)
}
