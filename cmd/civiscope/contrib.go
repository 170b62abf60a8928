package main

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/civiscope/civiscope/claim"
	"github.com/civiscope/civiscope/crawler"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/moderation/crawlqueue"
)

// claimChecker checks vendors' domain proofs for the contributors' pages.
// Claims fetch one home page at a person's request, with the crawler's
// politeness (robots.txt, per-host delay, identified User-Agent), but fail
// fast: the person is waiting for the answer.
func (a *App) claimChecker() *claim.Checker {
	f := fetch.New(fetch.Config{UserAgent: fetch.UserAgent(a.Config.PublicURL), Timeout: 15 * time.Second, Retries: 1,
		Outbound: a.outbound()}, nil)
	return &claim.Checker{Fetch: claim.CrawlerFetcher{F: f}, Resolver: net.DefaultResolver}
}

// contributionCommands are the accounts' and the moderation's commands.
func contributionCommands() []command {
	return append(userCommands(), command{
		name:    "moderation queue-findings",
		args:    "RUN_ID",
		summary: "put a crawl run's unsure findings (below the threshold, unverified) in the moderation queue",
		run:     queueFindings,
	})
}

func queueFindings(ctx context.Context, a *App, args []string) error {
	pos, err := parseFlags(newFlags(a, "moderation queue-findings"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errUsage
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	runID, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || runID <= 0 {
		return fmt.Errorf("%w: RUN_ID must be the number of a crawl run", errUsage)
	}
	if _, err := crawler.GetRun(ctx, pool, runID); err != nil {
		return err
	}
	rules, err := detect.Embedded()
	if err != nil {
		return err
	}
	res, err := crawlqueue.QueueRun(ctx, pool, rules, runID)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "run %d: %d findings queued for moderation, %d already queued, %d without a collectivité, %d of a platform the directory does not list\n",
		runID, res.Queued, res.AlreadyQueued, res.NoTerritory, res.NoTool)
	return nil
}
