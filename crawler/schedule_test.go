package crawler

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civiscope/civiscope/postgres/pgtest"
)

func TestSchedulerRunsJobsAndStopsGracefully(t *testing.T) {
	var fast, failing, slowStopped atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	s := NewScheduler(quiet(),
		Job{Name: "fast", Every: 5 * time.Millisecond, Run: func(context.Context) error { fast.Add(1); return nil }},
		Job{Name: "failing", Every: 5 * time.Millisecond, Run: func(context.Context) error { failing.Add(1); return errors.New("boom") }},
		Job{Name: "slow", Every: time.Hour, Run: func(ctx context.Context) error {
			<-ctx.Done()
			slowStopped.Add(1)
			return ctx.Err()
		}},
	)
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	time.Sleep(60 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("scheduler did not stop")
	}
	if fast.Load() < 3 || failing.Load() < 3 {
		t.Errorf("runs: fast %d, failing %d (a failure must not stop a job)", fast.Load(), failing.Load())
	}
	if slowStopped.Load() != 1 {
		t.Error("the running job was not interrupted and waited for")
	}
}

func TestDiscoveryTurnResumesThenWaits(t *testing.T) {
	ctx := context.Background()
	w := exampleWeb(t)
	terr := fictionalTerritory(t, "99004", "299000045", "Quatrième-Exemple")
	// Earlier runs of other tests finished two hours ago.
	if _, err := db.Exec(ctx, `UPDATE crawl_run SET status = 'done', finished_at = now() - interval '2 hours'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO crawl_site (territory_id, url, source) VALUES ($1, 'https://www.ville-exemple.test/', 'csv')`, terr); err != nil {
		t.Fatal(err)
	}
	c := New(db, w.fetcher(), testRules(t), &recordingSink{}, Config{Worker: "sched", Workers: 2, Poll: 5 * time.Millisecond}, quiet())
	if err := discoveryTurn(ctx, db, c, time.Hour, quiet()); err != nil {
		t.Fatal(err)
	}
	var runs int
	pgtest.QueryRow(t, db, `SELECT count(*) FROM crawl_run WHERE label = 'scheduled' AND status = 'done'`).Scan(&runs)
	if runs != 1 || w.hitCount("www.ville-exemple.test/") != 1 {
		t.Fatalf("%d scheduled runs finished, homepage fetched %d times", runs, w.hitCount("www.ville-exemple.test/"))
	}
	before := w.hitCount("www.ville-exemple.test/")
	if err := discoveryTurn(ctx, db, c, time.Hour, quiet()); err != nil {
		t.Fatal(err)
	}
	if w.hitCount("www.ville-exemple.test/") != before {
		t.Error("a new discovery started before the interval")
	}
}
