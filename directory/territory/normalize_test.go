package territory

import "testing"

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Saint-Étienne":             "saint etienne",
		"ST-ETIENNE":                "saint etienne",
		"L’Haÿ-les-Roses":           "l hay les roses",
		"L'Abergement-Clémenciat":   "l abergement clemenciat",
		"Œuilly":                    "oeuilly",
		"  Mairie  d’Angers ":       "mairie d angers",
		"Sainte-Marie (La Réunion)": "sainte marie la reunion",
		"":                          "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
