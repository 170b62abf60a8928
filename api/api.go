// Package api is the REST JSON API under /api: thin chi handlers over the
// domain packages, with RFC 9457 problem responses, cursor pagination,
// ETags, CORS for reads, bearer tokens and rate limits. Its contract is the
// hand-written OpenAPI 3.1 document openapi.json, served at
// /api/openapi.json and rendered at /api/docs; the tests check every
// response they produce against it.
package api

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/api/token"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/search"
	searchpg "github.com/civiscope/civiscope/search/pg"
)

// Config holds the API's tunables. LoadConfig reads them from the
// environment; zero values take the defaults.
type Config struct {
	// Anonymous requests are limited per client IP, authenticated ones per
	// token: Rate requests per second on average, bursts of Burst.
	IPRate     float64 // API_RATE_IP
	IPBurst    int     // API_BURST_IP
	TokenRate  float64 // API_RATE_TOKEN
	TokenBurst int     // API_BURST_TOKEN
	// LimiterIdle is how long a client's limiter is kept after its last
	// request; an idle limiter is full again anyway.
	LimiterIdle time.Duration
	// MaxBody caps request bodies, in bytes.
	MaxBody int64 // API_MAX_BODY
	// CursorSecret signs pagination cursors (API_CURSOR_SECRET). Without
	// it a random key is drawn at start, and cursors die with the process.
	CursorSecret []byte
	// CacheTTL is how long public answers are kept in memory
	// (API_CACHE_TTL, a Go duration; "0" turns the cache off).
	CacheTTL time.Duration
	// TrustProxy takes the client IP from X-Forwarded-For's last entry
	// (API_TRUST_PROXY=true), for a server behind one reverse proxy.
	TrustProxy bool
	// Warnings lists the environment values that could not be read and
	// were replaced by defaults; the caller logs them.
	Warnings []string
}

// Defaults: generous for people and scripts, tight enough that one client
// cannot starve the others on a small server.
const (
	defaultIPRate      = 10
	defaultIPBurst     = 60
	defaultTokenRate   = 50
	defaultTokenBurst  = 200
	defaultLimiterIdle = 10 * time.Minute
	defaultMaxBody     = 64 << 10
	defaultCacheTTL    = 2 * time.Second
)

// LoadConfig reads the API configuration through getenv.
func LoadConfig(getenv func(string) string) Config {
	var c Config
	num := func(key string, into *float64) {
		if v := getenv(key); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 {
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s=%q is not a positive number; using the default", key, v))
				return
			}
			*into = f
		}
	}
	integer := func(key string, into *int) {
		var f float64
		num(key, &f)
		*into = int(f)
	}
	num("API_RATE_IP", &c.IPRate)
	integer("API_BURST_IP", &c.IPBurst)
	num("API_RATE_TOKEN", &c.TokenRate)
	integer("API_BURST_TOKEN", &c.TokenBurst)
	var body float64
	num("API_MAX_BODY", &body)
	c.MaxBody = int64(body)
	if s := getenv("API_CURSOR_SECRET"); s != "" {
		c.CursorSecret = []byte(s)
	}
	c.TrustProxy = getenv("API_TRUST_PROXY") == "true"
	c.CacheTTL = defaultCacheTTL
	if v := getenv("API_CACHE_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if v == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 {
			c.Warnings = append(c.Warnings, fmt.Sprintf("API_CACHE_TTL=%q is not a duration such as 2s; using the default", v))
		} else {
			c.CacheTTL = d
		}
	}
	return c
}

func (c *Config) setDefaults() {
	if c.IPRate <= 0 {
		c.IPRate = defaultIPRate
	}
	if c.IPBurst <= 0 {
		c.IPBurst = defaultIPBurst
	}
	if c.TokenRate <= 0 {
		c.TokenRate = defaultTokenRate
	}
	if c.TokenBurst <= 0 {
		c.TokenBurst = defaultTokenBurst
	}
	if c.LimiterIdle <= 0 {
		c.LimiterIdle = defaultLimiterIdle
	}
	if c.MaxBody <= 0 {
		c.MaxBody = defaultMaxBody
	}
}

// Deps is what the API needs from the outside world.
type Deps struct {
	DB  *pgxpool.Pool
	Log *slog.Logger
	// Search answers /api/v1/search; nil means the embedded PostgreSQL
	// engine, as the web pages use.
	Search search.Engine
	// Now is the clock of rate limits and the response cache; nil means
	// time.Now (tests pass a clock they move).
	Now func() time.Time
	// Editions reads the barometer's published results; nil builds one.
	// app.Handler shares one with the web pages, so an edition is
	// protected once for both.
	Editions *barometer.Reports
}

// API serves /api. It owns its state (limiters, cursor key, rendered
// documentation); nothing is package-global.
type API struct {
	cfg     Config
	db      *pgxpool.Pool
	log     *slog.Logger
	limits  *limits
	cursors cursorCodec
	spec    *specDoc
	cache   *responseCache
	engine  search.Engine
	// barometer reads published editions' protected results.
	barometer *barometer.Reports
	// now is the clock of the rate limits and the response cache; tests
	// move it instead of sleeping.
	now func() time.Time
}

// New builds the API. It fails only if the embedded OpenAPI document is
// broken, which is a build mistake.
func New(d Deps, cfg Config) (*API, error) {
	db, log := d.DB, d.Log
	cfg.setDefaults()
	for _, w := range cfg.Warnings {
		log.Warn("api configuration", "problem", w)
	}
	key := cfg.CursorSecret
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("draw cursor key: %w", err)
		}
	}
	if d.Search == nil {
		d.Search = searchpg.New(db)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	spec, err := loadSpec()
	if err != nil {
		return nil, err
	}
	if d.Editions == nil {
		d.Editions = barometer.NewReports(db)
	}
	return &API{
		cfg:       cfg,
		db:        db,
		log:       log,
		limits:    newLimits(cfg),
		cursors:   cursorCodec{key: key},
		spec:      spec,
		cache:     newResponseCache(cfg.CacheTTL),
		barometer: d.Editions,
		engine:    d.Search,
		now:       d.Now,
	}, nil
}

// Mount attaches the API under /api; it is a server.Mount.
func (a *API) Mount(r chi.Router) {
	r.Route("/api", a.routes)
}

func (a *API) routes(r chi.Router) {
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		a.problem(w, r, errNoRoute(r))
	})
	r.MethodNotAllowed(methodNotAllowed)
	r.Use(a.cors)
	r.Use(a.authenticate)
	// HEAD is answered by the GET handler (send omits the body), as CORS
	// and the docs promise.
	r.Use(middleware.GetHead)

	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/api/docs", http.StatusFound)
	})
	r.Get("/openapi.json", a.openAPI)
	r.Get("/docs", a.docs)

	r.Route("/v1", func(r chi.Router) {
		public := r.With(a.cached)
		public.Get("/territories/{code}", a.getTerritory)
		public.Get("/tools", a.listTools)
		public.Get("/tools/{slug}", a.getTool)
		public.Get("/vendors/{slug}", a.getVendor)
		public.Get("/adoptions", a.listAdoptions)
		public.Get("/categories", a.listCategories)
		public.Get("/search", a.search)
		r.Route("/reports", a.reportRoutes)

		write := r.With(a.require(token.Write))
		write.Post("/tools", a.proposeTool)
		write.Post("/tools/{slug}/edits", a.proposeEdit)
		write.Post("/adoptions", a.declareAdoption)
		r.With(a.require(token.Read)).Get("/proposals/{id}", a.getProposal)

		r.Get("/token", a.currentToken)
		admin := r.With(a.require(token.Admin))
		admin.Get("/tokens", a.listTokens)
		admin.Post("/tokens", a.createToken)
		admin.Get("/tokens/{id}", a.getToken)
		admin.Delete("/tokens/{id}", a.revokeToken)
	})
}
