package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
)

func userCommands() []command {
	return []command{
		{
			name:    "users create",
			args:    "EMAIL [--admin | --moderator] [--name NAME] [--password-stdin]",
			summary: "create an account (the first admin, say); the password is read from stdin or generated and printed",
			run: func(ctx context.Context, a *App, args []string) error {
				return createUser(ctx, a, args, os.Stdin)
			},
		},
		{
			name:    "users role",
			args:    "EMAIL contributor|moderator|admin",
			summary: "change the site role of an account",
			run:     setUserRole,
		},
		{
			name:    "users delete",
			args:    "EMAIL",
			summary: "erase an account (GDPR); its contributions stay, attributed to a deleted user",
			run:     deleteUser,
		},
	}
}

func createUser(ctx context.Context, a *App, args []string, stdin io.Reader) error {
	fs := newFlags(a, "users create")
	admin := fs.Bool("admin", false, "give the account the admin role")
	moderator := fs.Bool("moderator", false, "give the account the moderator role")
	name := fs.String("name", "", "display name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*admin && *moderator) {
		return errUsage
	}
	role := account.RoleContributor
	switch {
	case *admin:
		role = account.RoleAdmin
	case *moderator:
		role = account.RoleModerator
	}
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(io.LimitReader(stdin, account.MaxPasswordLen+2)).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if password == "" {
			return civiscope.Errorf(civiscope.EINVALID, "no password on stdin; pipe one in, or leave out --password-stdin to get a generated one")
		}
	} else {
		if password, err = account.GeneratePassword(); err != nil {
			return err
		}
		generated = true
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	u, err := account.Create(ctx, pool, account.NewUser{Email: pos[0], DisplayName: *name, Password: password, Role: role})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "created %s account #%d for %s\n", u.Role, u.ID, u.Email)
	if generated {
		fmt.Fprintf(a.Stdout, "password: %s\n(shown once; change it after logging in with \"mot de passe oublié\")\n", password)
	}
	return nil
}

func setUserRole(ctx context.Context, a *App, args []string) error {
	return withAccount(ctx, a, "users role", args, 2, func(pool *pgxpool.Pool, u *account.User, pos []string) error {
		if err := account.SetRole(ctx, pool, u.ID, account.Role(pos[1])); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "%s is now %s\n", u.Email, pos[1])
		return nil
	})
}

func deleteUser(ctx context.Context, a *App, args []string) error {
	return withAccount(ctx, a, "users delete", args, 1, func(pool *pgxpool.Pool, u *account.User, _ []string) error {
		if err := account.Delete(ctx, pool, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "account #%d erased; its contributions now show as by a deleted user\n", u.ID)
		return nil
	})
}

// withAccount parses n positional arguments, the first an email address,
// and runs fn on that account with the arguments.
func withAccount(ctx context.Context, a *App, name string, args []string, n int, fn func(*pgxpool.Pool, *account.User, []string) error) error {
	pos, err := parseFlags(newFlags(a, name), args)
	if err != nil {
		return err
	}
	if len(pos) != n {
		return errUsage
	}
	pool, err := a.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	u, err := account.ByEmail(ctx, pool, pos[0])
	if err != nil {
		return err
	}
	return fn(pool, u, pos)
}
