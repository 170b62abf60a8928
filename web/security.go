package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/server"
)

// maxForm bounds a form body: the longest field is a 5,000-character
// description, so 64 KiB leaves room for every field and refuses a flood.
const maxForm = 64 << 10

type ctxKey int

const (
	userKey ctxKey = iota
	csrfKey
)

func (h *Handler) cookieName(base string) string {
	if h.secure {
		// __Host- cookies must be Secure, host-only and Path=/: a
		// sub-domain cannot plant one.
		return "__Host-" + base
	}
	return base
}

func (h *Handler) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: h.cookieName(name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

// protect refuses state-changing requests that come from another origin or
// lack the CSRF token, bounds form bodies, and rate-limits them per client
// address (moderators excepted). It runs after session. Safe methods pass, with a CSRF cookie set for the forms they
// show.
func (h *Handler) protect(next http.Handler) http.Handler { return h.protectUpTo(maxForm)(next) }

// protectUpTo is protect for forms of at most limit bytes.
func (h *Handler) protectUpTo(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		cop := http.NewCrossOriginProtection()
		cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.rd.Error(w, r, civiscope.Errorf(civiscope.EFORBIDDEN, "cross-origin request refused"))
		}))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token := ""
			if c, err := r.Cookie(h.cookieName("csrf")); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
				token = c.Value
			}
			if token == "" {
				b := make([]byte, 32)
				_, _ = rand.Read(b)
				token = base64.RawURLEncoding.EncodeToString(b)
				h.setCookie(w, "csrf", token, 0)
			}
			r = r.WithContext(context.WithValue(r.Context(), csrfKey, token))
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				next.ServeHTTP(w, r)
				return
			}
			if ok, wait := h.allow(r); !ok {
				h.fail(w, r, account.TooMany(wait, "too many requests from your address; wait a moment"))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := r.ParseForm(); err != nil {
				h.rd.Error(w, r, civiscope.Errorf(civiscope.ETOOLARGE, "the form is too large (at most %d KiB)", limit>>10))
				return
			}
			sent := r.PostForm.Get("csrf")
			if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				h.rd.Error(w, r, civiscope.Errorf(civiscope.EFORBIDDEN, "the form's security token is missing or out of date; reload the page and send it again"))
				return
			}
			cop.Handler(next).ServeHTTP(w, r)
		})
	}
}

// session loads the logged-in account, if any.
func (h *Handler) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(h.cookieName("session")); err == nil && c.Value != "" {
			u, err := account.SessionUser(r.Context(), h.db, c.Value)
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(r.Context(), userKey, u))
			case civiscope.ErrorCode(err) == civiscope.EUNAUTHORIZED:
				h.setCookie(w, "session", "", -1)
			default:
				h.fail(w, r, err)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func currentUser(r *http.Request) *account.User {
	u, _ := r.Context().Value(userKey).(*account.User)
	return u
}

func csrfToken(r *http.Request) string {
	s, _ := r.Context().Value(csrfKey).(string)
	return s
}

// clientIP is the address the limits count, proxy-aware like the API's.
func (h *Handler) clientIP(r *http.Request) string { return server.ClientIP(r, h.trustProxy) }

// allow charges a state-changing request to its bucket and checks it
// there. Moderators work through the queue in bursts (their decisions are
// audited), so they have a more generous bucket of their own account
// rather than the address's, which they must not use up for the visitors
// behind the same address.
func (h *Handler) allow(r *http.Request) (bool, time.Duration) {
	if u := currentUser(r); u.CanModerate() {
		return h.moderators.Allow("user:"+strconv.FormatInt(u.ID, 10), time.Now())
	}
	return h.limiter.Allow(h.clientIP(r), time.Now())
}

// requireUser answers with the login page when nobody is logged in.
func (h *Handler) requireUser(w http.ResponseWriter, r *http.Request) *account.User {
	u := currentUser(r)
	if u == nil {
		back := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			back = "/"
		}
		http.Redirect(w, r, "/compte/connexion?retour="+urlEscape(back), http.StatusSeeOther)
	}
	return u
}

// requireModerator answers 403 to anyone but moderators and admins.
func (h *Handler) requireModerator(w http.ResponseWriter, r *http.Request) *account.User {
	u := h.requireUser(w, r)
	if u == nil {
		return nil
	}
	if !u.CanModerate() {
		h.rd.Error(w, r, civiscope.Ruled(civiscope.EFORBIDDEN, "moderators_only", nil, "this page is for moderators and admins"))
		return nil
	}
	return u
}

// moderatorsOnly lets moderators and admins through (requireModerator):
// the others get the login page or a refusal.
func (h *Handler) moderatorsOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.requireModerator(w, r) != nil {
			next.ServeHTTP(w, r)
		}
	})
}

// localPath keeps only a path on this site, for ?retour=.
func localPath(raw string) string {
	if p, ok := server.LocalPath(raw); ok {
		return p
	}
	return "/compte"
}
