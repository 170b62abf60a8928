// Package pg is the embedded search backend: PostgreSQL full-text search
// over the search_document table (migration 00200_search.sql), with the
// french_unaccent configuration for stemming without accents, whole-word
// lexemes for prefixes, a vocabulary for typos, Go-side synonyms, and facet
// terms. PostgreSQL stores the documents and makes their lexemes; each
// process matches them in an in-memory snapshot (snapshot.go), which
// answers a broad prefix in a millisecond where GIN scans took tens.
//
//	engine := pg.New(pool)              // a search.Backend
//	res, err := engine.Search(ctx, q)   // see package search
package pg

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/search"
)

// Engine searches and maintains the search_document table.
type Engine struct {
	db    *pgxpool.Pool
	snaps *snapshots
	lex   *lexemeCache
	// scratch holds *scratch: searches' working memory, reused.
	scratch *sync.Pool
}

// New returns the PostgreSQL search backend. It keeps an in-memory snapshot
// of the documents' facets and sort keys (see snapshot), loaded on the first
// search and refreshed from what changed, so create one per process.
func New(db *pgxpool.Pool) *Engine {
	return &Engine{db: db, snaps: &snapshots{}, lex: &lexemeCache{},
		scratch: &sync.Pool{New: func() any { return &scratch{} }}}
}

// Warm loads the in-memory snapshot, so that the first search after a start
// does not pay for it.
func (e *Engine) Warm(ctx context.Context) error {
	_, err := e.snaps.get(ctx, e.db, 0)
	return err
}

// writeLock serialises writes to search_document, so that seq values become
// visible in increasing order and a snapshot refresh ("seq > last") never
// skips one.
const writeLock = 7427200

func lockWrites(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
		return fmt.Errorf("lock search documents: %w", err)
	}
	return nil
}

// Name is the cursor name of this index.
func (e *Engine) Name() string { return "postgres" }

func docColumns() []string {
	return []string{"id", "type", "entity_id", "slug", "name", "name_sort", "summary",
		"description", "keywords", "adopters", "population", "updated_at", "facets"}
}

func row(d search.Document) []any {
	return []any{d.ID, string(d.Type), d.EntityID, d.Slug, d.Name, search.SortKey(d.Name), d.Summary,
		d.Description, d.Keywords, d.Adopters, d.Population, d.UpdatedAt, d.FacetTerms()}
}

// learnWords adds the words of the given documents (all when ids is nil)
// to the vocabulary that typo corrections come from.
const learnWords = `INSERT INTO search_word (word)
	SELECT DISTINCT w FROM search_document d,
		unnest(tsvector_to_array(to_tsvector('simple_unaccent', d.name || ' ' || d.summary || ' ' || d.keywords || ' ' || d.description))) AS w
	WHERE length(w) >= 3 AND ($1::text[] IS NULL OR d.id = ANY($1))
	ON CONFLICT DO NOTHING`

// Apply upserts and deletes documents and advances the cursor in one
// transaction, so the index and its cursor never disagree.
func (e *Engine) Apply(ctx context.Context, b search.Batch) error {
	return postgres.InTx(ctx, e.db, func(tx pgx.Tx) error {
		if err := lockWrites(ctx, tx); err != nil {
			return err
		}
		if len(b.Deletes) > 0 {
			if _, err := tx.Exec(ctx, `WITH gone AS (DELETE FROM search_document WHERE id = ANY($1) RETURNING doc_no)
				INSERT INTO search_tombstone (doc_no) SELECT doc_no FROM gone`, b.Deletes); err != nil {
				return fmt.Errorf("delete search documents: %w", err)
			}
		}
		// Snapshots older than staleAfter reload from scratch, so day-old
		// tombstones are no longer needed by anyone.
		if _, err := tx.Exec(ctx, `DELETE FROM search_tombstone WHERE deleted_at < now() - interval '1 day'`); err != nil {
			return fmt.Errorf("prune search tombstones: %w", err)
		}
		if len(b.Upserts) > 0 {
			batch := &pgx.Batch{}
			ids := make([]string, len(b.Upserts))
			for i, d := range b.Upserts {
				ids[i] = d.ID
				batch.Queue(`INSERT INTO search_document (id, type, entity_id, slug, name, name_sort, summary,
					description, keywords, adopters, population, updated_at, facets)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
					ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, name = excluded.name,
					name_sort = excluded.name_sort, summary = excluded.summary, description = excluded.description,
					keywords = excluded.keywords, adopters = excluded.adopters, population = excluded.population,
					updated_at = excluded.updated_at,
					facets = excluded.facets, seq = nextval('search_document_seq')`, row(d)...)
			}
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return fmt.Errorf("upsert search documents: %w", err)
			}
			if _, err := tx.Exec(ctx, learnWords, ids); err != nil {
				return fmt.Errorf("learn search words: %w", err)
			}
		}
		return search.AdvanceCursor(ctx, tx, e.Name(), b.Cursor)
	})
}

// Rebuild replaces every document in one repeatable-read transaction:
// searches keep seeing the old documents until it commits, and the cursor
// is set to the newest revision of the same snapshot.
func (e *Engine) Rebuild(ctx context.Context, progress search.Progress) (int, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	tx, err := e.db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return 0, fmt.Errorf("begin search rebuild: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	if err := lockWrites(ctx, tx); err != nil {
		return 0, err
	}
	latest, err := directory.LatestRevisionID(ctx, tx)
	if err != nil {
		return 0, err
	}
	var total int
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM tool) + (SELECT count(*) FROM vendor)
		+ (SELECT count(*) FROM territory WHERE NOT historic)`).Scan(&total); err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	if _, err := tx.Exec(ctx, `WITH gone AS (DELETE FROM search_document RETURNING doc_no)
		INSERT INTO search_tombstone (doc_no) SELECT doc_no FROM gone`); err != nil {
		return 0, fmt.Errorf("clear search documents: %w", err)
	}
	done := 0
	progress("documents", 0, total)
	err = search.EachDocument(ctx, tx, 2000, func(docs []search.Document) error {
		rows := make([][]any, len(docs))
		for i, d := range docs {
			rows[i] = row(d)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"search_document"}, docColumns(), pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy search documents: %w", err)
		}
		done += len(docs)
		progress("documents", done, total)
		return nil
	})
	if err != nil {
		return 0, err
	}
	progress("words", 0, 1)
	if _, err := tx.Exec(ctx, learnWords, nil); err != nil {
		return 0, fmt.Errorf("learn search words: %w", err)
	}
	progress("words", 1, 1)
	if err := search.ResetCursor(ctx, tx, e.Name(), latest); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("commit search rebuild: %w", err)
	}
	// Every row is new: mark the pages all-visible and refresh the
	// statistics now rather than when autovacuum comes by, so that the
	// first searches get good plans. Outside the transaction, as VACUUM
	// must be; a failure only costs speed.
	progress("vacuum", 0, 1)
	if _, err := e.db.Exec(ctx, `VACUUM (ANALYZE) search_document, search_word`); err != nil {
		progress("vacuum", 1, 1)
		return done, nil //nolint:nilerr // the index is built; VACUUM is an optimisation
	}
	progress("vacuum", 1, 1)
	return done, nil
}
