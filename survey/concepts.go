package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/survey/xlsform"
)

// Concepts the code relies on. A questionnaire that wants consent to
// publish and tools to become adoption evidence names its questions with
// these concepts; wording and names may change from year to year.
const (
	ConceptPublish   = "publication.consentement" // select_one; choice "oui" means yes
	ConceptTools     = "outils"                   // the repeat of tools used
	ConceptTool      = "outil.nom"                // select_one of the tool, "autre" for other
	ConceptToolOther = "outil.autre_nom"          // text: the other tool's name
	ConceptToolSince = "outil.depuis"             // integer: year in use since
	ConceptToolUses  = "outil.usages"             // select_multiple: purposes
)

// OtherTool is the choice name for a tool not in the list.
const OtherTool = "autre"

func byConcept(f *xlsform.Form, concept string) *xlsform.Question {
	var found *xlsform.Question
	f.Walk(func(q *xlsform.Question) {
		if q.Concept == concept && found == nil {
			found = q
		}
	})
	return found
}

// consent reports whether the respondent allows publication per
// collectivité. Without a consent question, nothing is published.
func consent(f *xlsform.Form, a *Answers) bool {
	q := byConcept(f, ConceptPublish)
	if q == nil {
		return false
	}
	v := a.Get(q, 0).Value
	return v == "oui" || v == "yes"
}

// ToolMention is a tool named in a response.
type ToolMention struct {
	Choice    string // choice name in the form's tool list; OtherTool for a free name
	Label     string // the choice's French label, or the free name
	SinceYear string
	Uses      []string
}

// ToolMentions lists the tools named in the tools repeat.
func ToolMentions(f *xlsform.Form, a *Answers) []ToolMention {
	rep, tool := byConcept(f, ConceptTools), byConcept(f, ConceptTool)
	if rep == nil || tool == nil || tool.InRepeat() != rep {
		return nil
	}
	other, since, uses := byConcept(f, ConceptToolOther), byConcept(f, ConceptToolSince), byConcept(f, ConceptToolUses)
	var out []ToolMention
	for i := range a.Repeats[rep.Name] {
		v := a.Get(tool, i).Value
		if v == "" {
			continue
		}
		m := ToolMention{Choice: v}
		if c := f.Choice(tool.List, v); c != nil {
			m.Label = c.Label.In("fr", f.DefaultLanguage)
		}
		if v == OtherTool && other != nil {
			m.Label = a.Get(other, i).Value
		}
		if since != nil {
			m.SinceYear = a.Get(since, i).Value
		}
		if uses != nil {
			m.Uses = splitSpace(a.Get(uses, i).Value)
		}
		out = append(out, m)
	}
	return out
}

// Evidence is what a submitted response whose respondent consented to
// publication says about tools in use, once its edition is published: the
// directory turns it into adoption evidence with source kind "barometer",
// citing the edition.
type Evidence struct {
	ResponseID  int64
	TerritoryID int64
	Year        int
	// DeclaredAt is the day the collectivité submitted its answer: the date
	// of its statement, not the day it started using the tools.
	DeclaredAt time.Time
	// URL and Licence are the published edition's address and licence.
	URL     string
	Licence string
	Tools   []ToolMention
}

// EvidenceRecorder stores evidence in the same transaction as the
// publication, so an edition is never published without its evidence or
// the reverse. DirectoryEvidence is the directory's.
type EvidenceRecorder interface {
	RecordBarometerEvidence(ctx context.Context, tx pgx.Tx, ev Evidence) error
}

// prefill copies the collectivité's answers to its latest earlier
// submitted response, matched by concept, into a new response. Consent is
// never carried over: it is asked each year.
func prefill(ctx context.Context, tx pgx.Tx, inv *Invitation, form *xlsform.Form) (Answers, *int64, error) {
	a := Answers{Values: map[string]Answer{}, Repeats: map[string][]Row{}}
	var id int64
	var raw, def []byte
	err := tx.QueryRow(ctx, `SELECT r.id, r.answers, f.definition FROM survey_response r
		JOIN survey_edition e ON e.id = r.edition_id JOIN survey_form f ON f.id = e.form_id
		WHERE r.territory_id = $1 AND r.status = 'submitted' AND e.year < $2
		ORDER BY e.year DESC LIMIT 1`, inv.Territory.ID, inv.Edition.Year).Scan(&id, &raw, &def)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, nil, nil
	}
	if err != nil {
		return a, nil, fmt.Errorf("find previous response: %w", err)
	}
	var prev Answers
	prevForm := new(xlsform.Form)
	if err := json.Unmarshal(raw, &prev); err != nil {
		return a, nil, fmt.Errorf("decode previous answers: %w", err)
	}
	if err := json.Unmarshal(def, prevForm); err != nil {
		return a, nil, fmt.Errorf("decode previous form: %w", err)
	}
	if err := prevForm.Compile(); err != nil {
		return a, nil, fmt.Errorf("previous form: %w", err)
	}
	copied := 0
	form.Walk(func(q *xlsform.Question) {
		if q.Concept == "" || q.Concept == ConceptPublish {
			return
		}
		old := byConcept(prevForm, q.Concept)
		if old == nil || old.Type != q.Type {
			return
		}
		switch {
		case q.Type == xlsform.Repeat:
			rows := prev.Repeats[old.Name]
			if len(rows) > MaxRepeatRows {
				rows = rows[:MaxRepeatRows]
			}
			a.Repeats[q.Name] = make([]Row, len(rows))
			for i := range rows {
				a.Repeats[q.Name][i] = Row{}
			}
		case q.Answerable() && (q.InRepeat() == nil) == (old.InRepeat() == nil):
			if q.InRepeat() == nil {
				if v := prev.Get(old, 0); usable(form, q, v) {
					a.set(q, 0, v)
					copied++
				}
				return
			}
			for i := range a.Repeats[q.InRepeat().Name] {
				if v := prev.Get(old, i); usable(form, q, v) {
					a.set(q, i, v)
					copied++
				}
			}
		}
	})
	if copied == 0 {
		return Answers{Values: map[string]Answer{}, Repeats: map[string][]Row{}}, nil, nil
	}
	prune(form, &a)
	return a, &id, nil
}

// usable keeps a previous answer only if it is still a valid answer (a
// choice may have left the list).
func usable(f *xlsform.Form, q *xlsform.Question, v Answer) bool {
	if v.Missing != "" {
		return v.Missing.Valid() && v.Value == ""
	}
	return v.Value != "" && xlsform.CheckValue(f, q, v.Value) == ""
}
