package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/app"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/reports"
	"github.com/civiscope/civiscope/reports/barometer"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/web"
)

func serveCommands() []command {
	return []command{{
		name:    "serve",
		summary: "migrate, load the shipped data into an empty database, and serve the site and API",
		run:     serve,
	}}
}

func serve(ctx context.Context, a *App, args []string) error {
	if _, err := parseFlags(newFlags(a, "serve"), args); err != nil {
		return err
	}
	// Listen first: a taken port is an error at once, before migrations
	// and background jobs.
	ln, err := server.Listen(a.Config.ListenAddr)
	if err != nil {
		return err
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := a.bootstrap(ctx, pool); err != nil {
		return err
	}
	// Deferred after pool.Close, so it runs first: jobs stop before the pool.
	bg := newBackground(ctx, a.Log)
	defer bg.Wait()
	defer cancel() // runs before bg.Wait, whatever ends serve
	if a.Config.CrawlSchedule {
		sched, err := a.crawlScheduler(pool)
		if err != nil {
			return err
		}
		bg.Go("crawler", sched.Run)
		a.Log.Info("crawler scheduler on: liveness every 6 h, discovery and catalogues weekly")
	}
	engine, waitSearch, err := a.startSearch(ctx, pool)
	if err != nil {
		return err
	}
	defer waitSearch()
	defer cancel() // and before waitSearch
	h, err := a.handler(ctx, pool, engine, bg)
	if err != nil {
		return err
	}
	return server.Serve(ctx, ln, h, a.Log, func(addr net.Addr) {
		fmt.Fprintf(a.Stdout, "Civiscope is serving on http://%s\n", displayAddr(addr))
	})
}

// handler is the whole site (app.Handler) with serve's dependencies: one
// territory index refreshed in the background, the mailer and the claim
// checker of the contributors' pages, and the daily open-data job, whose
// releases go to ./opendata as with `civiscope export directory`.
func (a *App) handler(ctx context.Context, pool *pgxpool.Pool, engine search.Engine, bg *background) (http.Handler, error) {
	names, err := territory.LoadIndex(ctx, pool)
	if err != nil {
		return nil, err
	}
	bg.Go("territory index", func(ctx context.Context) error {
		names.Watch(ctx, pool, time.Minute, func(err error) { a.Log.Warn("refresh territory index", "err", err) })
		return nil
	})
	const openData = "opendata"
	bg.Go("open-data releases", reports.NewScheduler(pool, openData, a.Config.PublicURL, a.Log).Run)
	editions := barometer.NewReports(pool)
	bg.Go("barometer results", editions.Warm)
	return app.Handler(ctx, app.Deps{
		Web: web.Deps{
			Log: a.Log, Pool: pool, Search: engine, Territories: names,
			OpenDataDir: openData,
			Editions:    editions,
			// Mail goes through SMTP when SMTP_ADDR is set, and to the
			// outbox (and the log) in every case.
			Mailer:    &account.Mailer{SMTP: a.Config.SMTP, Log: a.Log},
			Claims:    a.claimChecker(),
			PublicURL: a.Config.PublicURL,
		},
		API: a.Config.API,
	})
}

// bootstrap loads what ships with the binary into an empty database, so that
// a fresh `make run` shows real data. It never touches a populated database.
func (a *App) bootstrap(ctx context.Context, pool *pgxpool.Pool) error {
	n, err := territory.Count(ctx, pool, territory.Commune)
	if err != nil {
		return err
	}
	if n == 0 {
		a.Log.Info("empty register: loading the shipped INSEE snapshot")
		reg, err := territory.ReadEmbedded()
		if err != nil {
			return err
		}
		if _, err := territory.Import(ctx, pool, reg, a.progress("import territories")); err != nil {
			return err
		}
	}
	if err := a.bootstrapWebsites(ctx, pool); err != nil {
		return err
	}
	return a.bootstrapDirectory(ctx, pool)
}

// displayAddr shows a wildcard listener as localhost, the address a person
// can open.
func displayAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() || ip.IsLoopback() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
