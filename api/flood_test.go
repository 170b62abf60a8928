package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/server"
)

// The pool-deadlock scenario of issue 18: sixteen report requests at once
// on a small pool. Each must be answered, 200 or 503 with Retry-After, and
// /healthz must keep answering meanwhile; before the fix they all waited
// for a second connection that none would free.
func TestReportFloodNeverHangs(t *testing.T) {
	ctx := context.Background()
	cfg := db.Config().Copy()
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := New(Deps{DB: pool, Log: quiet}, Config{IPRate: 1e6, IPBurst: 1e6, TokenRate: 1e6, TokenBurst: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	h := server.NewRouter(server.Deps{Log: quiet, Pool: pool, Heavy: []string{"/api/v1/reports/"}, RequestTimeout: 20 * time.Second}, a.Mount)
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := &http.Client{Timeout: 15 * time.Second}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dim := []string{"region", "departement"}[i%2]
			// Distinct filters, so that no answer comes from the cache.
			resp, err := c.Get(srv.URL + "/api/v1/reports/adoptions/" + dim + "?from=" + []string{"2001", "2002", "2003", "2004", "2005", "2006", "2007", "2008"}[i/2])
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 && (resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "") {
				errs <- dim + ": " + resp.Status
			}
		}()
	}
	for range 5 {
		resp, err := c.Get(srv.URL + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("healthz during the reports: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
