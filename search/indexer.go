package search

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory"
)

// Indexer keeps a Backend current from the revision outbox. Run it for the
// life of the server:
//
//	ix := search.NewIndexer(pool, backend, log)
//	go ix.Run(ctx)   // returns when ctx is cancelled, after the batch in flight
type Indexer struct {
	db      *pgxpool.Pool
	backend Backend
	log     *slog.Logger
	// BatchSize is how many revisions one step reads.
	BatchSize int
	// Interval is the pause between polls when the outbox is empty.
	Interval time.Duration
	// MaxBackoff caps the wait after consecutive failures (1s, 2s, 4s…).
	MaxBackoff time.Duration
}

// NewIndexer returns an indexer with production defaults: batches of 500
// revisions, a poll every 2 seconds, retries backing off up to a minute.
func NewIndexer(db *pgxpool.Pool, b Backend, log *slog.Logger) *Indexer {
	return &Indexer{db: db, backend: b, log: log, BatchSize: 500, Interval: 2 * time.Second, MaxBackoff: time.Minute}
}

// Step applies the next batch of revisions and returns how many it read.
// An index that was never built is rebuilt first.
func (ix *Indexer) Step(ctx context.Context) (int, error) {
	name := ix.backend.Name()
	cursor, ok, err := Cursor(ctx, ix.db, name)
	if err != nil {
		return 0, err
	}
	if !ok {
		ix.log.Info("search index never built: rebuilding", "index", name)
		n, err := ix.backend.Rebuild(ctx, nil)
		if err != nil {
			return 0, fmt.Errorf("first build of search index %s: %w", name, err)
		}
		ix.log.Info("search index built", "index", name, "documents", n)
		return 0, nil
	}
	revs, err := directory.RevisionsAfter(ctx, ix.db, cursor, ix.BatchSize)
	if err != nil || len(revs) == 0 {
		return 0, err
	}
	ids, err := Affected(ctx, ix.db, revs)
	if err != nil {
		return 0, err
	}
	docs, gone, err := LoadDocuments(ctx, ix.db, ids)
	if err != nil {
		return 0, err
	}
	b := Batch{Upserts: docs, Deletes: gone, Cursor: revs[len(revs)-1].ID}
	if err := ix.backend.Apply(ctx, b); err != nil {
		return 0, fmt.Errorf("apply revisions %d–%d to search index %s: %w", revs[0].ID, b.Cursor, name, err)
	}
	ix.log.Debug("search index updated", "index", name, "revisions", len(revs), "upserts", len(docs), "deletes", len(gone), "cursor", b.Cursor)
	return len(revs), nil
}

// Drain applies batches until the outbox is empty and returns how many
// revisions it read.
func (ix *Indexer) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := ix.Step(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// Run drains the outbox until ctx is cancelled. Failures (the database or
// Meilisearch down) are logged and retried with exponential backoff; the
// cursor only moves once a batch is applied, so no change is lost.
func (ix *Indexer) Run(ctx context.Context) error {
	var backoff time.Duration
	for {
		_, err := ix.Drain(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := ix.Interval
		if err != nil {
			backoff = min(max(2*backoff, time.Second), ix.MaxBackoff)
			wait = backoff
			ix.log.Warn("search indexing failed; retrying", "index", ix.backend.Name(), "in", wait, "err", err)
		} else {
			backoff = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
