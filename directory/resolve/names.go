package resolve

import (
	"strings"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// typeWord is a phrase that says what kind of collectivité a name is, as in
// "Ville de Nanterre" or "Pays de Gex agglo". Phrases are normalised
// (territory.Normalize): no accents, apostrophes folded to spaces.
type typeWord struct {
	phrase string
	kinds  []territory.Kind
}

var (
	communeKinds = []territory.Kind{territory.Commune}
	deptKinds    = []territory.Kind{territory.Departement}
	regionKinds  = []territory.Kind{territory.Region}
	groupKinds   = []territory.Kind{territory.EPCI, territory.EPT}
)

// prefixTypeWords are tried longest first.
func prefixTypeWords() []typeWord {
	return []typeWord{
		{"communaute de communes", groupKinds}, {"communaute d agglomeration", groupKinds},
		{"communaute urbaine", groupKinds}, {"etablissement public territorial", groupKinds},
		{"conseil departemental", deptKinds}, {"conseil general", deptKinds},
		{"conseil regional", regionKinds}, {"collectivite territoriale", regionKinds},
		{"departamento", deptKinds}, {"departement", deptKinds},
		{"region", regionKinds}, {"metropole", groupKinds}, {"eurometropole", groupKinds},
		{"agglomeration", groupKinds}, {"agglo", groupKinds},
		{"ville", communeKinds}, {"mairie", communeKinds}, {"commune", communeKinds},
		{"municipalite", communeKinds}, {"cc", groupKinds}, {"ca", groupKinds}, {"cu", groupKinds},
	}
}

func suffixTypeWords() []typeWord {
	return []typeWord{
		{"agglomeration", groupKinds}, {"agglo", groupKinds}, {"metropole", groupKinds},
		{"grand paris", groupKinds}, {"communaute", groupKinds},
	}
}

// articles that may stand between a type word and a name, or start a name.
func isArticle(w string) bool {
	switch w {
	case "de", "du", "des", "d", "la", "le", "les", "l":
		return true
	}
	return false
}

func stripArticles(words []string) []string {
	for len(words) > 1 && isArticle(words[0]) {
		words = words[1:]
	}
	return words
}

// parsedName is a source name split into its type words and its core.
type parsedName struct {
	norm  string           // the whole name, normalised
	core  string           // without type words and leading articles
	kinds []territory.Kind // what the type words say; nil when none
}

func parseName(name string) parsedName {
	n := territory.Normalize(name)
	p := parsedName{norm: n, core: n}
	words := strings.Fields(n)
	for _, tw := range prefixTypeWords() {
		tws := strings.Fields(tw.phrase)
		if len(words) > len(tws) && strings.Join(words[:len(tws)], " ") == tw.phrase {
			words = stripArticles(words[len(tws):])
			p.kinds = tw.kinds
			break
		}
	}
	for _, tw := range suffixTypeWords() {
		tws := strings.Fields(tw.phrase)
		if len(words) > len(tws) && strings.Join(words[len(words)-len(tws):], " ") == tw.phrase {
			words = words[:len(words)-len(tws)]
			if p.kinds == nil {
				p.kinds = tw.kinds
			}
			break
		}
	}
	p.core = strings.Join(stripArticles(words), " ")
	return p
}

// coreOf strips the legal form and articles from a register name, so that
// "CA du Pays de Gex" and "Pays de Gex agglo" meet on "pays de gex".
func coreOf(registerName string) string { return parseName(registerName).core }

func compact(norm string) string { return strings.ReplaceAll(norm, " ", "") }

// orgRule recognises an adopter that is not a collectivité from words in
// its name: a council *of* a territory is not the territory.
type orgRule struct {
	phrase string // normalised, matched as whole words
	kind   directory.OrganisationKind
	slug   string // fixed slug, so that spellings across sources meet; "" derives it from the name
	name   string // display name with a fixed slug
}

func orgRules() []orgRule {
	return []orgRule{
		{"assemblee nationale", directory.OrgParliament, "assemblee-nationale", "Assemblée nationale"},
		{"senat", directory.OrgParliament, "senat", "Sénat"},
		{"conseil economique social et environnemental", directory.OrgPublicBody, "cese", "Conseil économique, social et environnemental (CESE)"},
		{"cese", directory.OrgPublicBody, "cese", "Conseil économique, social et environnemental (CESE)"},
		{"commission nationale du debat public", directory.OrgPublicBody, "cndp", "Commission nationale du débat public (CNDP)"},
		{"cndp", directory.OrgPublicBody, "cndp", "Commission nationale du débat public (CNDP)"},
		{"cour de comptes", directory.OrgPublicBody, "cour-des-comptes", "Cour des comptes"},
		{"cour des comptes", directory.OrgPublicBody, "cour-des-comptes", "Cour des comptes"},
		{"rivp", directory.OrgCompany, "rivp", "RIVP - Régie immobilière de la Ville de Paris"},
		{"convention citoyenne", directory.OrgPublicBody, "convention-citoyenne-pour-le-climat", "Convention citoyenne pour le climat"},
		{"ministere", directory.OrgState, "", ""},
		{"ministry", directory.OrgState, "", ""},
		{"prefecture", directory.OrgState, "", ""},
		{"gouvernement", directory.OrgState, "", ""},
		{"haut commissaire", directory.OrgState, "", ""},
		{"delegation", directory.OrgState, "", ""},
		{"mission", directory.OrgState, "", ""},
		{"etalab", directory.OrgState, "", ""},
		{"dinsic", directory.OrgState, "", ""},
		{"driee", directory.OrgState, "", ""},
		{"agence", directory.OrgPublicBody, "", ""},
		{"ademe", directory.OrgPublicBody, "", ""},
		{"conseil national", directory.OrgPublicBody, "", ""},
		{"conference nationale", directory.OrgPublicBody, "", ""},
		{"conseil de developpement", directory.OrgPublicBody, "", ""},
		{"caisse des depots", directory.OrgPublicBody, "", ""},
		{"eau de paris", directory.OrgPublicBody, "", ""},
		{"sytral", directory.OrgPublicBody, "", ""},
		{"universite", directory.OrgUniversity, "", ""},
		{"university", directory.OrgUniversity, "", ""},
		{"universidad", directory.OrgUniversity, "", ""},
		{"universidade", directory.OrgUniversity, "", ""},
		{"universitat", directory.OrgUniversity, "", ""},
		{"upec", directory.OrgUniversity, "", ""},
		{"ecole", directory.OrgUniversity, "", ""},
		{"imt", directory.OrgUniversity, "", ""},
		{"ies", directory.OrgUniversity, "", ""},
	}
}

// matchOrgRule returns the first rule whose phrase appears in the name as
// whole words.
func matchOrgRule(norm string) (orgRule, bool) {
	padded := " " + norm + " "
	for _, r := range orgRules() {
		if strings.Contains(padded, " "+r.phrase+" ") {
			return r, true
		}
	}
	return orgRule{}, false
}

// Slug derives a URL slug from a name.
func Slug(name string) string {
	s := strings.ReplaceAll(territory.Normalize(name), " ", "-")
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	return s
}
