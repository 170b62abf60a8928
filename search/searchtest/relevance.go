package searchtest

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/search"
)

// RelevanceFloor is the share of relevance cases a backend must get right.
// It only goes up: it records the score reached, so that a change that
// loses a case fails.
const RelevanceFloor = 1.0

// relevanceCase is one query a participation officer types, and what must
// rank first or among the first three. want is "tool:SLUG" or a territory's
// KIND-CODE; category asks instead that the first three hits be tools of
// that category (the practice the words name).
type relevanceCase struct {
	text     string
	want     string
	within   int // 1: first; 3: top 3
	category string
}

// relevanceCases are real queries over real data: the reviewed seed of
// tools (data/seed/tools.json) and the INSEE register. Territory codes are
// INSEE codes (communes, départements, régions) or SIREN (EPCI).
func relevanceCases() []relevanceCase {
	first := func(text, want string) relevanceCase { return relevanceCase{text: text, want: want, within: 1} }
	top3 := func(text, want string) relevanceCase { return relevanceCase{text: text, want: want, within: 3} }
	practice := func(text, cat string) relevanceCase { return relevanceCase{text: text, category: cat, within: 3} }
	return []relevanceCase{
		// Tools by name, as typed: spaces, hyphens, dots and apostrophes
		// present or not, half-typed, with a typo.
		first("decidim", "tool:decidim"),
		first("Décidim", "tool:decidim"),
		first("decidi", "tool:decidim"),
		first("cap collectif", "tool:cap-collectif"),
		first("capcollectif", "tool:cap-collectif"),
		first("cap-collectif", "tool:cap-collectif"),
		first("cap col", "tool:cap-collectif"),
		first("make.org", "tool:make-org"),
		first("makeorg", "tool:make-org"),
		first("make org", "tool:make-org"),
		first("id city", "tool:id-city"),
		first("idcity", "tool:id-city"),
		first("fluicity", "tool:fluicity"),
		first("fluicty", "tool:fluicity"),
		first("consul", "tool:consul"),
		first("consul democracy", "tool:consul"),
		first("go vocal", "tool:go-vocal"),
		first("citizenlab", "tool:go-vocal"),
		first("citizen lab", "tool:go-vocal"),
		first("pol.is", "tool:polis"),
		first("polis", "tool:polis"),
		first("fix my street", "tool:fixmystreet"),
		first("fixmystreet", "tool:fixmystreet"),
		first("dans ma rue", "tool:dansmarue"),
		first("panneau pocket", "tool:panneaupocket"),
		first("panneaupocket", "tool:panneaupocket"),
		first("intra muros", "tool:intramuros"),
		first("démarches simplifiées", "tool:demarches-simplifiees"),
		first("demarches simplifiees", "tool:demarches-simplifiees"),
		first("parlement et citoyens", "tool:parlement-et-citoyens"),
		first("parlement & citoyens", "tool:parlement-et-citoyens"),
		first("open agenda", "tool:openagenda"),
		first("gogo carto", "tool:gogocarto"),
		first("lime survey", "tool:limesurvey"),
		first("je veux aider", "tool:jeveuxaider"),
		first("nos députés", "tool:nosdeputes"),
		first("adhocracy", "tool:adhocracy-plus"),
		first("change.org", "tool:change-org"),
		// Practices and categories: the tools of that practice first.
		practice("budget participatif", "participatory-budgeting"),
		practice("budgets participatifs", "participatory-budgeting"),
		practice("BP", "participatory-budgeting"),
		practice("participatory budgeting", "participatory-budgeting"),
		practice("signalement", "issue-reporting"),
		practice("signalements", "issue-reporting"),
		practice("pétition", "petitions"),
		practice("petitions en ligne", "petitions"),
		practice("cartographie participative", "participatory-mapping"),
		practice("carte participative", "participatory-mapping"),
		practice("concertation", "consultation"),
		practice("consultation citoyenne", "consultation"),
		practice("vote", "voting"),
		practice("sondage", "voting"),
		practice("open data", "open-data"),
		practice("données ouvertes", "open-data"),
		practice("co-écriture", "co-writing"),
		practice("coécriture", "co-writing"),
		practice("financement participatif", "civic-crowdfunding"),
		practice("crowdfunding", "civic-crowdfunding"),
		practice("bénévolat", "volunteering"),
		practice("relation citoyen", "citizen-relationship"),
		practice("GRC", "citizen-relationship"),
		practice("débat", "deliberation"),
		// Places: exact names before partial ones, bigger places first
		// among equals, with or without punctuation.
		first("Lyon", "commune-69123"),
		top3("Lyon", "epci-200046977"),
		first("Paris", "commune-75056"),
		first("Marseille", "commune-13055"),
		first("Nanterre", "commune-92050"),
		first("Villeurbanne", "commune-69266"),
		first("Saint-Étienne", "commune-42218"),
		first("saint etienne", "commune-42218"),
		first("st etienne", "commune-42218"),
		first("boulogne", "commune-92012"),
		top3("boulogne", "commune-62160"),
		first("boulogne billancourt", "commune-92012"),
		first("L'Haÿ-les-Roses", "commune-94038"),
		first("lhay les roses", "commune-94038"),
		first("l hay les roses", "commune-94038"),
		first("clermont ferrand", "commune-63113"),
		first("aix en provence", "commune-13001"),
		first("Bretagne", "region-53"),
		first("Hauts-de-Seine", "departement-92"),
		first("hauts de seine", "departement-92"),
		first("ile de france", "region-11"),
		first("Rennes Métropole", "epci-243500139"),
		first("Nantes Métropole", "epci-244400404"),
		first("Eurométropole de Strasbourg", "epci-246700488"),
		// Codes: INSEE, SIREN and postal codes.
		first("69123", "commune-69123"),
		first("92050", "commune-92050"),
		first("216901231", "commune-69123"),
		first("200046977", "epci-200046977"),
		first("69001", "commune-69123"),
		first("92000", "commune-92050"),
		first("35000", "commune-35238"),
		top3("13001", "commune-13001"),
		// Common names of collectivités.
		first("Grand Lyon", "epci-200046977"),
		first("Métropole de Lyon", "epci-200046977"),
		first("MEL", "epci-200093201"),
		first("métropole européenne de lille", "epci-200093201"),
		first("Grand Paris", "epci-200054781"),
		first("métropole aix marseille", "epci-200054807"),
		first("AMP", "epci-200054807"),
	}
}

// Relevance loads the reviewed seed of tools into db (a clone of the
// territory template, with nothing else in it), rebuilds b, runs every
// relevance case and returns the share it gets right. It fails when that
// share is under RelevanceFloor and logs every case it misses.
func Relevance(t *testing.T, db *pgxpool.Pool, b search.Backend) float64 {
	t.Helper()
	return score(t, db, b, "relevance", relevanceCases(), RelevanceFloor)
}

func score(t *testing.T, db *pgxpool.Pool, b search.Backend, set string, cases []relevanceCase, floor float64) float64 {
	t.Helper()
	ctx := context.Background()
	raw, err := fs.ReadFile(data.DirectoryFS(), data.ToolSeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := directory.LoadSeed(ctx, db, raw); err != nil {
		t.Fatal(err)
	}
	seed, err := directory.ReadSeed(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	cats := map[string][]string{}
	for _, x := range seed.Tools {
		cats[x.Slug] = x.Categories
	}
	if _, err := b.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	pass := 0
	for _, c := range cases {
		if why := c.check(ctx, b, cats); why != "" {
			t.Logf("MISS %s", why)
			continue
		}
		pass++
	}
	share := float64(pass) / float64(len(cases))
	t.Logf("%s: %d of %d queries (%.0f%%)", set, pass, len(cases), 100*share)
	if share < floor {
		t.Errorf("%s score %.3f is under the floor %.3f", set, share, floor)
	}
	return share
}

func (c relevanceCase) check(ctx context.Context, e search.Engine, cats map[string][]string) string {
	r, err := e.Search(ctx, search.Query{Text: c.text, PerPage: 10})
	if err != nil {
		return fmt.Sprintf("%q: %v", c.text, err)
	}
	got := slugs(r)
	top := got[:min(len(got), c.within)]
	if c.category != "" {
		for i, h := range r.Hits[:min(len(r.Hits), c.within)] {
			if h.Type != search.TypeTool || !slices.Contains(cats[h.Slug], c.category) {
				return fmt.Sprintf("%q: hit %d is %s, not a tool of %s; got %v", c.text, i+1, got[i], c.category, got)
			}
		}
		if len(top) < c.within {
			return fmt.Sprintf("%q: only %d hits; got %v", c.text, len(top), got)
		}
		return ""
	}
	if !slices.Contains(top, c.want) {
		return fmt.Sprintf("%q: %s not in the first %d; got %v", c.text, c.want, c.within, got)
	}
	return ""
}

// RelevanceDB opens a fresh clone of the territory template for the
// relevance cases, dropped when the test ends: the contract's invented
// tools would compete with the real ones.
func RelevanceDB(t *testing.T, pkg string) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx, pkg, territorytest.Template)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}
