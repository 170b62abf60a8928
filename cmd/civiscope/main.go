// Command civiscope is the whole observatory in one binary: the web site and
// API (serve), the schema (migrate), importers, the crawler and exports.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/civiscope/civiscope"
)

// App carries what every command needs; there is no global state.
type App struct {
	Stdout io.Writer
	Stderr io.Writer
	Log    *slog.Logger
	Config Config
	// Interactive is true when stderr is a terminal, so progress bars make
	// sense there and plain lines go to logs otherwise.
	Interactive bool
}

// command is one subcommand, named by one or more words ("import territories").
type command struct {
	name    string
	args    string
	summary string
	run     func(ctx context.Context, a *App, args []string) error
}

// commands lists every subcommand. Each area keeps its commands in its own
// file and contributes them here.
func commands() []command {
	var cs []command
	cs = append(cs, serveCommands()...)
	cs = append(cs, migrateCommands()...)
	cs = append(cs, territoryCommands()...)
	cs = append(cs, directoryCommands()...)
	cs = append(cs, websiteCommands()...)
	cs = append(cs, devCommands()...)
	cs = append(cs, apiCommands()...)
	cs = append(cs, surveyCommands()...)
	cs = append(cs, contributionCommands()...)
	cs = append(cs, crawlCommands()...)
	cs = append(cs, searchCommands()...)
	cs = append(cs, exportCommands()...)
	return cs
}

// errUsage marks a command line the user got wrong; it exits with 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &App{
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Config:      LoadConfig(os.Getenv),
		Interactive: isTerminal(os.Stderr),
	}
	a.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: a.Config.LogLevel}))
	os.Exit(a.Main(ctx, os.Args[1:]))
}

// Main runs one command line and returns the exit status.
func (a *App) Main(ctx context.Context, args []string) int {
	cs := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		a.usage(cs)
		return 0
	}
	c, rest := match(cs, args)
	if c == nil {
		fmt.Fprintf(a.Stderr, "civiscope: unknown command %q\n\n", strings.Join(args, " "))
		a.usage(cs)
		return 2
	}
	err := c.run(ctx, a, rest)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(a.Stderr, "usage: civiscope %s %s\n", c.name, c.args)
		return 2
	}
	code := civiscope.ErrorCode(err)
	if code == civiscope.EINTERNAL {
		fmt.Fprintf(a.Stderr, "civiscope %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(a.Stderr, "civiscope %s: %s\n", c.name, civiscope.ErrorMessage(err))
	for _, f := range civiscope.ErrorFields(err) {
		fmt.Fprintf(a.Stderr, "  %s: %s\n", f.Field, f.Message)
	}
	return 1
}

// match picks the command with the longest name that prefixes args.
func match(cs []command, args []string) (*command, []string) {
	var best *command
	n := 0
	for i := range cs {
		words := strings.Fields(cs[i].name)
		if len(words) <= len(args) && len(words) > n && strings.Join(args[:len(words)], " ") == cs[i].name {
			best, n = &cs[i], len(words)
		}
	}
	if best == nil {
		return nil, nil
	}
	return best, args[n:]
}

func (a *App) usage(cs []command) {
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	fmt.Fprintln(a.Stderr, "Civiscope, an open observatory of civic tech.\n\nUsage: civiscope COMMAND [ARGS]\n\nCommands:")
	for _, c := range cs {
		fmt.Fprintf(a.Stderr, "  %-28s %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	fmt.Fprintln(a.Stderr, "\nConfiguration comes from the environment; see README.md.")
}

// parseFlags parses flags anywhere on the line, so that
// `territories find "saint denis" --departement 93` works as people type it.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// yearArg parses the flags and the one YEAR argument of an edition command.
func yearArg(fs *flag.FlagSet, args []string) (int, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) != 1 {
		return 0, errUsage
	}
	return parseYear(pos[0])
}

// parseYear reads a barometer edition year.
func parseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil {
		return 0, civiscope.Errorf(civiscope.EINVALID, "%q is not a year", s)
	}
	return y, nil
}

func newFlags(a *App, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	return fs
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
