// Command webseed builds the PostgreSQL search index of the web load test's
// database, which `civiscope serve` has already filled (register, tools,
// shipped adoptions): the search page would otherwise search nothing.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/search/pg"
)

func main() {
	ctx := context.Background()
	pool, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "webseed:", err)
		os.Exit(1)
	}
	defer pool.Close()
	n, err := pg.New(pool).Rebuild(ctx, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "webseed: rebuild the search index:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "webseed: %d documents indexed\n", n)
}
