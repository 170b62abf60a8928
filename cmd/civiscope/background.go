package main

import (
	"context"
	"log/slog"
	"sync"
)

// background runs serve's recurring jobs (search indexing, crawls, open-data
// releases) and lets serve wait for them after the listener has drained, so
// that no job is cut off while it still holds the database pool.
type background struct {
	ctx context.Context
	log *slog.Logger
	wg  sync.WaitGroup
}

func newBackground(ctx context.Context, log *slog.Logger) *background {
	return &background{ctx: ctx, log: log}
}

// Go starts a job; it runs until the context ends.
func (b *background) Go(name string, run func(context.Context) error) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		if err := run(b.ctx); err != nil && b.ctx.Err() == nil {
			b.log.Error("background job stopped", "job", name, "err", err)
		}
	}()
}

// Wait blocks until every job has returned.
func (b *background) Wait() { b.wg.Wait() }
