package importer

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/resolve"
)

// Progress receives how far an import is; nil is fine.
type Progress func(stage string, done, total int)

// Run imports records from src in one transaction: either the whole file
// lands or nothing does. Records whose adopter is not resolved, or whose tool
// is unknown, are skipped and listed in the report.
func Run(ctx context.Context, db directory.DB, r *resolve.Resolver, src Source, records []Record, progress Progress) (*Report, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	rep := &Report{Source: src, Records: len(records)}
	by := directory.By{Actor: "import:" + string(src)}
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	tools := map[string]int64{}
	orgs := map[string]int64{}
	for i, rec := range records {
		if i%20 == 0 || i == len(records)-1 {
			progress("resolve", i+1, len(records))
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := importOne(ctx, tx, r, rec, by, tools, orgs, rep); err != nil {
			return nil, fmt.Errorf("record %s (%s): %w", rec.Fingerprint, rec.Label, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit import: %w", err)
	}
	rep.sort()
	return rep, nil
}

// importOne imports one record; tools and orgs cache ids by slug, since
// a list names the same few tools and organisations many times.
func importOne(ctx context.Context, tx pgx.Tx, r *resolve.Resolver, rec Record, by directory.By, tools, orgs map[string]int64, rep *Report) error {
	res := ResolveRecord(ctx, r, rec)
	line := Line{Record: rec, Result: res, Note: rec.Note}
	if rec.Skip != "" {
		line.Skipped = rec.Skip
		rep.add(line)
		return nil
	}
	if rec.ToolSlug == "" {
		line.Skipped = fmt.Sprintf("the source does not name a tool in the directory (it says %q)", rec.ToolName)
		rep.add(line)
		return nil
	}
	toolID, ok := tools[rec.ToolSlug]
	if !ok {
		t, err := directory.GetTool(ctx, tx, rec.ToolSlug)
		if civiscope.ErrorCode(err) == civiscope.ENOTFOUND {
			return civiscope.Errorf(civiscope.EINVALID, "the directory has no tool %q: load the seed first (civiscope import seed)", rec.ToolSlug)
		}
		if err != nil {
			return err
		}
		toolID, tools[rec.ToolSlug] = t.ID, t.ID
	}
	a := &directory.Adoption{ToolID: toolID, InstanceURL: rec.InstanceURL, Status: rec.Status,
		Category: rec.Category, Confidence: res.Confidence, Evidence: []directory.Evidence{rec.Evidence}}
	switch res.Outcome {
	case resolve.Linked:
		a.TerritoryID = res.Place.ID
	case resolve.Organisation, resolve.Foreign:
		id, ok := orgs[res.Organisation.Slug]
		if !ok {
			if err := directory.EnsureOrganisation(ctx, tx, res.Organisation, by); err != nil {
				return err
			}
			id, orgs[res.Organisation.Slug] = res.Organisation.ID, res.Organisation.ID
		}
		a.OrganisationID = id
	default:
		rep.add(line)
		return nil
	}
	if a.InstanceURL != "" && directory.CheckURL(a.InstanceURL, directory.MaxEvidenceURLLen) != nil {
		line.Note = strings.TrimPrefix(line.Note+"; "+fmt.Sprintf("instance URL %q is not a web address; recorded without it", a.InstanceURL), "; ")
		a.InstanceURL = ""
	}
	up, err := directory.UpsertAdoption(ctx, tx, a, by)
	if err != nil {
		return err
	}
	line.Upsert = up
	rep.add(line)
	return nil
}

// ResolveRecord links a record by its SIREN when it has one, else by its
// name, falling back on the instance's host for sources that know little
// more than the address.
func ResolveRecord(ctx context.Context, r *resolve.Resolver, rec Record) resolve.Result {
	switch {
	case rec.SIREN != "":
		return r.ResolveSIREN(rec.SIREN, rec.Adopter.Name)
	case rec.HostOnly && rec.Adopter.Name == "":
		return r.ResolveHost(rec.Adopter.URL)
	}
	res := r.Resolve(ctx, rec.Adopter)
	if res.Outcome == resolve.Unresolved && rec.HostOnly {
		if h := r.ResolveHost(rec.Adopter.URL); h.Outcome != resolve.Unresolved {
			return h
		}
	}
	return res
}
