package barometer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/questionnaire"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// syntheticEdition answers the real 2026 questionnaire for n invented
// respondents with skewed strata: mostly communes of a few populous
// régions, a handful of départements and régions, a lone collectivité in
// several overseas régions. Answers follow the routing, with don't-knows,
// refusals, blanks, per-tool repeats, budgets where one authority
// dominates, and 40 % consenting to publication. No real collectivité is
// described: codes and names are made up.
func syntheticEdition(t testing.TB, n int, seed uint64) *survey.ResultSet {
	t.Helper()
	f := questionnaire.Barometre2026()
	if err := f.Compile(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	// Région codes with weights: Île-de-France and Auvergne-Rhône-Alpes
	// dominate; Corse, Guyane and Mayotte have one or two respondents.
	regions := []struct {
		code string
		w    float64
	}{{"11", 30}, {"84", 20}, {"76", 12}, {"75", 10}, {"44", 8}, {"32", 6}, {"52", 5}, {"53", 4}, {"28", 3}, {"24", 2}, {"27", 2}, {"93", 3}, {"94", 0.3}, {"03", 0.2}, {"06", 0.1}}
	pick := func() string {
		total := 0.0
		for _, r := range regions {
			total += r.w
		}
		x := rng.Float64() * total
		for _, r := range regions {
			if x -= r.w; x < 0 {
				return r.code
			}
		}
		return regions[0].code
	}
	set := &survey.ResultSet{Edition: &survey.Edition{Year: 2026, Title: "Synthétique", Status: survey.Published}, Form: f}
	for i := 0; i < n; i++ {
		tt := territory.Territory{ID: int64(i + 1), Code: fmt.Sprintf("X%05d", i), Name: fmt.Sprintf("Collectivité fictive %d", i)}
		x := rng.Float64()
		var pop int
		switch {
		case x < 0.70:
			tt.Kind = territory.Commune
			pop = int(3500 * math.Exp(rng.ExpFloat64()*1.1))
		case x < 0.88:
			tt.Kind = territory.EPCI
			pop = int(15000 * math.Exp(rng.ExpFloat64()))
		case x < 0.90:
			tt.Kind = territory.EPT
			pop = 300000 + rng.IntN(300000)
		case x < 0.98:
			tt.Kind = territory.Departement
			pop = 150000 + rng.IntN(2000000)
		default:
			tt.Kind = territory.Region
			pop = 300000 + rng.IntN(12000000)
		}
		tt.Population = &pop
		tt.Region = pick()
		if i == 0 { // one lone région-level collectivité in a région of its own
			tt.Kind, tt.Region = territory.Region, "02"
		}
		a := synthAnswers(f, rng, i)
		r := survey.Result{ResponseID: int64(i + 1), Territory: tt, Publish: rng.Float64() < 0.4}
		survey.Resolve(f, &a, &r)
		set.Responses = append(set.Responses, r)
	}
	return set
}

// awkward texts exercise files: several lines, quotes, separators, emoji.
var awkward = []string{"Ligne 1\nligne 2", `Il a dit "oui"; puis non`, "Café, crème 🎉", "  espaces  ", "a\r\nb", "tab\there"}

func synthAnswers(f *xlsform.Form, rng *rand.Rand, i int) survey.Answers {
	a := survey.Answers{Values: map[string]survey.Answer{}, Repeats: map[string][]survey.Row{}}
	answer := func(q *xlsform.Question) survey.Answer {
		x := rng.Float64()
		switch {
		case x < 0.04:
			return survey.Answer{Missing: survey.DontKnow}
		case x < 0.06:
			return survey.Answer{Missing: survey.Refused}
		case x < 0.08 && q.Required == "":
			return survey.Answer{}
		}
		switch q.Type {
		case xlsform.SelectOne:
			cs := f.Choices[q.List]
			// Skewed: the first choices are far more common.
			k := int(math.Min(float64(len(cs)-1), rng.ExpFloat64()*1.2))
			return survey.Answer{Value: cs[k].Name}
		case xlsform.SelectMultiple:
			cs := f.Choices[q.List]
			var vs []string
			for _, c := range cs {
				if rng.Float64() < 0.3 && len(vs) < 3 {
					vs = append(vs, c.Name)
				}
			}
			if len(vs) == 0 {
				vs = []string{cs[rng.IntN(len(cs))].Name}
			}
			return survey.Answer{Value: strings.Join(vs, " ")}
		case xlsform.Integer:
			if strings.Contains(q.Name, "annee") || strings.Contains(q.Name, "depuis") {
				return survey.Answer{Value: strconv.Itoa(2005 + rng.IntN(21))}
			}
			return survey.Answer{Value: strconv.Itoa(rng.IntN(200))}
		case xlsform.Decimal:
			v := math.Round(math.Exp(8 + 2*rng.NormFloat64()))
			if i%97 == 3 {
				v *= 1000 // a few authorities dominate their groups
			}
			return survey.Answer{Value: strconv.FormatFloat(v, 'f', 0, 64)}
		case xlsform.TextType:
			return survey.Answer{Value: awkward[rng.IntN(len(awkward))]}
		}
		return survey.Answer{}
	}
	var walk func(qs []*xlsform.Question)
	walk = func(qs []*xlsform.Question) {
		for _, q := range qs {
			switch {
			case q.Type == xlsform.Group:
				if survey.Relevant(f, &a, q, 0) {
					walk(q.Children)
				}
			case q.Type == xlsform.Repeat:
				if !survey.Relevant(f, &a, q, 0) {
					continue
				}
				rows := 1 + rng.IntN(3)
				for r := 0; r < rows; r++ {
					a.Repeats[q.Name] = append(a.Repeats[q.Name], survey.Row{})
					for _, c := range q.Children {
						if c.Answerable() && survey.Relevant(f, &a, c, r) {
							a.Repeats[q.Name][r][c.Name] = answer(c)
						}
					}
				}
			case q.Answerable():
				if survey.Relevant(f, &a, q, 0) {
					a.Values[q.Name] = answer(q)
				}
			}
		}
	}
	walk(f.Questions)
	return a
}
