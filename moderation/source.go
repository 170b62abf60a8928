package moderation

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
)

// sourceKind says who stated the facts of proposal p, so that the source a
// reader sees names them: the collectivité when an approved agent of it
// declared an adoption (as recorded when the proposal was sent), the vendor
// when the submitter is a verified member of vendorID, and otherwise a
// contributor. The observatory's own facts (curator) never come through
// proposals.
func sourceKind(ctx context.Context, db DB, p *Proposal, vendorID int64) (directory.SourceKind, error) {
	if p.SubmitterID == 0 {
		return directory.SourceCrawler, nil
	}
	if agent, _ := p.Payload["declared_by_agent"].(bool); agent {
		return directory.SourceSelfDeclared, nil
	}
	if vendorID != 0 {
		member, err := account.IsVendorMember(ctx, db, p.SubmitterID, vendorID)
		if err != nil {
			return "", err
		}
		if member {
			return directory.SourceVendor, nil
		}
	}
	return directory.SourceContributor, nil
}

// editSource is the source an edit's facts cite: the proposal, backing the
// fields it changed.
func editSource(p *Proposal, kind directory.SourceKind) directory.Source {
	var fields []string
	for f := range p.Payload {
		switch f {
		case "vendor_website":
		case "vendor_name":
			fields = append(fields, "vendor")
		default:
			fields = append(fields, f)
		}
	}
	sort.Strings(fields)
	return directory.Source{Kind: kind, Name: proposalSourceName(p.ID), Fields: fields}
}

// withoutSource drops the source named name, when the facts it backed are
// undone.
func withoutSource(sources []directory.Source, name string) []directory.Source {
	out := sources[:0:0]
	for _, s := range sources {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}

// attribute names who declared an adoption on its evidence.
func attribute(ctx context.Context, db DB, p *Proposal, a *directory.Adoption) error {
	var vendorID int64
	if t, err := directory.GetToolByID(ctx, db, a.ToolID); err == nil {
		vendorID = t.VendorID
	}
	kind, err := sourceKind(ctx, db, p, vendorID)
	if err != nil {
		return err
	}
	names := map[directory.SourceKind]string{
		directory.SourceSelfDeclared: "Civiscope, declaration by the collectivité",
		directory.SourceVendor:       "Civiscope, declaration by the tool's vendor",
		directory.SourceContributor:  "Civiscope, contributor declaration",
	}
	for i := range a.Evidence {
		a.Evidence[i].SourceKind, a.Evidence[i].SourceName = kind, names[kind]
	}
	return nil
}

// vendorNamed finds the vendor a proposal names by name, or creates it.
func vendorNamed(ctx context.Context, tx pgx.Tx, p *Proposal, who directory.By) (int64, error) {
	v := directory.Vendor{Slug: Slugify(Text(p.Payload["vendor_name"])), Name: Text(p.Payload["vendor_name"]),
		Website: Text(p.Payload["vendor_website"])}
	if existing, err := directory.GetVendor(ctx, tx, v.Slug); err == nil {
		return existing.ID, nil
	}
	if err := directory.CreateVendor(ctx, tx, &v, who); err != nil {
		return 0, fmt.Errorf("create the vendor: %w", err)
	}
	return v.ID, nil
}
