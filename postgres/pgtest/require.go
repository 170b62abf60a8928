package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Optional reports whether the person running the tests allowed packages to
// skip when a prerequisite (PostgreSQL, Chromium, npm) is missing. By
// default a missing prerequisite fails: `make test` installs every one, and
// a skipped package would otherwise read as a silent `ok`.
func Optional() bool { return os.Getenv("CIVISCOPE_TEST_OPTIONAL") == "true" }

// Missing fails t because a prerequisite is not there, or skips it with the
// same message when the run is marked optional.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Optional() {
		t.Skipf(format, args...)
	}
	t.Fatalf(format+" (set CIVISCOPE_TEST_OPTIONAL=true to skip instead)", args...)
}

// Row runs a query expected to return exactly one row and scans it, failing
// the test on any error: a broken query must never pass as "0 rows".
type Row struct {
	t    testing.TB
	pool *pgxpool.Pool
	sql  string
	args []any
}

// QueryRow prepares a Row; call Scan on it.
func QueryRow(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) Row {
	return Row{t: t, pool: pool, sql: sql, args: args}
}

// Scan reads the row into dest or fails the test.
func (r Row) Scan(dest ...any) {
	r.t.Helper()
	if err := r.pool.QueryRow(context.Background(), r.sql, r.args...).Scan(dest...); err != nil {
		r.t.Fatalf("query %q: %v", r.sql, err)
	}
}

// Must returns a call's value, failing the test when the call failed, so
// that a check on the value never passes on a broken query:
//
//	tool := pgtest.Must(directory.GetToolByID(ctx, db, id))(t)
func Must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
