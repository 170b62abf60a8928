package web_test

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/search/pg"
)

// webTemplate is the database the web tests start from: the real INSEE
// register, the reviewed tool seed, real Decidim adoptions from the shipped
// decidim.org list (with their evidence), and the search index built.
var webTemplate = pgtest.Template{Name: "web", Version: "seed1", Seed: seedWeb}

// decidimAdopters are entries of data/sources/decidim_installations.json
// (decidim.org, commit 115e36b5) matched by hand to the register.
func decidimAdopters() []struct {
	slug, url string
	kind      territory.Kind
	code      string
} {
	return []struct {
		slug, url string
		kind      territory.Kind
		code      string
	}{
		{"nanterre", "https://participez.nanterre.fr/", territory.Commune, "92050"},
		{"villeurbanne", "https://participez.villeurbanne.fr/", territory.Commune, "69266"},
		{"tours-1", "https://decidonsensemble.tours.fr/", territory.Commune, "37261"},
		{"bordeaux", "https://participation.bordeaux.fr/", territory.Commune, "33063"},
		{"bordeaux-métropole", "https://participation.bordeaux-metropole.fr/", territory.EPCI, "243300316"},
		{"loire-atlantique", "https://participer.loire-atlantique.fr/", territory.Departement, "44"},
		{"arcueil", "https://participer.arcueil.fr/", territory.Commune, "94003"},
	}
}

func seedWeb(ctx context.Context, pool *pgxpool.Pool) error {
	if err := territorytest.Load(ctx, pool); err != nil {
		return err
	}
	raw, err := fs.ReadFile(data.DirectoryFS(), data.ToolSeed)
	if err != nil {
		return err
	}
	if _, err := directory.LoadSeed(ctx, pool, raw); err != nil {
		return fmt.Errorf("load tool seed: %w", err)
	}
	decidim, err := directory.GetTool(ctx, pool, "decidim")
	if err != nil {
		return err
	}
	by := directory.By{Actor: "import:decidim", Source: "data/sources/decidim_installations.json"}
	observed := time.Date(2026, 7, 23, 0, 0, 0, 0, time.UTC)
	for _, d := range decidimAdopters() {
		t, err := territory.Get(ctx, pool, d.kind, d.code)
		if err != nil {
			return fmt.Errorf("adopter %s: %w", d.slug, err)
		}
		a := directory.Adoption{ToolID: decidim.ID, TerritoryID: t.ID, InstanceURL: d.url,
			Status: directory.StatusUnknown, Confidence: 0.9, Evidence: []directory.Evidence{{
				SourceKind: directory.SourceVendorList, SourceName: "decidim.org installations",
				SourceURL:     "https://github.com/decidim/decidim.org/blob/115e36b5c57a08854ab5d51bc02f363a0637557a/data/installations/" + d.slug + ".yml",
				SourceLicence: "AGPL-3.0", ObservedAt: observed, Fingerprint: "decidim.org:" + d.slug,
			}}}
		if _, err := directory.UpsertAdoption(ctx, pool, &a, by); err != nil {
			return fmt.Errorf("adopter %s: %w", d.slug, err)
		}
	}
	if _, err := pg.New(pool).Rebuild(ctx, nil); err != nil {
		return fmt.Errorf("build search index: %w", err)
	}
	return nil
}
