package survey

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
)

// DirectoryEvidence records the tools of a publishable response as
// adoptions in the directory, with one piece of evidence of source kind
// "barometer" each. Tools answered as "other" are not in the directory and
// are left to curators (they stay in the results).
type DirectoryEvidence struct{}

// usageCategory maps the questionnaire's purposes to the directory's
// categories; the first purpose given becomes the adoption's category.
func usageCategory(u string) string {
	switch u {
	case "consultation", "concertation":
		return "consultation"
	case "budget_participatif":
		return "participatory-budgeting"
	case "petition":
		return "petitions"
	case "signalement":
		return "issue-reporting"
	case "deliberation":
		return "deliberation"
	case "vote":
		return "voting"
	}
	return ""
}

// RecordBarometerEvidence implements EvidenceRecorder. A tool the
// collectivité already has an adoption of gets the evidence on that
// adoption (the directory's merge fills what it did not know), never a
// second adoption; otherwise a new adoption is recorded. The evidence is
// dated by the declaration; only a year of first use stated in the answer
// gives a start.
func (DirectoryEvidence) RecordBarometerEvidence(ctx context.Context, tx pgx.Tx, ev Evidence) error {
	for _, m := range ev.Tools {
		if m.Choice == OtherTool {
			continue
		}
		tool, err := directory.GetTool(ctx, tx, m.Choice)
		if civiscope.ErrorCode(err) == civiscope.ENOTFOUND {
			continue // a choice of the form that the directory does not hold
		}
		if err != nil {
			return fmt.Errorf("tool %s: %w", m.Choice, err)
		}
		a := &directory.Adoption{ToolID: tool.ID, TerritoryID: ev.TerritoryID, Status: directory.StatusCurrent, Confidence: 0.9}
		existing, err := directory.ListAdoptions(ctx, tx, directory.AdoptionFilter{ToolID: tool.ID, TerritoryID: ev.TerritoryID,
			OnlyTerritories: true, WithoutEvidence: true, Limit: 1})
		if err != nil {
			return fmt.Errorf("adoptions of %s: %w", m.Choice, err)
		}
		if len(existing.Adoptions) > 0 {
			// The same adopter, tool and instance is the same adoption: the
			// answer names no instance, so it joins the one already known.
			a.InstanceURL = existing.Adoptions[0].InstanceURL
		}
		if y, err := strconv.Atoi(m.SinceYear); err == nil && y >= 1990 && y <= ev.DeclaredAt.Year() {
			d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			a.StartedOn = &d
		}
		for _, u := range m.Uses {
			if c := usageCategory(u); c != "" {
				a.Category = c
				break
			}
		}
		excerpt := fmt.Sprintf("Déclaré dans la réponse au baromètre %d de la démocratie locale numérique", ev.Year)
		if m.SinceYear != "" {
			excerpt += ", utilisé depuis " + m.SinceYear
		}
		a.Evidence = []directory.Evidence{{
			SourceKind:    directory.SourceBarometer,
			SourceName:    fmt.Sprintf("Baromètre %d de la démocratie locale numérique (Civiscope)", ev.Year),
			SourceURL:     ev.URL,
			SourceLicence: ev.Licence,
			ObservedAt:    ev.DeclaredAt,
			DateMeaning:   directory.DateDeclaration,
			Excerpt:       excerpt,
			// One piece of evidence per response and tool, so a replay adds nothing.
			Fingerprint: fmt.Sprintf("barometre-%d/response-%d/%s", ev.Year, ev.ResponseID, m.Choice),
		}}
		by := directory.By{Actor: fmt.Sprintf("survey:barometre-%d", ev.Year), Source: fmt.Sprintf("barometer response %d", ev.ResponseID)}
		if _, err := directory.UpsertAdoption(ctx, tx, a, by); err != nil {
			return fmt.Errorf("adoption of %s: %w", m.Choice, err)
		}
	}
	return nil
}
