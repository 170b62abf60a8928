package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/crawler"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

const cliDecidimPage = `<!DOCTYPE html><html><head><script src="/decidim-packs/js/decidim_core-1.js"></script></head>
<body><a href="/processes/x">Processus</a><footer><a rel="decidim noopener" href="https://decidim.org/">Decidim</a></footer></body></html>`

func crawlSite(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nDisallow: /prive\n") })
	mux.HandleFunc("/participez", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, cliDecidimPage) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<html><body><a href="/participez">Budget participatif</a><a href="/prive/participation">élus</a></body></html>`)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func TestCrawlDetectURLs(t *testing.T) {
	s := crawlSite(t)
	a, out, _ := testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "detect", s.URL + "/participez", s.URL + "/", "--delay", "0", "--depth", "0"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	o := out.String()
	if !strings.Contains(o, "Decidim") || !strings.Contains(o, "confidence 100%") || !strings.Contains(o, "scriptSrc") || !strings.Contains(o, "no known platform detected") {
		t.Errorf("output:\n%s", o)
	}

	a, out, _ = testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "detect", "--json", s.URL + "/", "--delay", "0"}); code != 0 {
		t.Fatalf("nothing detected must exit 0, got %d", code)
	}
	var res []crawler.URLDetection
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil || len(res) != 1 || res[0].Status != 200 || len(res[0].Detections) != 0 {
		t.Errorf("json %v: %s", err, out)
	}

	a, _, errb := testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "detect", "ftp://exemple.fr/"}); code != 1 || !strings.Contains(errb.String(), "not a web address") {
		t.Errorf("bad URL: exit %d, %s", code, errb)
	}
	a, _, _ = testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "detect"}); code != 2 {
		t.Errorf("no argument: exit %d, want usage", code)
	}
	a, out, _ = testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "detect", s.URL + "/prive/x", "--delay", "0"}); code != 1 || !strings.Contains(out.String(), "robots.txt") {
		t.Errorf("disallowed page: exit %d, %s", code, out)
	}
}

// A town's homepage that only links to its platform, on another host:
// the single-URL form follows the link as a discovery run does and says
// where the platform was found.
func TestCrawlDetectFollowsLinksFromHomepage(t *testing.T) {
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, cliDecidimPage)
	}))
	t.Cleanup(platform.Close)
	town := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprintf(w, `<html><body><nav><a href="/actualites">Actualités</a><a href="%s/">Je participe</a></nav></body></html>`, platform.URL)
		case "/actualites":
			fmt.Fprint(w, `<html><body>rien</body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(town.Close)

	a, out, _ := testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "detect", "--json", town.URL + "/", "--delay", "0"}); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var res []crawler.URLDetection
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil || len(res) != 1 {
		t.Fatalf("json %v: %s", err, out)
	}
	r := res[0]
	if len(r.Detections) != 0 || len(r.Found) != 1 || r.Found[0].Platform != "Decidim" || r.Found[0].Page != platform.URL+"/" ||
		r.Found[0].Depth != 1 || r.Found[0].From != town.URL+"/" {
		t.Errorf("want Decidim found one link away on %s/, got %+v", platform.URL, r)
	}

	a, out, _ = testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "detect", town.URL + "/", "--delay", "0"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if o := out.String(); !strings.Contains(o, "Decidim") || !strings.Contains(o, "found on "+platform.URL+"/") {
		t.Errorf("the text output does not say where Decidim was found:\n%s", o)
	}

	a, out, _ = testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "detect", "--depth", "0", "--json", town.URL + "/", "--delay", "0"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil || len(res[0].Found) != 0 || res[0].Pages != 1 {
		t.Errorf("--depth 0 reads only the page itself: %s", out)
	}
}

// forgetWebsiteLiveness drops the website liveness targets a discovery
// run left, so that other tests see an empty watch list.
func forgetWebsiteLiveness(t *testing.T) {
	t.Cleanup(func() {
		if _, err := db.Exec(context.Background(), `DELETE FROM liveness_target WHERE kind = 'website'`); err != nil {
			t.Error(err)
		}
	})
}

func TestCrawlDetectTerritories(t *testing.T) {
	ctx := context.Background()
	forgetWebsiteLiveness(t)
	if _, err := db.Exec(ctx, `INSERT INTO territory (kind, code, name, name_norm, source) VALUES ('commune', '99901', 'Testville-Crawler', 'testville crawler', 'test')`); err != nil {
		t.Fatal(err)
	}
	s := crawlSite(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("code,url\n99901,"+s.URL+"/\nxyz,"+s.URL+"\n"), 0o644)
	a, _, errb := testApp("")
	if code := a.Main(ctx, []string{"crawl", "detect", "--territories", bad}); code != 1 || !strings.Contains(errb.String(), "line 3") {
		t.Fatalf("bad CSV: exit %d, %s", code, errb)
	}
	var n int
	pgtest.QueryRow(t, db, `SELECT count(*) FROM crawl_site`).Scan(&n)
	if n != 0 {
		t.Errorf("a bad file wrote %d sites", n)
	}
	good := filepath.Join(dir, "sites.csv")
	os.WriteFile(good, []byte("99901,"+s.URL+"/\n"), 0o644)
	a, out, errb := testApp("")
	if code := a.Main(ctx, []string{"crawl", "detect", "--territories", good, "--delay", "0"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	// Published when the directory holds the Decidim tool, else pending
	// with the directory's reason: either way, reported.
	if o := out.String(); !strings.Contains(o, "Testville-Crawler") || !strings.Contains(o, "Decidim") ||
		!(strings.Contains(o, "pending") || strings.Contains(o, "published")) || strings.Contains(o, "/prive") {
		t.Errorf("output:\n%s\nstderr:\n%s", o, errb)
	}
	a, out, _ = testApp("")
	if code := a.Main(ctx, []string{"crawl", "detect", "--resume"}); code != 0 || !strings.Contains(out.String(), "No unfinished discovery run") {
		t.Errorf("resume: exit %d, %s", code, out)
	}
}

// --all crawls the websites register, filtered by kind and population.
func TestCrawlDetectAll(t *testing.T) {
	ctx := context.Background()
	forgetWebsiteLiveness(t)
	big, small, gone := crawlSite(t), crawlSite(t), crawlSite(t)
	gone.Close() // a site that stopped answering
	// Only the sites inserted here: no test fetches a real address.
	if _, err := db.Exec(ctx, `DELETE FROM territory_website`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code, name, url string
		pop             int
	}{
		{"99911", "Grandeville-Test", big.URL + "/", 50000},
		{"99912", "Petiteville-Test", small.URL + "/", 120},
		{"99913", "Muetteville-Test", gone.URL + "/", 60000},
	} {
		if _, err := db.Exec(ctx, `WITH t AS (INSERT INTO territory (kind, code, name, name_norm, population, source)
				VALUES ('commune', $1, $2, lower($2), $3, 'test') RETURNING id)
			INSERT INTO territory_website (territory_id, url, host, status, source, source_title, licence, first_listed, last_listed)
			SELECT id, $4, 'test', 'current', 'test', 'test', 'test', '2019-10-22', '2019-10-22' FROM t`, c.code, c.name, c.pop, c.url); err != nil {
			t.Fatal(err)
		}
	}
	a, _, _ := testApp("")
	if code := a.Main(ctx, []string{"crawl", "detect", "--kind", "commune"}); code != 2 {
		t.Errorf("--kind without --all: exit %d, want usage", code)
	}
	a, _, errb := testApp("")
	if code := a.Main(ctx, []string{"crawl", "detect", "--all", "--kind", "canton"}); code != 1 || !strings.Contains(errb.String(), "--kind") {
		t.Errorf("bad kind: exit %d, %s", code, errb)
	}
	a, out, errb := testApp("")
	if code := a.Main(ctx, []string{"crawl", "detect", "--all", "--kind", "commune", "--min-population", "1000", "--delay", "10ms"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if o := out.String(); !strings.Contains(o, "Grandeville-Test") || !strings.Contains(o, "Decidim") || strings.Contains(o, "Petiteville-Test") {
		t.Errorf("output:\n%s\nstderr:\n%s", o, errb)
	}
	var hosts int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM crawl_host`).Scan(&hosts); err != nil || hosts == 0 {
		t.Errorf("the run kept no shared host slots (%d, %v)", hosts, err)
	}
	// The same crawl is the websites' liveness check: a dead site fails
	// once and stays alive (14-day rule); a live one is alive.
	for _, c := range []struct{ name, class string }{{"Grandeville-Test", "alive"}, {"Muetteville-Test", "unreachable"}} {
		var state, class string
		var failures int
		err := db.QueryRow(ctx, `SELECT state, last_class, failures FROM liveness_target WHERE kind = 'website' AND label = $1`, c.name).
			Scan(&state, &class, &failures)
		if err != nil || state != "alive" || class != c.class {
			t.Errorf("%s: liveness %s/%s after one check (%v), want alive/%s", c.name, state, class, err, c.class)
		}
	}
}

func TestCrawlSourcesList(t *testing.T) {
	a, out, _ := testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "sources"}); code != 0 || !strings.Contains(out.String(), "decidim-installations") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	a, out, _ = testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "sources", "decidim-installations", "--show"}); code != 0 || !strings.Contains(out.String(), "installations.html.erb") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	a, _, errb := testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "sources", "inconnue"}); code != 1 || !strings.Contains(errb.String(), "decidim-installations") {
		t.Errorf("unknown source: exit %d, %s", code, errb)
	}
}

func TestCrawlLivenessEmpty(t *testing.T) {
	a, out, _ := testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "liveness", "--list"}); code != 0 || !strings.Contains(out.String(), "No URL watched yet") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	a, _, _ = testApp("")
	if code := a.Main(context.Background(), []string{"crawl", "liveness", "--list", "--state", "zombie"}); code != 1 {
		t.Errorf("bad state: exit %d", code)
	}
}

func TestCrawlSchedulerStopsWithServe(t *testing.T) {
	a, _, _ := testApp("")
	s, err := a.crawlScheduler(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduler did not stop with its context")
	}
}
