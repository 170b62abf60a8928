package crawler

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civiscope/civiscope/crawler/fetch"
)

// web is a set of fake websites on one loopback TLS server: any host name
// ending in .test is routed to it and served by host; every other name
// fails to resolve, so no test can ever leave the machine.
type web struct {
	srv   *httptest.Server
	mu    sync.Mutex
	sites map[string]http.Handler
	hits  map[string]int // host+path → requests
	dials map[string]int
}

func newWeb(t *testing.T) *web {
	w := &web{sites: map[string]http.Handler{}, hits: map[string]int{}, dials: map[string]int{}}
	w.srv = httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		w.mu.Lock()
		w.hits[host+r.URL.Path]++
		h := w.sites[host]
		w.mu.Unlock()
		if h == nil {
			http.Error(rw, "no such site", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(rw, r)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *web) site(host string, h http.Handler) { w.mu.Lock(); w.sites[host] = h; w.mu.Unlock() }

func (w *web) hitCount(hostPath string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hits[hostPath]
}

// transport dials the test server for registered .test hosts and refuses
// the rest as a DNS failure would.
func (w *web) transport() http.RoundTripper {
	addr := w.srv.Listener.Addr().String()
	return &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // a loopback test server
		DialContext: func(ctx context.Context, network, hostport string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(hostport)
			w.mu.Lock()
			w.dials[host]++
			_, known := w.sites[host]
			w.mu.Unlock()
			if !strings.HasSuffix(host, ".test") || !known {
				return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
}

func (w *web) fetcher() *fetch.Fetcher {
	return fetch.New(fetch.Config{
		UserAgent: fetch.UserAgent("https://civiscope.test"), Timeout: 2 * time.Second, Retries: 1,
		BackoffBase: time.Millisecond, BackoffMax: 2 * time.Millisecond, HostConcurrency: 4,
	}, w.transport())
}

func htmlHandler(pages map[string]string) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(rw, r)
			return
		}
		if r.URL.Path == "/robots.txt" {
			rw.Header().Set("Content-Type", "text/plain")
		} else {
			rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(rw, body)
	})
}
