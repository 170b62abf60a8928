package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civiscope/civiscope/outbound"
)

// testConfig is fast: no host delay, tiny backoff, short timeouts.
func testConfig() Config {
	return Config{
		UserAgent:   UserAgent("https://civiscope.example"),
		Timeout:     300 * time.Millisecond,
		MaxBody:     64 << 10,
		HostDelay:   0,
		Retries:     2,
		BackoffBase: time.Millisecond,
		BackoffMax:  5 * time.Millisecond,
		Outbound:    outbound.New(outbound.AllowLoopback()), // httptest servers live on loopback
	}
}

// Without an explicit allowance the fetcher refuses loopback, as it does
// every non-public address (issue 18: claims and the crawler are reachable
// from user input).
func TestRefusesPrivateAddressesByDefault(t *testing.T) {
	s := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "intranet") }))
	cfg := testConfig()
	cfg.Outbound = nil
	_, err := New(cfg, nil).Fetch(context.Background(), Request{URL: s.URL + "/"})
	if !errors.Is(err, outbound.ErrForbidden) {
		t.Fatalf("fetching %s: %v, want a refusal", s.URL, err)
	}
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func html(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, body)
}

func TestRobotsDisallowAndUserAgent(t *testing.T) {
	var robotsHits, pageHits atomic.Int32
	var ua atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		robotsHits.Add(1)
		fmt.Fprint(w, "User-agent: *\nDisallow: /prive\n\nUser-agent: CiviscopeBot\nDisallow: /interdit-aux-observatoires\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		pageHits.Add(1)
		ua.Store(r.UserAgent())
		html(w, "<p>ok</p>")
	})
	s := serve(t, mux)
	f := New(testConfig(), nil)
	ctx := context.Background()

	if _, err := f.Fetch(ctx, Request{URL: s.URL + "/interdit-aux-observatoires/page"}); !errors.Is(err, ErrDisallowed) {
		t.Fatalf("specific group: got %v, want ErrDisallowed", err)
	}
	// The CiviscopeBot group replaces the * group, so /prive is allowed to us.
	r, err := f.Fetch(ctx, Request{URL: s.URL + "/prive"})
	if err != nil || r.Status != 200 {
		t.Fatalf("allowed page: %v %v", r, err)
	}
	if _, err := f.Fetch(ctx, Request{URL: s.URL + "/"}); err != nil {
		t.Fatal(err)
	}
	if got := robotsHits.Load(); got != 1 {
		t.Errorf("robots.txt fetched %d times, want 1 (cached)", got)
	}
	if got := pageHits.Load(); got != 2 {
		t.Errorf("pages fetched %d times, want 2 (the disallowed one never)", got)
	}
	if got, _ := ua.Load().(string); !strings.Contains(got, "CiviscopeBot") || !strings.Contains(got, "https://civiscope.example/") {
		t.Errorf("User-Agent %q lacks the bot name or contact URL", got)
	}
}

func TestRobotsServerErrorDisallowsEverything(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { html(w, "x") })
	s := serve(t, mux)
	if _, err := New(testConfig(), nil).Fetch(context.Background(), Request{URL: s.URL + "/"}); !errors.Is(err, ErrDisallowed) {
		t.Fatalf("got %v, want ErrDisallowed while robots.txt answers 503", err)
	}
}

func TestRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusMovedPermanently) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/c#frag", http.StatusFound) })
	mux.HandleFunc("/c", func(w http.ResponseWriter, r *http.Request) { html(w, "arrivé") })
	mux.HandleFunc("/loop1", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop1", http.StatusFound) })
	mux.HandleFunc("/chain/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/chain/"), "%d", &n)
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusFound)
	})
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "javascript:alert(1)")
		w.WriteHeader(302)
	})
	s := serve(t, mux)
	f := New(testConfig(), nil)
	ctx := context.Background()

	r, err := f.Fetch(ctx, Request{URL: s.URL + "/a"})
	if err != nil {
		t.Fatal(err)
	}
	if r.FinalURL != s.URL+"/c" || string(r.Body) != "arrivé" || len(r.Redirects) != 2 || r.Redirects[0].Status != 301 {
		t.Errorf("got final %s body %q redirects %+v", r.FinalURL, r.Body, r.Redirects)
	}
	if _, err := f.Fetch(ctx, Request{URL: s.URL + "/loop1"}); !errors.Is(err, ErrRedirectLoop) {
		t.Errorf("loop: got %v", err)
	}
	r, err = f.Fetch(ctx, Request{URL: s.URL + "/chain/0"})
	if !errors.Is(err, ErrTooManyRedirect) || len(r.Redirects) != 9 {
		t.Errorf("chain: got %v after %d hops", err, len(r.Redirects))
	}
	if _, err := f.Fetch(ctx, Request{URL: s.URL + "/bad"}); !errors.Is(err, ErrBadURL) {
		t.Errorf("javascript: Location: got %v", err)
	}
	if _, err := f.Fetch(ctx, Request{URL: "ftp://example.org/"}); !errors.Is(err, ErrBadURL) {
		t.Errorf("ftp URL: got %v", err)
	}
}

func TestHangingAndSlowServers(t *testing.T) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-r.Context().Done()
	})
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "100000")
		fmt.Fprint(w, "<html><body>début")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	s := serve(t, mux)
	cfg := testConfig()
	cfg.Timeout = 100 * time.Millisecond
	cfg.Retries = 1
	f := New(cfg, nil)
	start := time.Now()
	r, err := f.Fetch(context.Background(), Request{URL: s.URL + "/hang"})
	if !isTimeout(err) {
		t.Fatalf("hang: got %v, want a timeout", err)
	}
	if r.Attempts != 2 || hits.Load() != 2 {
		t.Errorf("hang: %d attempts, %d hits, want 2 (one retry)", r.Attempts, hits.Load())
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("hang took %s: timeouts not enforced", el)
	}
	if _, err := f.Fetch(context.Background(), Request{URL: s.URL + "/slow-body"}); !isTimeout(err) {
		t.Errorf("slow body: got %v, want a timeout", err)
	}
	// The caller's context wins over retries.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := f.Fetch(ctx, Request{URL: s.URL + "/hang"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestRetriesOnServerErrors(t *testing.T) {
	var n atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		html(w, "enfin")
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	s := serve(t, mux)
	f := New(testConfig(), nil)
	ctx := context.Background()
	r, err := f.Fetch(ctx, Request{URL: s.URL + "/flaky"})
	if err != nil || r.Status != 200 || r.Attempts != 3 {
		t.Fatalf("flaky: %v status %d after %d attempts", err, r.Status, r.Attempts)
	}
	r, err = f.Fetch(ctx, Request{URL: s.URL + "/down"})
	if err != nil || r.Status != 503 || r.Attempts != 3 {
		t.Errorf("down: %v status %d after %d attempts, want 503 after 3", err, r.Status, r.Attempts)
	}
	r, err = f.Fetch(ctx, Request{URL: s.URL + "/missing"})
	if err != nil || r.Status != 404 || r.Attempts != 1 {
		t.Errorf("404 must not be retried: %v status %d after %d attempts", err, r.Status, r.Attempts)
	}
}

func TestTooManyRequestsHonoursRetryAfter(t *testing.T) {
	var n atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		html(w, "ok")
	})
	mux.HandleFunc("/closed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "86400")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	s := serve(t, mux)
	f := New(testConfig(), nil)
	var mu sync.Mutex
	var waits []time.Duration
	f.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}
	r, err := f.Fetch(context.Background(), Request{URL: s.URL + "/busy"})
	if err != nil || r.Status != 200 {
		t.Fatalf("busy: %v %v", r, err)
	}
	if len(waits) != 1 || waits[0] != 7*time.Second {
		t.Errorf("waits %v, want one of 7s from Retry-After", waits)
	}
	waits = nil
	r, err = f.Fetch(context.Background(), Request{URL: s.URL + "/closed"})
	if err != nil || r.Status != 429 || len(waits) != 0 {
		t.Errorf("a day-long Retry-After must be given up at once: %v status %d waits %v", err, r.Status, waits)
	}
}

func TestHugeAndTruncatedBodies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := strings.Repeat("<p>bla</p>", 1000)
		for i := 0; i < 2000; i++ { // 20 MB if nobody stops reading
			if _, err := fmt.Fprint(w, chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/cut", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "5000")
		fmt.Fprint(w, "<html><body>coupé")
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	s := serve(t, mux)
	f := New(testConfig(), nil)
	r, err := f.Fetch(context.Background(), Request{URL: s.URL + "/huge"})
	if err != nil || !r.Truncated || len(r.Body) != 64<<10 {
		t.Errorf("huge: %v truncated=%v len=%d", err, r.Truncated, len(r.Body))
	}
	r, err = f.Fetch(context.Background(), Request{URL: s.URL + "/cut"})
	if err != nil || !r.Truncated || !strings.Contains(string(r.Body), "coupé") {
		t.Errorf("cut: %v truncated=%v body=%q", err, r.Truncated, r.Body)
	}
}

func TestCharsets(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=ISO-8859-1")
		w.Write([]byte("<p>Mairie de Cr\xe9teil \x96 d\xe9marches</p>"))
	})
	mux.HandleFunc("/cp1252-meta", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><meta charset=\"windows-1252\"></head><body>Budget participatif : 1\xa0000\xa0\x80 \x96 l\x92\xe9t\xe9</body></html>"))
	})
	s := serve(t, mux)
	f := New(testConfig(), nil)
	r, err := f.Fetch(context.Background(), Request{URL: s.URL + "/latin1"})
	if err != nil || !strings.Contains(string(r.Body), "Mairie de Créteil") || r.Charset != "windows-1252" {
		// WHATWG maps ISO-8859-1 to windows-1252, which is what browsers do.
		t.Errorf("latin1: %v %q charset %s", err, r.Body, r.Charset)
	}
	r, err = f.Fetch(context.Background(), Request{URL: s.URL + "/cp1252-meta"})
	if err != nil || !strings.Contains(string(r.Body), "1\u00a0000\u00a0€ – l’été") {
		t.Errorf("cp1252 via meta: %v %q", err, r.Body)
	}
}

func TestConditionalGetAndTypes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2026 15:04:05 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` || r.Header.Get("If-Modified-Since") == "Mon, 02 Jan 2026 15:04:05 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		html(w, "v1")
	})
	mux.HandleFunc("/doc.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7"))
	})
	s := serve(t, mux)
	f := New(testConfig(), nil)
	ctx := context.Background()
	r, err := f.Fetch(ctx, Request{URL: s.URL + "/page"})
	if err != nil || r.NotModified || string(r.Body) != "v1" {
		t.Fatalf("first: %v %+v", err, r)
	}
	etag := r.Header["Etag"][0]
	r, err = f.Fetch(ctx, Request{URL: s.URL + "/page", ETag: etag})
	if err != nil || !r.NotModified || len(r.Body) != 0 {
		t.Errorf("If-None-Match: %v notModified=%v", err, r.NotModified)
	}
	r, err = f.Fetch(ctx, Request{URL: s.URL + "/page", LastModified: "Mon, 02 Jan 2026 15:04:05 GMT"})
	if err != nil || !r.NotModified {
		t.Errorf("If-Modified-Since: %v notModified=%v", err, r.NotModified)
	}
	r, err = f.Fetch(ctx, Request{URL: s.URL + "/doc.pdf"})
	if !errors.Is(err, ErrUnsupportedType) || r.Status != 200 || r.Body != nil {
		t.Errorf("pdf: %v status %d body %d bytes", err, r.Status, len(r.Body))
	}
}

func TestHostDelayAndConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int32
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
		html(w, "ok")
	})
	a, b := serve(t, handler), serve(t, handler)
	cfg := testConfig()
	cfg.HostDelay = 30 * time.Millisecond
	cfg.HostConcurrency = 1
	cfg.GlobalConcurrency = 1
	f := New(cfg, nil)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		for _, s := range []*httptest.Server{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/p%d", s.URL, i)}); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if p := peak.Load(); p != 1 {
		t.Errorf("peak concurrency %d across two hosts with a global limit of 1", p)
	}
	// Per host: robots + 4 pages = 5 requests, 4 delays of 30ms.
	if el := time.Since(start); el < 120*time.Millisecond {
		t.Errorf("8 pages on 2 hosts took %s: the host delay was not applied", el)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{"Fri, 02 Jan 2026 15:04:30 GMT", 30 * time.Second, true},
		{"Fri, 02 Jan 2026 15:00:00 GMT", 0, true},
		{"bientôt", 0, false},
		{"-5", 0, false},
		{"", 0, false},
	} {
		got, ok := retryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("retryAfter(%q) = %s, %v; want %s, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
