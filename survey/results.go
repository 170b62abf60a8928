package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// Value is one answer as reports read it: a value, or why there is none
// (DontKnow, Refused, NotApplicable, NoAnswer).
type Value struct {
	Value   string
	Missing Missing
}

// Result is one submitted response, with every answerable question of the
// form resolved to a Value.
type Result struct {
	ResponseID  int64
	Territory   territory.Territory
	SubmittedAt time.Time
	// Publish is the respondent's consent to publish answers per
	// collectivité; without it, reports may only show aggregates.
	Publish bool
	// Values maps question name → value, for questions outside repeats.
	Values map[string]Value
	// Repeats maps repeat name → rows, each mapping question name → value.
	Repeats map[string][]map[string]Value
}

// ResultSet is an edition's submitted responses and the form that reads
// them.
type ResultSet struct {
	Edition   *Edition
	Form      *xlsform.Form
	Responses []Result
}

// Results returns the submitted responses of an edition, with missing
// values told apart. This is the API reports read.
func Results(ctx context.Context, db postgres.Querier, year int) (*ResultSet, error) {
	list := []Result{}
	set, err := EachResult(ctx, db, year, func(_ *ResultSet, r *Result) error {
		list = append(list, *r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	set.Responses = list
	return set, nil
}

// EachResult reads the submitted responses of an edition one at a time,
// in the order of Results, with the edition and its form (a set without
// responses), which it also returns: a reader that keeps only what it
// needs of each response need not hold every answer of a large edition at
// once. r is fn's until it returns.
func EachResult(ctx context.Context, db postgres.Querier, year int, fn func(set *ResultSet, r *Result) error) (*ResultSet, error) {
	e, err := GetEdition(ctx, db, year)
	if err != nil {
		return nil, err
	}
	form, err := e.Form(ctx, db)
	if err != nil {
		return nil, err
	}
	set := &ResultSet{Edition: e, Form: form}
	rows, err := db.Query(ctx, `SELECT r.id, r.answers, r.submitted_at, r.publish, t.id, t.kind, t.code, t.name,
			t.population, coalesce(t.departement_code, ''), coalesce(t.region_code, '')
		FROM survey_response r JOIN territory t ON t.id = r.territory_id
		WHERE r.edition_id = $1 AND r.status = 'submitted' ORDER BY t.kind, t.code`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("read results %d: %w", year, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Result
		var raw []byte
		t := &r.Territory
		if err := rows.Scan(&r.ResponseID, &raw, &r.SubmittedAt, &r.Publish, &t.ID, &t.Kind, &t.Code, &t.Name,
			&t.Population, &t.Departement, &t.Region); err != nil {
			return nil, fmt.Errorf("read results %d: %w", year, err)
		}
		var a Answers
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fmt.Errorf("read results %d: decode response %d: %w", year, r.ResponseID, err)
		}
		Resolve(form, &a, &r)
		if err := fn(set, &r); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read results %d: %w", year, err)
	}
	return set, nil
}

// Resolve turns stored answers into values with the reason for each
// missing one.
func Resolve(f *xlsform.Form, a *Answers, r *Result) {
	r.Values = map[string]Value{}
	r.Repeats = map[string][]map[string]Value{}
	one := func(q *xlsform.Question, row int) Value {
		if !Relevant(f, a, q, row) {
			return Value{Missing: NotApplicable}
		}
		ans := a.Get(q, row)
		switch {
		case ans.Missing != "":
			return Value{Missing: ans.Missing}
		case ans.Value == "":
			return Value{Missing: NoAnswer}
		}
		return Value{Value: ans.Value}
	}
	f.Walk(func(q *xlsform.Question) {
		if q.Type == xlsform.Repeat {
			rows := a.Repeats[q.Name]
			out := make([]map[string]Value, len(rows))
			for i := range rows {
				out[i] = map[string]Value{}
				for _, c := range q.Children {
					if c.Answerable() {
						out[i][c.Name] = one(c, i)
					}
				}
			}
			r.Repeats[q.Name] = out
			return
		}
		if q.Answerable() && q.InRepeat() == nil {
			r.Values[q.Name] = one(q, 0)
		}
	})
}
