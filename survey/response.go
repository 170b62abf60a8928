package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// Response is a collectivité's answers to one edition.
type Response struct {
	ID      int64
	Answers Answers
	// Version counts every save of the response; the review page carries
	// it, so a submit is refused if anything changed since.
	Version int
	// Pages counts the saves of each page (by page name): a page form
	// carries its page's count, so two agents on different pages never
	// block each other, and one on a page someone else saved meanwhile is
	// told.
	Pages         map[string]int
	Status        string // draft or submitted
	Publish       bool
	PrefilledFrom *int64
	UpdatedAt     time.Time
	SubmittedAt   *time.Time
}

// Submitted reports whether the response is locked.
func (r *Response) Submitted() bool { return r.Status == "submitted" }

// PageVersion is the number of saves of page p so far, 0 when never saved.
func (r *Response) PageVersion(p *xlsform.Question) int { return r.Pages[p.Name] }

// Session is what a respondent works on: the invitation, the edition's
// form and the current state of the response.
type Session struct {
	Invitation *Invitation
	Form       *xlsform.Form
	Response   *Response
	// Preview is a staff preview: nothing of it is stored.
	Preview bool
}

// Start opens a token's response, creating it (pre-filled from the
// collectivité's previous edition) on first use. Any agent holding the
// link gets the same response.
func Start(ctx context.Context, pool *pgxpool.Pool, token string, now time.Time) (*Session, error) {
	var s *Session
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		s, err = open(ctx, tx, token, now, false)
		return err
	})
	return s, err
}

// open loads the session in tx, creating the response if needed; with
// lock, the response row is locked until tx ends.
func open(ctx context.Context, tx pgx.Tx, token string, now time.Time, lock bool) (*Session, error) {
	inv, err := OpenInvitation(ctx, tx, token, now)
	if err != nil {
		return nil, err
	}
	form, err := inv.Edition.Form(ctx, tx)
	if err != nil {
		return nil, err
	}
	s := &Session{Invitation: inv, Form: form}
	s.Response, err = getResponse(ctx, tx, inv, lock)
	if errors.Is(err, pgx.ErrNoRows) {
		if err := createResponse(ctx, tx, inv, form); err != nil {
			return nil, err
		}
		s.Response, err = getResponse(ctx, tx, inv, lock)
	}
	if err != nil {
		return nil, fmt.Errorf("load response: %w", err)
	}
	return s, nil
}

func getResponse(ctx context.Context, tx pgx.Tx, inv *Invitation, lock bool) (*Response, error) {
	q := `SELECT id, answers, page_versions, version, status, publish, prefilled_from, updated_at, submitted_at
		FROM survey_response WHERE edition_id = $1 AND territory_id = $2`
	if lock {
		q += ` FOR UPDATE`
	}
	return scanResponse(tx.QueryRow(ctx, q, inv.Edition.ID, inv.Territory.ID))
}

func scanResponse(row pgx.Row) (*Response, error) {
	var r Response
	var raw []byte
	if err := row.Scan(&r.ID, &raw, &r.Pages, &r.Version, &r.Status,
		&r.Publish, &r.PrefilledFrom, &r.UpdatedAt, &r.SubmittedAt); err != nil {
		return nil, err
	}
	if err := decodeAnswers(raw, &r.Answers); err != nil {
		return nil, fmt.Errorf("response %d: %w", r.ID, err)
	}
	return &r, nil
}

func decodeAnswers(raw []byte, a *Answers) error {
	if err := json.Unmarshal(raw, a); err != nil {
		return fmt.Errorf("decode answers: %w", err)
	}
	if a.Values == nil {
		a.Values = map[string]Answer{}
	}
	if a.Repeats == nil {
		a.Repeats = map[string][]Row{}
	}
	return nil
}

func createResponse(ctx context.Context, tx pgx.Tx, inv *Invitation, form *xlsform.Form) error {
	a, from, err := prefill(ctx, tx, inv, form)
	if err != nil {
		return err
	}
	applyDefaults(form, &a)
	raw, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode answers: %w", err)
	}
	// Two agents opening the link at once: the unique constraint keeps one
	// response, and the loser reads it.
	if _, err := tx.Exec(ctx, `INSERT INTO survey_response (edition_id, territory_id, answers, prefilled_from)
		VALUES ($1, $2, $3, $4) ON CONFLICT (edition_id, territory_id) DO NOTHING`,
		inv.Edition.ID, inv.Territory.ID, raw, from); err != nil {
		return fmt.Errorf("create response: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE survey_invitation SET status = 'started' WHERE id = $1 AND status = 'invited'`, inv.ID); err != nil {
		return fmt.Errorf("mark invitation started: %w", err)
	}
	return nil
}

// Intent says what a page save is for.
type Intent int

const (
	// Continue checks everything, required answers included.
	Continue Intent = iota
	// SaveDraft stores what is well formed so far; required answers may
	// still be missing, so a respondent can stop and come back.
	SaveDraft
)

// PageInput is what a respondent posts for one page.
type PageInput struct {
	// Version is the response version the page was shown with.
	Version int
	// Fields maps FieldKey → value; multiple choices are space-separated.
	Fields map[string]string
	// Missing maps FieldKey → DontKnow or Refused.
	Missing map[string]Missing
	// Rows is the number of rows posted for a repeat page.
	Rows   int
	Intent Intent
	Lang   string
}

// SavePage stores one page's answers durably, after evaluating relevance
// and constraints on the server. An invalid page, a stale version or a
// submitted response stores nothing and says why.
func SavePage(ctx context.Context, pool *pgxpool.Pool, token string, page int, in PageInput, now time.Time) (*Session, error) {
	var s *Session
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		s, err = open(ctx, tx, token, now, true)
		if err != nil {
			return err
		}
		r := s.Response
		if r.Submitted() {
			return civiscope.Ruled(civiscope.ECONFLICT, "survey_locked", civiscope.Params{"date": r.SubmittedAt.Format("2006-01-02 15:04")}, "these answers were submitted on %s and are locked; nothing was changed", r.SubmittedAt.Format("2006-01-02 15:04"))
		}
		pages := s.Form.Pages()
		if page < 0 || page >= len(pages) {
			return civiscope.Ruled(civiscope.ENOTFOUND, "survey_no_step", civiscope.Params{"value": strconv.Itoa(page + 1)}, "the questionnaire has no step %d", page+1)
		}
		p := pages[page]
		if in.Version != r.PageVersion(p) {
			return staleError(s.Form, p, r, in)
		}
		a, err := CheckPage(s.Form, r.Answers, page, in)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("encode answers: %w", err)
		}
		pv := r.PageVersion(p) + 1
		tag, err := tx.Exec(ctx, `UPDATE survey_response SET answers = $1, version = version + 1, updated_at = $2,
			page_versions = page_versions || jsonb_build_object($5::text, $6::int)
			WHERE id = $3 AND version = $4 AND status = 'draft'`, raw, now, r.ID, r.Version, p.Name, pv)
		if err != nil {
			return fmt.Errorf("save page: %w", err)
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("save page: response %d changed under its row lock", r.ID)
		}
		if r.Pages == nil {
			r.Pages = map[string]int{}
		}
		r.Answers, r.Version, r.UpdatedAt, r.Pages[p.Name] = a, r.Version+1, now, pv
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// CheckPage applies one posted page to a copy of answers a and checks it
// as SavePage does, storing nothing: the answers as they would be saved, or
// why the page is refused. A staff preview walks the questionnaire with it.
func CheckPage(f *xlsform.Form, a Answers, page int, in PageInput) (Answers, error) {
	pages := f.Pages()
	if page < 0 || page >= len(pages) {
		return a, civiscope.Ruled(civiscope.ENOTFOUND, "survey_no_step", civiscope.Params{"value": strconv.Itoa(page + 1)}, "the questionnaire has no step %d", page+1)
	}
	p := pages[page]
	c := a.Clone()
	if err := applyPage(f, &c, p, in); err != nil {
		return a, err
	}
	prune(f, &c)
	if errs := validate(f, &c, []*xlsform.Question{p}, in.Intent == SaveDraft, in.Lang); len(errs) > 0 {
		e := civiscope.Invalid(errs).(*civiscope.Error)
		e.Message = fmt.Sprintf("%d réponse(s) à corriger ; la page n'a pas été enregistrée", len(errs))
		return a, e
	}
	return c, nil
}

// applyPage replaces the answers of page p with the posted ones.
func applyPage(f *xlsform.Form, a *Answers, p *xlsform.Question, in PageInput) error {
	if p.Type == xlsform.Repeat {
		if in.Rows < 0 || in.Rows > MaxRepeatRows {
			return civiscope.Invalid([]civiscope.FieldError{{Field: p.Name, Message: msg(in.Lang,
				fmt.Sprintf("%d lignes envoyées : %d au plus sont acceptées ; rien n'a été enregistré.", in.Rows, MaxRepeatRows),
				fmt.Sprintf("%d rows sent: at most %d are accepted; nothing was saved.", in.Rows, MaxRepeatRows))}})
		}
		a.Repeats[p.Name] = make([]Row, in.Rows)
		for i := range a.Repeats[p.Name] {
			a.Repeats[p.Name][i] = Row{}
		}
	}
	var errs []civiscope.FieldError
	var rec func(q *xlsform.Question, row int)
	rec = func(q *xlsform.Question, row int) {
		if q.IsContainer() {
			for _, c := range q.Children {
				if q.Type == xlsform.Repeat {
					for i := 0; i < in.Rows; i++ {
						rec(c, i)
					}
				} else {
					rec(c, row)
				}
			}
			return
		}
		if !q.Answerable() {
			return
		}
		key := FieldKey(q, row)
		v := normalizeNumber(q, strings.TrimSpace(in.Fields[key]))
		if q.Type == xlsform.SelectMultiple {
			v = strings.Join(strings.Fields(v), " ")
		}
		ans := Answer{Value: v}
		if v == "" {
			if m := in.Missing[key]; m != "" {
				if !m.Valid() {
					errs = append(errs, civiscope.FieldError{Field: key, Message: "motif d'absence de réponse inconnu"})
				}
				ans.Missing = m
			}
		}
		a.set(q, row, ans)
	}
	if p.Type == xlsform.Repeat {
		rec(p, 0)
	} else {
		for _, c := range p.Children {
			rec(c, 0)
		}
	}
	return civiscope.Invalid(errs)
}

// RuleSavedMeanwhile marks a page refused because someone else saved the
// same page after it was opened, and each answer of it that differs; a
// field's Params["saved"] is the value they saved.
const RuleSavedMeanwhile = "survey.saved_meanwhile"

// staleError explains a write based on an old version of page p: which of
// its answers someone else saved meanwhile, and what they are now. The
// caller shows the page again with what the person typed.
func staleError(f *xlsform.Form, p *xlsform.Question, r *Response, in PageInput) error {
	var fields []civiscope.FieldError
	var rec func(q *xlsform.Question, row int)
	rec = func(q *xlsform.Question, row int) {
		if q.Type == xlsform.Repeat {
			for i := 0; i < max(in.Rows, len(r.Answers.Repeats[q.Name])); i++ {
				for _, c := range q.Children {
					rec(c, i)
				}
			}
			return
		}
		for _, c := range q.Children {
			rec(c, row)
		}
		if !q.Answerable() {
			return
		}
		key := FieldKey(q, row)
		cur := r.Answers.Get(q, row)
		mine, missing := strings.Join(strings.Fields(in.Fields[key]), " "), in.Missing[key]
		if mine != "" {
			missing = "" // a value wins over a reason for none, as when saving
		}
		if mine != strings.Join(strings.Fields(cur.Value), " ") || missing != cur.Missing {
			shown := cur.Value
			if shown == "" {
				shown = "(vide)"
			}
			if cur.Missing != "" {
				shown, _ = cur.Missing.Label()
			}
			fields = append(fields, civiscope.FieldError{Field: key, Rule: RuleSavedMeanwhile, Params: civiscope.Params{"saved": truncate(shown, 200)},
				Message: "valeur enregistrée par l'autre personne : « " + truncate(shown, 200) + " »"})
		}
	}
	rec(p, 0)
	sort.Slice(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	return &civiscope.Error{Code: civiscope.ECONFLICT, Rule: RuleSavedMeanwhile, Fields: fields, Message: fmt.Sprintf(
		"quelqu'un d'autre a enregistré cette page le %s, après que vous l'avez ouverte ; votre saisie n'a pas été enregistrée, pour ne rien écraser, et elle est conservée ci-dessous. Comparez-la aux valeurs enregistrées entre-temps, puis enregistrez à nouveau (someone else saved this page meanwhile; your entry was not saved, and is kept below)",
		r.UpdatedAt.Format("02/01/2006 à 15:04:05"))}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// SubmitResult says what a submit did.
type SubmitResult struct {
	Session *Session
	// Replayed is true when the response was already submitted: nothing
	// changed, the submit is idempotent.
	Replayed bool
}

// Submit checks the whole response and locks it. Submitting twice (a
// double click, a replayed request) returns the first submit's result and
// changes nothing. The respondent's consent is stored with the response;
// nothing reaches the directory before the edition is published (Publish).
func Submit(ctx context.Context, pool *pgxpool.Pool, token string, version int, lang string, now time.Time) (*SubmitResult, error) {
	res := &SubmitResult{}
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		s, err := open(ctx, tx, token, now, true)
		if err != nil {
			return err
		}
		res.Session = s
		r := s.Response
		if r.Submitted() {
			res.Replayed = true
			return nil
		}
		if version != r.Version {
			return civiscope.Ruled(civiscope.ECONFLICT, "survey_changed", civiscope.Params{"date": r.UpdatedAt.Format("2006-01-02 15:04:05")}, "the answers changed on %s, after you opened the review page; read them again before submitting", r.UpdatedAt.Format("2006-01-02 15:04:05"))
		}
		a := r.Answers.Clone()
		prune(s.Form, &a)
		if errs := validate(s.Form, &a, nil, false, lang); len(errs) > 0 {
			e := civiscope.Invalid(errs).(*civiscope.Error)
			e.Message = fmt.Sprintf("%d réponse(s) à compléter ou corriger avant de transmettre", len(errs))
			return e
		}
		publish := consent(s.Form, &a)
		if _, err := tx.Exec(ctx, `UPDATE survey_response SET status = 'submitted', submitted_at = $1, publish = $2,
			version = version + 1, updated_at = $1 WHERE id = $3`, now, publish, r.ID); err != nil {
			return fmt.Errorf("submit response %d: %w", r.ID, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE survey_invitation SET status = 'submitted' WHERE id = $1`, s.Invitation.ID); err != nil {
			return fmt.Errorf("mark invitation submitted: %w", err)
		}
		r.Status, r.SubmittedAt, r.Publish, r.Version = "submitted", &now, publish, r.Version+1
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// applyDefaults gives unanswered questions outside repeats the value of
// their default column, as a proposal the respondent confirms by saving.
func applyDefaults(f *xlsform.Form, a *Answers) {
	f.Walk(func(q *xlsform.Question) {
		if q.Default == "" || !q.Answerable() || q.InRepeat() != nil {
			return
		}
		if cur := a.Get(q, 0); cur == (Answer{}) {
			a.set(q, 0, Answer{Value: q.Default})
		}
	})
	prune(f, a)
}
