package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/api/token"
)

func apiCommands() []command {
	return []command{
		{
			name:    "tokens create",
			args:    "--name NAME [--scope read|write|admin] [--user EMAIL] [--expires 90d]",
			summary: "create an API token and print its secret (shown once)",
			run:     createToken,
		},
		{
			name:    "tokens list",
			args:    "[--revoked]",
			summary: "list API tokens (never their secrets)",
			run:     listTokens,
		},
		{
			name:    "tokens revoke",
			args:    "ID",
			summary: "revoke an API token at once",
			run:     revokeToken,
		},
	}
}

func createToken(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "tokens create")
	name := fs.String("name", "", "who or what the token is for (required)")
	scope := fs.String("scope", "read", "read, write or admin")
	expires := fs.String("expires", "", "lifetime, such as 90d or 12h (default: no expiry)")
	user := fs.String("user", "", "the account the token acts for (required for write: its contributions go to moderation as this user's)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return errUsage
	}
	sc, err := token.ParseScope(*scope)
	if err != nil {
		return err
	}
	n := token.NewToken{Name: *name, Scope: sc}
	if *expires != "" {
		d, err := parseLifetime(*expires)
		if err != nil {
			return err
		}
		at := time.Now().Add(d)
		n.ExpiresAt = &at
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *user != "" {
		u, err := account.ByEmail(ctx, pool, *user)
		if err != nil {
			return err
		}
		n.UserID = u.ID
	}
	t, secret, err := token.Create(ctx, pool, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stderr, "token %d %q created with scope %s; copy the secret now, it is not stored and cannot be shown again:\n", t.ID, t.Name, t.Scope)
	fmt.Fprintln(a.Stdout, secret)
	return nil
}

// parseLifetime reads 90d, 12h, 30m: days are not in time.ParseDuration.
func parseLifetime(s string) (time.Duration, error) {
	bad := civiscope.Invalid([]civiscope.FieldError{{Field: "--expires", Message: fmt.Sprintf("%q is not a lifetime; use a number of days or hours such as 90d or 12h", s)}})
	if n := len(s); n > 1 && s[n-1] == 'd' {
		days, err := strconv.Atoi(s[:n-1])
		if err != nil || days < 1 || days > 3650 {
			return 0, bad
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, bad
	}
	return d, nil
}

func listTokens(ctx context.Context, a *App, args []string) error {
	fs := newFlags(a, "tokens list")
	revoked := fs.Bool("revoked", false, "include revoked tokens")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return errUsage
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	ts, err := token.List(ctx, pool, token.ListOptions{Revoked: *revoked})
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		fmt.Fprintln(a.Stdout, "No API tokens yet. Create one with: civiscope tokens create --name NAME --scope read")
		return nil
	}
	w := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tSCOPE\tUSER\tPREFIX\tCREATED\tLAST USED\tSTATUS")
	now := time.Now()
	for _, t := range ts {
		status := "active"
		switch {
		case t.RevokedAt != nil:
			status = "revoked " + t.RevokedAt.Format(time.DateOnly)
		case t.ExpiresAt != nil && !t.Active(now):
			status = "expired " + t.ExpiresAt.Format(time.DateOnly)
		case t.ExpiresAt != nil:
			status = "expires " + t.ExpiresAt.Format(time.DateOnly)
		}
		used := "never"
		if t.LastUsedAt != nil {
			used = t.LastUsedAt.Format(time.DateTime)
		}
		owner := "—"
		if t.UserID != 0 {
			owner = "#" + strconv.FormatInt(t.UserID, 10)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\tcvs_%s…\t%s\t%s\t%s\n", t.ID, t.Name, t.Scope, owner, t.Prefix, t.CreatedAt.Format(time.DateOnly), used, status)
	}
	return w.Flush()
}

func revokeToken(ctx context.Context, a *App, args []string) error {
	pos, err := parseFlags(newFlags(a, "tokens revoke"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errUsage
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id < 1 {
		return civiscope.Errorf(civiscope.EINVALID, "%q is not a token id; `civiscope tokens list` shows them", pos[0])
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	t, err := token.Revoke(ctx, pool, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "token %d %q (%s) revoked at %s\n", t.ID, t.Name, t.Scope, t.RevokedAt.Format(time.DateTime))
	return nil
}
