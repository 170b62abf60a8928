package crawler

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "crawler", pgtest.Empty, &db) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func testRules(t testing.TB) *detect.Rules {
	rs, err := detect.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// fictionalTerritory inserts a collectivité that does not exist, so tests
// never attribute a platform to a real one.
func fictionalTerritory(t *testing.T, code, siren, name string) int64 {
	t.Helper()
	var id int64
	err := db.QueryRow(context.Background(), `INSERT INTO territory (kind, code, siren, name, name_norm, source)
		VALUES ('commune', $1, $2, $3, lower($3), 'test') RETURNING id`, code, siren, name).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// recordingSink is a FindingSink that keeps what it is given.
type recordingSink struct {
	mu       sync.Mutex
	findings []Finding
	fail     error
}

func (s *recordingSink) RecordDetection(_ context.Context, f Finding) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.findings = append(s.findings, f)
	return nil
}

const townHome = `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Ville d'Exemple</title></head><body>
<nav><a href="/demarches">Démarches</a> <a href="https://participez.ville-exemple.test/">Budget participatif</a>
<a href="/admin/participation">Espace élus (participation)</a> <a href="/plan-du-site">Plan du site</a>
<a href="/concertation-quartiers">Concertation des quartiers</a></nav>
<main><article class="actualite"><h2>Les outils de la démocratie locale</h2>
<p>D'autres villes utilisent <a href="https://decidim.org/">Decidim</a> ou <a href="https://www.cap-collectif.com/">Cap Collectif</a>.
Voir aussi la <a href="/page-participation-citoyenne">page participation</a>.</p></article>
<a href="https://www.facebook.com/villeexemple">Facebook</a></main></body></html>`

const decidimHome = `<!DOCTYPE html><html lang="fr"><head><title>Participez</title>
<script src="/decidim-packs/js/decidim_core-1a2b.js"></script></head><body>
<a href="/processes/bp2026">Budget participatif 2026</a>
<footer><a rel="decidim noopener noreferrer" href="https://decidim.org/">Decidim</a></footer>
<script>Decidim.config.set({"api_path":"/api"});</script></body></html>`

func exampleWeb(t *testing.T) *web {
	w := newWeb(t)
	w.site("www.ville-exemple.test", htmlHandler(map[string]string{
		"/robots.txt":             "User-agent: *\nDisallow: /admin\n",
		"/":                       townHome,
		"/concertation-quartiers": `<html><body><p>Réunions publiques.</p><iframe src="https://widget.make.org/?questionSlug=exemple"></iframe></body></html>`,
	}))
	w.site("participez.ville-exemple.test", htmlHandler(map[string]string{
		"/":                 decidimHome,
		"/processes/bp2026": decidimHome,
	}))
	return w
}

func TestDiscoveryFindsThePlatformAndPublishesIt(t *testing.T) {
	ctx := context.Background()
	terr := fictionalTerritory(t, "99001", "299000011", "Ville-d'Exemple")
	rows, err := ReadSitesCSV(strings.NewReader("code,url\n99001,www.ville-exemple.test\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ImportSites(ctx, db, rows, "test.csv"); err != nil {
		t.Fatal(err)
	}
	sites, err := ListSites(ctx, db, "99001")
	if err != nil || len(sites) != 1 {
		t.Fatalf("sites %v %v", sites, err)
	}
	run, err := StartDiscovery(ctx, db, sites, "test", 2)
	if err != nil {
		t.Fatal(err)
	}
	w := exampleWeb(t)
	sink := &recordingSink{}
	c := New(db, w.fetcher(), testRules(t), sink, Config{Worker: "w1", Workers: 2, Poll: 10 * time.Millisecond, GuessSubdomains: true}, quiet())
	var calls int
	st, err := c.Work(ctx, run.ID, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	// The Decidim instance was found through the nav link, and Make.org's
	// widget embedded in the town's concertation page: both published.
	if len(sink.findings) != 2 {
		t.Fatalf("sink got %+v", sink.findings)
	}
	got := map[string]Finding{}
	for _, f := range sink.findings {
		got[f.Detection.Platform] = f
	}
	if f := got["Decidim"]; f.InstanceURL != "https://participez.ville-exemple.test/" || f.TerritoryID != terr || f.Detection.Confidence != 100 || f.Detection.Website != "https://decidim.org" {
		t.Errorf("published %+v", f)
	}
	if f := got["Make.org"]; f.InstanceURL != "https://www.ville-exemple.test/" || f.PageURL != "https://www.ville-exemple.test/concertation-quartiers" {
		t.Errorf("published %+v", f)
	}
	var status string
	if err := db.QueryRow(ctx, `SELECT string_agg(status, ',') FROM crawl_finding WHERE run_id = $1`, run.ID).Scan(&status); err != nil || status != "published,published" {
		t.Errorf("finding statuses %q %v", status, err)
	}
	// Vendors' sites and social networks are never contacted; the
	// robots-disallowed page is never fetched.
	for _, h := range []string{"decidim.org", "www.cap-collectif.com", "www.facebook.com", "widget.make.org"} {
		if w.dials[h] != 0 {
			t.Errorf("dialled %s", h)
		}
	}
	if n := w.hitCount("www.ville-exemple.test/admin/participation"); n != 0 {
		t.Errorf("robots-disallowed page fetched %d times", n)
	}
	// The news-article link to a participation page is not followed, the
	// unrelated /plan-du-site neither.
	for _, p := range []string{"www.ville-exemple.test/page-participation-citoyenne", "www.ville-exemple.test/plan-du-site"} {
		if n := w.hitCount(p); n != 0 {
			t.Errorf("%s fetched %d times", p, n)
		}
	}
	// Depth 2: the process page linked from the instance was fetched once.
	if n := w.hitCount("participez.ville-exemple.test/processes/bp2026"); n != 1 {
		t.Errorf("depth-2 page fetched %d times", n)
	}
	// Guessed subdomains that do not exist failed as unreachable.
	var failed int
	pgtest.QueryRow(t, db, `SELECT count(*) FROM crawl_queue WHERE run_id = $1 AND state = 'failed' AND reason LIKE 'subdomain%'`, run.ID).Scan(&failed)
	if failed == 0 {
		t.Error("no guessed subdomain recorded as failed")
	}
	// Pages are kept compressed, with headers of interest.
	var pageID int64
	if err := db.QueryRow(ctx, `SELECT id FROM crawl_page WHERE run_id = $1 AND final_url = 'https://participez.ville-exemple.test/'`, run.ID).Scan(&pageID); err != nil {
		t.Fatal(err)
	}
	body, err := PageBody(ctx, db, pageID)
	if err != nil || !strings.Contains(string(body), "Decidim.config.set") {
		t.Errorf("stored body: %v %q", err, body)
	}
	r, _ := GetRun(ctx, db, run.ID)
	if r.Status != "done" || st.Fetched == 0 {
		t.Errorf("run %s, stats %+v", r.Status, st)
	}
}

func TestLowConfidenceAndUnverifiedFindingsWaitForModeration(t *testing.T) {
	ctx := context.Background()
	terr := fictionalTerritory(t, "99002", "299000029", "Autre-Exemple")
	var siteID int64
	if err := db.QueryRow(ctx, `INSERT INTO crawl_site (territory_id, url, source) VALUES ($1, 'https://www.autre-exemple.test/', 'csv') RETURNING id`, terr).Scan(&siteID); err != nil {
		t.Fatal(err)
	}
	w := newWeb(t)
	w.site("www.autre-exemple.test", htmlHandler(map[string]string{
		"/": `<html><body><a href="https://jeparticipe.autre-exemple.test/">Je participe</a>
			<iframe src="https://consult.flui.city/autre-exemple"></iframe></body></html>`,
	}))
	// Only weak markers: the app shell of Go Vocal without its fonts.
	w.site("jeparticipe.autre-exemple.test", htmlHandler(map[string]string{
		"/": `<html><body><div id="app"><div class="app-loading-container"><div class="app-loading-spinner"></div></div></div></body></html>`,
	}))
	run, err := StartDiscovery(ctx, db, []Site{{ID: siteID, TerritoryID: terr, URL: "https://www.autre-exemple.test/"}}, "low", 1)
	if err != nil {
		t.Fatal(err)
	}
	sink := &recordingSink{}
	c := New(db, w.fetcher(), testRules(t), sink, Config{Worker: "w", Workers: 1, Poll: 10 * time.Millisecond}, quiet())
	if _, err := c.Work(ctx, run.ID, nil); err != nil {
		t.Fatal(err)
	}
	if len(sink.findings) != 0 {
		t.Errorf("published without moderation: %+v", sink.findings)
	}
	got := map[string]string{}
	rows, err := db.Query(ctx, `SELECT platform, status || ': ' || note FROM crawl_finding WHERE run_id = $1`, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p, s string
		if err := rows.Scan(&p, &s); err != nil {
			t.Fatal(err)
		}
		got[p] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got["Go Vocal"], "pending: confidence 25 below 80") {
		t.Errorf("Go Vocal: %q", got["Go Vocal"])
	}
	if !strings.HasPrefix(got["Fluicity"], "pending: unverified") {
		t.Errorf("Fluicity: %q (all: %v)", got["Fluicity"], got)
	}
}

func TestTwoWorkersShareARunWithoutDoubleFetching(t *testing.T) {
	ctx := context.Background()
	w := newWeb(t)
	// On a loaded machine one process could drain the queue before the
	// other starts, which would prove nothing about sharing: each fetch
	// waits (a bounded time) until both processes have claimed work.
	var runID atomic.Int64
	deadline := time.Now().Add(20 * time.Second)
	bothClaimed := func() bool {
		var n int
		err := db.QueryRow(context.Background(), `SELECT count(DISTINCT claimed_by) FROM crawl_queue WHERE run_id = $1 AND claimed_by IS NOT NULL`, runID.Load()).Scan(&n)
		return err == nil && n >= 2
	}
	w.site("pages.test", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(rw, r)
			return
		}
		for !bothClaimed() && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(2 * time.Millisecond)
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprint(rw, "<p>page</p>")
	}))
	run, err := CreateRun(ctx, db, RunDiscovery, "share", 0)
	if err != nil {
		t.Fatal(err)
	}
	runID.Store(run.ID)
	var items []Item
	for i := 0; i < 60; i++ {
		items = append(items, Item{URL: fmt.Sprintf("https://pages.test/p/%d", i), Reason: "seed"})
	}
	if _, err := Enqueue(ctx, db, run.ID, items); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stats := make([]Stats, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two processes: separate fetchers, separate worker names.
			c := New(db, w.fetcher(), testRules(t), nil, Config{Worker: fmt.Sprintf("proc-%d", i), Workers: 3, Batch: 2, Poll: 5 * time.Millisecond, GuessSubdomains: false}, quiet())
			st, err := c.Work(ctx, run.ID, nil)
			if err != nil {
				t.Error(err)
			}
			stats[i] = st
		}()
	}
	wg.Wait()
	for i := 0; i < 60; i++ {
		if n := w.hitCount(fmt.Sprintf("pages.test/p/%d", i)); n != 1 {
			t.Errorf("page %d fetched %d times", i, n)
		}
	}
	if stats[0].Fetched+stats[1].Fetched != 60 || stats[0].Fetched == 0 || stats[1].Fetched == 0 {
		t.Errorf("work split %d + %d, want 60 shared by both", stats[0].Fetched, stats[1].Fetched)
	}
	var claimers int
	pgtest.QueryRow(t, db, `SELECT count(DISTINCT claimed_by) FROM crawl_queue WHERE run_id = $1 AND state = 'done'`, run.ID).Scan(&claimers)
	if claimers != 2 {
		t.Errorf("%d distinct claimers", claimers)
	}
}

func TestKilledWorkersClaimsAreRecoveredOnResume(t *testing.T) {
	ctx := context.Background()
	w := newWeb(t)
	w.site("resume.test", htmlHandler(map[string]string{"/a": "a", "/b": "b", "/c": "c", "/d": "d"}))
	run, err := CreateRun(ctx, db, RunDiscovery, "resume", 0)
	if err != nil {
		t.Fatal(err)
	}
	var items []Item
	for _, p := range []string{"a", "b", "c", "d"} {
		items = append(items, Item{URL: "https://resume.test/" + p, Reason: "seed"})
	}
	Enqueue(ctx, db, run.ID, items)

	// A first process completes /a, then claims /b and /c and is killed.
	first, err := Claim(ctx, db, run.ID, "dead", 1, time.Minute, 3)
	if err != nil || len(first) != 1 || first[0].URL != "https://resume.test/a" {
		t.Fatalf("claim: %v %v", first, err)
	}
	if lost := complete(t, first[0]); lost {
		t.Fatal("lost a live claim")
	}
	held, err := Claim(ctx, db, run.ID, "dead", 2, 150*time.Millisecond, 3)
	if err != nil || len(held) != 2 {
		t.Fatalf("claim: %v %v", held, err)
	}
	// Before the lease expires, nobody else can take them.
	if again, _ := Claim(ctx, db, run.ID, "other", 10, time.Minute, 3); len(again) != 1 || again[0].URL != "https://resume.test/d" {
		t.Fatalf("claimed held URLs: %+v", again)
	} else if lost := complete(t, again[0]); lost {
		t.Fatal("lost a live claim")
	}
	time.Sleep(200 * time.Millisecond)

	// A new process resumes the run and picks up the dead one's URLs only.
	c := New(db, w.fetcher(), testRules(t), nil, Config{Worker: "resumer", Workers: 2, Poll: 10 * time.Millisecond}, quiet())
	st, err := c.Work(ctx, run.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Fetched != 2 {
		t.Errorf("resumed %d fetches, want 2", st.Fetched)
	}
	for p, want := range map[string]int{"a": 0, "b": 1, "c": 1, "d": 0} {
		if n := w.hitCount("resume.test/" + p); n != want {
			t.Errorf("/%s fetched %d times, want %d", p, n, want)
		}
	}
	// The dead worker cannot complete what it lost.
	if lost := complete(t, held[0]); !lost {
		t.Error("a stale claim completed its URL")
	}
	if r, _ := GetRun(ctx, db, run.ID); r.Status != "done" {
		t.Errorf("run %s", r.Status)
	}
}

// complete writes a claimed URL as done, without a page, as the crawler
// does, and reports whether its claim was lost.
func complete(t *testing.T, it Item) bool {
	t.Helper()
	gz := newGzipPool()
	res, err := roundTrip(context.Background(), db, []pageOutcome{{item: it, runID: it.RunID, state: "done"}}, claimRequest{}, 0, &gz)
	if err != nil {
		t.Fatal(err)
	}
	return res.lost[0]
}

func TestURLThatKillsWorkersIsGivenUp(t *testing.T) {
	ctx := context.Background()
	run, _ := CreateRun(ctx, db, RunDiscovery, "poison", 0)
	Enqueue(ctx, db, run.ID, []Item{{URL: "https://poison.test/", Reason: "seed"}})
	for i := 0; i < 2; i++ {
		if got, err := Claim(ctx, db, run.ID, "dies", 1, time.Millisecond, 2); err != nil || len(got) != 1 {
			t.Fatalf("claim %d: %v %v", i, got, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got, _ := Claim(ctx, db, run.ID, "next", 1, time.Minute, 2); len(got) != 0 {
		t.Errorf("claimed a URL past its attempts: %+v", got)
	}
	p, _ := ReadProgress(ctx, db, run.ID)
	if p.Failed != 1 {
		t.Errorf("progress %+v", p)
	}
}

func TestSitesCSV(t *testing.T) {
	ctx := context.Background()
	fictionalTerritory(t, "99003", "299000037", "Troisième-Exemple")
	_, err := ReadSitesCSV(strings.NewReader("99003,https://ok.test/\nabc,https://x.test\n99003\n99003,ftp://x\n"))
	fe := fieldMessages(err)
	if len(fe) != 3 || !strings.Contains(fe[0], "line 2") || !strings.Contains(fe[1], "line 3") || !strings.Contains(fe[2], "line 4") {
		t.Errorf("bad lines: %v", fe)
	}
	rows, err := ReadSitesCSV(strings.NewReader("insee;site\n99003;www.troisieme.test\n299000037;https://www.troisieme.test/\n88888,https://inconnue.test\n"))
	if err != nil || len(rows) != 3 || rows[0].URL != "https://www.troisieme.test/" {
		t.Fatalf("rows %+v %v", rows, err)
	}
	// One unknown code fails the whole import: nothing is written.
	_, err = ImportSites(ctx, db, rows, "t.csv")
	if fe := fieldMessages(err); len(fe) != 1 || !strings.Contains(fe[0], "line 4") {
		t.Errorf("unknown code: %v", err)
	}
	if s, _ := ListSites(ctx, db, "99003"); len(s) != 0 {
		t.Errorf("half-written import: %+v", s)
	}
	n, err := ImportSites(ctx, db, rows[:2], "t.csv")
	if err != nil || n != 1 {
		t.Errorf("import: %d %v (code and SIREN name the same site once)", n, err)
	}
	if _, err := ReadSitesCSV(strings.NewReader("\n\n")); err == nil {
		t.Error("empty file accepted")
	}
}

func TestSiteFromInstance(t *testing.T) {
	for in, want := range map[string]string{
		"https://participez.exemple.fr/processes/x": "https://www.exemple.fr/",
		"https://jeparticipe.ville-a.fr":            "https://www.ville-a.fr/",
		"https://exemple.cap-collectif.com/":        "",
		"https://www.decidim.exemple.fr/":           "",
	} {
		got, _ := siteFromInstance(in)
		if got != want {
			t.Errorf("siteFromInstance(%s) = %q, want %q", in, got, want)
		}
	}
}

func fieldMessages(err error) []string {
	var out []string
	for _, f := range civiscopeFields(err) {
		out = append(out, f.Field+": "+f.Message)
	}
	return out
}

func civiscopeFields(err error) []civiscope.FieldError { return civiscope.ErrorFields(err) }

func TestGuessesSkipAddresses(t *testing.T) {
	d := NewDiscoverer(testRules(t))
	for _, u := range []string{"http://127.0.0.1:8080/", "http://[::1]/", "http://localhost/"} {
		if g := d.Guesses(u); len(g) != 0 {
			t.Errorf("%s: guessed %v", u, g)
		}
	}
	g := d.Guesses("https://www.ville.exemple.fr/accueil")
	if len(g) == 0 || g[0].URL != "https://participez.exemple.fr/" {
		t.Errorf("guesses %v", g)
	}
}

func TestSecondRunUsesConditionalGet(t *testing.T) {
	ctx := context.Background()
	w := newWeb(t)
	var full, notModified int
	var mu sync.Mutex
	w.site("etag.test", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(rw, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		rw.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			notModified++
			rw.WriteHeader(http.StatusNotModified)
			return
		}
		full++
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprint(rw, decidimHome)
	}))
	c := New(db, w.fetcher(), testRules(t), nil, Config{Worker: "cond", Workers: 1, Poll: 5 * time.Millisecond}, quiet())
	for i := 0; i < 2; i++ {
		run, err := CreateRun(ctx, db, RunDiscovery, "cond", 0)
		if err != nil {
			t.Fatal(err)
		}
		Enqueue(ctx, db, run.ID, []Item{{URL: "https://etag.test/", Reason: "seed"}})
		if _, err := c.Work(ctx, run.ID, nil); err != nil {
			t.Fatal(err)
		}
		fs, err := ListFindings(ctx, db, run.ID)
		if err != nil || len(fs) != 1 || fs[0].Detection.Platform != "Decidim" {
			t.Errorf("run %d: findings %+v %v", i, fs, err)
		}
	}
	if full != 1 || notModified != 1 {
		t.Errorf("%d full downloads, %d not-modified answers; want 1 and 1", full, notModified)
	}
}

// The exchanger readies its connection with a write it rolls back: the
// run must show no trace of it.
func TestRehearsalLeavesNothing(t *testing.T) {
	ctx := context.Background()
	w := newWeb(t)
	w.site("quiet.test", htmlHandler(map[string]string{"/": decidimHome}))
	run, err := CreateRun(ctx, db, RunDiscovery, "rehearsal", 0)
	if err != nil {
		t.Fatal(err)
	}
	Enqueue(ctx, db, run.ID, []Item{{URL: "https://quiet.test/", Reason: "seed"}})
	c := New(db, w.fetcher(), testRules(t), nil, Config{Worker: "quiet", Workers: 1, Poll: 5 * time.Millisecond}, quiet())
	if _, err := c.Work(ctx, run.ID, nil); err != nil {
		t.Fatal(err)
	}
	var queued, pages, findings int
	pgtest.QueryRow(t, db, `SELECT count(*) FROM crawl_queue WHERE run_id = $1`, run.ID).Scan(&queued)
	pgtest.QueryRow(t, db, `SELECT count(*) FROM crawl_page WHERE run_id = $1`, run.ID).Scan(&pages)
	pgtest.QueryRow(t, db, `SELECT count(*) FROM crawl_finding WHERE run_id = $1 AND platform = 'rehearsal'`, run.ID).Scan(&findings)
	if queued != 1 || pages != 1 || findings != 0 {
		t.Errorf("run holds %d URLs, %d pages, %d rehearsal findings; want 1, 1, 0", queued, pages, findings)
	}
}
