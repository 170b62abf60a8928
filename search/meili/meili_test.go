package meili_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/meili"
	"github.com/civiscope/civiscope/search/searchtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "searchmeili", territorytest.Template, &db) }

// TestContract runs the shared search contract against a REAL Meilisearch.
// None can be installed on the build machines, so without MEILI_URL it is
// skipped; README.md says how to start one and run it.
func TestContract(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL is not set: the search contract was NOT run against Meilisearch. " +
			"Start a real Meilisearch and set MEILI_URL (and MEILI_API_KEY) to run it; see README.md")
	}
	ctx := context.Background()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	cfg := meili.Config{URL: url, APIKey: os.Getenv("MEILI_API_KEY"), Index: "civiscope_test_" + hex.EncodeToString(rnd[:])}
	e, err := meili.Open(ctx, db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.DropIndex(context.Background()) })
	searchtest.Run(t, db, e)
}

// TestRelevance scores the relevance cases against a REAL Meilisearch,
// in a database of its own; skipped without MEILI_URL, like TestContract.
func TestRelevance(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL is not set: the relevance cases were NOT run against Meilisearch; see README.md")
	}
	ctx := context.Background()
	pool := searchtest.RelevanceDB(t, "searchmeilirelevance")
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	e, err := meili.Open(ctx, pool, meili.Config{URL: url, APIKey: os.Getenv("MEILI_API_KEY"), Index: "civiscope_rel_" + hex.EncodeToString(rnd[:])})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.DropIndex(context.Background()) })
	searchtest.Relevance(t, pool, e)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The tests below talk to a local stand-in (fakeMeili), NOT to Meilisearch:
// they check the requests this backend sends, not how Meilisearch answers.

func TestStandInSettingsAreAppliedOnceIdempotently(t *testing.T) {
	ctx := context.Background()
	f := newFakeMeili(t, "secret")
	cfg := meili.Config{URL: f.URL(), APIKey: "secret", Index: "civiscope"}
	if _, err := meili.Open(ctx, db, cfg); err != nil {
		t.Fatal(err)
	}
	if n := len(f.sent("POST", "/indexes")); n != 1 {
		t.Errorf("index created %d times", n)
	}
	patches := f.sent("PATCH", "/indexes/civiscope/settings")
	if len(patches) != 1 {
		t.Fatalf("settings sent %d times, want 1", len(patches))
	}
	body := patches[0].Body.(map[string]any)
	if body["typoTolerance"] == nil || body["synonyms"] == nil || body["filterableAttributes"] == nil || body["sortableAttributes"] == nil {
		t.Errorf("settings body lacks a part: %v", body)
	}
	// A second start finds the same settings and sends nothing.
	f.reset()
	if _, err := meili.Open(ctx, db, cfg); err != nil {
		t.Fatal(err)
	}
	if n := len(f.sent("PATCH", "/indexes/civiscope/settings")); n != 0 {
		t.Errorf("unchanged settings sent again (%d times)", n)
	}
}

func TestStandInOutboxDrainSurvivesAnOutage(t *testing.T) {
	ctx := context.Background()
	if _, err := searchtest.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := newFakeMeili(t, "k")
	e, err := meili.Open(ctx, db, meili.Config{URL: f.URL(), APIKey: "k", Index: "drain"})
	if err != nil {
		t.Fatal(err)
	}
	// Start from the beginning of the outbox rather than a rebuild.
	if err := search.ResetCursor(ctx, db, e.Name(), 0); err != nil {
		t.Fatal(err)
	}
	ix := search.NewIndexer(db, e, quiet())
	f.failDocuments = 1
	if _, err := ix.Step(ctx); err == nil {
		t.Fatal("a batch was acknowledged while Meilisearch answered 503")
	}
	if cur, _, _ := search.Cursor(ctx, db, e.Name()); cur != 0 {
		t.Fatalf("cursor moved to %d during the outage", cur)
	}
	if _, err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	latest, _ := directory.LatestRevisionID(ctx, db)
	if cur, _, _ := search.Cursor(ctx, db, e.Name()); cur != latest {
		t.Fatalf("cursor %d after draining, want %d", cur, latest)
	}
	// Every tool, vendor and adopting territory reached the index, the
	// tool with its "used by" facets.
	var ids []string
	var agora map[string]any
	for _, r := range f.sent("POST", "/indexes/drain/documents") {
		for _, d := range r.Body.([]any) {
			doc := d.(map[string]any)
			ids = append(ids, doc["id"].(string))
			if doc["slug"] == "agora-democratie" {
				agora = doc
			}
		}
	}
	tool, _ := directory.GetTool(ctx, db, "agora-democratie")
	v, _ := directory.GetVendor(ctx, db, "civilab")
	for _, want := range []string{search.DocID(search.TypeTool, tool.ID), search.DocID(search.TypeVendor, v.ID)} {
		if !slices.Contains(ids, want) {
			t.Errorf("%s never sent; sent %v", want, ids)
		}
	}
	if agora == nil {
		t.Fatal("agora-democratie never sent")
	}
	kinds := agora["adopter_type"].([]any)
	if len(kinds) != 3 || agora["open_source"].([]any)[0] != "yes" || agora["adopters"].(float64) != 5 {
		t.Errorf("agora document: %v", agora)
	}
	// A later change sends just what it touched.
	f.reset()
	tool.TaglineFR = "Démocratie participative, nouvelle version"
	if err := directory.UpdateTool(ctx, db, tool, directory.By{Actor: "test:meili"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	sent := f.sent("POST", "/indexes/drain/documents")
	if len(sent) != 1 {
		t.Fatalf("%d document requests for one change", len(sent))
	}
	var got []string
	for _, d := range sent[0].Body.([]any) {
		got = append(got, d.(map[string]any)["id"].(string))
	}
	slices.Sort(got)
	want := []string{search.DocID(search.TypeTool, tool.ID), search.DocID(search.TypeVendor, v.ID)}
	if !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v (the tool and its vendor)", got, want)
	}
}

func TestStandInRebuildSwapsIndexes(t *testing.T) {
	ctx := context.Background()
	if _, err := searchtest.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := newFakeMeili(t, "k")
	e, err := meili.Open(ctx, db, meili.Config{URL: f.URL(), APIKey: "k", Index: "live"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.Rebuild(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n < 36000 {
		t.Errorf("rebuild indexed %d documents; the register alone has more than 36,000", n)
	}
	if len(f.sent("POST", "/indexes/live/documents")) != 0 || len(f.sent("POST", "/indexes/live_build/documents")) == 0 {
		t.Error("documents must go to the build index, never to the live one")
	}
	swaps := f.sent("POST", "/swap-indexes")
	if len(swaps) != 1 {
		t.Fatalf("%d swaps", len(swaps))
	}
	pair := swaps[0].Body.([]any)[0].(map[string]any)["indexes"].([]any)
	if len(pair) != 2 || pair[0] != "live" || pair[1] != "live_build" {
		t.Errorf("swap %v", pair)
	}
	if len(f.sent("DELETE", "/indexes/live_build")) < 1 {
		t.Error("the old index was not dropped after the swap")
	}
	latest, _ := directory.LatestRevisionID(ctx, db)
	if cur, ok, _ := search.Cursor(ctx, db, e.Name()); !ok || cur != latest {
		t.Errorf("cursor after rebuild: %d %v, want %d", cur, ok, latest)
	}
}
