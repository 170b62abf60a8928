package resolve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/resolve"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "resolve", territorytest.Template, &db) }

// shared holds the resolver the tests share: loading the register and the
// outlines once keeps the package fast.
var shared struct {
	sync.Once
	r   *resolve.Resolver
	err error
}

func newResolver(t testing.TB) *resolve.Resolver {
	t.Helper()
	shared.Do(func() { shared.r, shared.err = loadResolver() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.r
}

func loadResolver() (*resolve.Resolver, error) {
	shapes, err := fs.ReadFile(data.DirectoryFS(), data.DepartementShapes)
	if err != nil {
		return nil, err
	}
	return resolve.New(context.Background(), db, bytes.NewReader(shapes))
}

func f(x float64) *float64 { return &x }

func linked(res resolve.Result) string {
	if res.Outcome != resolve.Linked {
		return string(res.Outcome)
	}
	return string(res.Place.Kind) + ":" + res.Place.Code
}

// The eight cases of issue 3, with the inputs as the sources give them.
func TestIssueCases(t *testing.T) {
	r := newResolver(t)
	ctx := context.Background()
	for _, c := range []struct {
		in   resolve.Input
		want string
	}{
		{resolve.Input{Name: "Ville de Nanterre", URL: "https://participez.nanterre.fr/", French: true}, "commune:92050"},
		{resolve.Input{Name: "Mairie d’Angers", URL: "http://ecrivons.angers.fr", SourceType: "region"}, "commune:49007"},
		{resolve.Input{Name: "Métropole Européene de Lille", URL: "https://participation.lillemetropole.fr/", Lat: f(50.6292), Lon: f(3.0573), SourceType: "region"}, "epci:200093201"},
		{resolve.Input{Name: "Departement de La Mayenne", URL: "https://may-dialogue.lamayenne.fr/", Lat: f(48.0667), Lon: f(-0.7667), SourceType: "region"}, "departement:53"},
		{resolve.Input{Name: "Loiret", URL: "https://atelierdevosidees.loiret.fr/", Lat: f(47.9025), Lon: f(1.909), SourceType: "city"}, "departement:45"},
		{resolve.Input{Name: "Bagneux", URL: "https://participez.bagneux92.fr/", SourceType: "city"}, "commune:92007"},
		{resolve.Input{Name: "Est  Ensemble Grand Paris", URL: "https://ensemblepourleclimat.est-ensemble.fr/", SourceType: "region"}, "ept:200057875"},
		{resolve.Input{Name: "Touraine", URL: "https://participation.touraine.fr/", Lat: f(47.215848), Lon: f(0.2682572), SourceType: "city"}, "departement:37"},
		// Bagneux by its point alone, without the telling domain.
		{resolve.Input{Name: "Bagneux", URL: "https://example.fr/", Lat: f(48.7983), Lon: f(2.3136), SourceType: "city"}, "commune:92007"},
	} {
		res := r.Resolve(ctx, c.in)
		if got := linked(res); got != c.want {
			t.Errorf("%q: got %s (%s), want %s", c.in.Name, got, res.Reason, c.want)
		}
	}
}

func TestNeverGuesses(t *testing.T) {
	r := newResolver(t)
	ctx := context.Background()
	for _, c := range []struct {
		in   resolve.Input
		want resolve.Outcome
	}{
		// Six communes are called Bagneux; nothing says which.
		{resolve.Input{Name: "Bagneux", URL: "https://bagneux-participe.fr/", SourceType: "city"}, resolve.Unresolved},
		{resolve.Input{Name: "Assemblée Nationale", URL: "https://petitions.assemblee-nationale.fr/", SourceType: "region"}, resolve.Organisation},
		{resolve.Input{Name: "Sénat (FR)", URL: "https://petitions.senat.fr/", SourceType: "region"}, resolve.Organisation},
		{resolve.Input{Name: "Ministère de la Transition Écologique et Solidaire", French: true}, resolve.Organisation},
		{resolve.Input{Name: "Préfecture de Loire-Atlantique (44)", French: true}, resolve.Organisation},
		{resolve.Input{Name: "Conseil de Développement de la Communauté d'Agglomération Sophia Antipolis", URL: "https://concertation-citoyenne.cddcasa.fr/", SourceType: "region"}, resolve.Organisation},
		{resolve.Input{Name: "Decathlon", URL: "https://vision-campus.decathlon.fr/", SourceType: "org"}, resolve.Organisation},
		// Alsace is two letters from Sacé (Mayenne), and the Collectivité
		// européenne d'Alsace is not in the register.
		{resolve.Input{Name: "Alsace", URL: "https://entre-vos-mains.alsace.eu/", Lat: f(48.3181795), Lon: f(7.4416241), SourceType: "city"}, resolve.Unresolved},
		// A name with a point in another département, and nothing else.
		{resolve.Input{Name: "Nanterre", URL: "https://example.fr/", Lat: f(43.6), Lon: f(1.44), SourceType: "city"}, resolve.Unresolved},
		{resolve.Input{Name: "Ville de Namur", URL: "https://monopinion.namur.be", SourceType: "city"}, resolve.Foreign},
		{resolve.Input{Name: "Ayuntamiento de Madrid", URL: "https://decide.madrid.es", Country: "es"}, resolve.Foreign},
		{resolve.Input{Name: "Lens", URL: "https://participez.lens.org/"}, resolve.Unresolved}, // nothing says France
	} {
		res := r.Resolve(ctx, c.in)
		if res.Outcome != c.want {
			t.Errorf("%q: got %s (%s), want %s", c.in.Name, linked(res), res.Reason, c.want)
		}
		if res.Outcome == resolve.Unresolved && res.Reason == "" {
			t.Errorf("%q: unresolved without a reason", c.in.Name)
		}
	}
	// Spellings of one body meet on one organisation.
	a := r.Resolve(ctx, resolve.Input{Name: "Commission Nationale du Débat Public", SourceType: "org", URL: "https://participons.debatpublic.fr/"})
	b := r.Resolve(ctx, resolve.Input{Name: "CNDP", French: true})
	if a.Organisation == nil || b.Organisation == nil || a.Organisation.Slug != b.Organisation.Slug {
		t.Fatalf("CNDP spellings did not meet: %+v / %+v", a.Organisation, b.Organisation)
	}
	if a.Organisation.Kind != directory.OrgPublicBody {
		t.Fatalf("CNDP kind %s", a.Organisation.Kind)
	}
}

type labelled struct {
	Source  string   `json:"source"`
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Lat     *float64 `json:"lat"`
	Lon     *float64 `json:"lon"`
	Type    string   `json:"type"`
	Country string   `json:"country"`
	French  bool     `json:"french"`
	Expect  string   `json:"expect"` // kind:code, or none
}

func readLabelled(t testing.TB) []labelled {
	b, err := os.ReadFile("testdata/labelled.json")
	if err != nil {
		t.Fatal(err)
	}
	var ls []labelled
	if err := json.Unmarshal(b, &ls); err != nil {
		t.Fatal(err)
	}
	return ls
}

func (l labelled) input() resolve.Input {
	return resolve.Input{Name: l.Name, URL: l.URL, Lat: l.Lat, Lon: l.Lon, SourceType: l.Type, Country: l.Country, French: l.French}
}

// TestLabelledSample measures the resolver on entries of the three real
// sources, labelled by hand with the collectivité they stand for (or none).
// A wrong link is worse than none: precision must stay at 0.95 or more.
func TestLabelledSample(t *testing.T) {
	r := newResolver(t)
	ctx := context.Background()
	ls := readLabelled(t)
	var links, correct, territories, found int
	for _, l := range ls {
		res := r.Resolve(ctx, l.input())
		got := "none"
		if res.Outcome == resolve.Linked {
			got = linked(res)
			links++
		}
		if l.Expect != "none" {
			territories++
		}
		switch {
		case got != "none" && got == l.Expect:
			correct++
			found++
		case got != "none":
			t.Errorf("WRONG LINK %s %q → %s (%s), expected %s", l.Source, l.Name, got, res.Reason, l.Expect)
		case l.Expect != "none":
			t.Logf("missed %s %q (expected %s): %s", l.Source, l.Name, l.Expect, res.Reason)
		}
	}
	precision := float64(correct) / float64(max(links, 1))
	recall := float64(found) / float64(max(territories, 1))
	t.Logf("labelled sample: %d entries, %d collectivités; %d links, %d correct: precision %.3f, recall %.3f",
		len(ls), territories, links, correct, precision, recall)
	if len(ls) < 100 || territories < 50 {
		t.Fatalf("the sample is too small to mean anything (%d entries, %d collectivités)", len(ls), territories)
	}
	if precision < 0.95 {
		t.Errorf("precision %.3f < 0.95", precision)
	}
	if recall < 0.85 {
		t.Errorf("recall %.3f < 0.85", recall)
	}
}

func BenchmarkResolve(b *testing.B) {
	r := newResolver(b)
	ctx := context.Background()
	ls := readLabelled(b)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		r.Resolve(ctx, ls[i%len(ls)].input())
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
