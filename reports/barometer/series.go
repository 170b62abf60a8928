package barometer

import (
	"context"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// Point is one answer category of one edition in a year-on-year series.
type Point struct {
	Year   int    `json:"year"`
	Column Column `json:"column"`
	Cell   Cell   `json:"cell"`
}

// Series follows a concept across the published editions: every edition
// whose questionnaire has a question with this concept contributes its
// overall table, protected as published. Wording may change from year to
// year; the concept is what stays.
func Series(ctx context.Context, db postgres.Querier, concept string, opts Options) ([]Point, error) {
	if concept == "" {
		return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "concept", Message: "name a concept"}})
	}
	years, err := Published(ctx, db)
	if err != nil {
		return nil, err
	}
	var out []Point
	found := false
	for i := len(years) - 1; i >= 0; i-- {
		set, err := Load(ctx, db, years[i])
		if err != nil {
			return nil, err
		}
		var q *xlsform.Question
		set.Form.Walk(func(x *xlsform.Question) {
			if q == nil && x.Concept == concept && (x.Type == xlsform.SelectOne || x.Type == xlsform.SelectMultiple) {
				q = x
			}
		})
		if q == nil {
			continue
		}
		found = true
		// The whole edition is protected together; the series shows its
		// overall table exactly as the edition's page does.
		res, err := Tabulate(set, opts)
		if err != nil {
			return nil, err
		}
		t, err := res.Table(q.Name, All)
		if err != nil {
			return nil, err
		}
		for j, c := range t.Columns {
			out = append(out, Point{Year: years[i], Column: c, Cell: t.Cells[0][j]})
		}
	}
	if !found {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no published edition asks a question with concept %q", concept)
	}
	return out, nil
}
