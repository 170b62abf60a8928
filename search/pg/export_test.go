package pg

import "context"

// SimilarWords is what the engine's in-memory vocabulary offers as the
// near words of w, for tests to hold against pg_trgm.
func (e *Engine) SimilarWords(ctx context.Context, w string) ([]string, error) {
	if err := e.Warm(ctx); err != nil {
		return nil, err
	}
	e.snaps.mu.Lock()
	defer e.snaps.mu.Unlock()
	return e.snaps.cur.vocab.similar(w, maxNearWords, &scratch{}), nil
}
