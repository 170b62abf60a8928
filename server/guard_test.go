package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
)

func testRouter(d Deps, mounts ...Mount) http.Handler {
	d.Log = slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	return NewRouter(d, mounts...)
}

// Hostile bytes are a 400 that says what is wrong, on the API in
// problem+json and on the site as a page, before any handler runs.
func TestBadInputIsA400Everywhere(t *testing.T) {
	reached := 0
	h := testRouter(Deps{}, func(r chi.Router) {
		r.HandleFunc("/api/v1/tools", func(w http.ResponseWriter, r *http.Request) { reached++ })
		r.HandleFunc("/outils/{slug}", func(w http.ResponseWriter, r *http.Request) { reached++ })
		r.HandleFunc("/compte/inscription", func(w http.ResponseWriter, r *http.Request) { _ = r.ParseForm(); reached++ })
	})
	for _, c := range []struct{ method, target, body, want string }{
		{"GET", "/api/v1/tools?licence=%FF%FE", "", "UTF-8"},
		{"GET", "/api/v1/tools?q=a%00", "", "NUL"},
		{"GET", "/api/v1/tools?page=9223372036854775807", "", "digits"},
		{"GET", "/outils/%FF%FE", "", "UTF-8"},
		{"GET", "/outils/99999999999999999999", "", "chiffres"},
		{"GET", "/outils/x?page=9223372036854775807", "", "chiffres"},
		{"POST", "/compte/inscription", "display_name=%FF%FE", "UTF-8"},
		{"POST", "/compte/inscription", "name=a%00", "caractère nul"},
	} {
		req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
		if c.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s %s %q: %d %q, want 400 saying %q", c.method, c.target, c.body, rec.Code, rec.Body.String(), c.want)
		}
		ct := rec.Header().Get("Content-Type")
		if api := strings.HasPrefix(c.target, "/api/"); api != (ct == "application/problem+json") || !api && !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: Content-Type %q", c.target, ct)
		}
	}
	if reached != 0 {
		t.Errorf("handlers reached %d times by bad input", reached)
	}
	for _, ok := range []string{"/outils/d%C3%A9cidim", "/api/v1/tools?siret=12345678901234", "/outils/x?page=2"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", ok, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d, want 200", ok, rec.Code)
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	for _, public := range []string{"http://localhost:8080", "https://civiscope.example"} {
		h := testRouter(Deps{PublicURL: public}, func(r chi.Router) {
			r.Get("/api/v1/categories", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("{}")) })
		})
		for _, path := range []string{"/api/v1/categories", "/api/nowhere", "/healthz-missing", "/api/v1/categories?q=%FF"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			hd := rec.Header()
			if !strings.Contains(hd.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
				hd.Get("X-Frame-Options") != "DENY" || hd.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %s lacks security headers: %v", public, path, hd)
			}
			hsts := hd.Get("Strict-Transport-Security")
			if https := strings.HasPrefix(public, "https"); https != (hsts != "") {
				t.Errorf("%s %s: Strict-Transport-Security %q", public, path, hsts)
			}
		}
	}
}

// A full gate sheds at once with 503 and Retry-After instead of queueing
// without bound.
func TestGateSheds(t *testing.T) {
	release := make(chan struct{})
	var started sync.WaitGroup
	g := NewGate(1, 1, 50*time.Millisecond)
	h := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Done()
		<-release
	}))
	started.Add(1)
	first := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/rapports/adoptions/region", nil))
		first <- rec.Code
	}()
	started.Wait()
	codes := make(chan *httptest.ResponseRecorder, 3)
	for range 3 {
		go func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/reports/adoptions/region", nil))
			codes <- rec
		}()
	}
	for range 3 {
		rec := <-codes
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("overloaded gate: %d Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	close(release)
	if c := <-first; c != http.StatusOK {
		t.Errorf("the request inside the gate: %d", c)
	}
}
