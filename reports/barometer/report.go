package barometer

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
	"github.com/civiscope/civiscope/reports/export"
	"github.com/civiscope/civiscope/survey"
)

// Query says which published figures of an edition a reader asks for.
type Query struct {
	Year      int
	Dimension string // a breakdown of Dimensions(); All when empty
	Question  string // one question's figures; every question when empty
	Lang      string // labels: "fr" (default) or "en"
}

// Reports is the one way the site, the API and the command line read an
// edition's results: load the responses, tabulate them and protect every
// figure together under the edition's stored disclosure policy, then keep
// what the Query asks for. No caller chooses k, so every published view of
// an edition hides the same cells.
//
// Protecting a large edition takes seconds, a page must not: the results
// are computed once per published edition and kept in the database
// (barometer_results, see store.go), where every process finds them, and
// in memory. Triggers delete the stored copy when anything it comes from
// changes; each reader checks it still holds the stored claim.
type Reports struct {
	db     postgres.Querier
	scheme string
	mu     sync.Mutex
	// done holds protected results by edition id and language, with the
	// claim of the stored copy they are.
	done map[string]heldResults
	// computing lets one protection run at a time: a large edition's takes
	// most of the process's memory.
	computing sync.Mutex
}

type heldResults struct {
	res   *Results
	claim int64
}

// NewReports reads editions from db.
func NewReports(db postgres.Querier) *Reports {
	return &Reports{db: db, scheme: scheme(), done: map[string]heldResults{}}
}

// Results returns the protected figures of a published edition that q
// selects. An unknown breakdown is EINVALID; an unknown or unpublished
// edition, and a question without figures, are ENOTFOUND.
func (r *Reports) Results(ctx context.Context, q Query) (*Results, error) {
	dim, err := ParseDimension(q.Dimension)
	if err != nil {
		return nil, err
	}
	e, err := publishedEdition(ctx, r.db, q.Year)
	if err != nil {
		return nil, err
	}
	res, err := r.results(ctx, e, q.Lang)
	if err != nil {
		return nil, err
	}
	return res.selected(dim, q.Question)
}

// Prepare computes and stores the protected results of a published
// edition unless they are stored already; publication calls it, so that
// the first reader does not wait. It reports whether it computed them.
func (r *Reports) Prepare(ctx context.Context, year int) (bool, error) {
	e, err := publishedEdition(ctx, r.db, year)
	if err != nil {
		return false, err
	}
	if claim, err := r.storedClaim(ctx, e.ID); err != nil || claim != 0 {
		return false, err
	}
	_, err = r.results(ctx, e, "fr")
	return err == nil, err
}

// results returns every protected figure of edition e in lang: from
// memory if the stored copy is still the one held, else from the stored
// copy, else computed (and stored).
func (r *Reports) results(ctx context.Context, e *survey.Edition, lang string) (*Results, error) {
	if lang != "en" {
		lang = "fr" // Tabulate's default: one entry for both spellings
	}
	key := func(lang string) string { return fmt.Sprintf("%d/%s", e.ID, lang) }
	claim, err := r.storedClaim(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	held := r.done[key(lang)]
	r.mu.Unlock()
	if held.res != nil && claim != 0 && held.claim == claim {
		return held.res, nil
	}
	if res, err := r.fromStore(ctx, e.ID, claim, key(lang), lang); res != nil || err != nil {
		return res, err
	}
	r.computing.Lock()
	defer r.computing.Unlock()
	// Another reader may have computed them while this one waited.
	if claim, err = r.storedClaim(ctx, e.ID); err != nil {
		return nil, err
	}
	if res, err := r.fromStore(ctx, e.ID, claim, key(lang), lang); res != nil || err != nil {
		return res, err
	}
	// Claimed before anything is read, so that a change while the
	// protection runs is never stored (see store.go).
	if claim, err = r.claim(ctx, e.ID); err != nil {
		return nil, err
	}
	// Both languages from one protection: a reader of the other language
	// does not pay for it again.
	both, err := r.protect(ctx, e.Year)
	if err != nil {
		return nil, err
	}
	kept, err := r.store(ctx, e.ID, claim, both[0], both[1])
	if err != nil {
		return nil, err
	}
	if kept {
		r.mu.Lock()
		r.done[key("fr")], r.done[key("en")] = heldResults{both[0], claim}, heldResults{both[1], claim}
		r.mu.Unlock()
	}
	if lang == "en" {
		return both[1], nil
	}
	return both[0], nil
}

// fromStore reads the stored results when claim says there are some, and
// holds them in memory under key.
func (r *Reports) fromStore(ctx context.Context, edition, claim int64, key, lang string) (*Results, error) {
	if claim == 0 {
		return nil, nil
	}
	res, claim, err := r.stored(ctx, edition, lang)
	if err != nil || res == nil {
		return nil, err
	}
	r.mu.Lock()
	r.done[key] = heldResults{res, claim}
	r.mu.Unlock()
	return res, nil
}

// Warm makes sure every published edition's results are computed and
// stored, and holds them in memory, ahead of the first reader. serve runs
// it in the background at start.
func (r *Reports) Warm(ctx context.Context) error {
	years, err := Published(ctx, r.db)
	if err != nil {
		return err
	}
	for _, y := range years {
		for _, lang := range []string{"fr", "en"} {
			if _, err := r.Results(ctx, Query{Year: y, Lang: lang}); err != nil {
				return fmt.Errorf("warm the barometer %d results: %w", y, err)
			}
		}
	}
	return nil
}

// protect reads a published edition's responses one at a time into what
// the protection needs of them, and protects it in both languages.
// Callers have checked that the edition is published.
func (r *Reports) protect(ctx context.Context, year int) ([]*Results, error) {
	var sh *sheet
	set, err := survey.EachResult(ctx, r.db, year, func(set *survey.ResultSet, res *survey.Result) error {
		if sh == nil {
			sh = newSheet(set)
		}
		sh.add(res)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if sh == nil { // no response: the edition still has (empty) tables
		sh = newSheet(set)
	}
	names, err := RegionNames(ctx, r.db)
	if err != nil {
		return nil, err
	}
	return tabulate(sh, Options{RegionNames: names}, "fr", "en")
}

// Rates returns a published edition's response rates by stratum, under
// the same k as its tables.
func (r *Reports) Rates(ctx context.Context, year int) ([]Rate, error) {
	e, err := publishedEdition(ctx, r.db, year)
	if err != nil {
		return nil, err
	}
	rs, err := survey.ResponseRates(ctx, r.db, year)
	if err != nil {
		return nil, err
	}
	return protectRates(rs, EditionPolicy(e).K), nil
}

// RateDimension is the dimension of the response rates that goes with a
// breakdown of the tables.
func RateDimension(dim string) string {
	switch dim {
	case Bracket:
		return "population"
	case Region:
		return "region"
	}
	return "kind"
}

// selected returns a copy of r with the tables and numeric summaries of
// one breakdown, and of one question when question is set. r itself is
// left as it was: it may be shared.
func (r *Results) selected(dim, question string) (*Results, error) {
	out := *r
	out.Tables, out.Numerics = []Table{}, []Numeric{}
	for _, t := range r.Tables {
		if t.Dimension == dim && (question == "" || t.Question == question) {
			out.Tables = append(out.Tables, t)
		}
	}
	for _, n := range r.Numerics {
		if n.Dimension == dim && (question == "" || n.Question == question) {
			out.Numerics = append(out.Numerics, n)
		}
	}
	if question != "" && len(out.Tables) == 0 && len(out.Numerics) == 0 {
		return nil, civiscope.Ruled(civiscope.ENOTFOUND, "barometer_question", civiscope.Params{"year": strconv.Itoa(r.Year), "question": question}, "the barometer %d has no question %q with figures", r.Year, question)
	}
	return &out, nil
}

// publishedEdition returns the edition of year if its results are public.
// An unknown edition and one that is not published yet are both
// ENOTFOUND: unpublished results do not exist for the public.
func publishedEdition(ctx context.Context, db postgres.Querier, year int) (*survey.Edition, error) {
	if year < 2000 || year > 2100 {
		return nil, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("year", "year_range", civiscope.Params{"min": "2000", "max": "2100"}, "%d is not a barometer year (2000-2100)", year)})
	}
	e, err := survey.GetEdition(ctx, db, year)
	if err != nil {
		if civiscope.ErrorCode(err) == civiscope.ENOTFOUND {
			return nil, civiscope.Ruled(civiscope.ENOTFOUND, "barometer_none", civiscope.Params{"year": strconv.Itoa(year)}, "there is no barometer edition %d", year)
		}
		return nil, err
	}
	if e.Status != survey.Published {
		return nil, civiscope.Ruled(civiscope.ENOTFOUND, "barometer_unpublished", civiscope.Params{"year": strconv.Itoa(year)}, "the results of the barometer %d are not published yet", year)
	}
	return e, nil
}

// TablesResource is the edition file's table of protected results, named
// for a download of the tables res holds (one breakdown, dim): a page's
// CSV and the published file share their columns.
func TablesResource(res *Results, dim string) export.Resource {
	r := resultsResource(res)
	r.Name = fmt.Sprintf("barometre-%d-%s", res.Year, dim)
	return r
}
