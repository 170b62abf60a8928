package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/api/token"
	"github.com/civiscope/civiscope/postgres"
)

// tokenJSON is a token as the API shows it; the secret appears only in the
// answer to its creation.
type tokenJSON struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`
	Scope      token.Scope `json:"scope"`
	Prefix     string      `json:"prefix"`
	UserID     *int64      `json:"user_id"`
	CreatedAt  time.Time   `json:"created_at"`
	ExpiresAt  *time.Time  `json:"expires_at"`
	LastUsedAt *time.Time  `json:"last_used_at"`
	RevokedAt  *time.Time  `json:"revoked_at"`
	Secret     string      `json:"secret,omitempty"`
}

func newTokenJSON(t *token.Token) tokenJSON {
	out := tokenJSON{ID: t.ID, Name: t.Name, Scope: t.Scope, Prefix: t.Prefix, CreatedAt: t.CreatedAt,
		ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
	if t.UserID != 0 {
		id := t.UserID
		out.UserID = &id
	}
	return out
}

// currentToken serves GET /api/v1/token: what the caller's token is, so a
// client can check its credentials and scope.
func (a *API) currentToken(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	t := callerToken(r.Context())
	if t == nil {
		a.problem(w, r, civiscope.Errorf(civiscope.EUNAUTHORIZED, "no token was sent: send Authorization: Bearer <token>"))
		return
	}
	a.writeJSON(w, r, http.StatusOK, cachePrivate, newTokenJSON(t))
}

// listTokens serves GET /api/v1/tokens, newest first.
func (a *API) listTokens(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, "limit", "cursor", "revoked"); err != nil {
		a.problem(w, r, err)
		return
	}
	q := r.URL.Query()
	limit, err := pageLimit(q)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	opt := token.ListOptions{Limit: limit + 1}
	switch v := q.Get("revoked"); v {
	case "", "false":
	case "true":
		opt.Revoked = true
	default:
		a.problem(w, r, civiscope.Invalid([]civiscope.FieldError{{Field: "revoked", Message: fmt.Sprintf("must be true or false, not %q", v)}}))
		return
	}
	if c := q.Get("cursor"); c != "" {
		if err := a.cursors.decode(c, cursorQuery(r), &opt.Before); err != nil {
			a.problem(w, r, err)
			return
		}
	}
	ts, err := token.List(r.Context(), a.db, opt)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	next := ""
	if len(ts) > limit {
		ts = ts[:limit]
		next = a.cursors.encode(cursorQuery(r), ts[limit-1].ID)
	}
	out := make([]tokenJSON, len(ts))
	for i := range ts {
		out[i] = newTokenJSON(&ts[i])
	}
	a.writeJSON(w, r, http.StatusOK, cachePrivate, newPage(w, r, out, next))
}

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	Name      string      `json:"name"`
	Scope     token.Scope `json:"scope"`
	ExpiresAt *time.Time  `json:"expires_at"`
	// UserEmail names the account a write token acts for.
	UserEmail string `json:"user_email"`
}

// createToken serves POST /api/v1/tokens; the answer holds the secret,
// once.
func (a *API) createToken(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	var req tokenRequest
	if err := a.decode(w, r, &req); err != nil {
		a.problem(w, r, err)
		return
	}
	n := token.NewToken{Name: req.Name, Scope: req.Scope, ExpiresAt: req.ExpiresAt}
	if req.UserEmail != "" {
		u, err := account.ByEmail(r.Context(), a.db, req.UserEmail)
		if err != nil {
			a.problem(w, r, asFilterError(err, "user_email"))
			return
		}
		n.UserID = u.ID
	}
	t, secret, err := token.Create(r.Context(), a.db, n)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	out := newTokenJSON(t)
	out.Secret = secret
	w.Header().Set("Location", "/api/v1/tokens/"+strconv.FormatInt(t.ID, 10))
	a.writeJSON(w, r, http.StatusCreated, cacheNever, out)
}

func tokenID(r *http.Request) (int64, error) {
	v := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, civiscope.Invalid([]civiscope.FieldError{{Field: "id", Message: fmt.Sprintf("must be a positive whole number, not %q", v)}})
	}
	return id, nil
}

// getToken serves GET /api/v1/tokens/{id}.
func (a *API) getToken(w http.ResponseWriter, r *http.Request) {
	a.withToken(w, r, cachePrivate, token.Get)
}

// revokeToken serves DELETE /api/v1/tokens/{id}. The token stays listed,
// marked revoked, so an audit can tell what existed.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) {
	a.withToken(w, r, cacheNever, token.Revoke)
}

// withToken runs fn on the token named in the path and shows the result.
func (a *API) withToken(w http.ResponseWriter, r *http.Request, cache string,
	fn func(context.Context, postgres.Querier, int64) (*token.Token, error)) {
	id, err := tokenID(r)
	if err == nil {
		err = onlyParams(r)
	}
	if err != nil {
		a.problem(w, r, err)
		return
	}
	t, err := fn(r.Context(), a.db, id)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	a.writeJSON(w, r, http.StatusOK, cache, newTokenJSON(t))
}
