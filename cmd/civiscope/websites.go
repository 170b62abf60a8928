package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/website"
	"github.com/civiscope/civiscope/moderation"
	"github.com/civiscope/civiscope/postgres"
)

func websiteCommands() []command {
	return []command{{
		name:    "import sites",
		args:    "[--annuaire-2019 FILE] [--annuaire-2016 FILE] [--report]",
		summary: "load collectivités' official websites from the service-public.fr annuaire (2016, 2019) and Etalab's domain lists (default: the shipped copies); idempotent",
		run:     importSites,
	}, {
		name:    "sites correct",
		args:    "CODE URL --by MODERATOR-EMAIL --reason TEXT [--kind commune|epci|departement|region]",
		summary: "a moderator sets a collectivité's official website (audited; the previous one is kept as former)",
		run:     correctSite,
	}}
}

func importSites(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "import sites")
	f2019 := fs.String("annuaire-2019", "", "annuaire 2019 CSV (source_id,kind,insee_code,home_page); default: the shipped copy")
	f2016 := fs.String("annuaire-2016", "", "annuaire 2016 CSV (id,type,codeinsee,website,update); default: the shipped copy")
	report := fs.Bool("report", false, "list what was not attached and why")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return errUsage
	}
	listings, bad, err := website.ReadShipped(data.WebsitesFS())
	if err != nil {
		return err
	}
	if *f2019 != "" || *f2016 != "" {
		listings, bad = nil, nil
		for _, f := range []struct {
			src  *website.Source
			path string
		}{{&website.Annuaire2019, *f2019}, {&website.Annuaire2016, *f2016}} {
			if f.path == "" {
				continue
			}
			fh, err := os.Open(f.path)
			if err != nil {
				return civiscope.Errorf(civiscope.EINVALID, "cannot read %s: %v", f.path, err)
			}
			l, b, err := website.ReadAnnuaire(f.src, fh)
			fh.Close()
			if err != nil {
				return civiscope.Errorf(civiscope.EINVALID, "%s: %v", f.path, err)
			}
			listings, bad = append(listings, l...), append(bad, b...)
		}
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	st, err := a.loadWebsites(ctx, pool, listings, bad)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "websites: %d current, %d former (%d from Etalab's domain lists); %d records not attached (`--report` lists them)\n",
		st.Current, st.Former, st.FromDomains, st.Unlinked)
	cov, err := website.Coverage(ctx, pool)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "KIND\tPOPULATION\tCOLLECTIVITÉS\tWITH A WEBSITE\t")
	for _, c := range cov {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t\n", c.Kind, c.Bracket, c.Total, c.WithSite)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *report {
		return printUnlinked(ctx, a, pool)
	}
	return nil
}

// loadWebsites attaches listings through the register's history, with the
// shipped domain lists.
func (a *App) loadWebsites(ctx context.Context, pool *pgxpool.Pool, listings []website.Listing, bad []website.Rejected) (website.ImportStats, error) {
	reg, err := territory.ReadEmbedded()
	if err != nil {
		return website.ImportStats{}, err
	}
	domains, dbad, err := website.ReadShippedDomains(data.WebsitesFS())
	if err != nil {
		return website.ImportStats{}, err
	}
	return website.Import(ctx, pool, reg.Lineage, listings, domains, append(bad, dbad...))
}

func printUnlinked(ctx context.Context, a *App, pool *pgxpool.Pool) error {
	rows, err := pool.Query(ctx, `SELECT source, reason_kind, count(*), min(record || ' ' || value)
		FROM (SELECT source, record, value, regexp_replace(reason, '[0-9A-B]{5}|"[^"]*"|[0-9]+', '…', 'g') AS reason_kind FROM website_unlinked) u
		GROUP BY 1, 2 ORDER BY 1, 3 DESC`)
	if err != nil {
		return fmt.Errorf("read unlinked: %w", err)
	}
	defer rows.Close()
	tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nSOURCE\tWHY NOT ATTACHED\tRECORDS\tEXAMPLE")
	for rows.Next() {
		var src, why, ex string
		var n int
		if err := rows.Scan(&src, &why, &n, &ex); err != nil {
			return fmt.Errorf("read unlinked: %w", err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", src, why, n, ex)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read unlinked: %w", err)
	}
	return tw.Flush()
}

// bootstrapWebsites loads the shipped website lists into a register that
// has none yet.
func (a *App) bootstrapWebsites(ctx context.Context, pool *pgxpool.Pool) error {
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM territory_website`).Scan(&n); err != nil {
		return fmt.Errorf("inspect websites: %w", err)
	}
	if n > 0 {
		return nil
	}
	a.Log.Info("no collectivité website yet: loading the shipped annuaire and domain lists")
	listings, bad, err := website.ReadShipped(data.WebsitesFS())
	if err != nil {
		return err
	}
	st, err := a.loadWebsites(ctx, pool, listings, bad)
	if err != nil {
		return fmt.Errorf("load the shipped websites: %w", err)
	}
	a.Log.Info("websites loaded", "current", st.Current, "former", st.Former, "unlinked", st.Unlinked)
	return nil
}

// correctSite applies a moderator's correction of a collectivité's
// official website, audited in the same transaction.
func correctSite(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "sites correct")
	kind := fs.String("kind", "commune", "commune, epci, departement or region")
	by := fs.String("by", "", "e-mail of the moderator deciding (required)")
	reason := fs.String("reason", "", "why (required): kept with the former site and in the audit log")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || *by == "" {
		return errUsage
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	u, err := account.ByEmail(ctx, pool, *by)
	if err != nil {
		return err
	}
	if u.Role != account.RoleModerator && u.Role != account.RoleAdmin {
		return civiscope.Errorf(civiscope.EFORBIDDEN, "%s is not a moderator", *by)
	}
	t, err := territory.Get(ctx, pool, territory.Kind(*kind), pos[0])
	if err != nil {
		return err
	}
	err = postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		if err := website.Correct(ctx, tx, website.Correction{TerritoryID: t.ID, URL: pos[1], Reason: *reason,
			By: directory.By{Actor: u.Actor(), Source: "sites correct: " + *reason}}); err != nil {
			return err
		}
		return moderation.Audit(ctx, tx, u.ID, "website-correct", "territory", t.ID, *reason+" → "+pos[1])
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "%s: official website is now %s (the previous one is kept as former)\n", t.Name, pos[1])
	return nil
}
