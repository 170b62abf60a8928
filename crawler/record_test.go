package crawler

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

// A batch where one URL's claim passed to another worker writes the
// others in full and nothing at all of the lost one.
func TestRecordWritesABatchAndNothingOfALostClaim(t *testing.T) {
	ctx := context.Background()
	run, err := CreateRun(ctx, db, RunDiscovery, "record", 2)
	if err != nil {
		t.Fatal(err)
	}
	Enqueue(ctx, db, run.ID, []Item{{URL: "https://record.test/a", Reason: "seed"}, {URL: "https://record.test/b", Reason: "seed"}})
	items, err := Claim(ctx, db, run.ID, "slow", 2, time.Millisecond, 3)
	if err != nil || len(items) != 2 {
		t.Fatalf("claim: %v %v", items, err)
	}
	time.Sleep(5 * time.Millisecond)
	// /b's lease runs out and another worker takes it over.
	var b Item
	for _, it := range items {
		if it.URL == "https://record.test/b" {
			b = it
		}
	}
	if _, err := db.Exec(ctx, `UPDATE crawl_queue SET attempts = attempts + 1, claimed_by = 'other', lease_until = now() + interval '1 minute' WHERE id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}

	page := func(it Item, next ...string) pageOutcome {
		o := pageOutcome{item: it, runID: run.ID, state: "done",
			resp: &fetch.Response{URL: it.URL, FinalURL: it.URL, Status: 200, Body: []byte("<p>" + it.URL + "</p>"), FetchedAt: time.Now()}}
		for _, u := range next {
			o.next = append(o.next, Item{URL: u, Depth: 1, Reason: "link"})
		}
		d := func(conf int) Finding {
			return Finding{InstanceURL: "https://participez.record.test", PageURL: it.URL,
				Detection: detect.Detection{Platform: "Decidim", Confidence: conf, Matches: []detect.Match{{Kind: "html", Rule: "r", Evidence: "e", Confidence: conf}}}}
		}
		// Two findings of one instance in a batch: the stronger stays.
		o.findings = []Finding{d(40), d(90)}
		return o
	}
	outs := []pageOutcome{page(items[0], "https://record.test/c"), page(items[1], "https://record.test/d")}
	gz := newGzipPool()
	res, err := roundTrip(ctx, db, outs, claimRequest{}, 1<<20, &gz)
	if err != nil {
		t.Fatal(err)
	}
	added, lost := res.added, res.lost
	for i, o := range outs {
		if want := o.item.ID == b.ID; lost[i] != want {
			t.Errorf("%s lost = %v, want %v", o.item.URL, lost[i], want)
		}
	}
	if added != 1 {
		t.Errorf("%d links added, want 1 (the lost page's link is not written)", added)
	}
	var pages, links, findings, conf int
	pgtest.QueryRow(t, db, `SELECT count(*) FROM crawl_page WHERE run_id = $1`, run.ID).Scan(&pages)
	pgtest.QueryRow(t, db, `SELECT count(*) FROM crawl_queue WHERE run_id = $1 AND depth = 1`, run.ID).Scan(&links)
	pgtest.QueryRow(t, db, `SELECT count(*), max(confidence) FROM crawl_finding WHERE run_id = $1`, run.ID).Scan(&findings, &conf)
	if pages != 1 || links != 1 || findings != 1 || conf != 90 {
		t.Errorf("pages %d, links %d, findings %d at %d; want 1, 1, 1 at 90", pages, links, findings, conf)
	}
	var state string
	var pageID *int64
	pgtest.QueryRow(t, db, `SELECT q.state, q.page_id FROM crawl_queue q WHERE q.id = $1`, items[0].ID).Scan(&state, &pageID)
	var stored string
	if pageID != nil {
		body, err := PageBody(ctx, db, *pageID)
		if err != nil {
			t.Fatal(err)
		}
		stored = string(body)
	}
	if state != "done" || stored != "<p>"+items[0].URL+"</p>" {
		t.Errorf("written URL: state %q, stored body %q", state, stored)
	}
	pgtest.QueryRow(t, db, `SELECT state FROM crawl_queue WHERE id = $1`, b.ID).Scan(&state)
	if state != "claimed" {
		t.Errorf("the lost URL is %q; it must stay with the worker that took it over", state)
	}
}

// The claim that rides along with a write hands out the links the write
// adds, in the same transaction.
func TestRoundTripClaimsTheLinksItWrites(t *testing.T) {
	ctx := context.Background()
	run, err := CreateRun(ctx, db, RunDiscovery, "trip", 2)
	if err != nil {
		t.Fatal(err)
	}
	Enqueue(ctx, db, run.ID, []Item{{URL: "https://trip.test/", Reason: "seed"}})
	home, err := Claim(ctx, db, run.ID, "trip", 5, time.Minute, 3)
	if err != nil || len(home) != 1 {
		t.Fatalf("claim: %v %v", home, err)
	}
	o := pageOutcome{item: home[0], runID: run.ID, state: "done",
		resp: &fetch.Response{URL: home[0].URL, FinalURL: home[0].URL, Status: 200, Body: []byte("<a href=/a>a</a>"), FetchedAt: time.Now()},
		next: []Item{{URL: "https://trip.test/a", Depth: 1, Reason: "link"}, {URL: "https://trip.test/b", Depth: 1, Reason: "link"}}}
	gz := newGzipPool()
	claim := claimRequest{runID: run.ID, worker: "trip", n: 5, lease: time.Minute, maxAttempts: 3}
	res, err := roundTrip(ctx, db, []pageOutcome{o}, claim, 1<<20, &gz)
	if err != nil {
		t.Fatal(err)
	}
	if res.added != 2 || len(res.lost) != 1 || res.lost[0] {
		t.Errorf("write: added %d, lost %v", res.added, res.lost)
	}
	var got []string
	for _, it := range res.claimed {
		got = append(got, it.URL)
	}
	if len(got) != 2 || got[0] != "https://trip.test/a" || got[1] != "https://trip.test/b" {
		t.Errorf("claimed %v, want the two links just written, in order", got)
	}
	if p, _ := ReadProgress(ctx, db, run.ID); p.Done != 1 || p.Claimed != 2 || p.Queued != 0 {
		t.Errorf("progress %+v", p)
	}
}

// The crawler's statements run with generic plans, which PostgreSQL makes
// once per connection, here while a new run's frontier is small. When the
// frontier has grown, they must still reach rows through keys, not scan
// the table or a whole index for each page.
func TestFrontierPlansUseKeys(t *testing.T) {
	ctx := context.Background()
	run, err := CreateRun(ctx, db, RunDiscovery, "plans", 2)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		tx.Rollback(ctx)
		conn.Exec(ctx, "DEALLOCATE plan_claim")
		conn.Exec(ctx, "DEALLOCATE plan_record")
	}()
	if _, err := tx.Exec(ctx, txSettings); err != nil {
		t.Fatal(err)
	}
	empty := strings.TrimSuffix(strings.Repeat("'{}', ", 34), ", ")
	statements := map[string]struct{ sql, args string }{
		"claim":  {claimStatement, fmt.Sprintf("%d, 8, 'w', 60000, 3", run.ID)},
		"record": {recordStatement, fmt.Sprintf("%d, %s", run.ID, empty)},
	}
	explain := func(name string) string {
		rows, err := tx.Query(ctx, "EXPLAIN EXECUTE plan_"+name+"("+statements[name].args+")")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer rows.Close()
		var plan strings.Builder
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			plan.WriteString(line + "\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return plan.String()
	}
	grow := func(from, to int) {
		var urls []string
		for i := from; i < to; i++ {
			urls = append(urls, fmt.Sprintf("https://plans.test/%d", i))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO crawl_queue (run_id, url, depth) SELECT $1, u, 1 FROM unnest($2::text[]) u`, run.ID, urls); err != nil {
			t.Fatal(err)
		}
	}
	grow(0, 40)
	for name, st := range statements {
		if _, err := tx.Exec(ctx, "PREPARE plan_"+name+" AS "+st.sql); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		explain(name) // the generic plan is made now, on a homepage's links
	}
	grow(40, 5000)
	for name := range statements {
		if p := explain(name); strings.Contains(p, "Seq Scan") || strings.Contains(p, "Merge Join") {
			t.Errorf("%s scans the frontier:\n%s", name, p)
		}
	}
}

// A claim changes no indexed column, so PostgreSQL updates the claimed
// rows in place (HOT) instead of adding entries to the frontier's indexes.
func TestClaimUpdatesInPlace(t *testing.T) {
	ctx := context.Background()
	run, err := CreateRun(ctx, db, RunDiscovery, "hot", 1)
	if err != nil {
		t.Fatal(err)
	}
	var items []Item
	for i := range 50 {
		items = append(items, Item{URL: fmt.Sprintf("https://hot.test/%d", i), Reason: "seed"})
	}
	if _, err := Enqueue(ctx, db, run.ID, items); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// The counters may hold earlier transactions of the connection too:
	// only their growth across the claim counts.
	counts := func() (updated, hot int) {
		if err := tx.QueryRow(ctx, `SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'crawl_queue'`).Scan(&updated, &hot); err != nil {
			t.Fatal(err)
		}
		return updated, hot
	}
	updated0, hot0 := counts()
	b := &pgx.Batch{}
	b.Queue(txSettings)
	queueClaim(b, run.ID, "hot", 10, time.Minute, 3)
	br := tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		t.Fatal(err)
	}
	claimed, err := readClaim(br, run.ID)
	br.Close()
	if err != nil || len(claimed) != 10 {
		t.Fatalf("claimed %d: %v", len(claimed), err)
	}
	updated, hot := counts()
	if updated, hot = updated-updated0, hot-hot0; updated != 10 || hot != 10 {
		t.Errorf("%d rows updated, %d in place; want 10 and 10", updated, hot)
	}
}
