package pg_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
)

func TestZZProbe(t *testing.T) {
	url := os.Getenv("PROBE_URL")
	if url == "" {
		t.Skip()
	}
	ctx := context.Background()
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	e := pg.New(pool)
	f := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	var qs []search.Query
	for _, typed := range []string{"participation", "budget participatif", "consultaton", "villeurbanne", "démocratie", "cartographie"} {
		r := []rune(typed)
		for i := 1; i <= len(r); i++ {
			qs = append(qs, search.Query{Text: string(r[:i]), PerPage: 8})
		}
	}
	qs = append(qs, []search.Query{{Text: "p", PerPage: 8}, {Text: "pa", PerPage: 8}, {Text: "par", PerPage: 8}, {Text: "parti", PerPage: 8}, {Text: "participation", PerPage: 8},
		{Text: "budget p", PerPage: 8}, {Text: "consultaton", PerPage: 8}, {Text: "villeurb", PerPage: 8}, {Text: "d", PerPage: 8}, {Text: "dé", PerPage: 8},
		{Filters: f("type", "tool"), Facets: true},
		{Filters: f("category", "consultation"), Facets: true},
		{Text: "budget participatif", Filters: f("open_source", "yes"), Facets: true},
		{Text: "participation citoyenne", Filters: f("category", "petitions", "category", "voting"), Facets: true},
		{Filters: f("licence", "MIT", "country", "FR"), Sort: search.SortUpdated, Facets: true},
	}...)
	for _, q := range qs {
		e.Search(ctx, q)
		t0 := time.Now()
		var r *search.Results
		for i := 0; i < 5; i++ {
			r, err = e.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
		}
		fmt.Printf("%-40q %v total=%d %v\n", q.Text, q.Filters, r.Total, time.Since(t0)/5)
	}
}
