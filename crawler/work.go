package crawler

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
)

// Work processes a run until its frontier is empty or ctx ends. Several
// processes may Work on the same run; each URL is fetched by one of them.
//
// Inside a process the work is a pipeline, so that nothing waits for a
// whole batch. Config.Workers fetchers only fetch (the fetcher keeps its
// per-host and global limits), so that a host's slot goes straight to the
// next request instead of waiting while a page is parsed; as many
// analysers fingerprint the pages and pick their links. One exchanger owns the
// database side: in a single round trip it writes whatever outcomes are
// ready and claims as many URLs as the fetchers have room for, so the
// links of a page are handed out in the transaction that writes them, and
// its batches grow with the load on their own, which keeps the database's
// share per page small.
func (c *Crawler) Work(ctx context.Context, runID int64, progress ProgressFunc) (Stats, error) {
	run, err := GetRun(ctx, c.db, runID)
	if err != nil {
		return Stats{}, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	p := &pipeline{
		c: c, run: run, progress: progress,
		ahead: c.cfg.Workers + 2*c.cfg.Batch,
		held:  map[int64]int32{},
		known: map[string]struct{}{},
	}
	p.todo = make(chan Item, p.ahead)
	answers := make(chan answer, c.cfg.Workers)
	// Room for every URL claimed ahead and a full write more: nothing
	// waits for the database while there is something to fetch.
	outs := make(chan pageOutcome, p.ahead+maxWrite)

	var rest sync.WaitGroup
	rest.Go(func() { p.fail(cancel, p.exchange(ctx, outs)) })
	leaseCtx, stopLease := context.WithCancel(ctx)
	rest.Go(func() { p.keepLeases(leaseCtx) })
	var fetchers, analysers sync.WaitGroup
	for range c.cfg.Workers {
		fetchers.Go(func() {
			for it := range p.todo {
				a := c.fetchItem(ctx, it)
				p.fetched()
				select {
				case answers <- a:
				case <-ctx.Done():
					return
				}
			}
		})
		analysers.Go(func() {
			for a := range answers {
				if err := c.recordSiteLiveness(ctx, a); err != nil && ctx.Err() == nil {
					c.log.Warn("website liveness not recorded", "url", a.item.URL, "err", err)
				}
				select {
				case outs <- c.analyse(run, a):
				case <-ctx.Done():
					return
				}
			}
		})
	}
	fetchers.Wait()
	close(answers)
	analysers.Wait()
	stopLease()
	rest.Wait()

	if err := p.err; err != nil {
		return p.st, err
	}
	if err := context.Cause(ctx); err != nil {
		return p.st, err
	}
	n, err := publishPending(ctx, c.db, runID, c.sink, c.cfg.Publish, true)
	p.st.Published += int64(n)
	if err != nil {
		return p.st, err
	}
	if _, err := FinishRun(ctx, c.db, runID); err != nil {
		return p.st, err
	}
	return p.st, nil
}

// pipeline is one Work call's shared state.
type pipeline struct {
	c        *Crawler
	run      *Run
	progress ProgressFunc
	ahead    int // claimed and not yet fetched, at most
	todo     chan Item

	mu        sync.Mutex
	held      map[int64]int32 // claimed and not yet written: id → fencing token
	unfetched int             // claimed and not yet fetched

	// known holds URLs this process has seen on the run's frontier.
	// Rows never leave the frontier while a run lasts, so links to them
	// need not be sent again: on a town site every page links to the
	// homepage and the same menu. Only the exchanger uses it.
	known map[string]struct{}

	st  Stats // only the exchanger writes it, before Work reads it
	err error // the first failure, set once
	one sync.Once
}

func (p *pipeline) fail(cancel context.CancelCauseFunc, err error) {
	if err == nil {
		return
	}
	p.one.Do(func() { p.err = err })
	cancel(err)
}

func (p *pipeline) counts() (held, unfetched int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.held), p.unfetched
}

// stocked tells whether the fetchers have at least a Batch of URLs
// queued, enough that a claim can wait for the next write.
func (p *pipeline) stocked() bool { return len(p.todo) >= p.c.cfg.Batch }

// fetched is called by a fetcher once its URL is fetched.
func (p *pipeline) fetched() {
	p.mu.Lock()
	p.unfetched--
	p.mu.Unlock()
}

// maxWrite caps the outcomes written in one round trip.
const maxWrite = 32

// exchange keeps the fetchers supplied and writes what they produce, and
// closes todo when the run has nothing left for this process: the
// frontier is empty and no URL is held here or elsewhere.
func (p *pipeline) exchange(ctx context.Context, outs <-chan pageOutcome) error {
	defer close(p.todo)
	cfg := p.c.cfg
	// The exchanger keeps one connection, readied by a rehearsal while
	// the first pages are fetched.
	conn, err := p.c.db.Acquire(ctx)
	if err != nil {
		return ignoreCanceled(ctx, fmt.Errorf("crawl exchange: %w", err))
	}
	defer conn.Release()
	claim := claimRequest{runID: p.run.ID, worker: cfg.Worker, lease: cfg.Lease, maxAttempts: cfg.MaxAttempts}
	warm := false
	drained := false // the last claim found nothing to take
	var lastProgress time.Time
	batch := make([]pageOutcome, 0, maxWrite)
	for ctx.Err() == nil {
		batch = drain(outs, batch[:0])
		// A claim travels alone only when the fetchers are about to run
		// out; otherwise it waits to ride along with the next write.
		if len(batch) == 0 && (drained || p.stocked()) {
			if held, _ := p.counts(); drained && held == 0 {
				done, err := p.finished(ctx)
				if done || err != nil {
					return ignoreCanceled(ctx, err)
				}
				drained = false
				continue
			}
			select {
			case o := <-outs:
				batch = drain(outs, append(batch, o))
			case <-ctx.Done():
				return nil
			}
		}
		if len(batch) < lingerWrite && p.stocked() {
			batch = linger(ctx, outs, batch)
		}
		p.dropKnownLinks(batch)
		_, unfetched := p.counts()
		claim.n = p.ahead - unfetched
		res, err := roundTrip(ctx, conn, batch, claim, cfg.MaxStoredBody, &p.c.gzip)
		if err != nil {
			return ignoreCanceled(ctx, err)
		}
		if claim.n > 0 {
			drained = len(res.claimed) == 0
			p.hand(res.claimed)
		}
		if len(batch) > 0 {
			if err := p.written(ctx, batch, res); err != nil {
				return ignoreCanceled(ctx, err)
			}
		}
		if !warm {
			warm = true
			if err := p.rehearse(ctx, conn); err != nil {
				return ignoreCanceled(ctx, err)
			}
		}
		if p.progress != nil && len(batch) > 0 && time.Since(lastProgress) > 200*time.Millisecond {
			lastProgress = time.Now()
			if pr, err := ReadProgress(ctx, p.c.db, p.run.ID); err == nil {
				p.progress(pr.Done+pr.Failed, pr.Total())
			}
		}
	}
	return nil
}

// rehearse writes a made-up page, with a link and a finding, through the
// record statement, in a transaction it rolls back. A fresh PostgreSQL
// backend spends milliseconds on the first write to each table and index
// (loading their catalogue entries, planning, preparing the foreign key
// checks); rehearsed while the first pages are fetched, that is not paid
// by the first real writes, which grow the frontier when the crawl has
// least to do. The .invalid domain can name no real site.
func (p *pipeline) rehearse(ctx context.Context, conn *pgxpool.Conn) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("rehearse: %w", err)
	}
	defer tx.Rollback(ctx)
	it := Item{RunID: p.run.ID, URL: "https://rehearsal.invalid/", Token: 1}
	if err := tx.QueryRow(ctx, `INSERT INTO crawl_queue (run_id, url, state, claimed_by, lease_until, attempts)
		VALUES ($1, $2, 'claimed', $3, now() + interval '1 minute', 1) RETURNING id`, it.RunID, it.URL, p.c.cfg.Worker).Scan(&it.ID); err != nil {
		return fmt.Errorf("rehearse: %w", err)
	}
	o := pageOutcome{item: it, runID: p.run.ID, state: "done",
		resp: &fetch.Response{URL: it.URL, FinalURL: it.URL, Status: 200, Body: []byte("<html></html>"), FetchedAt: time.Now()},
		next: []Item{{URL: it.URL + "a", Depth: 1, Reason: "link"}},
		findings: []Finding{{InstanceURL: it.URL, PageURL: it.URL,
			Detection: detect.Detection{Platform: "rehearsal", Confidence: 1, Matches: []detect.Match{}}}}}
	// No claim: the exchanger's first round trip, a claim, has readied it.
	if _, err := roundTrip(ctx, tx, []pageOutcome{o}, claimRequest{}, p.c.cfg.MaxStoredBody, &p.c.gzip); err != nil {
		return fmt.Errorf("rehearse: %w", err)
	}
	return nil
}

// drain adds to batch the outcomes that are ready, up to maxWrite.
func drain(outs <-chan pageOutcome, batch []pageOutcome) []pageOutcome {
	for len(batch) < maxWrite {
		select {
		case o := <-outs:
			batch = append(batch, o)
		default:
			return batch
		}
	}
	return batch
}

// A write of fewer than lingerWrite outcomes waits up to lingerFor for
// more, when the fetchers have enough queued not to notice: a round trip
// costs the database about as much for one page as for eight, and the
// crawler's share of PostgreSQL's CPU per page fell by a quarter
// (scripts/load/crawl.sh).
const (
	lingerWrite = 8
	lingerFor   = 2 * time.Millisecond
)

func linger(ctx context.Context, outs <-chan pageOutcome, batch []pageOutcome) []pageOutcome {
	t := time.NewTimer(lingerFor)
	defer t.Stop()
	for len(batch) < lingerWrite {
		select {
		case o := <-outs:
			batch = append(batch, o)
		case <-t.C:
			return batch
		case <-ctx.Done():
			return batch
		}
	}
	return batch
}

// finished is asked when this process holds nothing and found nothing to
// claim. Expired claims past their attempts are given up; then the run is
// over for this process if nothing is queued or held anywhere. Otherwise
// other processes hold the rest: their pages may add URLs, or their leases
// may expire, so it waits a little before the next look.
func (p *pipeline) finished(ctx context.Context) (bool, error) {
	if err := giveUp(ctx, p.c.db, p.run.ID, p.c.cfg.MaxAttempts); err != nil {
		return false, err
	}
	pr, err := ReadProgress(ctx, p.c.db, p.run.ID)
	if err != nil {
		return false, err
	}
	if pr.Queued == 0 && pr.Claimed == 0 {
		return true, nil
	}
	return false, sleep(ctx, p.c.cfg.Poll)
}

// hand gives claimed URLs to the fetchers.
func (p *pipeline) hand(items []Item) {
	if len(items) == 0 {
		return
	}
	p.mu.Lock()
	for _, it := range items {
		p.held[it.ID] = int32(it.Token)
	}
	p.unfetched += len(items)
	p.mu.Unlock()
	for _, it := range items {
		p.todo <- it // never blocks: todo holds ahead items
	}
}

// written accounts for a batch the round trip wrote.
func (p *pipeline) written(ctx context.Context, batch []pageOutcome, res tripResult) error {
	c := p.c
	p.mu.Lock()
	for _, o := range batch {
		delete(p.held, o.item.ID)
	}
	p.mu.Unlock()
	for i, o := range batch {
		// A lost claim wrote nothing, links included.
		if !res.lost[i] && len(p.known)+len(o.next) <= maxKnown {
			for _, it := range o.next {
				p.known[it.URL] = struct{}{}
			}
		}
	}
	p.st.Enqueued += int64(res.added)
	findings := 0
	for i, o := range batch {
		if res.lost[i] {
			c.log.Warn("lease lost: another worker took this URL over", "url", o.item.URL)
			continue
		}
		if o.state == "failed" {
			p.st.Failed++
		} else {
			p.st.Fetched++
		}
		findings += len(o.findings)
	}
	p.st.Findings += int64(findings)
	if findings > 0 {
		n, err := publishPending(ctx, c.db, p.run.ID, c.sink, c.cfg.Publish, false)
		p.st.Published += int64(n)
		if err != nil {
			return err
		}
	}
	return nil
}

// maxKnown bounds the memory the known-URL set takes on a huge run;
// beyond it, links are sent again and the frontier's unique index
// deduplicates them as it always does.
const maxKnown = 200_000

// dropKnownLinks removes from the batch's links those already on the
// frontier, or already in an earlier outcome of the same batch.
func (p *pipeline) dropKnownLinks(batch []pageOutcome) {
	inBatch := map[string]bool{}
	for i := range batch {
		o := &batch[i]
		p.known[o.item.URL] = struct{}{}
		kept := o.next[:0:0]
		for _, it := range o.next {
			if _, ok := p.known[it.URL]; ok || inBatch[it.URL] {
				continue
			}
			inBatch[it.URL] = true
			kept = append(kept, it)
		}
		o.next = kept
	}
}

// keepLeases renews the claims this process holds while slow fetches
// (retries, Retry-After) run, so a live process never loses its URLs to
// another.
func (p *pipeline) keepLeases(ctx context.Context) {
	lease := p.c.cfg.Lease
	t := time.NewTicker(lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		ids := make([]int64, 0, len(p.held))
		tokens := make([]int32, 0, len(p.held))
		for id, tok := range p.held {
			ids, tokens = append(ids, id), append(tokens, tok)
		}
		p.mu.Unlock()
		if len(ids) == 0 {
			continue
		}
		_, err := p.c.db.Exec(ctx, `UPDATE crawl_queue SET lease_until = now() + $3 * interval '1 millisecond'
			WHERE id = ANY($1::bigint[]) AND attempts = ($2::int[])[array_position($1::bigint[], id)]
			  AND state = 'claimed'`, ids, tokens, lease.Milliseconds())
		if err != nil && ctx.Err() == nil {
			p.c.log.Warn("lease renewal failed; claims may pass to another process", "err", err)
		}
	}
}

// ignoreCanceled turns the error of a call cut short by ctx into nil: Work
// reports the cancellation itself.
func ignoreCanceled(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
