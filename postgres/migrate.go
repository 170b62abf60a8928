package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Migrations are numbered by area so that work on different packages never
// fights over the next number: 1–99 foundation, 100–199 directory,
// 200–299 search, 300–399 crawler, 400–499 survey, 500–599 accounts and
// contributions, 600–699 reports, 700–799 api. Within the files the history
// is linear: a fresh database applies them in numeric order.
//
//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies every pending migration.
func Migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := provider(db)
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// MigrationStatus reports the applied and latest versions.
func MigrationStatus(ctx context.Context, pool *pgxpool.Pool) (current, latest int64, err error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := provider(db)
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	return current, latest, nil
}

func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	// Out-of-order is allowed because areas number independently: a
	// developer's database may already hold 300 when 150 lands.
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// SchemaHash identifies the set of migrations; test templates are keyed on it
// so a new migration never meets a stale template.
func SchemaHash() string {
	h := sha256.New()
	entries, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(entries)
	for _, e := range entries {
		b, _ := migrations.ReadFile(e)
		h.Write([]byte(e))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
