package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/api/token"
	"github.com/civiscope/civiscope/server"
)

// cors lets any web page read the API: reads are public data. Writes are
// not offered cross-origin (no Allow-Methods beyond GET and HEAD), so a
// page cannot use a visitor's token to change anything.
func (a *API) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", "GET, HEAD")
			h.Set("Access-Control-Allow-Headers", "Authorization, If-None-Match")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "ETag, Link, Retry-After")
		}
		next.ServeHTTP(w, r)
	})
}

type tokenKey struct{}

// callerToken returns the authenticated token, or nil for anonymous calls.
func callerToken(ctx context.Context) *token.Token {
	t, _ := ctx.Value(tokenKey{}).(*token.Token)
	return t
}

// authenticate reads an optional bearer token and applies the rate limit of
// the caller: per token when one is given, per IP otherwise. A wrong token
// is refused outright rather than treated as anonymous, so a client learns
// of a revoked token at once. Failed attempts count against the IP, so
// guessing tokens is as slow as any other anonymous use.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := a.now()
		header := r.Header.Get("Authorization")
		if header == "" {
			if !a.allow(w, r, a.limits.ip, "ip:"+a.clientIP(r), now) {
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		scheme, secret, _ := strings.Cut(header, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			if a.allow(w, r, a.limits.ip, "ip:"+a.clientIP(r), now) {
				a.problem(w, r, civiscope.Errorf(civiscope.EUNAUTHORIZED, `the Authorization header must be "Bearer <token>"`))
			}
			return
		}
		t, err := token.Authenticate(r.Context(), a.db, strings.TrimSpace(secret))
		if err != nil {
			if civiscope.ErrorCode(err) == civiscope.EUNAUTHORIZED && !a.allow(w, r, a.limits.ip, "ip:"+a.clientIP(r), now) {
				return
			}
			a.problem(w, r, err)
			return
		}
		if !a.allow(w, r, a.limits.token, "token:"+strconv.FormatInt(t.ID, 10), now) {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, t)))
	})
}

// allow charges one request to a bucket and answers 429 when it is empty.
func (a *API) allow(w http.ResponseWriter, r *http.Request, set *server.Limiter, key string, now time.Time) bool {
	ok, wait := set.Allow(key, now)
	if ok {
		return true
	}
	secs := retryAfter(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	a.problem(w, r, civiscope.Errorf(civiscope.ETOOMANY,
		"too many requests: the limit is %g per second with bursts of %d; retry in %d s, or use an API token for a higher limit",
		set.Rate(), set.Burst(), secs))
	return false
}

func (a *API) clientIP(r *http.Request) string { return server.ClientIP(r, a.cfg.TrustProxy) }

// require refuses callers whose token does not carry scope need.
func (a *API) require(need token.Scope) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t := callerToken(r.Context())
			switch {
			case t == nil:
				a.problem(w, r, civiscope.Errorf(civiscope.EUNAUTHORIZED, "this endpoint needs an API token with the %s scope: send Authorization: Bearer <token>", need))
			case !t.Scope.Allows(need):
				a.problem(w, r, civiscope.Errorf(civiscope.EFORBIDDEN, "this endpoint needs the %s scope; the token has %s", need, t.Scope))
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}
