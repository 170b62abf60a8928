package survey

import (
	"testing"

	"github.com/civiscope/civiscope/survey/xlsform"
)

func testForm(t *testing.T) *xlsform.Form {
	t.Helper()
	f := &xlsform.Form{ID: "t", Version: "1", Languages: []string{"fr"},
		Lists:         []string{"yn", "region"},
		Choices:       map[string][]xlsform.Choice{"yn": {{Name: "oui", Label: xlsform.Text{"fr": "Oui"}}, {Name: "non", Label: xlsform.Text{"fr": "Non"}}}, "region": {{Name: "r1", Label: xlsform.Text{"fr": "R1"}, Extra: map[string]string{"pays": "fr"}}, {Name: "r2", Label: xlsform.Text{"fr": "R2"}, Extra: map[string]string{"pays": "be"}}}},
		ChoiceColumns: []string{"pays"},
		Questions: []*xlsform.Question{{Type: xlsform.Group, Name: "g", Label: xlsform.Text{"fr": "G"}, Children: []*xlsform.Question{
			{Type: xlsform.SelectOne, List: "yn", Name: "a", Label: xlsform.Text{"fr": "A"}, Default: "oui"},
			{Type: xlsform.TextType, Name: "b", Label: xlsform.Text{"fr": "B"}, Relevant: "${a} = 'oui'"},
			{Type: xlsform.TextType, Name: "c", Label: xlsform.Text{"fr": "C"}, Relevant: "string-length(${b}) > 2", Required: "${a} = 'oui'"},
			{Type: xlsform.SelectOne, List: "region", Name: "r", Label: xlsform.Text{"fr": "R"}, ChoiceFilter: "pays = 'fr'"},
		}}}}
	if err := f.Compile(); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEngine(t *testing.T) {
	f := testForm(t)
	a := Answers{Values: map[string]Answer{}, Repeats: map[string][]Row{}}
	applyDefaults(f, &a)
	if a.Values["a"].Value != "oui" {
		t.Fatalf("default not applied: %+v", a.Values)
	}
	// A chain of relevance: a → b → c. Changing a prunes both.
	a.Values["b"] = Answer{Value: "long"}
	a.Values["c"] = Answer{Value: "x"}
	prune(f, &a)
	if len(a.Values) != 3 {
		t.Fatalf("pruned too much: %+v", a.Values)
	}
	a.Values["a"] = Answer{Value: "non"}
	prune(f, &a)
	if _, ok := a.Values["b"]; ok {
		t.Error("b kept")
	}
	if _, ok := a.Values["c"]; ok {
		t.Error("c kept although b, which it depends on, is gone")
	}
	// choice_filter: r2 is filtered out.
	if cs := Choices(f, &a, f.Question("r"), 0); len(cs) != 1 || cs[0].Name != "r1" {
		t.Errorf("choices = %+v", cs)
	}
	a.Values["r"] = Answer{Value: "r2"}
	errs := validate(f, &a, nil, false, "fr")
	if len(errs) != 1 || errs[0].Field != "r" {
		t.Errorf("errs = %+v", errs)
	}
	// Required by expression.
	a = Answers{Values: map[string]Answer{"a": {Value: "oui"}, "b": {Value: "abcd"}}}
	if errs := validate(f, &a, nil, false, "en"); len(errs) != 1 || errs[0].Field != "c" || errs[0].Message[:4] != "This" {
		t.Errorf("required errs = %+v", errs)
	}
	if errs := validate(f, &a, nil, true, "fr"); len(errs) != 0 {
		t.Errorf("draft errs = %+v", errs)
	}
}
