package crawler

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/civiscope/civiscope/crawler/liveness"
)

type staticTargets []LivenessTarget

func (s staticTargets) LivenessTargets(context.Context) ([]LivenessTarget, error) { return s, nil }

type stateRecorder struct {
	mu      sync.Mutex
	changes map[string]liveness.State
}

func (s *stateRecorder) TargetStateChanged(_ context.Context, t LivenessTarget, _ liveness.State, _ liveness.Result, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changes[t.URL] = t.State
	return nil
}

func TestLivenessClassesAndFourteenDayRule(t *testing.T) {
	ctx := context.Background()
	w := newWeb(t)
	w.site("vivant.test", htmlHandler(map[string]string{"/": "<p>Budget participatif 2026</p>"}))
	w.site("disparu.test", htmlHandler(map[string]string{}))
	w.site("demenage.test", http.RedirectHandler("https://nouveau.test/", http.StatusMovedPermanently))
	w.site("nouveau.test", htmlHandler(map[string]string{"/": "<p>Nouvelle adresse</p>"}))
	w.site("parque.test", htmlHandler(map[string]string{"/": "<h1>Ce nom de domaine est à vendre</h1>"}))
	targets := staticTargets{
		{Kind: TargetAdoption, Ref: 1, URL: "https://vivant.test/", Label: "vivant"},
		{Kind: TargetAdoption, Ref: 2, URL: "https://disparu.test/", Label: "disparu"},
		{Kind: TargetTool, Ref: 3, URL: "https://demenage.test/", Label: "déménagé"},
		{Kind: TargetAdoption, Ref: 4, URL: "https://parque.test/", Label: "parqué"},
		{Kind: TargetAdoption, Ref: 5, URL: "https://injoignable.test/", Label: "injoignable"},
		{Kind: TargetAdoption, Ref: 6, URL: "https://web.archive.org/web/2019/https://ancien.test/", Label: "archivé"},
	}
	n, err := SyncTargets(ctx, db, targets)
	if err != nil || n != 6 {
		t.Fatalf("sync: %d %v", n, err)
	}
	if n, _ := SyncTargets(ctx, db, targets); n != 0 {
		t.Errorf("second sync added %d", n)
	}
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	sink := &stateRecorder{changes: map[string]liveness.State{}}
	c := NewLivenessChecker(db, w.fetcher(), sink, LivenessConfig{Workers: 3, Now: func() time.Time { return now }}, quiet())

	sum, err := c.CheckDue(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[liveness.Class]int{liveness.Alive: 1, liveness.Gone: 1, liveness.Moved: 1, liveness.Parked: 1, liveness.Unreachable: 1, liveness.Archived: 1}
	for k, v := range want {
		if sum.ByClass[k] != v {
			t.Errorf("class %s: %d, want %d (all %v)", k, sum.ByClass[k], v, sum.ByClass)
		}
	}
	if len(sum.Changes) != 0 {
		t.Errorf("one bad day changed states: %+v", sum.Changes)
	}
	// Nothing is due again the same day.
	if sum, _ := c.CheckDue(ctx, nil); sum.Checked != 0 {
		t.Errorf("rechecked %d targets within the interval", sum.Checked)
	}
	// A week later: second failures, still alive. Two weeks: third
	// failure over 14 days.
	now = now.Add(7 * 24 * time.Hour)
	if sum, err := c.CheckDue(ctx, nil); err != nil || sum.Checked != 6 || len(sum.Changes) != 0 {
		t.Fatalf("week 1: %+v %v", sum, err)
	}
	now = now.Add(7 * 24 * time.Hour)
	if _, err := c.CheckDue(ctx, nil); err != nil {
		t.Fatal(err)
	}
	states := map[string]liveness.State{}
	ts, err := ListTargets(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range ts {
		if tg.Kind == TargetWebsite {
			continue // discovery runs check those, not this pass
		}
		states[tg.Label] = tg.State
		hist, _, err := TargetHistory(ctx, db, tg.ID, 10)
		if err != nil || len(hist) != 3 {
			t.Errorf("%s: %d checks in history, want 3 (%v)", tg.Label, len(hist), err)
		}
	}
	for label, want := range map[string]liveness.State{"vivant": "alive", "déménagé": "alive", "disparu": "defunct", "parqué": "defunct", "archivé": "defunct", "injoignable": "dormant"} {
		if states[label] != want {
			t.Errorf("%s: %s, want %s", label, states[label], want)
		}
	}
	if sink.changes["https://injoignable.test/"] != liveness.StateDormant || len(sink.changes) != 4 {
		t.Errorf("state sink got %v", sink.changes)
	}
}
