package pg

import (
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
)

// wordLexemes is what PostgreSQL's text search makes of a query word: its
// lexemes by the french_unaccent configuration (the stem, none for a
// stopword) and by simple_unaccent (the whole word), which the documents'
// vectors hold; and its French stem without unaccent, for highlighting.
// A word that splits into several lexemes matches when all of them do.
type wordLexemes struct {
	french, simple []string
	stem           string
}

// lexemeSQL looks words up (parameter: text[]).
const lexemeSQL = `SELECT w, tsvector_to_array(to_tsvector('french_unaccent', w)),
	tsvector_to_array(to_tsvector('simple_unaccent', w)), coalesce((ts_lexize('french_stem', w))[1], '')
	FROM unnest($1::text[]) AS w`

// maxLexemeWords bounds the cache: past it, it starts again empty, so that
// what strangers type cannot grow the process without end.
const maxLexemeWords = 50000

// lexemeCache remembers the lexemes of query words. They depend on the
// text search configurations only, never on the documents, so an entry
// holds until the process ends (a migration that changed a configuration
// rebuilds the index and restarts serve).
type lexemeCache struct {
	mu sync.Mutex
	m  map[string]wordLexemes
}

// missing returns the words of ws not in the cache, and the known ones.
func (c *lexemeCache) missing(ws []string, known map[string]wordLexemes) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, w := range ws {
		if _, ok := known[w]; ok {
			continue
		}
		if l, ok := c.m[w]; ok {
			known[w] = l
		} else if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// queue adds the lookup of ws to b; what it finds goes into known and the
// cache.
func (c *lexemeCache) queue(b *pgx.Batch, ws []string, known map[string]wordLexemes) {
	if len(ws) == 0 {
		return
	}
	b.Queue(lexemeSQL, ws).Query(func(rows pgx.Rows) error {
		defer rows.Close()
		found := map[string]wordLexemes{}
		for rows.Next() {
			var w string
			var l wordLexemes
			if err := rows.Scan(&w, &l.french, &l.simple, &l.stem); err != nil {
				return fmt.Errorf("look up search words: %w", err)
			}
			found[w] = l
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("look up search words: %w", err)
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.m == nil || len(c.m)+len(found) > maxLexemeWords {
			c.m = map[string]wordLexemes{}
		}
		for w, l := range found {
			known[w] = l
			c.m[w] = l
		}
		return nil
	})
}
