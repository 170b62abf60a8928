package search

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/postgres"
)

// Affected lists the documents a run of revisions changes. A tool's
// document also carries its vendor's name and kind, and a vendor's and a
// territory's carry adoption counts, so one change can touch several.
// Evidence and organisations appear in no document.
func Affected(ctx context.Context, db postgres.Querier, revs []directory.Revision) ([]string, error) {
	var tools, vendors, territories, adoptions []int64
	for _, r := range revs {
		switch r.Entity {
		case directory.EntityTool:
			tools = append(tools, r.EntityID)
			vendors = append(vendors, changedIDs(r, "vendor_id")...)
		case directory.EntityVendor:
			vendors = append(vendors, r.EntityID)
		case directory.EntityAdoption:
			adoptions = append(adoptions, r.EntityID)
			tools = append(tools, changedIDs(r, "tool_id")...)
			territories = append(territories, changedIDs(r, "territory_id")...)
		}
	}
	// Current links, for what the revision's changes do not mention: an
	// adoption update lists only the fields that moved.
	if len(adoptions) > 0 {
		rows, err := db.Query(ctx, `SELECT tool_id, coalesce(territory_id, 0) FROM adoption WHERE id = ANY($1)`, adoptions)
		if err != nil {
			return nil, fmt.Errorf("adoptions of the outbox: %w", err)
		}
		for rows.Next() {
			var tool, terr int64
			if err := rows.Scan(&tool, &terr); err != nil {
				rows.Close()
				return nil, fmt.Errorf("adoptions of the outbox: %w", err)
			}
			tools = append(tools, tool)
			if terr != 0 {
				territories = append(territories, terr)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("adoptions of the outbox: %w", err)
		}
	}
	if len(tools) > 0 {
		ids, err := int64s(ctx, db, `SELECT vendor_id FROM tool WHERE id = ANY($1) AND vendor_id IS NOT NULL`, tools)
		if err != nil {
			return nil, err
		}
		vendors = append(vendors, ids...)
	}
	var vendorChanges []int64
	for _, r := range revs {
		if r.Entity == directory.EntityVendor {
			vendorChanges = append(vendorChanges, r.EntityID)
		}
	}
	if len(vendorChanges) > 0 {
		ids, err := int64s(ctx, db, `SELECT id FROM tool WHERE vendor_id = ANY($1)`, vendorChanges)
		if err != nil {
			return nil, err
		}
		tools = append(tools, ids...)
	}
	var out []string
	for _, g := range []struct {
		t   Type
		ids []int64
	}{{TypeTool, tools}, {TypeVendor, vendors}, {TypeTerritory, territories}} {
		slices.Sort(g.ids)
		for _, id := range slices.Compact(g.ids) {
			out = append(out, DocID(g.t, id))
		}
	}
	return out, nil
}

// changedIDs reads the old and new ids of a field of a revision (JSON
// numbers decode as float64).
func changedIDs(r directory.Revision, field string) []int64 {
	c, ok := r.Changes[field]
	if !ok {
		return nil
	}
	var out []int64
	for _, v := range []any{c.Old, c.New} {
		switch n := v.(type) {
		case float64:
			out = append(out, int64(n))
		case int64:
			out = append(out, n)
		case int:
			out = append(out, int64(n))
		}
	}
	return out
}

func int64s(ctx context.Context, db postgres.Querier, sql string, args ...any) ([]int64, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox links: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("outbox links: %w", err)
	}
	return ids, nil
}

// Cursor returns the last revision id the named index has applied; ok is
// false when the index was never built.
func Cursor(ctx context.Context, db postgres.Querier, name string) (id int64, ok bool, err error) {
	err = db.QueryRow(ctx, `SELECT revision FROM search_cursor WHERE name = $1`, name).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read search cursor %s: %w", name, err)
	}
	return id, true, nil
}

// AdvanceCursor records that the named index has applied every revision up
// to id. It never moves a cursor back: two indexers may race, and the one
// with older news must not undo the other's progress.
func AdvanceCursor(ctx context.Context, db postgres.Querier, name string, id int64) error {
	_, err := db.Exec(ctx, `INSERT INTO search_cursor (name, revision) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET revision = greatest(search_cursor.revision, excluded.revision), updated_at = now()`, name, id)
	if err != nil {
		return fmt.Errorf("advance search cursor %s: %w", name, err)
	}
	return nil
}

// ResetCursor sets the cursor of a rebuilt index to the revision its
// snapshot saw, even when that is older: the indexer replays what came
// after, which is harmless since applying is idempotent.
func ResetCursor(ctx context.Context, db postgres.Querier, name string, id int64) error {
	_, err := db.Exec(ctx, `INSERT INTO search_cursor (name, revision) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, updated_at = now()`, name, id)
	if err != nil {
		return fmt.Errorf("reset search cursor %s: %w", name, err)
	}
	return nil
}
