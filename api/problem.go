package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/server"
)

// problem is an RFC 9457 problem details object. Type points to the
// documentation of the error code, so a client developer can read what it
// means; Errors (an extension member) names the fields to fix.
type problem struct {
	Type      string                 `json:"type"`
	Title     string                 `json:"title"`
	Status    int                    `json:"status"`
	Detail    string                 `json:"detail"`
	Instance  string                 `json:"instance,omitempty"`
	Code      string                 `json:"code"`
	Errors    []civiscope.FieldError `json:"errors,omitempty"`
	RequestID string                 `json:"request_id,omitempty"`
}

// problem writes err as application/problem+json with the status that
// server.HTTPStatus gives its code. Internal errors are logged with their
// cause and shown with a generic message.
func (a *API) problem(w http.ResponseWriter, r *http.Request, err error) {
	code := civiscope.ErrorCode(err)
	if code == civiscope.EINTERNAL {
		a.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err,
			"request_id", middleware.GetReqID(r.Context()))
	}
	status := server.HTTPStatus(err)
	if status == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
		// A domain limit (contributions per hour) says how long to wait.
		wait, ok := account.RetryAfter(err)
		if !ok {
			wait = time.Minute
		}
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
	}
	writeProblem(w, r, status, code, civiscope.ErrorMessage(err), civiscope.ErrorFields(err))
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail string, fields []civiscope.FieldError) {
	p := problem{
		Type:      "/api/docs#problem-" + code,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  r.URL.Path,
		Code:      code,
		Errors:    fields,
		RequestID: middleware.GetReqID(r.Context()),
	}
	body, err := json.Marshal(p)
	if err != nil { // cannot happen with these field types
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="civiscope"`)
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func errNoRoute(r *http.Request) error {
	return civiscope.Errorf(civiscope.ENOTFOUND, "no API endpoint at %s; the list is at /api/docs", r.URL.Path)
}

// methodNotAllowed is routing, not a domain error, so it has no civiscope
// code and is the one problem written without server.HTTPStatus.
func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusMethodNotAllowed, "method_not_allowed",
		"method "+r.Method+" is not allowed on "+r.URL.Path+"; see /api/docs", nil)
}
