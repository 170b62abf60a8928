package directory

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// revisionLock is the advisory lock every directory write takes before it
// appends revisions. Holding it until commit makes revision ids visible in
// increasing order, which is what lets the search outbox read "id > last".
const revisionLock = 7427100

// inTx runs fn in a transaction (a savepoint when db is already one) that
// holds the revision lock.
func inTx(ctx context.Context, db DB, fn func(tx pgx.Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, revisionLock); err != nil {
		return fmt.Errorf("lock revisions: %w", err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func checkBy(by By) error {
	var v validator
	v.required("actor", by.Actor)
	v.maxLen("actor", by.Actor, 200)
	v.maxLen("source", by.Source, 1000)
	return v.err()
}

// diff compares two snapshots field by field. A nil old map means creation:
// every non-empty new field is listed.
func diff(old, new map[string]any) map[string]FieldChange {
	out := map[string]FieldChange{}
	for k, nv := range new {
		ov, had := old[k]
		if old == nil && isZero(nv) {
			continue
		}
		if !had || !reflect.DeepEqual(ov, nv) {
			out[k] = FieldChange{Old: ov, New: nv}
		}
	}
	return out
}

func isZero(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	case reflect.Pointer:
		return rv.IsNil()
	}
	return rv.IsZero()
}

// appendRevision writes one revision row. It must run inside inTx.
func appendRevision(ctx context.Context, tx pgx.Tx, e Entity, id int64, action string, by By, changes map[string]FieldChange) error {
	b, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("encode revision of %s %d: %w", e, id, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO revision (entity, entity_id, action, actor, source, changes)
		VALUES ($1, $2, $3, $4, $5, $6)`, e, id, action, by.Actor, by.Source, b); err != nil {
		return fmt.Errorf("append revision of %s %d: %w", e, id, err)
	}
	return nil
}

// RecordTerritoryChange appends a revision of a collectivité, inside tx,
// for a change written by another package (directory/website), so that
// page caches and the search outbox follow it like any directory write.
func RecordTerritoryChange(ctx context.Context, tx pgx.Tx, territoryID int64, by By, changes map[string]FieldChange) error {
	if err := checkBy(by); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, revisionLock); err != nil {
		return fmt.Errorf("lock revisions: %w", err)
	}
	return appendRevision(ctx, tx, EntityTerritory, territoryID, "update", by, changes)
}

const revisionColumns = `id, entity, entity_id, action, actor, source, changes, created_at`

func scanRevisions(rows pgx.Rows) ([]Revision, error) {
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		var raw []byte
		if err := rows.Scan(&r.ID, &r.Entity, &r.EntityID, &r.Action, &r.Actor, &r.Source, &raw, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("read revisions: %w", err)
		}
		if err := json.Unmarshal(raw, &r.Changes); err != nil {
			return nil, fmt.Errorf("decode revision %d: %w", r.ID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read revisions: %w", err)
	}
	return out, nil
}

// ListRevisions returns the history of one entity, newest first.
func ListRevisions(ctx context.Context, db postgres.Querier, e Entity, id int64, limit int) ([]Revision, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := db.Query(ctx, `SELECT `+revisionColumns+` FROM revision
		WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT $3`, e, id, limit)
	if err != nil {
		return nil, fmt.Errorf("list revisions of %s %d: %w", e, id, err)
	}
	return scanRevisions(rows)
}

// RevisionsAfter returns up to limit revisions with id > after, oldest
// first: the search outbox. Readers keep the last id they processed.
func RevisionsAfter(ctx context.Context, db postgres.Querier, after int64, limit int) ([]Revision, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	rows, err := db.Query(ctx, `SELECT `+revisionColumns+` FROM revision
		WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read revisions after %d: %w", after, err)
	}
	return scanRevisions(rows)
}

// LatestRevisionID is the id of the newest revision, 0 when there is none;
// an indexer that rebuilds from scratch starts its outbox reading there.
func LatestRevisionID(ctx context.Context, db postgres.Querier) (int64, error) {
	var id int64
	if err := db.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM revision`).Scan(&id); err != nil {
		return 0, fmt.Errorf("latest revision: %w", err)
	}
	return id, nil
}

func dateString(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format("2006-01-02")
}

// notFound builds the ENOTFOUND error for a missing entity.
func notFound(what, key string) error {
	return civiscope.Errorf(civiscope.ENOTFOUND, "no %s %q", what, key)
}
