package api

import (
	"context"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/importer"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
	searchpg "github.com/civiscope/civiscope/search/pg"
)

// shippedTemplate is what `serve` starts from: the register, the tool seed
// and the three shipped adoption lists, indexed for search.
var shippedTemplate = pgtest.Template{Name: "apishipped", Version: "1", Seed: func(ctx context.Context, pool *pgxpool.Pool) error {
	if err := territorytest.Load(ctx, pool); err != nil {
		return err
	}
	if _, _, err := importer.LoadShipped(ctx, pool, nil); err != nil {
		return err
	}
	_, err := searchpg.New(pool).Rebuild(ctx, nil)
	return err
}}

// TestShippedDataContract walks every tool, vendor and adoption of the real
// shipped directory through the API: each answer must match the contract,
// whatever the real records hold (nulls, organisations, EPCI adopters…).
func TestShippedDataContract(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole shipped directory")
	}
	ctx := context.Background()
	dbURL, drop, err := pgtest.NewDatabase(ctx, "apishipped", shippedTemplate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	srv, _ := newTestServerOn(t, pool, Config{IPRate: 1e6, IPBurst: 1e6}, nil)
	c := client{t: t, base: srv.URL}

	vendors := map[string]bool{}
	tools := 0
	for path := "/api/v1/tools?limit=100"; path != ""; {
		v := c.get(path).json(t)
		for _, d := range v["data"].([]any) {
			tool := d.(map[string]any)
			tools++
			if a := c.get(tool["links"].(map[string]any)["self"].(string)); a.status != 200 {
				t.Errorf("%s: %d", tool["slug"], a.status)
			}
			if vr, ok := tool["vendor"].(map[string]any); ok && !vendors[vr["slug"].(string)] {
				vendors[vr["slug"].(string)] = true
				if a := c.get(vr["link"].(string)); a.status != 200 {
					t.Errorf("vendor %s: %d", vr["slug"], a.status)
				}
			}
		}
		path, _ = v["links"].(map[string]any)["next"].(string)
	}
	var adoptions, evidence, byOrg int
	for path := "/api/v1/adoptions?limit=100"; path != ""; {
		v := c.get(path).json(t)
		for _, d := range v["data"].([]any) {
			a := d.(map[string]any)
			adoptions++
			evidence += len(a["evidence"].([]any))
			if a["adopter"].(map[string]any)["type"] == "organisation" {
				byOrg++
			}
		}
		path, _ = v["links"].(map[string]any)["next"].(string)
	}
	var wantAdoptions int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM adoption`).Scan(&wantAdoptions); err != nil {
		t.Fatal(err)
	}
	if tools < 60 || adoptions != wantAdoptions || adoptions < 100 || evidence < adoptions {
		t.Errorf("walked %d tools, %d of %d adoptions with %d pieces of evidence", tools, adoptions, wantAdoptions, evidence)
	}
	for _, q := range []string{"decidim", "budget participatif", "petition", "consultation citoyenne"} {
		if a := c.get("/api/v1/search?facets=true&q=" + url.QueryEscape(q)); a.status != 200 {
			t.Errorf("search %q: %d", q, a.status)
		}
	}
	t.Logf("shipped directory: %d tools, %d vendors, %d adoptions (%d by organisations), %d pieces of evidence", tools, len(vendors), adoptions, byOrg, evidence)
}
