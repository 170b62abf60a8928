// Package app is the composition root of the HTTP side: Handler builds the
// whole site, the root router with its middleware (package server), the
// REST API (package api) and the HTML site (package web), from one Deps.
// `civiscope serve` and every test that needs the site call it, so that
// tests run the wiring production runs.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/civiscope/civiscope/api"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/web"
)

// Deps is everything the site needs. Web's Log, Pool and Search serve the
// API too, and the API's TrustProxy (API_TRUST_PROXY) is the one setting
// both honour when they count a client's requests.
type Deps struct {
	Web web.Deps
	API api.Config
	// APINow is the clock of the API's rate limits and cache; nil means
	// time.Now.
	APINow func() time.Time
	// RequestTimeout ends a request's database work; 0 means the server's
	// default.
	RequestTimeout time.Duration
}

// heavy are the path prefixes whose requests run long queries (reports):
// they share a gate of half the pool (server.Deps.Heavy).
var heavy = []string{"/api/v1/reports/", "/rapports/"}

// Handler builds the site. ctx bounds the background refresh of the
// territory index when Deps.Web.Territories is nil.
func Handler(ctx context.Context, d Deps) (http.Handler, error) {
	if d.Web.Log == nil {
		d.Web.Log = slog.New(slog.DiscardHandler)
	}
	d.Web.TrustProxy = d.API.TrustProxy
	if d.Web.Editions == nil {
		d.Web.Editions = barometer.NewReports(d.Web.Pool)
	}
	a, err := api.New(api.Deps{DB: d.Web.Pool, Log: d.Web.Log, Search: d.Web.Search, Now: d.APINow, Editions: d.Web.Editions}, d.API)
	if err != nil {
		return nil, err
	}
	site, err := web.New(ctx, d.Web)
	if err != nil {
		return nil, err
	}
	return server.NewRouter(server.Deps{Log: d.Web.Log, Pool: d.Web.Pool, PublicURL: d.Web.PublicURL,
		Heavy: heavy, RequestTimeout: d.RequestTimeout}, a.Mount, site.Routes), nil
}
