package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// Status is where an edition is in its life.
type Status string

const (
	Draft     Status = "draft"     // being prepared; invitations cannot be used yet
	Open      Status = "open"      // respondents answer
	Closed    Status = "closed"    // no more answers; results being checked
	Published Status = "published" // results are public
)

// nextStatus lists the transitions allowed from a status: forward only,
// and back from closed to open to extend a collection.
func nextStatus(s Status) []Status {
	switch s {
	case Draft:
		return []Status{Open}
	case Open:
		return []Status{Closed}
	case Closed:
		return []Status{Open, Published}
	}
	return nil
}

// StoredForm is a questionnaire as imported.
type StoredForm struct {
	ID         int64
	FormID     string
	Version    string
	Title      string
	ImportedAt time.Time
	Form       *xlsform.Form
}

// ImportForm stores a checked form. Importing the same form_id and version
// twice is refused: a changed questionnaire needs a new version.
func ImportForm(ctx context.Context, db postgres.Querier, f *xlsform.Form) (*StoredForm, error) {
	if err := f.Compile(); err != nil {
		return nil, err
	}
	def, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode form: %w", err)
	}
	s := &StoredForm{FormID: f.ID, Version: f.Version, Title: f.Title, Form: f}
	err = db.QueryRow(ctx, `INSERT INTO survey_form (form_id, version, title, definition) VALUES ($1, $2, $3, $4)
		RETURNING id, imported_at`, f.ID, f.Version, f.Title, def).Scan(&s.ID, &s.ImportedAt)
	if isUnique(err) {
		return nil, civiscope.Errorf(civiscope.ECONFLICT, "the questionnaire %s version %s is already imported; change the version in the settings sheet", f.ID, f.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("store form %s: %w", f.ID, err)
	}
	return s, nil
}

// GetForm loads a stored form by its form_id and version ("" for the
// latest imported).
func GetForm(ctx context.Context, db postgres.Querier, formID, version string) (*StoredForm, error) {
	row := db.QueryRow(ctx, `SELECT id, form_id, version, title, imported_at, definition FROM survey_form
		WHERE form_id = $1 AND ($2 = '' OR version = $2) ORDER BY imported_at DESC, id DESC LIMIT 1`, formID, version)
	s, err := scanForm(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no questionnaire %s %s is imported", formID, version)
	}
	return s, err
}

func getFormByID(ctx context.Context, db postgres.Querier, id int64) (*StoredForm, error) {
	return scanForm(db.QueryRow(ctx, `SELECT id, form_id, version, title, imported_at, definition FROM survey_form WHERE id = $1`, id))
}

func scanForm(row pgx.Row) (*StoredForm, error) {
	var s StoredForm
	var def []byte
	if err := row.Scan(&s.ID, &s.FormID, &s.Version, &s.Title, &s.ImportedAt, &def); err != nil {
		return nil, err
	}
	s.Form = new(xlsform.Form)
	if err := json.Unmarshal(def, s.Form); err != nil {
		return nil, fmt.Errorf("decode form %d: %w", s.ID, err)
	}
	if err := s.Form.Compile(); err != nil {
		return nil, fmt.Errorf("stored form %d no longer compiles: %w", s.ID, err)
	}
	return &s, nil
}

// Edition is one year's barometer.
type Edition struct {
	ID       int64
	Year     int
	Title    string
	OpensOn  time.Time
	ClosesOn time.Time
	Status   Status
	FormID   int64
	// The disclosure policy of the edition's results (see
	// reports/disclosure.Policy): stored here so that no page, file or
	// command applies a weaker one.
	DisclosureK         int
	DisclosureMinUnits  int
	DisclosureDominance float64
	// FrameRule says, in words, who the frame invites and who it leaves out.
	FrameRule string
}

// NewEdition is what an administrator gives to create an edition.
type NewEdition struct {
	Year     int
	Title    string
	OpensOn  time.Time
	ClosesOn time.Time
	FormID   string // form_id of an imported questionnaire
	Version  string // "" for its latest version
}

// CreateEdition validates and stores a new edition in draft.
func CreateEdition(ctx context.Context, db postgres.Querier, n NewEdition) (*Edition, error) {
	var errs []civiscope.FieldError
	if n.Year < 2000 || n.Year > 2100 {
		errs = append(errs, civiscope.FieldError{Field: "year", Message: "give a year between 2000 and 2100"})
	}
	n.Title = strings.TrimSpace(n.Title)
	if n.Title == "" || len(n.Title) > 200 {
		errs = append(errs, civiscope.FieldError{Field: "title", Message: "give a title of 1 to 200 characters"})
	}
	if n.OpensOn.IsZero() || n.ClosesOn.IsZero() {
		errs = append(errs, civiscope.FieldError{Field: "dates", Message: "give opening and closing dates (YYYY-MM-DD)"})
	} else if n.ClosesOn.Before(n.OpensOn) {
		errs = append(errs, civiscope.FieldError{Field: "closes", Message: "the closing date is before the opening date"})
	}
	if err := civiscope.Invalid(errs); err != nil {
		return nil, err
	}
	form, err := GetForm(ctx, db, n.FormID, n.Version)
	if err != nil {
		return nil, err
	}
	e := &Edition{Year: n.Year, Title: n.Title, OpensOn: n.OpensOn, ClosesOn: n.ClosesOn, Status: Draft, FormID: form.ID}
	err = db.QueryRow(ctx, `INSERT INTO survey_edition (year, title, opens_on, closes_on, form_id) VALUES ($1, $2, $3, $4, $5)
		RETURNING id, disclosure_k, disclosure_min_units, disclosure_dominance::float8, frame_rule`,
		n.Year, n.Title, n.OpensOn, n.ClosesOn, form.ID).Scan(&e.ID, &e.DisclosureK, &e.DisclosureMinUnits, &e.DisclosureDominance, &e.FrameRule)
	if isUnique(err) {
		return nil, civiscope.Errorf(civiscope.ECONFLICT, "an edition for %d already exists", n.Year)
	}
	if err != nil {
		return nil, fmt.Errorf("create edition %d: %w", n.Year, err)
	}
	return e, nil
}

const editionColumns = `id, year, title, opens_on, closes_on, status, form_id, disclosure_k, disclosure_min_units, disclosure_dominance::float8, frame_rule`

func scanEdition(row pgx.Row) (*Edition, error) {
	var e Edition
	if err := row.Scan(&e.ID, &e.Year, &e.Title, &e.OpensOn, &e.ClosesOn, &e.Status, &e.FormID,
		&e.DisclosureK, &e.DisclosureMinUnits, &e.DisclosureDominance, &e.FrameRule); err != nil {
		return nil, err
	}
	return &e, nil
}

// GetEdition returns the edition of a year.
func GetEdition(ctx context.Context, db postgres.Querier, year int) (*Edition, error) {
	e, err := scanEdition(db.QueryRow(ctx, `SELECT `+editionColumns+` FROM survey_edition WHERE year = $1`, year))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no barometer edition for %d; create it with `civiscope survey edition create`", year)
	}
	if err != nil {
		return nil, fmt.Errorf("get edition %d: %w", year, err)
	}
	return e, nil
}

// ListEditions returns every edition, latest first.
func ListEditions(ctx context.Context, db postgres.Querier) ([]*Edition, error) {
	rows, err := db.Query(ctx, `SELECT `+editionColumns+` FROM survey_edition ORDER BY year DESC`)
	if err != nil {
		return nil, fmt.Errorf("list editions: %w", err)
	}
	defer rows.Close()
	var out []*Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, fmt.Errorf("scan edition: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Form loads the edition's questionnaire.
func (e *Edition) Form(ctx context.Context, db postgres.Querier) (*xlsform.Form, error) {
	s, err := getFormByID(ctx, db, e.FormID)
	if err != nil {
		return nil, fmt.Errorf("form of edition %d: %w", e.Year, err)
	}
	return s.Form, nil
}

// SetStatus moves an edition to a new status, refusing jumps that would
// skip a stage (a draft cannot be published). It changes the status only:
// Publish is what publishes an edition with its directory evidence.
func SetStatus(ctx context.Context, db postgres.Querier, year int, to Status) (*Edition, error) {
	e, err := GetEdition(ctx, db, year)
	if err != nil {
		return nil, err
	}
	allowed := false
	for _, s := range nextStatus(e.Status) {
		allowed = allowed || s == to
	}
	if !allowed {
		var opts []string
		for _, s := range nextStatus(e.Status) {
			opts = append(opts, string(s))
		}
		return nil, civiscope.Errorf(civiscope.ECONFLICT, "edition %d is %s; it can move to %s, not %s", year, e.Status, orNone(opts), to)
	}
	tag, err := db.Exec(ctx, `UPDATE survey_edition SET status = $1 WHERE id = $2 AND status = $3`, to, e.ID, e.Status)
	if err != nil {
		return nil, fmt.Errorf("set status of edition %d: %w", year, err)
	}
	if tag.RowsAffected() == 0 {
		return nil, civiscope.Errorf(civiscope.ECONFLICT, "edition %d changed status meanwhile; try again", year)
	}
	e.Status = to
	return e, nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "nothing else"
	}
	return strings.Join(s, " or ")
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// SetDates changes when an edition opens and closes, before its results
// are published. Invitations not yet answered follow the new closing day,
// so changing the dates never strands links. It returns warnings for what
// the staff should know: a date already past, links that stay expired.
func SetDates(ctx context.Context, pool *pgxpool.Pool, year int, opens, closes, today time.Time) ([]string, error) {
	if opens.IsZero() || closes.IsZero() {
		return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "dates", Message: "give opening and closing dates (YYYY-MM-DD)"}})
	}
	if closes.Before(opens) {
		return nil, civiscope.Invalid([]civiscope.FieldError{{Field: "closes", Message: "the closing date is before the opening date"}})
	}
	var warnings []string
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if opens.Before(day) {
		warnings = append(warnings, fmt.Sprintf("the opening day %s is already past", opens.Format(time.DateOnly)))
	}
	if closes.Before(day) {
		warnings = append(warnings, fmt.Sprintf("the closing day %s is already past: every invitation link is expired until the dates move again", closes.Format(time.DateOnly)))
	}
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		e, err := GetEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		if e.Status == Published {
			return civiscope.Errorf(civiscope.ECONFLICT, "edition %d is published; its dates are part of its results", year)
		}
		if _, err := tx.Exec(ctx, `UPDATE survey_edition SET opens_on = $2, closes_on = $3 WHERE id = $1`, e.ID, opens, closes); err != nil {
			return fmt.Errorf("set the dates of edition %d: %w", year, err)
		}
		tag, err := tx.Exec(ctx, `UPDATE survey_invitation SET expires_at = $2 WHERE edition_id = $1 AND status <> 'submitted'`,
			e.ID, time.Date(closes.Year(), closes.Month(), closes.Day(), 23, 59, 59, 0, time.UTC))
		if err != nil {
			return fmt.Errorf("move the invitations of edition %d: %w", year, err)
		}
		if n := tag.RowsAffected(); n > 0 {
			warnings = append(warnings, fmt.Sprintf("%d unanswered invitation links now expire at the end of %s", n, closes.Format(time.DateOnly)))
		}
		if e.Status == Closed && !closes.Before(day) {
			warnings = append(warnings, fmt.Sprintf("edition %d is closed: reopen it with `survey edition status %d open`", year, year))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return warnings, nil
}

// SetPolicy stores an edition's disclosure policy. It may change only
// before publication: once results are out, a second policy would mean two
// releases that, read together, undo each other's protection.
func SetPolicy(ctx context.Context, db postgres.Querier, year, k, minUnits int, dominance float64) error {
	e, err := GetEdition(ctx, db, year)
	if err != nil {
		return err
	}
	if e.Status == Published {
		return civiscope.Errorf(civiscope.ECONFLICT, "edition %d is published; its disclosure policy can no longer change", year)
	}
	if k < 3 || k > 100 || minUnits < 3 || minUnits > 100 || dominance <= 0 || dominance > 0.85 {
		return civiscope.Invalid([]civiscope.FieldError{{Field: "policy", Message: "k and the numeric threshold must be 3 to 100, the dominance share above 0 and at most 0.85 (INSEE's floor)"}})
	}
	_, err = db.Exec(ctx, `UPDATE survey_edition SET disclosure_k = $2, disclosure_min_units = $3, disclosure_dominance = $4 WHERE id = $1`, e.ID, k, minUnits, dominance)
	if err != nil {
		return fmt.Errorf("set the policy of edition %d: %w", year, err)
	}
	return nil
}
