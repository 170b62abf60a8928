package searchtest

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/search"
)

// Run is the contract: it seeds the fixture into db, brings b up to date
// through the outbox (a first build, then incremental batches), and checks
// every behaviour the issue asks of a search backend.
func Run(t *testing.T, db *pgxpool.Pool, b search.Backend) {
	ctx := context.Background()
	if _, err := Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	ix := search.NewIndexer(db, b, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := ix.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	c := &contract{t: t, ctx: ctx, e: b}

	t.Run("AccentAndCaseInsensitive", func(t *testing.T) {
		c.t = t
		c.finds("democratie", "agora-democratie")
		c.finds("DÉMOCRATIE", "agora-democratie")
		c.finds("Démocratie", "agora-democratie")
	})
	t.Run("FrenchStemming", func(t *testing.T) {
		c.t = t
		// Cartolab only says "participative".
		c.finds("cartographie participatif", "cartolab")
		c.finds("participatifs", "cartolab")
	})
	t.Run("TypoTolerance", func(t *testing.T) {
		c.t = t
		c.finds("consultaton", "voix-citoyenne")   // 11 letters, 1 typo
		c.finds("demokratiee", "agora-democratie") // 11 letters, 2 typos
		c.finds("agira democratie", "agora-democratie")
		c.findsNot("agxrx", "agora-democratie") // 5 letters, 2 typos: over budget
		c.findsNot("voiz", "voix-citoyenne")    // 4 letters: no typo allowed
	})
	t.Run("Prefix", func(t *testing.T) {
		c.t = t
		r := c.finds("parti", "participation-plus", "cartolab", "agora-democratie")
		c.highlighted(r, "participation-plus", "Participation")
		c.finds("voix cito", "voix-citoyenne")
		c.finds("alerte voi", "alerte-voirie")
		// Two letters: a name prefix ("CA", communauté d'agglomération,
		// names hundreds of EPCI, hence the filter).
		if r := c.search(search.Query{Text: "ca", Filters: map[string][]string{"type": {"tool"}}}); !slices.Contains(slugs(r), "tool:cartolab") {
			t.Errorf("ca does not find cartolab: %v", slugs(r))
		}
	})
	t.Run("Synonyms", func(t *testing.T) {
		c.t = t
		c.finds("BP", "budget-commun", "mon-bp", "agora-democratie")
		c.finds("budget participatif", "mon-bp", "budget-commun")
		c.finds("signalement", "rue-propre", "alerte-voirie")
		c.finds("issue reporting", "alerte-voirie", "rue-propre")
		c.finds("petition", "petitions-locales")
		c.finds("pétition", "petitions-locales")
	})
	t.Run("Highlighting", func(t *testing.T) {
		c.t = t
		r := c.finds("democratie", "agora-democratie")
		c.highlighted(r, "agora-democratie", "Démocratie")
		h := hit(r, "tool", "agora-democratie")
		if !strings.Contains(string(h.Highlighted.HTML()), "<mark>Démocratie</mark>") {
			t.Errorf("HTML highlight of %q: %s", h.Name, h.Highlighted.HTML())
		}
		if len(h.Snippet.Matches()) == 0 {
			t.Errorf("snippet %q of %s highlights nothing", h.Snippet.String(), h.Slug)
		}
		r = c.finds("nid de poule", "alerte-voirie")
		if h := hit(r, "tool", "alerte-voirie"); len(h.Snippet.Matches()) == 0 {
			t.Errorf("description match not shown in the snippet: %q", h.Snippet.String())
		}
	})
	t.Run("SyntaxCharactersArePlainText", func(t *testing.T) {
		c.t = t
		c.finds("budget d'investissement", "invest-ville")
		c.finds(`"démocratie"`, "agora-democratie")
		c.finds(`démocratie)`, "agora-democratie")
		c.finds(`-démocratie`, "agora-democratie")
		c.finds(`démocratie:*`, "agora-democratie")
		for _, s := range []string{"&", "|", "!", ":", "*", "(", ")", `"`, "'", `\`, "-", `a & b | !c`, `(x:* | y) & !z`,
			`title = "x" OR id > 3`, `\'; DROP TABLE tool; --`, "d'", "l'", "''", "<->", "!!"} {
			if _, err := b.Search(ctx, search.Query{Text: s, Facets: true}); err != nil {
				t.Errorf("search %q: %v", s, err)
			}
		}
	})
	t.Run("BrowseWithFacetsOnly", func(t *testing.T) {
		c.t = t
		r := c.search(search.Query{Filters: map[string][]string{"category": {"voting"}}, PerPage: 50})
		c.sameTools(r, toolsWhere(func(s toolSpec) bool { return slices.Contains(s.cats, "voting") }))
		r = c.search(search.Query{Filters: map[string][]string{"type": {"vendor"}}, PerPage: 50})
		if r.Total != len(vendors()) {
			t.Errorf("vendors: %d, want %d", r.Total, len(vendors()))
		}
	})
	t.Run("UsedByFacets", func(t *testing.T) {
		c.t = t
		r := c.search(search.Query{Filters: map[string][]string{"adopter_type": {"region"}}, PerPage: 50})
		c.sameTools(r, []string{"agora-democratie", "cartolab"})
		r = c.search(search.Query{Filters: map[string][]string{"adopter_region": {"53"}, "adopter_type": {"epci"}}, PerPage: 50})
		c.sameTools(r, []string{"voix-citoyenne", "participation-plus"})
		r = c.search(search.Query{Filters: map[string][]string{"adopter_population": {"commune-0-999"}}, PerPage: 50})
		c.sameTools(r, []string{"agora-democratie", "mon-bp"})
		r = c.search(search.Query{Filters: map[string][]string{"adopter_population": {"commune-3500-9999"}}, PerPage: 50})
		c.sameTools(r, []string{"voix-citoyenne", "rue-propre"})
		// One adopter meets every "used by" condition: Agora Démocratie has
		// a small commune and a département, but no small département.
		r = c.search(search.Query{Filters: map[string][]string{"adopter_type": {"departement"}, "adopter_population": {"commune-0-999"}}, PerPage: 50})
		c.sameTools(r, nil)
		r = c.search(search.Query{Filters: map[string][]string{"adopter_type": {"commune"}, "adopter_region": {"53"},
			"adopter_population": {"commune-100000-plus"}}, PerPage: 50, Facets: true})
		c.sameTools(r, []string{"agora-democratie", "participation-plus", "rue-propre"})
		// Counts under combined filters count adopters meeting them all:
		// only Rennes (a commune of Bretagne) is a commune among the EPCI
		// value's tools, so epci counts none here.
		if n := r.Count("adopter_type", "epci"); n != 0 {
			t.Errorf("adopter_type=epci counts %d tools with a big Breton commune that is an EPCI", n)
		}
		r = c.search(search.Query{Filters: map[string][]string{"adopter_region": {"53"}, "adopter_type": {"epci"}}, PerPage: 50, Facets: true})
		if n := r.Count("adopter_population", "commune-100000-plus"); n != 0 {
			t.Errorf("Breton EPCI tools: %d counted under the band of big communes", n)
		}
		if n := r.Count("adopter_population", "epci-300000-plus"); n != 2 {
			t.Errorf("Breton EPCI of 300,000 and more (Rennes Métropole): %d tools, want 2", n)
		}
		// An EPT is its own kind, banded among EPT, as on a tool page's
		// adopter filters: not an EPCI, not in the EPCI's bands.
		r = c.search(search.Query{Filters: map[string][]string{"adopter_type": {"ept"}}, PerPage: 50, Facets: true})
		c.sameTools(r, []string{"invest-ville"})
		if n := r.Count("adopter_population", "ept-300000-plus"); n != 1 {
			t.Errorf("EPT of 300,000 and more: %d tools, want 1", n)
		}
		r = c.search(search.Query{Filters: map[string][]string{"adopter_type": {"epci"}}, PerPage: 50})
		if slices.Contains(slugs(r), "tool:invest-ville") {
			t.Error("an EPT adopter counts as an EPCI")
		}
		r = c.search(search.Query{Filters: map[string][]string{"adopter_population": {"epci-300000-plus"}}, PerPage: 50})
		c.sameTools(r, []string{"voix-citoyenne", "participation-plus"})
		r = c.search(search.Query{Filters: map[string][]string{"adopter_population": {"ept-300000-plus"}, "adopter_region": {"11"}}, PerPage: 50})
		c.sameTools(r, []string{"invest-ville"})
		r = c.search(search.Query{Filters: map[string][]string{"vendor_kind": {"company"}, "country": {"be"}}, PerPage: 50})
		if ids := slugs(r); !slices.Contains(ids, "vendor:streetfix") || !slices.Contains(ids, "tool:rue-propre") {
			t.Errorf("vendor_kind=company & country=BE: %v", ids)
		}
	})
	t.Run("FacetCountsAgreeWithResults", func(t *testing.T) {
		c.t = t
		for _, base := range []search.Query{
			{Filters: map[string][]string{"type": {"tool"}}},
			{Text: "habitants"},
			{Text: "participative", Filters: map[string][]string{"open_source": {"yes"}}},
		} {
			base.Facets = true
			r := c.search(base)
			if r.Total == 0 {
				t.Fatalf("%+v: no results", base)
			}
			if n := r.Count("type", "tool") + r.Count("type", "vendor") + r.Count("type", "territory"); n != r.Total {
				t.Errorf("%+v: type counts add up to %d, total %d", base, n, r.Total)
			}
			for _, f := range r.Facets {
				if len(base.Filters[f.Name]) > 0 {
					continue
				}
				for _, v := range f.Values {
					q := base
					q.Filters = map[string][]string{f.Name: {v.Value}}
					for k, vs := range base.Filters {
						q.Filters[k] = vs
					}
					if got := c.search(q).Total; got != v.Count {
						t.Errorf("%q %v: facet %s=%s counts %d, filtering on it gives %d", base.Text, base.Filters, f.Name, v.Value, v.Count, got)
					}
				}
			}
		}
	})
	t.Run("Sorts", func(t *testing.T) {
		c.t = t
		tools := map[string][]string{"type": {"tool"}}
		r := c.search(search.Query{Filters: tools, Sort: search.SortName, PerPage: 50})
		if !slices.IsSortedFunc(r.Hits, func(a, b search.Hit) int { return strings.Compare(search.SortKey(a.Name), search.SortKey(b.Name)) }) {
			t.Errorf("by name: %v", slugs(r))
		}
		r = c.search(search.Query{Filters: tools, Sort: search.SortAdopters, PerPage: 50})
		if !slices.IsSortedFunc(r.Hits, func(a, b search.Hit) int { return b.Adopters - a.Adopters }) || r.Hits[0].Slug != "agora-democratie" {
			t.Errorf("by adopters: %v", slugs(r))
		}
		r = c.search(search.Query{Filters: tools, Sort: search.SortUpdated, PerPage: 50})
		if !slices.IsSortedFunc(r.Hits, func(a, b search.Hit) int { return b.UpdatedAt.Compare(a.UpdatedAt) }) {
			t.Errorf("by update: %v", slugs(r))
		}
		r = c.search(search.Query{Text: "democratie participative"})
		if len(r.Hits) == 0 || r.Hits[0].Slug != "agora-democratie" {
			t.Errorf("by relevance, the tool named after the words comes first: %v", slugs(r))
		}
	})
	t.Run("Paging", func(t *testing.T) {
		c.t = t
		all := c.search(search.Query{Filters: map[string][]string{"type": {"tool"}}, Sort: search.SortName, PerPage: 50})
		var paged []string
		for p := 1; p <= 4; p++ {
			r := c.search(search.Query{Filters: map[string][]string{"type": {"tool"}}, Sort: search.SortName, PerPage: 3, Page: p})
			if r.Total != all.Total || r.Pages != (all.Total+2)/3 {
				t.Errorf("page %d: total %d pages %d, want %d", p, r.Total, r.Pages, all.Total)
			}
			paged = append(paged, slugs(r)...)
		}
		if !slices.Equal(paged, slugs(all)) {
			t.Errorf("pages %v != all %v", paged, slugs(all))
		}
	})
	t.Run("VendorsAndTerritories", func(t *testing.T) {
		c.t = t
		r := c.search(search.Query{Text: "civilab"})
		if !slices.Contains(slugs(r), "vendor:civilab") {
			t.Errorf("civilab: %v", slugs(r))
		}
		r = c.search(search.Query{Text: "villeurbane", Filters: map[string][]string{"type": {"territory"}}})
		if len(r.Hits) == 0 || r.Hits[0].Slug != "commune-69266" || r.Hits[0].Adopters != 3 {
			t.Errorf("villeurbane (typo): %v", r.Hits)
		}
		r = c.search(search.Query{Text: "st etienne", Filters: map[string][]string{"type": {"territory"}}})
		if !slices.Contains(slugs(r), "commune-42218") {
			t.Errorf("st etienne (st for saint): %v", slugs(r))
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		c.t = t
		for name, q := range map[string]search.Query{
			"long query":    {Text: strings.Repeat("a", search.MaxQueryLen+1)},
			"unknown facet": {Filters: map[string][]string{"colour": {"blue"}}},
			"unknown value": {Filters: map[string][]string{"category": {"astrology"}}},
			"bad licence":   {Filters: map[string][]string{"licence": {"GPL 3"}}},
			"bad sort":      {Sort: "price"},
			"bad page":      {Page: -1},
			"too deep":      {Page: 1000, PerPage: 100},
		} {
			_, err := b.Search(ctx, q)
			if civiscope.ErrorCode(err) != civiscope.EINVALID || civiscope.ErrorMessage(err) == "" {
				t.Errorf("%s: want EINVALID with a message, got %v", name, err)
			}
		}
		if _, err := b.Search(ctx, search.Query{Text: strings.Repeat("é", search.MaxQueryLen)}); err != nil {
			t.Errorf("a query of exactly %d characters: %v", search.MaxQueryLen, err)
		}
	})
	t.Run("OutboxKeepsIndexCurrent", func(t *testing.T) {
		c.t = t
		tool, err := directory.GetTool(ctx, db, "cartolab")
		if err != nil {
			t.Fatal(err)
		}
		tool.Name = "Cartolab Quartiers"
		tool.TaglineFR = "Cartographie participative et marches exploratoires"
		if err := directory.UpdateTool(ctx, db, tool, seedBy()); err != nil {
			t.Fatal(err)
		}
		v, err := directory.GetVendor(ctx, db, "civilab")
		if err != nil {
			t.Fatal(err)
		}
		v.Kind = directory.VendorAssociation
		if err := directory.UpdateVendor(ctx, db, v, seedBy()); err != nil {
			t.Fatal(err)
		}
		if _, err := ix.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		r := c.finds("exploratoires", "cartolab")
		if h := hit(r, "tool", "cartolab"); h.Name != "Cartolab Quartiers" {
			t.Errorf("renamed tool shows %q", h.Name)
		}
		r = c.search(search.Query{Filters: map[string][]string{"vendor_kind": {"association"}, "type": {"tool"}}, PerPage: 50})
		c.sameTools(r, toolsWhere(func(s toolSpec) bool { return s.vendor == "civilab" }))
	})
}

type contract struct {
	t   *testing.T
	ctx context.Context
	e   search.Engine
}

func (c *contract) search(q search.Query) *search.Results {
	c.t.Helper()
	r, err := c.e.Search(c.ctx, q)
	if err != nil {
		c.t.Fatalf("search %+v: %v", q, err)
	}
	return r
}

// finds checks that the text finds each tool among the first 20 hits.
func (c *contract) finds(text string, tools ...string) *search.Results {
	c.t.Helper()
	r := c.search(search.Query{Text: text})
	got := slugs(r)
	for _, s := range tools {
		if !slices.Contains(got, "tool:"+s) {
			c.t.Errorf("%q does not find %s; got %v", text, s, got)
		}
	}
	return r
}

func (c *contract) findsNot(text, tool string) {
	c.t.Helper()
	if got := slugs(c.search(search.Query{Text: text})); slices.Contains(got, "tool:"+tool) {
		c.t.Errorf("%q finds %s, beyond the typo budget: %v", text, tool, got)
	}
}

func (c *contract) highlighted(r *search.Results, tool, want string) {
	c.t.Helper()
	h := hit(r, "tool", tool)
	if !slices.Contains(h.Highlighted.Matches(), want) {
		c.t.Errorf("%s: highlighted %v in %q, want %q", tool, h.Highlighted.Matches(), h.Name, want)
	}
}

// sameTools checks that the tool hits of r are exactly want.
func (c *contract) sameTools(r *search.Results, want []string) {
	c.t.Helper()
	var got []string
	for _, h := range r.Hits {
		if h.Type == search.TypeTool {
			got = append(got, h.Slug)
		}
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		c.t.Errorf("%+v: tools %v, want %v", r.Query, got, want)
	}
}

func hit(r *search.Results, typ search.Type, slug string) search.Hit {
	for _, h := range r.Hits {
		if h.Type == typ && h.Slug == slug {
			return h
		}
	}
	return search.Hit{}
}

func slugs(r *search.Results) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		if h.Type == search.TypeTerritory {
			out[i] = h.Slug
		} else {
			out[i] = string(h.Type) + ":" + h.Slug
		}
	}
	return out
}
