package crawler

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"
)

// Slots of one host handed to concurrent claimers (separate pool
// connections, as separate processes would be) never come closer than
// the delay.
func TestHostSlotsKeepTheDelayAcrossClaimers(t *testing.T) {
	ctx := context.Background()
	const delay = 40 * time.Millisecond
	var mu sync.Mutex
	var got []time.Time
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				at, err := reserveHostSlot(ctx, db, "slots.exemple.fr", delay)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, at)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(got) != 20 {
		t.Fatalf("%d slots, want 20", len(got))
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Before(got[j]) })
	for i := 1; i < len(got); i++ {
		if gap := got[i].Sub(got[i-1]); gap < delay {
			t.Errorf("slots %d and %d are %v apart, want at least %v", i-1, i, gap, delay)
		}
	}
	// Another host is not held up by the first.
	other, err := reserveHostSlot(ctx, db, "autre.exemple.fr", delay)
	if err != nil {
		t.Fatal(err)
	}
	if time.Until(other) > delay {
		t.Errorf("another host waits until %v", other)
	}
}
