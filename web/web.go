// Package web is the server-rendered HTML site: html/template pages inside
// one layout, assets embedded in the binary, French first and English
// second. Every page works without JavaScript. Handlers stay thin: they
// parse the request, call the domain packages and render.
//
// The site is one App (New, Routes): the public directory, the reports,
// the barometer's respondent flow and staff pages, accounts and
// contributions, and moderation, on one renderer and one catalogue. The
// composition root (package app) mounts it next to the API.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/chart"
	"github.com/civiscope/civiscope/claim"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
	"github.com/civiscope/civiscope/server"
)

// Deps is what the web application needs from the outside world. Only
// Pool is required; every other field has a default fit for tests.
type Deps struct {
	Log  *slog.Logger
	Pool *pgxpool.Pool
	// Search answers the search page; nil means PostgreSQL full-text search
	// on Pool.
	Search search.Engine
	// Territories answers name lookups and peers; serve shares one index
	// (and refreshes it) across the site. Nil loads one that refreshes
	// itself every minute until ctx ends.
	Territories *territory.Index

	// OpenDataDir is where releases are published (`civiscope export …
	// --dir`); the report pages list and serve them.
	OpenDataDir string
	// Editions reads the barometer's published results; nil builds one.
	Editions *barometer.Reports

	// Now is the respondent flow's clock; nil means time.Now.
	Now func() time.Time

	// Mailer sends the accounts' mail; nil writes it to the outbox only.
	Mailer *account.Mailer
	// Claims checks vendors' domain proofs; nil turns verification off.
	Claims *claim.Checker
	// PublicURL builds links in emails; an https URL also makes cookies
	// Secure.
	PublicURL string
	// IPLimit and IPBurst bound the state-changing requests one address
	// may send (per second, and at once); zero takes the defaults.
	IPLimit float64
	IPBurst int
	// TrustProxy (API_TRUST_PROXY) counts form requests against the
	// address a reverse proxy saw, as the API does.
	TrustProxy bool
}

// App is the whole HTML site. Its parts share one renderer (one layout,
// one set of templates, one message catalogue) and one territory index;
// Routes lists every page.
type App struct {
	rd      *Renderer
	site    *Site
	reports *Reports
	survey  *SurveyFlow
	contrib *Handler
}

// New builds the site: it parses every template, builds the message
// catalogue and projects the map once, so that a broken template fails at
// start and not on a visitor's request.
func New(ctx context.Context, d Deps) (*App, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	rd, err := NewRenderer(d.Log)
	if err != nil {
		return nil, err
	}
	fr, err := chart.LoadFrance()
	if err != nil {
		return nil, err
	}
	if d.Territories == nil {
		if d.Territories, err = territory.LoadIndex(ctx, d.Pool); err != nil {
			return nil, err
		}
		go d.Territories.Watch(ctx, d.Pool, time.Minute, func(err error) { d.Log.Warn("refresh territory index", "err", err) })
	}
	site, err := newSite(ctx, d, rd, fr)
	if err != nil {
		return nil, err
	}
	return &App{rd: rd, site: site, reports: newReports(d, rd, fr), survey: newSurveyFlow(d, rd), contrib: newContributions(d, rd)}, nil
}

// Site holds the handlers of the public directory.
type Site struct {
	log    *slog.Logger
	db     *pgxpool.Pool
	rd     *Renderer
	maps   *chart.France
	index  *territory.Index
	search search.Engine
	pages  *pageCache // tool pages, by directory revision
	boot   string     // identifies this process, for ETags
	// searches are search pages, by the search index's cursor.
	searches *pageCache
	// deptNames names every département by code, for map tables.
	deptNames map[string]string
}

func newSite(ctx context.Context, d Deps, rd *Renderer, fr *chart.France) (*Site, error) {
	depts, err := territory.List(ctx, d.Pool, territory.Departement, 500, 0)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(depts.Items))
	for _, t := range depts.Items {
		names[t.Code] = t.Name
	}
	se := d.Search
	if se == nil {
		se = pg.New(d.Pool)
	}
	return &Site{log: d.Log, db: d.Pool, rd: rd, maps: fr, index: d.Territories, deptNames: names, search: se,
		pages: newPageCache(2000), searches: newPageCache(2000),
		boot: strconv.FormatInt(time.Now().UnixNano(), 36)}, nil
}

// staticHandler serves the embedded assets. The stylesheet URL carries a
// hash of its content, so it can be cached for a year.
func staticHandler() http.HandlerFunc {
	fsrv := http.FileServerFS(staticFS)
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		fsrv.ServeHTTP(w, r)
	}
}

// switchLang remembers the chosen language in a cookie and goes back to the
// page the visitor was on: a plain link, so it works without JavaScript.
func (s *Site) switchLang(w http.ResponseWriter, r *http.Request) {
	lang, ok := ParseLang(chi.URLParam(r, "lang"))
	if !ok {
		s.rd.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, safeReturn(r.URL.Query().Get("retour")), http.StatusSeeOther)
}

// safeReturn keeps only a local path (no scheme, no host, no "//" that a
// browser would read as another site), and drops ?lang= so the new cookie
// wins.
func safeReturn(raw string) string {
	raw, ok := server.LocalPath(raw)
	if !ok {
		return "/"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "/"
	}
	q := u.Query()
	q.Del("lang")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
