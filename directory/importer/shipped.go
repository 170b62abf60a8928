package importer

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"

	"github.com/civiscope/civiscope/data"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/resolve"
	"github.com/civiscope/civiscope/postgres"
)

// ShippedPath is the embedded copy of a source's file (data/sources).
func ShippedPath(src Source) string {
	switch src {
	case Decidim:
		return data.DecidimSource
	case Etalab:
		return data.EtalabSource
	case Consul:
		return data.ConsulSource
	case OpenDataFr:
		return data.ODFSource
	case Datagouv:
		return data.DatagouvSource
	case DecidimCount:
		return data.CensusSource
	}
	return ""
}

// LoadSeeds loads the reviewed seed and the open-data platforms seed.
func LoadSeeds(ctx context.Context, db directory.DB) (directory.SeedStats, error) {
	var total directory.SeedStats
	for _, name := range []string{data.ToolSeed, data.PlatformSeed} {
		raw, err := fs.ReadFile(data.DirectoryFS(), name)
		if err != nil {
			return total, fmt.Errorf("read seed: %w", err)
		}
		st, err := directory.LoadSeed(ctx, db, raw)
		if err != nil {
			return total, fmt.Errorf("%s: %w", name, err)
		}
		total.VendorsCreated += st.VendorsCreated
		total.VendorsUpdated += st.VendorsUpdated
		total.ToolsCreated += st.ToolsCreated
		total.ToolsUpdated += st.ToolsUpdated
		total.Unchanged += st.Unchanged
	}
	return total, nil
}

// NewResolver loads a resolver with the shipped département outlines.
func NewResolver(ctx context.Context, db postgres.Querier) (*resolve.Resolver, error) {
	shapes, err := fs.ReadFile(data.DirectoryFS(), data.DepartementShapes)
	if err != nil {
		return nil, fmt.Errorf("read département outlines: %w", err)
	}
	return resolve.New(ctx, db, bytes.NewReader(shapes))
}

// LoadShipped loads the shipped seed and imports the three shipped adoption
// lists, in that order; it is what an empty directory starts from. Each step
// is idempotent, so running it twice adds nothing.
func LoadShipped(ctx context.Context, db directory.DB, progress Progress) (directory.SeedStats, []*Report, error) {
	st, err := LoadSeeds(ctx, db)
	if err != nil {
		return st, nil, err
	}
	r, err := NewResolver(ctx, db)
	if err != nil {
		return st, nil, err
	}
	var reps []*Report
	for _, src := range Sources() {
		recs, err := ReadPath(src, data.DirectoryFS(), ShippedPath(src))
		if err != nil {
			return st, reps, err
		}
		rep, err := Run(ctx, db, r, src, recs, progress)
		if err != nil {
			return st, reps, fmt.Errorf("import %s: %w", src, err)
		}
		reps = append(reps, rep)
	}
	return st, reps, nil
}
