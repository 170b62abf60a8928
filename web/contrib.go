// The contributors' side of the site: accounts (sign up, log in, reset,
// GDPR deletion), proposals (a new tool, an edit, an adoption declaration),
// claims of listings by vendors, the moderation queue with its diffs and
// decisions, revision histories with revert, the audit log, the mail
// outbox and the barometer's confidential participation dashboard.
//
// Every state-changing form carries a CSRF token (double-submit cookie,
// checked with a constant-time comparison) and cross-origin POSTs are
// refused outright; sessions are server-side (package account) behind an
// HttpOnly, SameSite=Lax cookie, Secure when the site is served over HTTPS.

package web

import (
	"errors"
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
)

// Handler serves the contributors' pages: accounts, proposals, claims,
// moderation and histories.
type Handler struct {
	log         *slog.Logger
	db          *pgxpool.Pool
	rd          *Renderer
	mail        *account.Mailer
	claims      *claim.Checker
	territories *territory.Index
	public      string
	secure      bool
	limiter     *server.Limiter
	moderators  *server.Limiter
	trustProxy  bool
}

// newContributions builds the contributors' pages. Every error they show
// is said in the reader's language (Catalogue.Explain).
func newContributions(d Deps, rd *Renderer) *Handler {
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
		trustProxy: d.TrustProxy}
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
