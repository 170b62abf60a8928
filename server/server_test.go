package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// Tokens travel in URL paths (survey invitations, password resets); the
// request log must name the route, never the path.
func TestRequestLogOmitsSecretsInPaths(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := NewRouter(Deps{Log: log}, func(r chi.Router) {
		r.Get("/barometre/repondre/{token}", func(w http.ResponseWriter, r *http.Request) {})
		r.Get("/boom/{token}", func(w http.ResponseWriter, r *http.Request) { panic("bug") })
	})
	for _, path := range []string{"/barometre/repondre/s3cr3t-token", "/boom/s3cr3t-token", "/nowhere/s3cr3t-token"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	}
	out := logs.String()
	if strings.Contains(out, "s3cr3t") {
		t.Errorf("a token reached the log:\n%s", out)
	}
	for _, want := range []string{"route=/barometre/repondre/{token}", "route=/boom/{token}", `msg="panic in handler"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestPanicBecomes500(t *testing.T) {
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	h := NewRouter(Deps{Log: log}, func(r chi.Router) {
		r.Get("/boom", func(w http.ResponseWriter, r *http.Request) { panic("bug") })
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
}
