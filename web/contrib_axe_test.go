package web_test

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/postgres/pgtest"

	"github.com/chromedp/chromedp"
)

// axeVersion matches the web package's browser tests; npm pack fetches it
// into the repository's .cache/npm once, shared by both.

func loadAxeTB(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", ".cache", "npm"))
	tgz := filepath.Join(dir, "axe-core-"+axeVersion+".tgz")
	if _, err := os.Stat(tgz); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("npm", "pack", "--silent", "axe-core@"+axeVersion, "--pack-destination", dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			pgtest.Missing(t, "no axe-core (npm pack: %v)\n%s", err, out)
		}
	}
	f, err := os.Open(tgz)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			t.Fatalf("%s has no axe.min.js", tgz)
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == "package/axe.min.js" {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
}

// checkAxe runs axe-core's WCAG 2.1 A and AA rules on the page shown and
// fails on every violation; it returns how many there were.
func (b *tab) checkAxe(axe, label string) int {
	b.t.Helper()
	n := b.axeViolations(axe, label, true)
	return n
}

func (b *tab) axeViolations(axe, label string, report bool) int {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
		b.t.Fatalf("inject axe-core: %v", err)
	}
	res, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core on %s: %v", label, err)
	}
	var vs []struct {
		ID    string `json:"id"`
		Help  string `json:"help"`
		Nodes []struct {
			HTML string `json:"html"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(res), &vs); err != nil {
		b.t.Fatal(err)
	}
	for _, v := range vs {
		if !report {
			break
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, n.HTML)
		}
		b.t.Errorf("%s: axe %s: %s\n  %s", label, v.ID, v.Help, strings.Join(where, "\n  "))
	}
	return len(vs)
}
