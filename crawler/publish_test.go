package crawler

import (
	"context"
	"errors"
	"testing"

	"github.com/civiscope/civiscope/crawler/detect"
)

type refusingSink struct{ calls int }

func (s *refusingSink) RecordDetection(context.Context, Finding) error {
	s.calls++
	return errors.New("no such tool")
}

// A finding the directory refused is not handed again after every page
// (that made a France-wide run quadratic), only at the end of the run.
func TestRefusedFindingsAreRetriedOnlyAtTheEnd(t *testing.T) {
	ctx := context.Background()
	rules, err := detect.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var tid int64
	if err := db.QueryRow(ctx, `INSERT INTO territory (kind, code, name, name_norm, source)
		VALUES ('commune', '99971', 'Refusville', 'refusville', 'test') RETURNING id`).Scan(&tid); err != nil {
		t.Fatal(err)
	}
	run, err := CreateRun(ctx, db, RunDiscovery, "refusals", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://a.refusville.fr/", "https://b.refusville.fr/"} {
		if _, err := db.Exec(ctx, `INSERT INTO crawl_finding (run_id, territory_id, instance_url, page_url, platform, confidence, matches)
			VALUES ($1, $2, $3, $3, 'Decidim', 100, '[]')`, run.ID, tid, u); err != nil {
			t.Fatal(err)
		}
	}
	policy := PublishPolicy{Threshold: DefaultThreshold, Rules: rules}
	sink := &refusingSink{}
	for range 3 {
		if _, err := publishPending(ctx, db, run.ID, sink, policy, false); err != nil {
			t.Fatal(err)
		}
	}
	if sink.calls != 2 {
		t.Errorf("after three page passes the directory was asked %d times, want 2 (once per finding)", sink.calls)
	}
	if _, err := publishPending(ctx, db, run.ID, sink, policy, true); err != nil {
		t.Fatal(err)
	}
	if sink.calls != 4 {
		t.Errorf("the end-of-run pass asked %d times in all, want 4", sink.calls)
	}
}
