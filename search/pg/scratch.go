package pg

// scratch is a search's working memory: the bitsets of its query's words,
// the relevance tiers, the trigram counts of a typo lookup. Searches
// borrow it from the Engine's pool and give it back, so that a broad query
// does not hand the garbage collector a few hundred kilobytes each time.
type scratch struct {
	words  []uint64 // carved into bitsets, none of which outlives the search
	tier   []int16
	counts []uint16 // all zero between uses
}

// bits returns a cleared bitset of n words.
func (sc *scratch) bits(n int) bitset {
	if cap(sc.words)-len(sc.words) < n {
		// The earlier bitsets stay where they are, in use; the next
		// search gets the larger slab.
		sc.words = make([]uint64, 0, max(2*cap(sc.words), 64*n))
	}
	b := sc.words[len(sc.words) : len(sc.words)+n]
	clear(b)
	sc.words = sc.words[:len(sc.words)+n]
	return bitset(b)
}

// tiers returns n cleared tiers.
func (sc *scratch) tiers(n int) []int16 {
	if cap(sc.tier) < n {
		sc.tier = make([]int16, n)
	}
	sc.tier = sc.tier[:n]
	clear(sc.tier)
	return sc.tier
}

// trigramCounts returns n counters, zero; the caller zeroes those it
// touched before the scratch is reused.
func (sc *scratch) trigramCounts(n int) []uint16 {
	if len(sc.counts) < n {
		sc.counts = make([]uint16, n)
	}
	return sc.counts[:n]
}

func (sc *scratch) reset() { sc.words = sc.words[:0] }
