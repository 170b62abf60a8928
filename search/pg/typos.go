package pg

import (
	"slices"
	"sync"
)

// maxNearWords bounds the typo cache: past it, the cache starts again
// empty, so that what strangers type cannot grow the process without end.
const maxNearWords = 20000

// nearWords remembers, per query word, the vocabulary words the trigram
// lookup found near it (search_similar_words), which costs milliseconds
// over a large vocabulary. The answer only changes when the index does:
// entries hold for one table seq (see Search's tableSeq) and are dropped
// as soon as a search sees another.
type nearWords struct {
	mu  sync.Mutex
	seq int64
	m   map[nearKey][]string
}

// nearKey is a fuzzy word and whether it was typed as a prefix (then a
// vocabulary word it starts spares it the lookup).
type nearKey struct {
	word   string
	prefix bool
}

// cached returns the known near-words of the keys at the cache's seq,
// and that seq.
func (n *nearWords) cached(keys []nearKey) (map[nearKey][]string, int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[nearKey][]string{}
	for _, k := range keys {
		if v, ok := n.m[k]; ok {
			out[k] = v
		}
	}
	return out, n.seq
}

// store records what a search found at seq, dropping entries of another seq.
func (n *nearWords) store(seq int64, found map[nearKey][]string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil || n.seq != seq || len(n.m)+len(found) > maxNearWords {
		n.m, n.seq = map[nearKey][]string{}, seq
	}
	for k, v := range found {
		n.m[k] = slices.Clone(v)
	}
}
