package api

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
	searchpg "github.com/civiscope/civiscope/search/pg"
)

// apiTemplate is the register, the shipped seed of real tools and vendors,
// and a few real adoptions taken from the decidim.org list of
// installations (data/sources/decidim_installations.json, commit
// 115e36b5, AGPL-3.0), recorded with that source as their evidence; then
// the search index, built from all of it.
var apiTemplate = pgtest.Template{Name: "api", Version: "seed2", Seed: seedAPI}

// decidimInstallation is one entry of the shipped decidim.org list.
type decidimInstallation struct {
	slug, url string
	kind      territory.Kind
	code      string
}

func decidimFixtures() []decidimInstallation {
	return []decidimInstallation{
		{"arcueil", "https://participer.arcueil.fr/", territory.Commune, "94003"},
		{"bagneux", "https://participez.bagneux92.fr/", territory.Commune, "92007"},
		{"cachan", "https://parlonsensemble-cachan.fr/", territory.Commune, "94016"},
		{"bordeaux", "https://participation.bordeaux.fr/", territory.Commune, "33063"},
		{"bordeaux-métropole", "https://participation.bordeaux-metropole.fr/", territory.EPCI, "243300316"},
		{"auch", "https://agirpourmaville.auch.fr/", territory.Commune, "32013"},
	}
}

func seedAPI(ctx context.Context, pool *pgxpool.Pool) error {
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
	evidence := func(slug string) []directory.Evidence {
		return []directory.Evidence{{
			SourceKind: "vendor-list", SourceName: "decidim.org installations",
			SourceURL:     "https://github.com/decidim/decidim.org/blob/115e36b5c57a08854ab5d51bc02f363a0637557a/data/installations/" + slug + ".yml",
			SourceLicence: "AGPL-3.0", ObservedAt: observed, Fingerprint: "decidim.org:" + slug,
		}}
	}
	for _, d := range decidimFixtures() {
		t, err := territory.Get(ctx, pool, d.kind, d.code)
		if err != nil {
			return fmt.Errorf("fixture %s: %w", d.slug, err)
		}
		a := directory.Adoption{ToolID: decidim.ID, TerritoryID: t.ID, InstanceURL: d.url,
			Status: directory.StatusUnknown, Confidence: 0.9, Evidence: evidence(d.slug)}
		if _, err := directory.UpsertAdoption(ctx, pool, &a, by); err != nil {
			return fmt.Errorf("fixture %s: %w", d.slug, err)
		}
	}
	an := directory.Organisation{Slug: "assemblee-nationale", Name: "Assemblée nationale", Kind: "parliament", Country: "FR"}
	if err := directory.EnsureOrganisation(ctx, pool, &an, by); err != nil {
		return err
	}
	a := directory.Adoption{ToolID: decidim.ID, OrganisationID: an.ID, InstanceURL: "https://petitions.assemblee-nationale.fr/",
		Category: "petitions", Status: directory.StatusUnknown, Confidence: 0.9, Evidence: evidence("assemblée-nationale")}
	if _, err := directory.UpsertAdoption(ctx, pool, &a, by); err != nil {
		return fmt.Errorf("fixture assemblée nationale: %w", err)
	}
	if _, err := searchpg.New(pool).Rebuild(ctx, nil); err != nil {
		return fmt.Errorf("build the search index: %w", err)
	}
	return nil
}
