// Package browsertest drives the real site in a real headless Chromium
// (chromedp) and checks pages with axe-core: the one browser harness of the
// web tests. scripts/browser.sh installs Chromium (CIVISCOPE_CHROMIUM
// points to it) and axe-core comes from the npm registry at test time,
// cached in the repository's .cache/npm and never committed. Without
// either, Start fails the test, unless CIVISCOPE_TEST_OPTIONAL=true
// (pgtest.Missing).
package browsertest

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/server"
)

// AxeVersion is the axe-core release the accessibility checks run.
const AxeVersion = "4.14.1"

// Browser is one headless Chromium in front of one server. Starting it
// costs a second; a tab costs milliseconds.
type Browser struct {
	ctx  context.Context
	Base string // the server's URL
	axe  string // axe.min.js source
}

// Start serves h on a random local port with server.Run (the production
// listener) and starts Chromium; both stop when the test ends.
func Start(t *testing.T, h http.Handler) *Browser {
	t.Helper()
	chromium := findChromium()
	if chromium == "" {
		pgtest.Missing(t, "no Chromium: run scripts/browser.sh or set CIVISCOPE_CHROMIUM")
	}
	axe, err := loadAxe()
	if err != nil {
		pgtest.Missing(t, "%v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.Run(ctx, "127.0.0.1:0", h, slog.New(slog.DiscardHandler), func(a net.Addr) { addrc <- a })
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case err := <-done:
		cancel()
		t.Fatalf("server: %v", err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 1000),
	)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
		<-done
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium %s: %v", chromium, err)
	}
	return &Browser{ctx: bctx, Base: base, axe: axe}
}

func findChromium() string {
	if p := os.Getenv("CIVISCOPE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// loadAxe returns axe.min.js, fetching the pinned package with `npm pack`
// into the repository's .cache/npm the first time.
func loadAxe() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("browsertest: cannot locate the repository")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", ".cache", "npm")
	tgz := filepath.Join(dir, "axe-core-"+AxeVersion+".tgz")
	if _, err := os.Stat(tgz); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		cmd := exec.Command("npm", "pack", "--silent", "axe-core@"+AxeVersion, "--pack-destination", dir)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("npm pack axe-core@%s: %v\n%s", AxeVersion, err, out)
		}
	}
	f, err := os.Open(tgz)
	if err != nil {
		return "", err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", tgz, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return "", fmt.Errorf("%s has no package/axe.min.js", tgz)
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", tgz, err)
		}
		if h.Name == "package/axe.min.js" {
			b, err := io.ReadAll(tr)
			return string(b), err
		}
	}
}

// Tab opens a tab in a fresh browser context (a visitor with cookies of
// its own) whose actions must all end within d.
func (b *Browser) Tab(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, d)
	t.Cleanup(cancelT)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// Open loads path and waits for its main element.
func (b *Browser) Open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(b.Base+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
}

// ClickTo follows a link or submits a form by clicking, like a person, and
// waits until the browser has loaded a new document whose URL contains want
// (any URL when want is empty).
func (b *Browser) ClickTo(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	Eval[bool](t, ctx, `window.__previous = true`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	b.WaitFor(t, ctx, want, `window.__previous === undefined && document.readyState === "complete"`)
}

// WaitURL waits for the URL to contain want, in the same document (an anchor).
func (b *Browser) WaitURL(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	b.WaitFor(t, ctx, want, `true`)
}

// WaitFor waits for the URL to contain want and the JavaScript condition
// cond to hold.
func (b *Browser) WaitFor(t *testing.T, ctx context.Context, want, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, want) {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("still on %s, want a new page whose URL contains %q", loc, want)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// Fill types value into the field sel.
func Fill(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("type into %s: %v", sel, err)
	}
}

// Eval runs a JavaScript expression and returns its value.
func Eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

// Location is the tab's URL.
func Location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	return loc
}

// Text returns the text of the first element matching a CSS selector. It
// reads the DOM with JavaScript rather than chromedp's node tracking, which
// loses track of a page restored from the back-forward cache.
func Text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	q, err := json.Marshal(sel)
	if err != nil {
		t.Fatal(err)
	}
	s := Eval[*string](t, ctx, `(e => e && e.textContent.trim())(document.querySelector(`+string(q)+`))`)
	if s == nil {
		t.Fatalf("no element %s", sel)
	}
	return *s
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID          string `json:"id"`
	Impact      string `json:"impact"`
	Description string `json:"description"`
	Nodes       []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// CheckAxe runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page
// and fails on any violation.
func (b *Browser) CheckAxe(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	for _, v := range b.AxeViolations(t, ctx, label) {
		var where []string
		for i, n := range v.Nodes {
			if i == 3 {
				where = append(where, fmt.Sprintf("… %d more", len(v.Nodes)-3))
				break
			}
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		t.Errorf("%s: axe %s (%s): %s\n  %s", label, v.ID, v.Impact, v.Description, strings.Join(where, "\n  "))
	}
}

// AxeViolations runs axe-core on the current page and returns what it found.
func (b *Browser) AxeViolations(t *testing.T, ctx context.Context, label string) []Violation {
	t.Helper()
	Eval[bool](t, ctx, b.axe+";true")
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core on %s: %v", label, err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(res), &vs); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return vs
}

// Screenshot saves the page as a test artefact in the repository's
// artifacts/browser.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "artifacts", "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
