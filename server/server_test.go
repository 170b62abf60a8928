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

func TestNULIsRefusedBeforeHandlers(t *testing.T) {
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	reached := 0
	h := NewRouter(Deps{Log: log}, func(r chi.Router) {
		r.Get("/api/v1/x", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
		r.HandleFunc("/form", func(w http.ResponseWriter, r *http.Request) {
			reached++
			if err := r.ParseForm(); err != nil {
				t.Errorf("a clean body became unreadable: %v", err)
			}
			_, _ = w.Write([]byte(r.PostForm.Get("name")))
		})
	})
	for _, c := range []struct {
		method, target, body string
		want                 int
	}{
		{"GET", "/form?q=a%00b", "", 400},
		{"POST", "/form", "name=Ville%00de", 400},
		{"POST", "/form", "name=Ville+de+Nanterre", 200},
		{"GET", "/form?q=100%25", "", 200},
		{"GET", "/api/v1/x?q=a%00b", "", 400}, // the API too, in problem+json
	} {
		req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
		if c.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s %s %q: %d, want %d", c.method, c.target, c.body, rec.Code, c.want)
		}
		if c.want == 200 && c.body != "" && rec.Body.String() != "Ville de Nanterre" {
			t.Errorf("the body did not reach the handler intact: %q", rec.Body.String())
		}
	}
	if reached != 2 {
		t.Errorf("handler reached %d times, want 2 (the clean requests only)", reached)
	}
}
