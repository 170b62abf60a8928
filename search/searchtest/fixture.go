// Package searchtest is the contract every search backend must pass, and the
// small directory it runs on. The fixture tools and vendors are invented for
// the tests (example.org sites); the adopters are real territories of the
// INSEE register, so the test database must be cloned from
// territorytest.Template.
package searchtest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// Fixture is the seeded directory: ids by slug.
type Fixture struct {
	Tools   map[string]int64
	Vendors map[string]int64
}

type toolSpec struct {
	slug, name, tagFR, tagEN, descFR, descEN string
	cats                                     []string
	licence                                  string
	open                                     *bool
	model                                    directory.BusinessModel
	hosting                                  directory.Hosting
	lifecycle                                directory.Lifecycle
	vendor                                   string
	adopters                                 []adopter
}

type adopter struct {
	kind territory.Kind
	code string // "" picks a commune of 5,000–6,000 inhabitants
}

func ptr[T any](v T) *T { return &v }

// tools are written so that each contract behaviour needs exactly the
// feature under test: "Mon BP" never says "budget", "Rue Propre" only
// says "issue reporting" in English, and so on.
func tools() []toolSpec {
	lyon, villeurbanne, small := adopter{territory.Commune, "69123"}, adopter{territory.Commune, "69266"}, adopter{territory.Commune, "01001"}
	rennes, rennesMetro := adopter{territory.Commune, "35238"}, adopter{territory.EPCI, "243500139"}
	rhone, bretagne, aura := adopter{territory.Departement, "69"}, adopter{territory.Region, "53"}, adopter{territory.Region, "84"}
	mid := adopter{territory.Commune, ""}
	grandOrly := adopter{territory.EPT, "200058014"} // an EPT of 730,000 inhabitants
	return []toolSpec{
		{slug: "agora-democratie", name: "Agora Démocratie", tagFR: "Plateforme de démocratie participative pour les collectivités",
			descFR: "Agora Démocratie réunit les consultations, les budgets participatifs et les assemblées citoyennes d'une ville.",
			cats:   []string{"consultation", "participatory-budgeting"}, licence: "AGPL-3.0-only", open: ptr(true),
			model: directory.ModelServices, hosting: directory.HostingFrance, lifecycle: directory.LifecycleActive, vendor: "civilab",
			adopters: []adopter{lyon, small, rhone, aura, rennes}},
		{slug: "voix-citoyenne", name: "Voix Citoyenne", tagFR: "Consultation en ligne des habitants",
			descFR: "Questionnaires, concertation et restitution des résultats aux habitants.",
			cats:   []string{"consultation"}, open: ptr(false), model: directory.ModelSaaS, hosting: directory.HostingEU,
			lifecycle: directory.LifecycleActive, vendor: "pollster", adopters: []adopter{villeurbanne, rennesMetro, mid}},
		{slug: "cartolab", name: "Cartolab", tagFR: "Cartographie participative des quartiers",
			descFR: "Les habitants placent leurs idées sur une carte de la ville.",
			cats:   []string{"participatory-mapping"}, licence: "MIT", open: ptr(true), model: directory.ModelFree,
			hosting: directory.HostingUnknown, lifecycle: directory.LifecycleDormant, vendor: "civilab", adopters: []adopter{bretagne}},
		{slug: "budget-commun", name: "Budget Commun", tagFR: "Le budget participatif clé en main",
			descFR: "Dépôt des projets, analyse de faisabilité, vote des habitants.",
			cats:   []string{"voting"}, open: ptr(false), model: directory.ModelLicence, hosting: directory.HostingFrance,
			lifecycle: directory.LifecycleActive, vendor: "pollster", adopters: []adopter{lyon}},
		{slug: "mon-bp", name: "Mon BP", tagFR: "Votez pour les projets de votre BP",
			descFR: "Une application mobile de vote pour les projets proposés par les habitants.",
			cats:   []string{"voting"}, model: directory.ModelFreemium, lifecycle: directory.LifecycleUnknown,
			adopters: []adopter{small}},
		{slug: "rue-propre", name: "Rue Propre", descEN: "An issue reporting app: potholes, litter and broken street lights, straight to the city's teams.",
			cats: []string{"citizen-relationship"}, licence: "GPL-3.0-or-later", open: ptr(true), model: directory.ModelServices,
			hosting: directory.HostingElsewhere, lifecycle: directory.LifecycleActive, vendor: "streetfix", adopters: []adopter{rennes, mid}},
		{slug: "alerte-voirie", name: "Alerte Voirie", tagFR: "Signalement des problèmes de voirie",
			descFR: "Les habitants photographient un nid-de-poule et la mairie suit sa réparation.",
			cats:   []string{"citizen-relationship"}, open: ptr(false), model: directory.ModelSaaS, hosting: directory.HostingFrance,
			lifecycle: directory.LifecycleDefunct, vendor: "pollster"},
		{slug: "petitions-locales", name: "Pétitions locales", tagFR: "Déposer une pétition au conseil municipal",
			descFR: "Recueil des signatures et réponse publique de la collectivité.",
			cats:   []string{"petitions"}, licence: "EUPL-1.2", open: ptr(true), model: directory.ModelFree,
			lifecycle: directory.LifecycleActive, vendor: "civilab", adopters: []adopter{villeurbanne}},
		{slug: "invest-ville", name: "InvestVille", tagFR: "Suivi du budget d'investissement de la commune",
			descFR: "Chaque habitant voit où va l'argent des travaux.",
			cats:   []string{"civic-information", "open-data"}, open: ptr(false), model: directory.ModelSaaS,
			lifecycle: directory.LifecycleActive, adopters: []adopter{rhone, grandOrly}},
		{slug: "participation-plus", name: "Participation Plus", tagFR: "Tout pour la participation des habitants",
			descFR: "Ateliers, réunions publiques et retours d'expérience.",
			cats:   []string{"deliberation"}, model: directory.ModelServices, lifecycle: directory.LifecycleActive,
			vendor: "streetfix", adopters: []adopter{lyon, villeurbanne, rennes, rennesMetro}},
	}
}

func vendors() []directory.Vendor {
	return []directory.Vendor{
		{Slug: "civilab", Name: "Civilab", Kind: directory.VendorCooperative, Country: "FR"},
		{Slug: "pollster", Name: "Pollster", Kind: directory.VendorStartup, Country: "FR"},
		{Slug: "streetfix", Name: "Streetfix", Kind: directory.VendorCompany, Country: "BE"},
	}
}

func seedBy() directory.By {
	return directory.By{Actor: "test:searchtest", Source: "search/searchtest"}
}

// Seed writes the fixture through the directory API (so the outbox gets
// its revisions), once: a second call returns the existing ids.
func Seed(ctx context.Context, db *pgxpool.Pool) (*Fixture, error) {
	f := &Fixture{Tools: map[string]int64{}, Vendors: map[string]int64{}}
	for _, v := range vendors() {
		if got, err := directory.GetVendor(ctx, db, v.Slug); err == nil {
			f.Vendors[v.Slug] = got.ID
			continue
		}
		if err := directory.CreateVendor(ctx, db, &v, seedBy()); err != nil {
			return nil, fmt.Errorf("seed vendor %s: %w", v.Slug, err)
		}
		f.Vendors[v.Slug] = v.ID
	}
	var midID int64
	if err := db.QueryRow(ctx, `SELECT id FROM territory WHERE kind = 'commune' AND NOT historic
		AND population BETWEEN 5000 AND 6000 ORDER BY code LIMIT 1`).Scan(&midID); err != nil {
		return nil, fmt.Errorf("pick a mid-sized commune: %w", err)
	}
	obs := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range tools() {
		if got, err := directory.GetTool(ctx, db, s.slug); err == nil {
			f.Tools[s.slug] = got.ID
			continue
		}
		t := &directory.Tool{Slug: s.slug, Name: s.name, TaglineFR: s.tagFR, TaglineEN: s.tagEN,
			DescriptionFR: s.descFR, DescriptionEN: s.descEN, Categories: s.cats, Licence: s.licence,
			OpenSource: s.open, BusinessModel: s.model, Hosting: s.hosting, Lifecycle: s.lifecycle,
			Website: "https://" + s.slug + ".example.org", VendorID: f.Vendors[s.vendor],
			Sources: []directory.Source{{Kind: directory.SourceCurator, Name: "search test fixture"}}}
		if err := directory.CreateTool(ctx, db, t, seedBy()); err != nil {
			return nil, fmt.Errorf("seed tool %s: %w", s.slug, err)
		}
		f.Tools[s.slug] = t.ID
		for i, a := range s.adopters {
			terrID := midID
			if a.code != "" {
				te, err := territory.Get(ctx, db, a.kind, a.code)
				if err != nil {
					return nil, fmt.Errorf("seed adopter %s %s: %w", a.kind, a.code, err)
				}
				terrID = te.ID
			}
			ad := &directory.Adoption{ToolID: t.ID, TerritoryID: terrID, Status: directory.StatusCurrent, Confidence: 0.9,
				InstanceURL: fmt.Sprintf("https://%s-%d.example.org/", s.slug, i),
				Evidence: []directory.Evidence{{SourceKind: directory.SourceCurator, SourceName: "search test fixture",
					ObservedAt: obs, Fingerprint: fmt.Sprintf("%s-%d", s.slug, i)}}}
			if _, err := directory.UpsertAdoption(ctx, db, ad, seedBy()); err != nil {
				return nil, fmt.Errorf("seed adoption of %s: %w", s.slug, err)
			}
		}
	}
	return f, nil
}

// toolsWhere lists the fixture slugs whose spec satisfies keep.
func toolsWhere(keep func(toolSpec) bool) []string {
	var out []string
	for _, s := range tools() {
		if keep(s) {
			out = append(out, s.slug)
		}
	}
	return out
}
