package importer_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/importer"
	"github.com/civiscope/civiscope/directory/resolve"
	"github.com/civiscope/civiscope/directory/territory/territorytest"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "importer", territorytest.Template, &db) }

func readShipped(t testing.TB, path string) []byte {
	t.Helper()
	b, err := fs.ReadFile(data.DirectoryFS(), path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newResolver(t testing.TB) *resolve.Resolver {
	t.Helper()
	r, err := resolve.New(context.Background(), db, bytes.NewReader(readShipped(t, data.DepartementShapes)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sourcePath(src importer.Source) string {
	return map[importer.Source]string{importer.Decidim: data.DecidimSource, importer.Etalab: data.EtalabSource, importer.Consul: data.ConsulSource}[src]
}

func TestDumpReports(t *testing.T) {
	if os.Getenv("DUMP_REPORTS") == "" {
		t.Skip("set DUMP_REPORTS=1 to print the import reports")
	}
	ctx := context.Background()
	if _, err := directory.LoadSeed(ctx, db, readShipped(t, data.ToolSeed)); err != nil {
		t.Fatal(err)
	}
	r := newResolver(t)
	for _, src := range importer.Sources() {
		recs, err := importer.Read(src, bytes.NewReader(readShipped(t, sourcePath(src))))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := importer.Run(ctx, db, r, src, recs, nil)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_ = rep.WriteText(&b)
		t.Log(b.String())
	}
}
