package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Gate bounds the requests that work at once. Others wait in a queue of
// bounded length for a bounded time; past either bound the answer is 503
// with Retry-After at once, so a flood sheds load instead of piling up
// connections until nothing answers.
type Gate struct {
	slots   chan struct{}
	queue   chan struct{}
	maxWait time.Duration
}

// NewGate lets active requests work, queued more wait up to maxWait.
func NewGate(active, queued int, maxWait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(active, 1)), queue: make(chan struct{}, max(queued, 0)), maxWait: maxWait}
}

// Wrap guards next with the gate.
func (g *Gate) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.enter(r.Context()) {
			Overloaded(w, r, g.maxWait)
			return
		}
		defer func() { <-g.slots }()
		next.ServeHTTP(w, r)
	})
}

func (g *Gate) enter(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	select {
	case g.queue <- struct{}{}:
	default:
		return false
	}
	defer func() { <-g.queue }()
	t := time.NewTimer(g.maxWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// Overloaded answers 503 with Retry-After, in problem+json under /api/ and
// as a short bilingual page elsewhere.
func Overloaded(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int((retry+time.Second-1)/time.Second))))
	Refuse(w, r, http.StatusServiceUnavailable,
		"Le site est très sollicité ; réessayez dans un instant.",
		"The site is busy; try again in a moment.")
}

// heavyGate applies gate to the requests whose path starts with one of
// prefixes and lets the others through untouched.
func heavyGate(g *Gate, prefixes []string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		guarded := g.Wrap(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, p := range prefixes {
				if strings.HasPrefix(r.URL.Path, p) {
					guarded.ServeHTTP(w, r)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// deadline ends every request's context after d: pgx cancels the running
// statement with it, so no query outlives the request that asked for it.
func deadline(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
