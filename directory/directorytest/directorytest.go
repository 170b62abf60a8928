// Package directorytest provides the test template the api and web tests
// share: the real INSEE register, the reviewed tool seed, real Decidim
// adoptions taken from the shipped decidim.org list of installations
// (data/sources/decidim_installations.json, commit 115e36b5, AGPL-3.0),
// each with that source as its evidence, and the search index built from
// all of it.
package directorytest

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

// Template is cloned for each package that needs the seeded directory.
var Template = pgtest.Template{Name: "decidim", Version: "seed1", Seed: Seed}

// Installation is one entry of the shipped decidim.org list, matched by
// hand to the register.
type Installation struct {
	Slug, URL string
	Kind      territory.Kind
	Code      string
}

// Decidim lists the collectivités whose Decidim installation the template
// holds.
func Decidim() []Installation {
	return []Installation{
		{"arcueil", "https://participer.arcueil.fr/", territory.Commune, "94003"},
		{"bagneux", "https://participez.bagneux92.fr/", territory.Commune, "92007"},
		{"cachan", "https://parlonsensemble-cachan.fr/", territory.Commune, "94016"},
		{"bordeaux", "https://participation.bordeaux.fr/", territory.Commune, "33063"},
		{"bordeaux-métropole", "https://participation.bordeaux-metropole.fr/", territory.EPCI, "243300316"},
		{"auch", "https://agirpourmaville.auch.fr/", territory.Commune, "32013"},
		{"nanterre", "https://participez.nanterre.fr/", territory.Commune, "92050"},
		{"villeurbanne", "https://participez.villeurbanne.fr/", territory.Commune, "69266"},
		{"tours-1", "https://decidonsensemble.tours.fr/", territory.Commune, "37261"},
		{"loire-atlantique", "https://participer.loire-atlantique.fr/", territory.Departement, "44"},
	}
}

// DecidimAdoptions is how many Decidim adoptions the template holds: the
// collectivités of Decidim and the Assemblée nationale's petitions.
func DecidimAdoptions() int { return len(Decidim()) + 1 }

// Seed fills pool as Template describes.
func Seed(ctx context.Context, pool *pgxpool.Pool) error {
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
			SourceKind: directory.SourceVendorList, SourceName: "decidim.org installations",
			SourceURL:     "https://github.com/decidim/decidim.org/blob/115e36b5c57a08854ab5d51bc02f363a0637557a/data/installations/" + slug + ".yml",
			SourceLicence: "AGPL-3.0", ObservedAt: observed, Fingerprint: "decidim.org:" + slug,
		}}
	}
	for _, d := range Decidim() {
		t, err := territory.Get(ctx, pool, d.Kind, d.Code)
		if err != nil {
			return fmt.Errorf("installation %s: %w", d.Slug, err)
		}
		a := directory.Adoption{ToolID: decidim.ID, TerritoryID: t.ID, InstanceURL: d.URL,
			Status: directory.StatusUnknown, Confidence: 0.9, Evidence: evidence(d.Slug)}
		if _, err := directory.UpsertAdoption(ctx, pool, &a, by); err != nil {
			return fmt.Errorf("installation %s: %w", d.Slug, err)
		}
	}
	an := directory.Organisation{Slug: "assemblee-nationale", Name: "Assemblée nationale", Kind: "parliament", Country: "FR"}
	if err := directory.EnsureOrganisation(ctx, pool, &an, by); err != nil {
		return err
	}
	a := directory.Adoption{ToolID: decidim.ID, OrganisationID: an.ID, InstanceURL: "https://petitions.assemblee-nationale.fr/",
		Category: "petitions", Status: directory.StatusUnknown, Confidence: 0.9, Evidence: evidence("assemblée-nationale")}
	if _, err := directory.UpsertAdoption(ctx, pool, &a, by); err != nil {
		return fmt.Errorf("installation assemblée nationale: %w", err)
	}
	if _, err := searchpg.New(pool).Rebuild(ctx, nil); err != nil {
		return fmt.Errorf("build the search index: %w", err)
	}
	return nil
}
