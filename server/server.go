// Package server assembles the HTTP surface: it mounts api and web on one
// chi router, adds the cross-cutting middleware and the health check, and
// runs the listener with a graceful shutdown.
package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Deps is what the handlers need from the outside world.
type Deps struct {
	Log  *slog.Logger
	Pool *pgxpool.Pool
	// PublicURL turns HSTS on when it is https.
	PublicURL string
	// Heavy lists path prefixes whose requests run long queries (reports);
	// they share a gate of half the pool, so that a flood of them leaves
	// connections for every other page and for /healthz.
	Heavy []string
	// RequestTimeout ends a request's database work; 0 means 30 s.
	RequestTimeout time.Duration
}

// Mount adds a part of the site (api, web) to the router.
type Mount func(r chi.Router)

// NewRouter builds the root handler.
func NewRouter(d Deps, mounts ...Mount) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(logRequests(d.Log))
	r.Use(recoverPanics(d.Log))
	r.Use(SecurityHeaders, strictTransport(d.PublicURL))
	r.Use(checkInput(r))
	r.Get("/healthz", health(d.Pool))
	r.Group(func(r chi.Router) {
		r.Use(deadline(cmp.Or(d.RequestTimeout, 30*time.Second)))
		if d.Pool != nil && len(d.Heavy) > 0 {
			n := int(d.Pool.Config().MaxConns) / 2
			r.Use(heavyGate(NewGate(n, 4*n, 2*time.Second), d.Heavy))
		}
		for _, m := range mounts {
			m(r)
		}
	})
	return r
}

// health answers 200 only when the database answers, so a load balancer
// never routes to an instance that cannot serve.
func health(pool *pgxpool.Pool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status, code := "ok", http.StatusOK
		if err := pool.Ping(ctx); err != nil {
			status, code = "database unreachable", http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]string{"status": status})
	}
}

func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			next.ServeHTTP(ww, r)
			level := slog.LevelDebug
			if ww.Status() >= 500 {
				level = slog.LevelError
			}
			log.Log(r.Context(), level, "request", "method", r.Method, "route", RouteOf(r),
				"status", ww.Status(), "bytes", ww.BytesWritten(), "duration", time.Since(start),
				"request_id", middleware.GetReqID(r.Context()))
		})
	}
}

// RouteOf names a request by its route pattern ("/barometre/repondre/{token}")
// rather than its path, so that secrets carried in URLs (invitation and
// reset tokens) never reach the logs.
func RouteOf(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "(unmatched)"
}

// recoverPanics turns a panic into a logged 500 instead of a dropped
// connection; it is a bug, never a user's mistake.
func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.Error("panic in handler", "route", RouteOf(r), "panic", v,
						"request_id", middleware.GetReqID(r.Context()))
					http.Error(w, "Internal error", http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// Run serves h on addr until ctx ends, then drains in-flight requests for up
// to 15 seconds. ready, if not nil, receives the bound address once the
// listener is open (tests listen on port 0).
func Run(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, h, log, ready)
}

// Listen opens addr, so that a command can fail on a taken port before it
// starts anything else.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Serve is Run on an open listener, which it closes.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", "15s")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
