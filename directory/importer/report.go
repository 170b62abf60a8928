package importer

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/resolve"
)

// Line is what happened to one record.
type Line struct {
	Record  Record
	Result  resolve.Result
	Upsert  directory.UpsertResult
	Skipped string // why the record was not imported although resolved
	Note    string
}

// Report sums an import up and lists what needs a person's review.
type Report struct {
	Source  Source
	Records int
	// Linked counts records tied to a collectivité; Organisations and
	// Foreign those tied to other adopters.
	Linked, Organisations, Foreign                                            int
	AdoptionsCreated, AdoptionsUpdated, EvidenceAdded, EvidenceUpdated, Ended int
	// Review lists records that were not imported, with the reason.
	Review []Line
	// Imported lists every imported record, for the full report.
	Imported []Line
}

func (r *Report) add(l Line) {
	if l.Skipped != "" || l.Result.Outcome == resolve.Unresolved {
		r.Review = append(r.Review, l)
		return
	}
	switch l.Result.Outcome {
	case resolve.Linked:
		r.Linked++
	case resolve.Organisation:
		r.Organisations++
	case resolve.Foreign:
		r.Foreign++
	}
	if l.Upsert.Created {
		r.AdoptionsCreated++
		if l.Record.Status == directory.StatusEnded {
			r.Ended++
		}
	}
	if l.Upsert.Updated {
		r.AdoptionsUpdated++
	}
	r.EvidenceAdded += l.Upsert.EvidenceAdded
	r.EvidenceUpdated += l.Upsert.EvidenceUpdated
	r.Imported = append(r.Imported, l)
}

func (r *Report) sort() {
	sort.SliceStable(r.Review, func(i, j int) bool { return r.Review[i].Record.Label < r.Review[j].Record.Label })
}

// Summary is the one-paragraph outcome an import prints.
func (r *Report) Summary() string {
	return fmt.Sprintf("%s: %d records; %d linked to collectivités, %d to other organisations, %d to foreign bodies; "+
		"%d adoptions created (%d ended), %d updated, %d pieces of evidence added, %d updated; %d not linked or not imported, to review",
		r.Source, r.Records, r.Linked, r.Organisations, r.Foreign, r.AdoptionsCreated, r.Ended,
		r.AdoptionsUpdated, r.EvidenceAdded, r.EvidenceUpdated, len(r.Review))
}

// WriteText writes the review report: what was not linked and why, then how
// each imported record was resolved.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Import report: %s\n%s\n\n", r.Source, r.Summary())
	fmt.Fprintf(w, "Not imported (%d), to review:\n", len(r.Review))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME IN THE SOURCE\tURL\tWHY\tCANDIDATES")
	for _, l := range r.Review {
		why := l.Skipped
		if why == "" {
			why = l.Result.Reason
		}
		var cands []string
		for _, c := range l.Result.Candidates {
			cands = append(cands, c.String())
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", oneLine(l.Record.Adopter.Name), l.Record.InstanceURL, why, strings.Join(cands, "; "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nImported (%d):\n", len(r.Imported))
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME IN THE SOURCE\tADOPTER\tSTATUS\tCONFIDENCE\tHOW")
	for _, l := range r.Imported {
		adopter := ""
		switch {
		case l.Result.Place != nil:
			adopter = l.Result.Place.String()
		case l.Result.Organisation != nil:
			adopter = fmt.Sprintf("organisation %s (%s %s)", l.Result.Organisation.Name, l.Result.Organisation.Kind, l.Result.Organisation.Country)
		}
		how := l.Result.Reason
		if l.Note != "" {
			how += "; " + l.Note
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%.2f\t%s\n", oneLine(l.Record.Adopter.Name), adopter, l.Record.Status, l.Result.Confidence, how)
	}
	return tw.Flush()
}

func oneLine(s string) string {
	if s == "" {
		return "(none)"
	}
	return strings.Join(strings.Fields(s), " ")
}
