// Package web is the server-rendered HTML site: html/template pages inside
// one layout, assets embedded in the binary, French first and English
// second. Every page works without JavaScript. Handlers stay thin: they
// parse the request, call the domain packages and render.
//
// Other packages reuse the layout through Renderer (see RendererOptions).
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/chart"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
	"github.com/civiscope/civiscope/server"
)

// Deps is what the site needs from the outside world.
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
}

// Site holds the handlers of the public site.
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

// New builds the site: it parses every template, builds the message
// catalogue and projects the map once, so that a broken template fails at
// start and not on a visitor's request.
func New(ctx context.Context, d Deps) (*Site, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	rd, err := NewRenderer(RendererOptions{Log: d.Log})
	if err != nil {
		return nil, err
	}
	fr, err := chart.LoadFrance()
	if err != nil {
		return nil, err
	}
	ix := d.Territories
	if ix == nil {
		if ix, err = territory.LoadIndex(ctx, d.Pool); err != nil {
			return nil, err
		}
		go ix.Watch(ctx, d.Pool, time.Minute, func(err error) { d.Log.Warn("refresh territory index", "err", err) })
	}
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
	return &Site{log: d.Log, db: d.Pool, rd: rd, maps: fr, index: ix, deptNames: names, search: se,
		pages: newPageCache(2000), searches: newPageCache(2000),
		boot: strconv.FormatInt(time.Now().UnixNano(), 36)}, nil
}

// Renderer returns the site's renderer.
func (s *Site) Renderer() *Renderer { return s.rd }

// Mount attaches the site to the root router, with the security headers on
// every page, the static files and the HTML 404.
func (s *Site) Mount() server.Mount {
	return func(r chi.Router) {
		r.NotFound(SecurityHeaders(http.HandlerFunc(s.rd.NotFound)).ServeHTTP)
		r.MethodNotAllowed(SecurityHeaders(http.HandlerFunc(s.rd.methodNotAllowed)).ServeHTTP)
		r.Group(func(r chi.Router) {
			r.Use(SecurityHeaders, middleware.GetHead)
			r.Get("/static/*", staticHandler())
			r.Get("/langue/{lang}", s.switchLang)
			s.routes(r)
		})
	}
}

// SecurityHeaders sets the headers every HTML response carries (the CSP
// allows scripts and styles only from the site itself). The root router
// sets them on every response already; the mini-sites keep the call so
// that they are safe when mounted alone in tests.
func SecurityHeaders(next http.Handler) http.Handler { return server.SecurityHeaders(next) }

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
