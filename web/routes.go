package web

import "github.com/go-chi/chi/v5"

// routes lists every page of the site. URLs are French, the default
// language; the English pages are the same URLs with the language cookie or
// ?lang=en.
func (s *Site) routes(r chi.Router) {
	r.Get("/", s.home)
	r.Get("/territoires", s.territories)
	r.Get("/territoires/suggestions", s.suggestions)
	r.Get("/territoires/{kind}/{code}", s.territory)
	r.Get("/comme-ma-collectivite", s.peers)
	r.Get("/outils/{slug}", s.tool)
	r.Get("/editeurs/{slug}", s.vendor)
	r.Get("/comparer", s.compare)
	r.Get("/recherche", s.searchPage)
}
