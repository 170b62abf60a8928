package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// Routes lists every page of the site, by group. URLs are French, the
// default language; the English pages are the same URLs with the language
// cookie or ?lang=en. The root router (package server) has already set the
// security headers, the request deadline and the input checks.
func (a *App) Routes(r chi.Router) {
	r.NotFound(a.rd.NotFound)
	r.MethodNotAllowed(a.rd.methodNotAllowed)
	r.Group(func(r chi.Router) {
		r.Use(middleware.GetHead)
		r.Get("/static/*", staticHandler())
		r.Get("/langue/{lang}", a.site.switchLang)
		a.site.routes(r)
	})
	r.Route("/rapports", a.reports.routes)
	r.Group(a.survey.routes)
	r.Group(a.contrib.routes)
	// The staff's preview of an edition, from their session: a posted page
	// carries every answer so far, hence the survey's body limit.
	r.Group(func(r chi.Router) {
		r.Use(a.contrib.session, a.contrib.protectUpTo(maxSurveyBody), a.contrib.moderatorsOnly)
		r.Route("/moderation/barometre/{year}/apercu", a.survey.previewRoutes(a.survey.staffPreview()))
	})
}

// routes: the public directory.
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

// routes: the published figures and open-data releases, under /rapports.
func (s *Reports) routes(r chi.Router) {
	r.Get("/", s.index)
	r.Get("/adoptions/{dim}", s.adoptions)
	r.Get("/survie", s.survival)
	r.Get("/parts", s.shares)
	r.Get("/flux", s.flows)
	r.Get("/barometre/{year}", s.barometer)
	r.Get("/donnees", s.openData)
	r.Get("/donnees/{dataset}/{version}/{file}", s.download)
}

// routes: the barometer's respondent flow, reached by an invitation's
// token, and its public participation page. The staff's pages are with
// moderation.
func (s *SurveyFlow) routes(r chi.Router) {
	r.Route("/barometre/repondre/{token}", func(r chi.Router) {
		r.Use(privatePage)
		r.Get("/", s.start)
		r.Get("/etape/{n}", s.showPage)
		r.Post("/etape/{n}", s.savePage)
		r.Get("/relecture", s.review)
		r.Post("/transmettre", s.submit)
		r.Get("/merci", s.done)
	})
	r.Route("/barometre/apercu/{token}", s.previewRoutes(s.tokenPreview()))
	r.Get("/barometre/{year}/participation", s.participation)
}

// routes: accounts and contributions, then moderation and histories.
// Every one of them knows its visitor (session) and refuses cross-origin
// or token-less forms and floods (protect).
func (h *Handler) routes(r chi.Router) {
	r.Use(h.session, h.protect)
	r.Get("/compte/inscription", h.signupForm)
	r.Post("/compte/inscription", h.signup)
	r.Get("/compte/confirmer", h.confirm)
	r.Get("/compte/connexion", h.loginForm)
	r.Post("/compte/connexion", h.login)
	r.Post("/compte/deconnexion", h.logout)
	r.Get("/compte/mot-de-passe-oublie", h.forgotForm)
	r.Post("/compte/mot-de-passe-oublie", h.forgot)
	r.Get("/compte/reinitialiser", h.resetForm)
	r.Post("/compte/reinitialiser", h.reset)
	r.Get("/compte", h.accountPage)
	r.Post("/compte/supprimer", h.deleteAccount)
	r.Post("/compte/agent", h.requestAgent)

	r.Get("/contribuer/outil", h.proposeToolForm)
	r.Post("/contribuer/outil", h.proposeTool)
	r.Get("/contribuer/adoption", h.declareForm)
	r.Post("/contribuer/adoption", h.declare)
	r.Get("/contribuer/mes-propositions", h.myProposals)
	r.Get("/contribuer/site-officiel/{kind}/{code}", h.websiteForm)
	r.Post("/contribuer/site-officiel/{kind}/{code}", h.proposeWebsite)
	r.Get("/contribuer/outils/{slug}/modifier", h.editForm)
	r.Post("/contribuer/outils/{slug}/modifier", h.proposeEdit)
	r.Get("/contribuer/outils/{slug}/revendiquer", h.claimPage)
	r.Post("/contribuer/outils/{slug}/revendiquer", h.startClaim)
	r.Post("/contribuer/outils/{slug}/editeur", h.nameVendor)
	r.Post("/revendications/{id}/verifier", h.verifyClaim)

	r.Get("/moderation", h.queue)
	r.Get("/moderation/propositions/{id}", h.proposal)
	r.Post("/moderation/propositions/{id}/decision", h.decide)
	r.Get("/moderation/journal", h.auditLog)
	r.Get("/moderation/agents", h.agents)
	r.Post("/moderation/agents", h.decideAgent)
	r.Get("/moderation/courriels", h.outbox)
	r.Get("/moderation/barometre", h.barometerEditions)
	r.Get("/moderation/barometre/{year}", h.barometerParticipation)

	r.Get("/historique/{entity}/{id}", h.history)
	r.Post("/historique/revisions/{id}/annuler", h.revert)
}

// privatePage keeps a response's pages out of caches: they hold a
// collectivité's draft answers and the token is in the URL.
func privatePage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Robots-Tag", "noindex")
		next.ServeHTTP(w, r)
	})
}
