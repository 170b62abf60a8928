// Package contrib is the contributors' side of the web site: accounts
// (sign up, log in, reset, GDPR deletion), proposals (a new tool, an edit, an
// adoption declaration), claims of listings by vendors, the moderation queue
// with its diffs and decisions, revision histories with revert, the audit
// log, the mail outbox and the barometer's confidential participation
// dashboard. It reuses the site's layout through
// web.NewRenderer and mounts its routes next to the site's.
//
// Every state-changing form carries a CSRF token (double-submit cookie,
// checked with a constant-time comparison) and cross-origin POSTs are
// refused outright; sessions are server-side (package account) behind an
// HttpOnly, SameSite=Lax cookie, Secure when the site is served over HTTPS.
package contrib

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/claim"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/web"
)

//go:embed templates
var templateFS embed.FS

// Deps is what the contributors' pages need.
type Deps struct {
	Log    *slog.Logger
	Pool   *pgxpool.Pool
	Mailer *account.Mailer
	Claims *claim.Checker
	// Territories resolves the collectivité names people type; required.
	Territories *territory.Index
	// PublicURL builds links in emails; an https URL also makes cookies
	// Secure.
	PublicURL string
	// IPLimit and IPBurst bound the state-changing requests one address
	// may send (per second, and at once); zero takes the defaults.
	IPLimit float64
	IPBurst int
	// TrustProxy (API_TRUST_PROXY) counts requests against the address a
	// reverse proxy saw, as the API does.
	TrustProxy bool
}

// Handler serves the pages.
type Handler struct {
	log         *slog.Logger
	db          *pgxpool.Pool
	rd          *web.Renderer
	mail        *account.Mailer
	claims      *claim.Checker
	territories *territory.Index
	public      string
	secure      bool
	limiter     *server.Limiter
	moderators  *server.Limiter
	trustProxy  bool
}

// New parses the templates and builds the handler.
func New(d Deps) (*Handler, error) {
	if d.Territories == nil {
		return nil, errors.New("contrib: Deps.Territories is required")
	}
	pages, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, fmt.Errorf("contrib templates: %w", err)
	}
	// Every error these pages show is said in the reader's language.
	rd, err := web.NewRenderer(web.RendererOptions{Log: d.Log, Pages: pages, Messages: messages(), Funcs: funcs()})
	if err != nil {
		return nil, err
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Mailer == nil {
		d.Mailer = &account.Mailer{Log: d.Log}
	}
	if d.IPLimit <= 0 {
		d.IPLimit = 0.2 // one state-changing request every 5 s on average…
	}
	if d.IPBurst <= 0 {
		d.IPBurst = 20 // …after a burst of 20: enough for a person, not for a bot
	}
	return &Handler{log: d.Log, db: d.Pool, rd: rd, mail: d.Mailer, claims: d.Claims, territories: d.Territories,
		public: strings.TrimRight(d.PublicURL, "/"), secure: strings.HasPrefix(d.PublicURL, "https://"),
		limiter: server.NewLimiter(d.IPLimit, d.IPBurst, 0), moderators: server.NewLimiter(2, 120, 0),
		trustProxy: d.TrustProxy}, nil
}

// Mount attaches the pages to the root router.
func (h *Handler) Mount() server.Mount {
	return func(r chi.Router) {
		r.Group(func(r chi.Router) {
			r.Use(web.SecurityHeaders, h.session, h.protect)
			h.routes(r)
		})
	}
}

func (h *Handler) routes(r chi.Router) {
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

// fail renders err; a throttling error gets its Retry-After header.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	setRetryAfter(w, err)
	h.rd.Error(w, r, err)
}

// setRetryAfter tells a throttled client when to come back, in whole
// seconds rounded up.
func setRetryAfter(w http.ResponseWriter, err error) {
	if wait, ok := account.RetryAfter(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	}
}

// pathID reads a numeric URL parameter.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, civiscope.Errorf(civiscope.ENOTFOUND, "no such page")
	}
	return id, nil
}

// formError reports whether err is one to show next to the form (the
// user's mistake) rather than as an error page.
func formError(err error) bool {
	switch civiscope.ErrorCode(err) {
	case civiscope.EINVALID, civiscope.ECONFLICT, civiscope.EUNAUTHORIZED, civiscope.ETOOMANY:
		return true
	}
	return false
}

var errHoneypot = civiscope.Ruled(civiscope.EINVALID, "honeypot", nil, "the form could not be processed")

// isHoneypot reports a filled trap field, which people never see.
func isHoneypot(r *http.Request) bool { return r.PostFormValue("site_web") != "" }

func asError(err error, target any) bool { return errors.As(err, target) }
