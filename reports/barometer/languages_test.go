package barometer

import (
	"reflect"
	"testing"
)

// One protection said in two languages gives exactly what a protection per
// language gives: the same cells hidden, each language's own words.
func TestTabulateInSaysOneProtectionInEachLanguage(t *testing.T) {
	set := syntheticEdition(t, 120, 9)
	both, err := TabulateIn(set, Options{}, "fr", "en")
	if err != nil {
		t.Fatal(err)
	}
	for i, lang := range []string{"fr", "en"} {
		alone, err := Tabulate(set, Options{Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(both[i], alone) {
			t.Errorf("%s: the shared protection differs from its own", lang)
		}
	}
	if reflect.DeepEqual(both[0].Tables[0].Groups, both[1].Tables[0].Groups) && reflect.DeepEqual(both[0].Tables[0].Columns, both[1].Tables[0].Columns) {
		t.Errorf("the English tables say the French words: %v", both[1].Tables[0].Columns)
	}
}
