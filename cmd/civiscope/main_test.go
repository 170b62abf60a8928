package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "cmd", territorytest.Template, &db) }

// syncBuffer is written by a server goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testApp(addr string) (*App, *syncBuffer, *syncBuffer) {
	out, errb := &syncBuffer{}, &syncBuffer{}
	cfg := LoadConfig(func(k string) string {
		switch k {
		case "DATABASE_URL":
			return db.Config().ConnString()
		case "LISTEN_ADDR":
			return addr
		case "CRAWL_ALLOW_LOOPBACK":
			return "true" // the crawl tests' sites are httptest servers
		}
		return ""
	})
	return &App{Stdout: out, Stderr: errb, Config: cfg,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, out, errb
}

func TestTerritoriesFind(t *testing.T) {
	a, out, _ := testApp("")
	if code := a.Main(context.Background(), []string{"territories", "find", "saint", "etienne"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "42218 ") || !strings.Contains(lines[1], "Saint-Étienne") {
		t.Fatalf("first result is not Saint-Étienne 42218:\n%s", out)
	}
	if !strings.Contains(lines[1], "42 Loire") || !strings.Contains(lines[1], "commune") {
		t.Errorf("result lacks département or type: %q", lines[1])
	}
}

func TestTerritoriesFindFlagsAfterName(t *testing.T) {
	a, out, _ := testApp("")
	if code := a.Main(context.Background(), []string{"territories", "find", "Saint-Denis", "--departement", "974"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "97411") || strings.Contains(out.String(), "93066") {
		t.Errorf("--departement 974 after the name was not applied:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nonsense"}, {"territories", "find"}, {"territories", "find", "x", "--limit", "many"}} {
		a, _, errb := testApp("")
		if code := a.Main(context.Background(), args); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if errb.String() == "" {
			t.Errorf("%v: no message on stderr", args)
		}
	}
}

func TestImportTerritoriesBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "cut.tgz")
	if err := os.WriteFile(bad, []byte("\x1f\x8b\x08\x00not really gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	var before int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM territory`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing")} {
		a, _, errb := testApp("")
		if code := a.Main(context.Background(), []string{"import", "territories", path}); code != 1 {
			t.Errorf("%s: exit %d, want 1", path, code)
		}
		if !strings.Contains(errb.String(), filepath.Base(path)) {
			t.Errorf("%s: message does not name the file: %q", path, errb.String())
		}
	}
	var after int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM territory`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("a failed import changed the register: %d → %d rows", before, after)
	}
}

// TestServeHealthAndShutdown runs the real serve command: migrations,
// bootstrap, listener, health check, then a graceful stop on cancel.
func TestServeHealthAndShutdown(t *testing.T) {
	a, out, errb := testApp("127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- a.Main(ctx, []string{"serve"}) }()

	re := regexp.MustCompile(`http://\S+`)
	var base string
	deadline := time.Now().Add(60 * time.Second)
	for base == "" && time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d: %s", code, errb)
		case <-time.After(50 * time.Millisecond):
		}
		base = re.FindString(out.String())
	}
	if base == "" {
		cancel()
		t.Fatalf("serve printed no URL: %s", errb)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("healthz = %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited with %d after shutdown: %s", code, errb)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down within 20 s")
	}
}

// serve on an address already taken exits at once with a clear error
// instead of waiting for background jobs that never stop (issue 18).
func TestServeExitsWhenItCannotListen(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a, _, errb := testApp(ln.Addr().String())
	done := make(chan int, 1)
	go func() { done <- a.Main(context.Background(), []string{"serve"}) }()
	select {
	case code := <-done:
		if code == 0 || !strings.Contains(errb.String(), "listen on "+ln.Addr().String()) || !strings.Contains(errb.String(), "address already in use") {
			t.Errorf("exit %d, stderr %q", code, errb)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve on a taken address did not exit within 60 s")
	}
}
