package importer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory/importer"
	"github.com/civiscope/civiscope/directory/resolve"
)

// label is what a person who knows the body says a record stands for:
// "commune 54", "epci 59", "departement 45", "region 84" (kind and
// département, or région code), "org" for a body that is not a
// collectivité, "none" for a record that must not be linked to one.
type label struct{ key, want string }

// Labelled by hand from the shipped sources (keys: SIREN for
// opendatafrance, organisation name for datagouv, host for the census).
var labelled = map[importer.Source][]label{
	importer.OpenDataFr: {
		{"200056380", "epci 95"}, {"223500018", "departement 35"}, {"212901136", "commune 29"}, {"804363521", "org"},
		{"219103405", "commune 91"}, {"200057859", "epci 91"}, {"283900017", "org"}, {"844634873", "org"},
		{"252902655", "org"}, {"217805316", "commune 78"}, {"211202023", "commune 12"}, {"211401187", "commune 14"},
		{"210501227", "commune 05"}, {"200075547", "commune 49"}, {"200039865", "epci 57"}, {"215601543", "commune 56"},
		{"214400301", "commune 44"}, {"217604974", "commune 76"}, {"212203897", "commune 22"}, {"200066884", "epci 82"},
		{"213401342", "commune 34"},
		// The seven régions merged in 2016, whose SIREN starts with 200.
		{"200053767", "region 84"}, {"200053726", "region 27"}, {"200052264", "region 44"}, {"200053742", "region 32"},
		{"200053403", "region 28"}, {"200053759", "region 75"}, {"200053791", "region 76"},
		{"231300021", "region 93"}, {"239740012", "region 04"},
	},
	importer.Datagouv: {
		{"Commune MONTIGNY EN OSTREVENT", "commune 59"}, {"Communauté d'Agglomération de la Région de Château-Thierry", "epci 02"},
		{"Communauté d'Agglomération Gap-Tallard-Durance", "epci 05"}, {"Pontivy Communaute", "epci 56"},
		{"La Roche de Rame", "commune 05"}, {"Département du Loiret", "departement 45"},
		{"Département des Alpes-Maritimes", "departement 06"}, {"Commune de VIRIAT", "commune 01"},
		{"commune de Cagnes-sur-Mer", "commune 06"}, {"Baulon", "commune 35"}, {"Ville de Béthune", "commune 62"},
		{"Mairie du Plessis-Trévise", "commune 94"}, {"Ville de Rennes", "commune 35"}, {"Ville de Cholet", "commune 49"},
		{"COMMUNE DE LA FORET FOUESNANT", "commune 29"}, {"Mairie d'Aire-sur-Adour", "commune 40"},
		{"COMMUNE DE LANTON", "commune 33"}, {"Golfe du Morbihan - Vannes agglomération", "epci 56"},
		{"mairie d'Eze", "commune 06"}, {"Communauté de Communes de Thann-Cernay", "epci 68"},
		{"Conseil départemental des deux-sèvres", "departement 79"},
		// The selection rule's known false positives (PROVENANCE.md).
		{"Ville de rêve", "none"}, {"Autolib' Métropole", "none"}, {"SISA OUEST NÎMES METROPOLE", "none"},
		{"NEMUS (Réseau de transports de Flers Agglo)", "none"},
	},
	importer.DecidimCount: {
		{"participez.nancy.fr", "commune 54"}, {"participez.nanterre.fr", "commune 92"},
		{"atelierdevosidees.loiret.fr", "departement 45"}, {"participation.lillemetropole.fr", "epci 59"},
		{"petitions.assemblee-nationale.fr", "org"}, {"mon.incubateur.anct.gouv.fr", "org"},
		{"participer.loire-atlantique.fr", "departement 44"}, {"participez.nouvelle-aquitaine.fr", "region 75"},
		{"ecrivons.angers.fr", "commune 49"}, {"participation.u-bordeaux.fr", "org"}, {"jeparticipe.toulouse.fr", "commune 31"},
		{"ravier-amboise2020.fr", "none"}, {"participation.touraine.fr", "departement 37"},
		{"participer.valdemarne.fr", "departement 94"}, {"lafabrique.grenobleencommun.fr", "none"},
		{"participez.villeurbanne.fr", "commune 69"}, {"projet.lesecologistes.fr", "none"},
		{"participation.bordeaux.fr", "commune 33"}, {"nous.malakoff.fr", "commune 92"}, {"participer.arcueil.fr", "commune 94"},
		{"participons.marseille.fr", "commune 13"}, {"oye.participer.lyon.fr", "commune 69"},
		{"participez.bagneux92.fr", "commune 92"}, {"jeparticipe.metropolegrandnancy.fr", "epci 54"},
		{"www.budgetcitoyen.departement974.fr", "departement 974"}, {"vision-campus.decathlon.fr", "org"},
		{"jeparticipe.villejuif.fr", "commune 94"}, {"decidonsensemble.tours.fr", "commune 37"},
		{"fabriquecitoyenne.reveillonsannecy.fr", "none"}, {"laparoleestavous.printempsmarseillais.fr", "none"},
	},
}

func recordKey(src importer.Source, rec importer.Record) string {
	switch src {
	case importer.OpenDataFr:
		return rec.SIREN
	case importer.Datagouv:
		return rec.Label
	}
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(rec.InstanceURL, "https://"), "http://"), "/")
}

func got(res resolve.Result) string {
	switch res.Outcome {
	case resolve.Linked:
		code := res.Place.Departement
		if res.Place.Kind == "region" {
			code = res.Place.Code
		}
		return string(res.Place.Kind) + " " + code
	case resolve.Organisation, resolve.Foreign:
		return "org"
	}
	return "none"
}

// TestResolverOnLabelledSamples measures the links the new sources make
// against hand labels: precision of the links to collectivités at least
// 0.95, recall of the labelled collectivités at least 0.85.
func TestResolverOnLabelledSamples(t *testing.T) {
	ctx := context.Background()
	r := newResolver(t)
	for src, labels := range labelled {
		recs, err := importer.ReadPath(src, data.DirectoryFS(), importer.ShippedPath(src))
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]importer.Record{}
		for _, rec := range recs {
			if _, ok := byKey[recordKey(src, rec)]; !ok {
				byKey[recordKey(src, rec)] = rec
			}
		}
		var links, right, territories, found int
		for _, l := range labels {
			rec, ok := byKey[l.key]
			if !ok {
				t.Errorf("%s: no record %q in the shipped file", src, l.key)
				continue
			}
			g := got(importer.ResolveRecord(ctx, r, rec))
			isTerritory := l.want != "org" && l.want != "none"
			if isTerritory {
				territories++
			}
			if g != "org" && g != "none" {
				links++
				if g == l.want {
					right++
				} else {
					t.Logf("%s: %q linked to %s, labelled %s", src, l.key, g, l.want)
				}
			}
			if isTerritory && g == l.want {
				found++
			} else if isTerritory {
				t.Logf("%s: %q (%s) not found: %s", src, l.key, l.want, g)
			}
		}
		precision, recall := float64(right)/float64(links), float64(found)/float64(territories)
		t.Logf("%s: %d labelled, precision %.3f (%d/%d), recall %.3f (%d/%d)", src, len(labels), precision, right, links, recall, found, territories)
		if precision < 0.95 || recall < 0.85 {
			t.Errorf("%s: precision %.3f, recall %.3f; want ≥ 0.95 and ≥ 0.85", src, precision, recall)
		}
	}
}
