package search

import (
	"slices"
	"strings"

	"github.com/civiscope/civiscope/directory"
)

// practices are the words people type for the practice a category stands
// for, besides its labels: someone looking for "sondage" or "GRC" wants
// the tools of that category before places whose names share a stem.
func practices() map[string][]string {
	return map[string][]string{
		"consultation":            {"consultation", "concertation", "consultation citoyenne", "questionnaire", "engagement citoyen"},
		"participatory-budgeting": {"budget participatif", "bp", "participatory budget"},
		"petitions":               {"pétition", "petition"},
		"issue-reporting":         {"signalement", "signaler", "issue reporting", "anomalie"},
		"participatory-mapping":   {"cartographie participative", "carte participative", "carte collaborative", "cartographie collaborative"},
		"deliberation":            {"délibération", "débat", "debate", "deliberation"},
		"voting":                  {"vote", "voter", "sondage", "scrutin", "voting", "poll"},
		"co-writing":              {"coécriture", "co-écriture", "écriture collaborative", "co-writing"},
		"civic-information":       {"information civique", "comparateur"},
		"open-data":               {"open data", "opendata", "données ouvertes"},
		"citizen-relationship":    {"relation citoyen", "grc", "relation usager", "crm"},
		"civic-crowdfunding":      {"financement participatif", "crowdfunding"},
		"volunteering":            {"bénévolat", "bénévole", "volunteering", "mobilisation"},
	}
}

// PracticeWords returns the words of a category's practice and labels, for
// a tool's searchable keywords.
func PracticeWords(category string) []string {
	out := practices()[category]
	if c, ok := directory.CategoryBySlug(category); ok {
		out = append(out, c.Label.FR, c.Label.EN)
	}
	return out
}

// NamedCategories returns the categories whose practice the query names:
// one of its phrases appears in the text, as typed or through a synonym,
// ignoring a plural s. Backends rank the tools of these categories first.
func NamedCategories(text string, cs []Clause) []string {
	// The query as phrases: its words, and each clause's alternatives.
	var forms []string
	forms = append(forms, " "+singular(Words(text))+" ")
	for _, c := range cs {
		for _, alt := range c.Alternatives {
			forms = append(forms, " "+singular(alt)+" ")
		}
	}
	var out []string
	for _, c := range directory.Categories() {
		for _, p := range PracticeWords(c.Slug) {
			phrase := " " + singular(Words(p)) + " "
			if slices.ContainsFunc(forms, func(f string) bool { return strings.Contains(f, phrase) }) {
				out = append(out, c.Slug)
				break
			}
		}
	}
	return out
}

func singular(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		if len(w) > 3 && (strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x")) {
			w = w[:len(w)-1]
		}
		out[i] = w
	}
	return strings.Join(out, " ")
}
