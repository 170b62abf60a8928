package pg_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/civiscope/civiscope/search"
	"github.com/civiscope/civiscope/search/pg"
)

func BenchmarkZZPerQuery(b *testing.B) {
	db := scaleDB(b)
	e := pg.New(db)
	ctx := context.Background()
	type r struct {
		q string
		d time.Duration
	}
	var out []r
	for _, t := range []string{"c", "pa", "v", "consultaton", "demokratiee"} {
		for _, pp := range []int{8} {
			q := search.Query{Text: t, PerPage: pp}
			e.Search(ctx, q)
			t0 := time.Now()
			for i := 0; i < 400; i++ {
				e.Search(ctx, q)
			}
			out = append(out, r{t, time.Since(t0) / 400})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].d > out[j].d })
	for _, x := range out {
		b.Logf("%-25q %v", x.q, x.d)
	}
}
