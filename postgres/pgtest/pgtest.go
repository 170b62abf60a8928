// Package pgtest gives every test package its own PostgreSQL database,
// cloned from a template that is migrated (and seeded) once, so packages run
// in parallel against a real server and never see each other's rows.
//
// Use it from TestMain:
//
//	var db *pgxpool.Pool
//	func TestMain(m *testing.M) { pgtest.Main(m, "mypkg", pgtest.Empty, &db) }
//
// The server comes from CIVISCOPE_TEST_DATABASE_URL, else DATABASE_URL, else
// the project-local cluster that `make test` starts. When it cannot be
// reached the package fails, so that a missing server never passes as a
// silent `ok`; with CIVISCOPE_TEST_OPTIONAL=true it is skipped with a
// message instead (see Missing).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/postgres"
)

// DefaultURL is the project-local cluster that scripts/pg.sh starts.
const DefaultURL = "postgres://civiscope@127.0.0.1:55432/civiscope?sslmode=disable"

// Template describes what a package's database starts with. The template is
// rebuilt when the migrations, Name or Version change.
type Template struct {
	Name    string
	Version string
	Seed    func(ctx context.Context, pool *pgxpool.Pool) error
}

// Empty is a migrated database with no rows.
var Empty = Template{Name: "empty", Version: "1"}

// BaseURL returns the server tests run against.
func BaseURL() string {
	for _, k := range []string{"CIVISCOPE_TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return DefaultURL
}

// Main creates the package's database, stores its pool in *pool, runs the
// tests, drops the database and exits.
func Main(m *testing.M, pkg string, tpl Template, pool **pgxpool.Pool) {
	os.Exit(run(m, DB{Name: pkg, Template: tpl, Pool: pool}))
}

// NewPool gives one test a database of its own, cloned from tpl, for
// fixtures that must not meet the package's other rows; it is closed and
// dropped when the test ends.
func NewPool(t testing.TB, name string, tpl Template) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	url, drop, err := NewDatabase(ctx, name, tpl)
	if err != nil {
		t.Fatal("clone a test database:", err)
	}
	t.Cleanup(drop)
	p, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// DB is one database a package's tests run on: its name, the template it
// is cloned from, and where its pool goes.
type DB struct {
	Name     string
	Template Template
	Pool     **pgxpool.Pool
}

// MainDBs is Main for a package whose tests need several databases, such
// as the site's seeded directory and an empty one for the contributions.
func MainDBs(m *testing.M, dbs ...DB) { os.Exit(run(m, dbs...)) }

func run(m *testing.M, dbs ...DB) int {
	ctx := context.Background()
	for _, d := range dbs {
		url, drop, err := NewDatabase(ctx, d.Name, d.Template)
		if err != nil {
			if Optional() {
				fmt.Printf("SKIP %s: no PostgreSQL for tests (%v); run `make test`\n", d.Name, err)
				return 0
			}
			fmt.Fprintf(os.Stderr, "pgtest: no PostgreSQL for tests: %v\nrun `make test`, or set CIVISCOPE_TEST_OPTIONAL=true to skip\n", err)
			return 1
		}
		defer drop()
		p, err := postgres.Open(ctx, url)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			return 1
		}
		*d.Pool = p
		defer p.Close()
	}
	return m.Run()
}

// URLFor returns base with its database replaced by name.
func URLFor(base, name string) (string, error) {
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", "database URL", err)
	}
	c := cfg.Config
	u := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", c.User, c.Host, c.Port, name)
	if c.Password != "" {
		u = fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", c.User, c.Password, c.Host, c.Port, name)
	}
	if strings.HasPrefix(c.Host, "/") {
		u = fmt.Sprintf("postgres:///%s?host=%s&port=%d&user=%s", name, c.Host, c.Port, c.User)
	}
	return u, nil
}

var safeName = regexp.MustCompile(`[^a-z0-9]+`)

// NewDatabase clones a fresh database from tpl's template and returns its URL
// and a function that drops it.
func NewDatabase(ctx context.Context, pkg string, tpl Template) (string, func(), error) {
	base := BaseURL()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	admin, err := pgx.Connect(cctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("connect to %s: %w", "test server", err)
	}
	defer admin.Close(ctx)

	tplName, err := ensureTemplate(ctx, admin, base, tpl)
	if err != nil {
		return "", nil, err
	}
	var rnd [4]byte
	_, _ = io.ReadFull(rand.Reader, rnd[:])
	name := fmt.Sprintf("civiscope_test_%s_%d_%s", safeName.ReplaceAllString(strings.ToLower(pkg), ""), time.Now().Unix(), hex.EncodeToString(rnd[:]))
	if len(name) > 63 {
		name = name[len(name)-63:]
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, pgx.Identifier{name}.Sanitize(), pgx.Identifier{tplName}.Sanitize())); err != nil {
		return "", nil, fmt.Errorf("create test database from %s: %w", tplName, err)
	}
	url, err := URLFor(base, name)
	if err != nil {
		return "", nil, err
	}
	drop := func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, pgx.Identifier{name}.Sanitize()))
	}
	return url, drop, nil
}

// ensureTemplate builds the template once, under an advisory lock, so that
// packages starting together wait for one builder instead of racing.
func ensureTemplate(ctx context.Context, admin *pgx.Conn, base string, tpl Template) (string, error) {
	run := os.Getenv("CIVISCOPE_TEST_RUN") // set by `make test`: fresh templates each run
	if run == "" {
		run = "0"
	}
	name := fmt.Sprintf("civiscope_tpl_%s_%s_%s_%s", tpl.Name, postgres.SchemaHash()[:8], safeName.ReplaceAllString(tpl.Version, ""), run)
	if len(name) > 63 {
		return "", fmt.Errorf("template name %q is too long", name)
	}
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7427001)`); err != nil {
		return "", fmt.Errorf("lock templates: %w", err)
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(7427001)`) //nolint:errcheck

	collectGarbage(ctx, admin, run)

	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look for template: %w", err)
	}
	if exists {
		return name, nil
	}
	building := name + "_b"
	if len(building) > 63 {
		building = building[:63]
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, pgx.Identifier{building}.Sanitize())); err != nil {
		return "", fmt.Errorf("clear half-built template: %w", err)
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, pgx.Identifier{building}.Sanitize())); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	url, err := URLFor(base, building)
	if err != nil {
		return "", err
	}
	if err := fill(ctx, url, tpl); err != nil {
		return "", fmt.Errorf("build template %s: %w", name, err)
	}
	for _, stmt := range []string{
		fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, pgx.Identifier{building}.Sanitize(), pgx.Identifier{name}.Sanitize()),
		fmt.Sprintf(`ALTER DATABASE %s IS_TEMPLATE true`, pgx.Identifier{name}.Sanitize()),
	} {
		if _, err := admin.Exec(ctx, stmt); err != nil {
			return "", fmt.Errorf("finish template: %w", err)
		}
	}
	return name, nil
}

func fill(ctx context.Context, url string, tpl Template) error {
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := postgres.Migrate(ctx, pool, log); err != nil {
		return err
	}
	if tpl.Seed != nil {
		if err := tpl.Seed(ctx, pool); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

// collectGarbage drops templates built from another schema (a template is
// only ever cloned under the current one, and benchmark templates weigh
// hundreds of MB), templates of earlier `make test` runs and test databases
// left by killed test binaries, the last two once they are two hours old so
// that a concurrent run's databases are never pulled from under it.
func collectGarbage(ctx context.Context, admin *pgx.Conn, run string) {
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'civiscope\_t%'`)
	if err != nil {
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	cutoff := time.Now().Add(-2 * time.Hour).Unix()
	schema := postgres.SchemaHash()[:8]
	for _, n := range names {
		parts := strings.Split(n, "_")
		var stamp int64
		switch {
		case strings.HasPrefix(n, "civiscope_tpl_") && len(parts) >= 6:
			if parts[len(parts)-3] != schema && !strings.HasSuffix(n, "_b") {
				stamp = 1 // another schema: stale whatever its age
				break
			}
			if parts[len(parts)-1] == run {
				continue
			}
			stamp, _ = strconv.ParseInt(strings.TrimSuffix(parts[len(parts)-1], "b"), 10, 64)
		case strings.HasPrefix(n, "civiscope_test_") && len(parts) >= 5:
			stamp, _ = strconv.ParseInt(parts[len(parts)-2], 10, 64)
		default:
			continue
		}
		if stamp == 0 || stamp > cutoff {
			continue
		}
		_, _ = admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s IS_TEMPLATE false`, pgx.Identifier{n}.Sanitize()))
		_, _ = admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, pgx.Identifier{n}.Sanitize()))
	}
}
