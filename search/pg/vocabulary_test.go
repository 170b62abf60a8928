package pg_test

import (
	"context"
	"slices"
	"testing"

	"github.com/civiscope/civiscope/search/pg"
	"github.com/civiscope/civiscope/search/searchtest"
)

// TestSimilarWordsAgreeWithPgTrgm holds the in-memory trigram lookup of
// typo candidates against what pg_trgm answers over the same vocabulary
// (the register's words), for words misspelt in every way a typo can.
func TestSimilarWordsAgreeWithPgTrgm(t *testing.T) {
	ctx := context.Background()
	pool := searchtest.RelevanceDB(t, "searchpgtrgm")
	e := pg.New(pool)
	if _, err := e.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT word FROM search_word WHERE length(word) >= 5 ORDER BY md5(word) LIMIT 150`)
	if err != nil {
		t.Fatal(err)
	}
	var sample []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			t.Fatal(err)
		}
		sample = append(sample, w)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(sample) < 100 {
		t.Fatalf("only %d vocabulary words", len(sample))
	}
	words := []string{"villeurbane", "consultaton", "demokratiee", "participaton", "xyzzyq", "ab"}
	for i, w := range sample {
		r := []rune(w)
		m := len(r) / 2
		switch i % 4 {
		case 0: // a letter dropped
			words = append(words, string(slices.Delete(slices.Clone(r), m, m+1)))
		case 1: // two letters swapped
			c := slices.Clone(r)
			c[m], c[m-1] = c[m-1], c[m]
			words = append(words, string(c))
		case 2: // a letter replaced
			c := slices.Clone(r)
			c[m] = 'q'
			words = append(words, string(c))
		default: // as it is, and a letter added
			words = append(words, w, string(slices.Insert(slices.Clone(r), m, 'e')))
		}
	}
	for _, w := range words {
		got, err := e.SimilarWords(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		if err := pool.QueryRow(ctx, `SELECT coalesce(array_agg(word ORDER BY s DESC, word), '{}') FROM (
			SELECT word, similarity(word, $1) AS s FROM search_word WHERE similarity(word, $1) >= 0.19
			ORDER BY s DESC, word LIMIT 30) x`, w).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("near %q:\n got %v\nwant %v", w, got, want)
		}
	}
}
