package main

import (
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/claim"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/web/contrib"
)

// contribMount is the contributors' side of the site: accounts, proposals,
// claims and moderation. Mail goes through SMTP when SMTP_ADDR is set and
// to the outbox (and the log) in every case.
func (a *App) contribMount(pool *pgxpool.Pool) (server.Mount, error) {
	// Claims fetch one home page at a person's request, with the crawler's
	// politeness (robots.txt, per-host delay, identified User-Agent), but
	// fail fast: the person is waiting for the answer.
	f := fetch.New(fetch.Config{UserAgent: fetch.UserAgent(a.Config.PublicURL), Timeout: 15 * time.Second, Retries: 1}, nil)
	h, err := contrib.New(contrib.Deps{
		Log:       a.Log,
		Pool:      pool,
		Mailer:    &account.Mailer{SMTP: a.Config.SMTP, Log: a.Log},
		Claims:    &claim.Checker{Fetch: claim.CrawlerFetcher{F: f}, Resolver: net.DefaultResolver},
		PublicURL: a.Config.PublicURL,
	})
	if err != nil {
		return nil, err
	}
	return h.Mount(), nil
}
