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

// TextBytes estimates the memory of the snapshot's text indexes and
// vocabulary, the part of it that matches text.
func (e *Engine) TextBytes() int {
	e.snaps.mu.Lock()
	defer e.snaps.mu.Unlock()
	s := e.snaps.cur
	n := s.vocab.size()
	for k := range vectorKinds {
		n += s.base[k].size() + s.delta[k].size()
	}
	for _, d := range s.shown {
		if d != nil {
			n += len(d.id) + len(d.slug) + len(d.name) + len(d.summary) + len(d.description) + 5*16
		}
	}
	return n
}
