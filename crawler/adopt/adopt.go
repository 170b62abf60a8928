// Package adopt connects the crawler to the directory: detections become
// adoption evidence (source kind "crawler"), tool websites and adoption
// instances become liveness targets, and a tool whose website stays dead
// becomes dormant or defunct. It is the only crawler package that imports
// directory, through its Go API.
package adopt

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/crawler"
	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/liveness"
	"github.com/civiscope/civiscope/directory"
)

// SourceName is how the crawler is named in evidence and revisions.
const SourceName = "Civiscope crawler"

// Directory implements crawler.FindingSink, crawler.TargetSource and
// crawler.StateSink on the directory store.
type Directory struct {
	db    directory.DB
	rules *detect.Rules
}

// New builds the adapter; rules map platform names to tool slugs.
func New(db directory.DB, rules *detect.Rules) *Directory {
	return &Directory{db: db, rules: rules}
}

var (
	_ crawler.FindingSink  = (*Directory)(nil)
	_ crawler.TargetSource = (*Directory)(nil)
	_ crawler.StateSink    = (*Directory)(nil)
)

// RecordDetection adds the finding as evidence to the adoption of the
// platform's tool by the finding's collectivité at its instance, creating
// the adoption when it is new. The same page seen again adds nothing.
func (d *Directory) RecordDetection(ctx context.Context, f crawler.Finding) error {
	if f.TerritoryID == 0 {
		return civiscope.Errorf(civiscope.EINVALID, "finding %d has no collectivité", f.ID)
	}
	pl, ok := d.rules.Platform(f.Detection.Platform)
	if !ok || pl.Slug == "" {
		return civiscope.Errorf(civiscope.ENOTFOUND, "platform %q names no tool of the directory", f.Detection.Platform)
	}
	tool, err := directory.GetTool(ctx, d.db, pl.Slug)
	if err != nil {
		return fmt.Errorf("tool for %s: %w", f.Detection.Platform, err)
	}
	observed := f.FoundAt
	if observed.IsZero() {
		observed = time.Now()
	}
	a := &directory.Adoption{
		ToolID:      tool.ID,
		TerritoryID: f.TerritoryID,
		InstanceURL: f.InstanceURL,
		Status:      directory.StatusCurrent, // the platform answered with its markers today
		Confidence:  float64(f.Detection.Confidence) / 100,
		Evidence: []directory.Evidence{{
			SourceKind:  directory.SourceCrawler,
			SourceName:  SourceName,
			SourceURL:   f.PageURL,
			ObservedAt:  observed,
			Excerpt:     excerpt(f.Detection),
			Fingerprint: fingerprint(f),
		}},
	}
	_, err = directory.UpsertAdoption(ctx, d.db, a, directory.By{Actor: "crawler", Source: f.PageURL})
	if err != nil {
		return fmt.Errorf("adoption of %s at %s: %w", tool.Slug, f.InstanceURL, err)
	}
	return nil
}

// excerpt lists the markers found, the evidence a reader can check.
func excerpt(d detect.Detection) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s detected (confidence %d%%)", d.Platform, d.Confidence)
	if d.Version != "" {
		fmt.Fprintf(&b, ", version %s", d.Version)
	}
	b.WriteString(":")
	for _, m := range d.Matches {
		line := fmt.Sprintf("\n- %s %s: %s", m.Kind, m.Rule, m.Evidence)
		if b.Len()+len(line) > directory.MaxExcerptLen {
			break
		}
		b.WriteString(line)
	}
	return b.String()
}

// fingerprint identifies a detection by platform and page, so the same
// page found again in later runs is one piece of evidence.
func fingerprint(f crawler.Finding) string {
	s := "detection:" + f.Detection.Platform + ":" + f.PageURL
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

// LivenessTargets lists every tool website and every adoption instance URL
// of the directory.
func (d *Directory) LivenessTargets(ctx context.Context) ([]crawler.LivenessTarget, error) {
	var out []crawler.LivenessTarget
	for after := ""; ; {
		page, err := directory.ListTools(ctx, d.db, directory.ToolFilter{After: after, Limit: directory.MaxPageSize})
		if err != nil {
			return nil, fmt.Errorf("list tools: %w", err)
		}
		for _, t := range page.Tools {
			if web(t.Website) {
				out = append(out, crawler.LivenessTarget{Kind: crawler.TargetTool, Ref: t.ID, URL: t.Website, Label: t.Name})
			}
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	for after := int64(0); ; {
		page, err := directory.ListAdoptions(ctx, d.db, directory.AdoptionFilter{After: after, Limit: directory.MaxPageSize, WithoutEvidence: true})
		if err != nil {
			return nil, fmt.Errorf("list adoptions: %w", err)
		}
		for _, a := range page.Adoptions {
			if web(a.InstanceURL) {
				out = append(out, crawler.LivenessTarget{Kind: crawler.TargetAdoption, Ref: a.ID, URL: a.InstanceURL, Label: adoptionLabel(a)})
			}
		}
		if page.Next == 0 {
			break
		}
		after = page.Next
	}
	return out, nil
}

func adoptionLabel(a directory.Adoption) string {
	var who, what string
	switch {
	case a.Territory != nil:
		who = a.Territory.Name
	case a.Organisation != nil:
		who = a.Organisation.Name
	}
	if a.Tool != nil {
		what = a.Tool.Name
	}
	return strings.TrimSpace(what + " — " + who)
}

func web(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// TargetStateChanged sets the lifecycle of a tool whose website became
// dormant or defunct (or came back). Adoptions keep their state in the
// crawler's liveness tables: ending an adoption is a moderator's call.
func (d *Directory) TargetStateChanged(ctx context.Context, t crawler.LivenessTarget, from liveness.State, r liveness.Result, at time.Time) error {
	if t.Kind != crawler.TargetTool {
		return nil
	}
	tool, err := directory.GetToolByID(ctx, d.db, t.Ref)
	if err != nil {
		return fmt.Errorf("tool %d: %w", t.Ref, err)
	}
	var lc directory.Lifecycle
	switch t.State {
	case liveness.StateDormant:
		lc = directory.LifecycleDormant
	case liveness.StateDefunct:
		lc = directory.LifecycleDefunct
	default:
		if tool.Lifecycle != directory.LifecycleDormant && tool.Lifecycle != directory.LifecycleDefunct {
			return nil // never overwrite what a curator set on a live tool
		}
		lc = directory.LifecycleActive
	}
	since := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	if t.FirstFailureAt != nil && lc != directory.LifecycleActive {
		f := *t.FirstFailureAt
		since = time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, time.UTC)
	}
	tool.Lifecycle, tool.LifecycleSince = lc, &since
	tool.LifecycleReason = directory.Clip(fmt.Sprintf("liveness check of %s: %s (%s), %d failed checks", t.URL, r.Class, r.Detail, t.Failures), 500)
	if lc == directory.LifecycleActive {
		tool.LifecycleReason = directory.Clip("liveness check of "+t.URL+": answering again", 500)
	}
	return directory.UpdateTool(ctx, d.db, tool, directory.By{Actor: "crawler", Source: "liveness " + t.URL})
}
