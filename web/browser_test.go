package web_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/postgres/pgtest"

	"github.com/chromedp/chromedp"

	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/web"
)

// axeVersion is the axe-core release the accessibility checks run. It comes
// from the npm registry at test time (npm pack, cached in .cache/npm) and is
// never committed.
const axeVersion = "4.14.1"

// browser is one headless Chromium shared by every flow of the package:
// starting it costs a second, a tab costs milliseconds.
type browser struct {
	ctx  context.Context
	base string // the server's URL
	axe  string // axe.min.js source
}

// startBrowser serves the whole site on a random port with server.Run (the
// production listener) and starts Chromium. Without Chromium the test fails,
// unless CIVISCOPE_TEST_OPTIONAL=true (pgtest.Missing).
func startBrowser(t *testing.T) *browser {
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
	site, err := web.New(ctx, web.Deps{Log: newTestLog(), Pool: db})
	if err != nil {
		t.Fatal(err)
	}
	h := server.NewRouter(server.Deps{Log: newTestLog(), Pool: db}, site.Mount())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, "127.0.0.1:0", h, newTestLog(), func(a net.Addr) { addrc <- a }) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("server: %v", err)
	}

	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium %s: %v", chromium, err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
		<-done
	})
	return &browser{ctx: bctx, base: base, axe: axe}
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
	dir, err := filepath.Abs(filepath.Join("..", ".cache", "npm"))
	if err != nil {
		return "", err
	}
	tgz := filepath.Join(dir, "axe-core-"+axeVersion+".tgz")
	if _, err := os.Stat(tgz); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		cmd := exec.Command("npm", "pack", "--silent", "axe-core@"+axeVersion, "--pack-destination", dir)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("npm pack axe-core@%s: %v\n%s", axeVersion, err, out)
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

// tab opens a fresh tab for one flow.
func (b *browser) tab(t *testing.T) context.Context { return b.tabFor(t, time.Minute) }

// tabFor opens a tab whose actions must all end within d.
func (b *browser) tabFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, d)
	t.Cleanup(cancelT)
	return ctx
}

func (b *browser) open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
}

// clickTo follows a link or submits a form by clicking, like a person, and
// waits until the browser has loaded a new document whose URL contains want.
func (b *browser) clickTo(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__previous = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	b.waitFor(t, ctx, want, `window.__previous === undefined && document.readyState === "complete"`)
}

// waitURL waits for the URL to contain want, in the same document (an anchor).
func (b *browser) waitURL(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	b.waitFor(t, ctx, want, `true`)
}

func (b *browser) waitFor(t *testing.T, ctx context.Context, want, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
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

// text returns the text of the first element matching a CSS selector. It
// reads the DOM with JavaScript rather than chromedp's node tracking, which
// loses track of a page restored from the back-forward cache.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	q, _ := json.Marshal(sel)
	s, err := chromedp.Run(ctx, chromedp.Evaluate[*string](`(e => e && e.textContent.trim())(document.querySelector(`+string(q)+`))`))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	if s == nil {
		t.Fatalf("no element %s", sel)
	}
	return *s
}

type axeViolation struct {
	ID          string `json:"id"`
	Impact      string `json:"impact"`
	Description string `json:"description"`
	Nodes       []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkAxe runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page
// and fails on any violation.
func (b *browser) checkAxe(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	for _, v := range b.axeViolations(t, ctx, label) {
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

func (b *browser) axeViolations(t *testing.T, ctx context.Context, label string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](b.axe+";true")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core on %s: %v", label, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(res), &vs); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return vs
}

// screenshot saves the page as a test artefact in artifacts/browser.
func (b *browser) screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join("..", "artifacts", "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
