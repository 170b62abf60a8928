package postgres_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/postgres/pgtest"
)

var update = flag.Bool("update", false, "rewrite schema.sql from the migrations")

// TestSchemaFile keeps postgres/schema.sql, the readable current schema, equal
// to what the migrations build. After adding a migration:
//
//	go test ./postgres -run TestSchemaFile -update
func TestSchemaFile(t *testing.T) {
	dump := pgDump(t)
	url, drop, err := pgtest.NewDatabase(context.Background(), "schema", pgtest.Empty)
	if err != nil {
		pgtest.Missing(t, "no PostgreSQL for tests: %v", err)
	}
	defer drop()
	out, err := exec.Command(dump, "--schema-only", "--no-owner", "--no-privileges",
		"--exclude-table=goose_db_version", "--exclude-table=goose_db_version_id_seq", url).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	got := normalise(string(out))
	if *update {
		if err := os.WriteFile("schema.sql", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Fatal("postgres/schema.sql is not what the migrations build; run: go test ./postgres -run TestSchemaFile -update")
	}
}

// pgDump finds the pg_dump of the newest installed server, the one the
// project-local cluster runs (scripts/pg.sh).
func pgDump(t *testing.T) string {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
	sort.Strings(bins)
	if len(bins) > 0 {
		return bins[len(bins)-1]
	}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		return p
	}
	pgtest.Missing(t, "no pg_dump: run `make test`, which installs PostgreSQL")
	return ""
}

var (
	// pg_dump ≥ 15.14 fences its output with a random \restrict key.
	restrict  = regexp.MustCompile(`(?m)^\\(un)?restrict .*\n`)
	setLine   = regexp.MustCompile(`(?m)^(SET|SELECT pg_catalog\.set_config)\b.*\n`)
	dumpNote  = regexp.MustCompile(`(?m)^-- Dumped (from|by) .*\n`)
	blankRuns = regexp.MustCompile(`\n{3,}`)
)

// normalise drops what varies between machines and runs (session settings,
// version banners, the restrict key) so the file changes only with the schema.
func normalise(s string) string {
	for _, re := range []*regexp.Regexp{restrict, setLine, dumpNote} {
		s = re.ReplaceAllString(s, "")
	}
	s = blankRuns.ReplaceAllString(s, "\n\n")
	header := "-- The current schema, generated from postgres/migrations by\n" +
		"--   go test ./postgres -run TestSchemaFile -update\n" +
		"-- Read it to see the tables; change the schema with a new migration.\n"
	return header + strings.TrimLeft(s, "\n")
}
