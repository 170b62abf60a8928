package pg_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
	"github.com/civiscope/civiscope/search/pg"
	"github.com/civiscope/civiscope/search/searchtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "searchpg", territorytest.Template, &db) }

// TestContract runs the shared search contract against PostgreSQL.
func TestContract(t *testing.T) {
	searchtest.Run(t, db, pg.New(db))
}

// TestRelevance scores real queries over the real seed and register (see
// searchtest.Relevance), in a database of its own: the contract's invented
// tools would compete with the real ones.
func TestRelevance(t *testing.T) {
	pool := searchtest.RelevanceDB(t, "searchpgrelevance")
	searchtest.Relevance(t, pool, pg.New(pool))
}

// TestHeldOutRelevance scores queries the engine was never tuned on (see
// searchtest.HeldOut).
func TestHeldOutRelevance(t *testing.T) {
	pool := searchtest.RelevanceDB(t, "searchpgheldout")
	searchtest.HeldOut(t, pool, pg.New(pool))
}
