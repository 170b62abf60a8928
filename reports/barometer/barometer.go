// Package barometer turns a published barometer edition into results that
// protect respondents: counts, n and % for every question, breakdowns by
// kind of collectivité, population bracket and région, year-on-year series
// by concept, response rates against the sampling frame, and the files of
// each edition (aggregates, consented microdata, questionnaire, label
// scripts for R, SPSS and Stata).
//
// Every table goes through reports/disclosure before it leaves this
// package: a cell of fewer than K respondents is hidden, with secondary
// suppression in additive tables, and a percentage is never shown without
// its n (Cell.Base).
//
// Missing values stay distinct: "not applicable" (skipped by routing) is
// not in the base of a percentage; "don't know", "refused" and "no answer"
// are columns of their own. In files they are the codes of MissingCodes.
//
// Weighting (Options.Weighted): post-stratification by cell weighting on
// kind of collectivité × population bracket. A respondent of stratum s gets
// w = (N_s / N) / (n_s / n), where N counts the sampling frame and n the
// respondents, so weighted results describe the frame rather than who
// answered. Strata of the frame without any respondent cannot be
// represented and are left out of N (reported in Results.Weighting).
// Disclosure control always works on unweighted counts.
package barometer

import (
	"context"
	"fmt"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/survey"
)

// MissingCodes are the codes missing values take in every file. Negative
// numbers so that they fit numeric columns and the statistics packages'
// user-missing conventions; far from any real answer.
func MissingCodes() []export.Missing {
	return []export.Missing{
		{Code: "-991", Label: "sans objet (question non posée) / not applicable (skipped by routing)"},
		{Code: "-992", Label: "ne sait pas / don't know"},
		{Code: "-993", Label: "refus de répondre / refused"},
		{Code: "-999", Label: "sans réponse / no answer"},
	}
}

// missingCode returns the file code of a reason.
func missingCode(m survey.Missing) export.Missing {
	codes := MissingCodes()
	switch m {
	case survey.NotApplicable:
		return codes[0]
	case survey.DontKnow:
		return codes[1]
	case survey.Refused:
		return codes[2]
	}
	return codes[3]
}

// Load returns the results of a published edition. An unknown edition and
// one that is not published yet are both ENOTFOUND: unpublished results do
// not exist for the public.
func Load(ctx context.Context, db postgres.Querier, year int) (*survey.ResultSet, error) {
	if err := published(ctx, db, year); err != nil {
		return nil, err
	}
	return survey.Results(ctx, db, year)
}

// published checks that an edition's results are public, without loading
// them (a large edition's answers take a while to read).
func published(ctx context.Context, db postgres.Querier, year int) error {
	if year < 2000 || year > 2100 {
		return civiscope.Invalid([]civiscope.FieldError{{Field: "year", Message: fmt.Sprintf("%d is not a barometer year (2000-2100)", year)}})
	}
	e, err := survey.GetEdition(ctx, db, year)
	if err != nil {
		if civiscope.ErrorCode(err) == civiscope.ENOTFOUND {
			return civiscope.Errorf(civiscope.ENOTFOUND, "there is no barometer edition %d", year)
		}
		return err
	}
	if e.Status != survey.Published {
		return civiscope.Errorf(civiscope.ENOTFOUND, "the results of the barometer %d are not published yet", year)
	}
	return nil
}

// Published lists the years whose results are public, latest first.
func Published(ctx context.Context, db postgres.Querier) ([]int, error) {
	eds, err := survey.ListEditions(ctx, db)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range eds {
		if e.Status == survey.Published {
			out = append(out, e.Year)
		}
	}
	return out, nil
}

// RegionNames returns région names by INSEE code, for labels.
func RegionNames(ctx context.Context, db postgres.Querier) (map[string]string, error) {
	rows, err := db.Query(ctx, `SELECT code, name FROM territory WHERE kind = 'region'`)
	if err != nil {
		return nil, fmt.Errorf("région names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, fmt.Errorf("région names: %w", err)
		}
		out[c] = n
	}
	return out, rows.Err()
}
