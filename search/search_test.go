package search

import (
	"slices"
	"strings"
	"testing"

	"github.com/civiscope/civiscope"
)

func TestWordsArePlainText(t *testing.T) {
	got := Words(`Budget d'investissement: "Œuvre" & (démocratie)* | !x \ -y`)
	want := []string{"budget", "d", "investissement", "oeuvre", "democratie", "x", "y"}
	if !slices.Equal(got, want) {
		t.Errorf("Words: %v, want %v", got, want)
	}
}

func TestAnalyze(t *testing.T) {
	cs := Analyze("le budget participatif de la ville")
	if len(cs) != 2 { // le, de, la dropped
		t.Fatalf("clauses: %+v", cs)
	}
	if cs[0].Word != "" || !slices.ContainsFunc(cs[0].Alternatives, func(a []string) bool { return slices.Equal(a, []string{"bp"}) }) {
		t.Errorf("synonym clause: %+v", cs[0])
	}
	if last := cs[len(cs)-1]; last.Word != "ville" || !last.Prefix {
		t.Errorf("last word must be a prefix: %+v", last)
	}
	if cs := Analyze("de"); len(cs) != 1 || !cs[0].Prefix {
		t.Errorf("a lone stopword is kept as a prefix: %+v", cs)
	}
	if len(Analyze(" ' & | ")) != 0 {
		t.Error("syntax alone must give no clause")
	}
}

func TestTypoBudget(t *testing.T) {
	for _, c := range []struct {
		w, cand string
		ok      bool
	}{
		{"consultaton", "consultation", true},
		{"demokratiee", "democratie", true},
		{"agira", "agora", true},
		{"agxrx", "agora", false},
		{"voiz", "voix", false},  // under 5 letters: none
		{"parti", "patri", true}, // a swap is one typo
		{"participatoin", "participation", true},
		{"particpatoin", "participation", true},
		{"prtcpation", "participation", false},
	} {
		if got := WithinTypos(c.w, c.cand); got != c.ok {
			t.Errorf("WithinTypos(%q, %q) = %v", c.w, c.cand, got)
		}
	}
}

func TestNormalizeRejectsWithClearMessages(t *testing.T) {
	for name, c := range map[string]struct {
		q     Query
		field string
	}{
		"too long":      {Query{Text: strings.Repeat("é", MaxQueryLen+1)}, "q"},
		"unknown facet": {Query{Filters: map[string][]string{"color": {"x"}}}, "color"},
		"unknown value": {Query{Filters: map[string][]string{"hosting": {"mars"}}}, "hosting"},
		"bad region":    {Query{Filters: map[string][]string{"adopter_region": {"99"}}}, "adopter_region"},
		"bad sort":      {Query{Sort: "random"}, "sort"},
		"per page":      {Query{PerPage: 500}, "per_page"},
	} {
		err := c.q.Normalize()
		if civiscope.ErrorCode(err) != civiscope.EINVALID {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if f := civiscope.ErrorFields(err); len(f) != 1 || f[0].Field != c.field || f[0].Message == "" {
			t.Errorf("%s: fields %+v, want one on %s", name, f, c.field)
		}
	}
	q := Query{Text: "  x ", Filters: map[string][]string{"country": {"fr", "FR", ""}, "licence": {"MIT"}}}
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	if q.Text != "x" || !slices.Equal(q.Filters["country"], []string{"FR"}) || q.Page != 1 || q.PerPage != DefaultPerPage || q.Sort != SortRelevance {
		t.Errorf("normalised: %+v", q)
	}
}

func TestParseQueryRoundTrip(t *testing.T) {
	q, err := ParseQuery(map[string][]string{"q": {"budget"}, "category": {"voting", "petitions"}, "page": {"2"}, "sort": {"name"}, "facets": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "budget" || q.Page != 2 || q.Sort != SortName || !q.Facets || !slices.Equal(q.Filters["category"], []string{"petitions", "voting"}) {
		t.Errorf("parsed: %+v", q)
	}
	back, err := ParseQuery(q.Values())
	if err != nil || back.Text != q.Text || back.Page != 2 || !slices.Equal(back.Filters["category"], q.Filters["category"]) {
		t.Errorf("round trip: %+v %v", back, err)
	}
	if _, err := ParseQuery(map[string][]string{"page": {"two"}}); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Errorf("page=two: %v", err)
	}
}

func TestHighlight(t *testing.T) {
	m := NewMatcher(Analyze("democratie parti"), nil, []string{"democrat"})
	h := m.Mark("La Démocratie <b>participative</b>, démocratique")
	if got := h.Matches(); !slices.Equal(got, []string{"Démocratie", "participative", "démocratique"}) {
		t.Errorf("matches: %v", got)
	}
	if html := string(h.HTML()); !strings.Contains(html, "&lt;b&gt;<mark>participative</mark>&lt;/b&gt;") {
		t.Errorf("HTML must escape the text and mark matches: %s", html)
	}
	long := strings.Repeat("mot ", 40) + "la démocratie " + strings.Repeat("fin ", 40)
	c := m.Crop(long, 10)
	if s := c.String(); !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || len(c.Matches()) != 1 {
		t.Errorf("crop: %q", s)
	}
	p := ParseMarked("a \ue000b\ue001 c \ue000d", "\ue000", "\ue001")
	if !slices.Equal(p.Matches(), []string{"b", "d"}) || p.String() != "a b c d" {
		t.Errorf("ParseMarked: %+v", p)
	}
}

func TestFacetTermsAndBuild(t *testing.T) {
	d := Document{Facets: map[string][]string{"category": {"voting"}, "type": {"tool"}}}
	if got := d.FacetTerms(); !slices.Equal(got, []string{"type:tool", "category:voting"}) {
		t.Errorf("terms: %v", got)
	}
	q := Query{Filters: map[string][]string{"category": {"petitions"}}}
	fs := BuildFacets(q, map[string]int{"category:voting": 2, "category:consultation": 5, "type:tool": 7})
	if len(fs) != len(FacetNames()) || fs[1].Name != "category" {
		t.Fatalf("facets: %+v", fs)
	}
	vals := fs[1].Values
	if vals[0].Value != "consultation" || vals[0].Label.FR != "Consultation et concertation" || vals[2].Value != "petitions" || !vals[2].Selected {
		t.Errorf("category values: %+v", vals)
	}
}

func TestAdopterKeys(t *testing.T) {
	if k := AdopterKeys(map[string][]string{"adopter_type": {"commune"}}); k != nil {
		t.Errorf("one adopter facet needs no combination: %v", k)
	}
	got := AdopterKeys(map[string][]string{"adopter_type": {"commune", "epci"}, "adopter_region": {"11"}})
	want := []string{"adopter_type=commune|adopter_region=11", "adopter_type=epci|adopter_region=11"}
	if !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	f := map[string][]string{}
	addAdopters(f, []string{"commune|11|25000", "departement|84|1900000"})
	if !slices.Contains(f[FacetAdopter], "adopter_type=commune|adopter_region=11|adopter_population=commune-20000-49999") ||
		slices.Contains(f[FacetAdopter], "adopter_type=departement|adopter_population=commune-20000-49999") {
		t.Errorf("combinations: %v", f[FacetAdopter])
	}
	if !slices.Equal(f[FacetAdopterPopulation], []string{"commune-20000-49999", "departement-1000000-plus"}) {
		t.Errorf("bands: %v", f[FacetAdopterPopulation])
	}
}

func TestNameRanker(t *testing.T) {
	for _, c := range []struct {
		query, name string
		want        int
	}{
		{"capcollectif", "cap collectif", NameExact},
		{"make.org", "make org", NameExact},
		{"l hay les roses", "l hay les roses", NameExact},
		{"st etienne", "saint etienne", NameExact},
		{"grand lyon", "metropole de lyon", NameExact}, // a synonym
		{"saint etienne", "saint etienne du rouvray", NameStartsWith},
		{"lyon", "metropole de lyon", NameHasWords},
		{"lyon", "lyons la foret", NameWordPrefix},
		{"cap col", "cap collectif", NameWordPrefix},
		{"lyon", "villeurbanne", NameNone},
		{"capcol", "cap collectif", NameWordPrefix}, // run together, still being typed
		{"lyon", "lyon villeurbanne", NameStartsWith},
		{"lyon", "grand lyon centre", NameHasWords},
		{"yon", "lyon", NameNone}, // inside a word
		{"lyon", "lyonnais", NameWordPrefix},
		{"lyon metro", "lyon", NameNone},
	} {
		r := NewNameRanker(c.query, Analyze(c.query), nil)
		if got := r.Rank(c.name); got != c.want {
			t.Errorf("%q on %q: %d, want %d", c.query, c.name, got, c.want)
		}
	}
}

func TestNamedCategories(t *testing.T) {
	for q, want := range map[string][]string{
		"budgets participatifs": {"participatory-budgeting"},
		"BP":                    {"participatory-budgeting"},
		"données ouvertes":      {"open-data"},
		"sondage en ligne":      {"voting"},
		"Lyon":                  nil,
	} {
		if got := NamedCategories(q, Analyze(q)); !slices.Equal(got, want) {
			t.Errorf("%q names %v, want %v", q, got, want)
		}
	}
}

// A page number whose offset overflows an int is refused, not wrapped
// around into a negative offset (issue 18).
func TestHugePageIsRefused(t *testing.T) {
	_, err := ParseQuery(map[string][]string{"q": {"budget"}, "page": {"922337203685477580"}})
	if civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("page 922337203685477580: %v, want invalid", err)
	}
}
