package crawler

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Work processes a run until its frontier is empty or ctx ends. Several
// processes may Work on the same run; each URL is fetched by one of them.
//
// Inside a process the work is a pipeline, so that nothing waits for a
// whole batch: a claimer keeps a few claimed URLs ahead of the fetchers;
// Workers goroutines fetch, fingerprint and pick links (the fetcher keeps
// its per-host and global limits); one recorder writes whatever outcomes
// are ready in a single round trip. A page's links join the frontier as
// soon as it is written, and the recorder's batches grow with the load on
// their own, which keeps the database's share per page small.
func (c *Crawler) Work(ctx context.Context, runID int64, progress ProgressFunc) (Stats, error) {
	run, err := GetRun(ctx, c.db, runID)
	if err != nil {
		return Stats{}, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	p := &pipeline{
		c: c, run: run, progress: progress,
		ahead: c.cfg.Workers + c.cfg.Batch,
		held:  map[int64]int32{},
		known: map[string]struct{}{},
		wake:  make(chan struct{}, 1),
	}
	p.todo = make(chan Item, p.ahead)
	outs := make(chan pageOutcome, c.cfg.Workers)

	var workers, rest sync.WaitGroup
	rest.Add(3)
	go func() { defer rest.Done(); p.fail(cancel, p.claim(ctx)) }()
	go func() { defer rest.Done(); p.fail(cancel, p.record(ctx, outs)) }()
	leaseCtx, stopLease := context.WithCancel(ctx)
	go func() { defer rest.Done(); p.keepLeases(leaseCtx) }()
	for range c.cfg.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for it := range p.todo {
				o := c.process(ctx, run, it)
				p.fetched()
				select {
				case outs <- o:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	workers.Wait()
	close(outs)
	stopLease()
	rest.Wait()

	if err := p.err; err != nil {
		return p.st, err
	}
	if err := context.Cause(ctx); err != nil {
		return p.st, err
	}
	n, err := publishPending(ctx, c.db, runID, c.sink, c.cfg.Publish)
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
	// wake tells the claimer that a fetch ended (there is room for more
	// claims) or that a write ended (the pages written may have added
	// URLs).
	wake chan struct{}

	// known holds URLs this process has seen on the run's frontier.
	// Rows never leave the frontier while a run lasts, so links to them
	// need not be sent again: on a town site every page links to the
	// homepage and the same menu. Only the recorder uses it.
	known map[string]struct{}

	st  Stats // only the recorder writes it, before Work reads it
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

func (p *pipeline) signal() {
	select {
	case p.wake <- struct{}{}:
	default: // the claimer has a wake-up pending already
	}
}

// fetched is called by a worker once its URL is processed.
func (p *pipeline) fetched() {
	p.mu.Lock()
	p.unfetched--
	p.mu.Unlock()
	p.signal()
}

// claim keeps the fetchers supplied, and closes todo when the run has
// nothing left for this process: the frontier is empty and no URL is held
// here or elsewhere.
func (p *pipeline) claim(ctx context.Context) error {
	defer close(p.todo)
	cfg := p.c.cfg
	for ctx.Err() == nil {
		// Room counts URLs not yet fetched, not those being written: a
		// slow write must not leave the fetchers idle.
		held, unfetched := p.counts()
		room := p.ahead - unfetched
		if room < min(cfg.Batch, p.ahead) {
			if !p.wait(ctx, 0) {
				return nil
			}
			continue
		}
		items, err := Claim(ctx, p.c.db, p.run.ID, cfg.Worker, min(room, cfg.Batch), cfg.Lease, cfg.MaxAttempts)
		if err != nil {
			return ignoreCanceled(ctx, err)
		}
		if len(items) > 0 {
			p.mu.Lock()
			for _, it := range items {
				p.held[it.ID] = int32(it.Token)
			}
			p.unfetched += len(items)
			p.mu.Unlock()
			for _, it := range items {
				p.todo <- it // never blocks: todo holds ahead items
			}
			continue
		}
		if held > 0 {
			// Pages still in this process may add URLs: look again
			// when one is written.
			if !p.wait(ctx, 0) {
				return nil
			}
			continue
		}
		pr, err := ReadProgress(ctx, p.c.db, p.run.ID)
		if err != nil {
			return ignoreCanceled(ctx, err)
		}
		if pr.Queued == 0 && pr.Claimed == 0 {
			return nil
		}
		// Other processes hold the rest; their pages may add URLs, or
		// their leases may expire. Wait and look again.
		if !p.wait(ctx, cfg.Poll) {
			return nil
		}
	}
	return nil
}

// wait waits for a wake-up, or for d when d > 0. It reports false when
// ctx ended.
func (p *pipeline) wait(ctx context.Context, d time.Duration) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-p.wake:
	case <-timeout:
	case <-ctx.Done():
		return false
	}
	return true
}

// maxWrite caps the outcomes written in one round trip.
const maxWrite = 32

// record writes outcomes as they come: the first one ready, with all
// those that are ready by then.
func (p *pipeline) record(ctx context.Context, outs <-chan pageOutcome) error {
	// The recorder keeps one connection, readied while the first pages
	// are fetched: a fresh PostgreSQL backend spends tens of milliseconds
	// loading the catalogue for the record statement's five tables, and
	// paying that on the first writes would hold up the frontier's growth
	// when the crawl has least to do.
	conn, err := p.c.db.Acquire(ctx)
	if err != nil {
		return ignoreCanceled(ctx, fmt.Errorf("record pages: %w", err))
	}
	defer conn.Release()
	if _, err := conn.Conn().Prepare(ctx, recordStatement, recordStatement); err != nil {
		return ignoreCanceled(ctx, fmt.Errorf("record pages: %w", err))
	}
	// A dry run, for a URL id that no claim has, plans the statement and
	// opens the indexes it writes to, without writing anything.
	if _, _, err := recordAll(ctx, conn, []pageOutcome{{runID: p.run.ID, state: "done"}}, 0, &p.c.gzip); err != nil {
		return ignoreCanceled(ctx, err)
	}
	var lastProgress time.Time
	batch := make([]pageOutcome, 0, maxWrite)
	for o := range outs {
		batch = append(batch[:0], o)
	drain:
		for len(batch) < maxWrite {
			select {
			case o, ok := <-outs:
				if !ok {
					break drain
				}
				batch = append(batch, o)
			default:
				break drain
			}
		}
		if err := p.write(ctx, conn, batch); err != nil {
			return ignoreCanceled(ctx, err)
		}
		if p.progress != nil && time.Since(lastProgress) > 200*time.Millisecond {
			lastProgress = time.Now()
			if pr, err := ReadProgress(ctx, p.c.db, p.run.ID); err == nil {
				p.progress(pr.Done+pr.Failed, pr.Total())
			}
		}
	}
	return nil
}

func (p *pipeline) write(ctx context.Context, conn batcher, batch []pageOutcome) error {
	c := p.c
	p.dropKnownLinks(batch)
	added, lost, err := recordAll(ctx, conn, batch, c.cfg.MaxStoredBody, &c.gzip)
	if err != nil {
		return err
	}
	p.mu.Lock()
	for _, o := range batch {
		delete(p.held, o.item.ID)
	}
	p.mu.Unlock()
	for i, o := range batch {
		// A lost claim wrote nothing, links included.
		if !lost[i] && len(p.known)+len(o.next) <= maxKnown {
			for _, it := range o.next {
				p.known[it.URL] = struct{}{}
			}
		}
	}
	p.signal()
	p.st.Enqueued += int64(added)
	findings := 0
	for i, o := range batch {
		if lost[i] {
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
		n, err := publishPending(ctx, c.db, p.run.ID, c.sink, c.cfg.Publish)
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
		_, err := p.c.db.Exec(ctx, `UPDATE crawl_queue q SET lease_until = now() + $3 * interval '1 millisecond'
			FROM unnest($1::bigint[], $2::int[]) AS h(id, token)
			WHERE q.id = h.id AND q.attempts = h.token AND q.state = 'claimed'`, ids, tokens, lease.Milliseconds())
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
