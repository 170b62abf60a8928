package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/xlsform"
)

// maxSurveyBody bounds a posted page. It is above the largest valid page
// (a few long texts) so that an over-long answer reaches the domain and
// gets its message next to its field.
const maxSurveyBody = 4 << 20

// SurveyFlow is the barometer's respondent flow: a token link opens the
// collectivité's response, one page per group, a review page, submit. It
// reuses the site's layout through its own Renderer.
type SurveyFlow struct {
	log *slog.Logger
	db  *pgxpool.Pool
	rd  *Renderer
	now func() time.Time
}

func newSurveyFlow(d Deps, rd *Renderer) *SurveyFlow {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	return &SurveyFlow{log: d.Log, db: d.Pool, rd: rd, now: now}
}

func token(r *http.Request) string { return chi.URLParam(r, "token") }

func base(r *http.Request) string { return "/barometre/repondre/" + token(r) }

// who names the respondent of a session; a staff preview has none.
func (s *SurveyFlow) who(r *http.Request, sess *survey.Session) string {
	if sess.Preview {
		return s.rd.cat.T(RequestLang(r), "survey.preview.who")
	}
	return sess.Invitation.Territory.Name
}

// surveyPageView is the data of a questionnaire page.
type surveyPageView struct {
	Session  *survey.Session
	Edition  string
	Who      string
	Base     string
	Index    int // page index in the form
	Step     int // 1-based position among relevant pages
	Steps    int
	Label    string
	Hint     string
	Repeat   bool
	Items    []surveyItem
	Rows     []surveyRow
	Shown    []string
	Version  int
	Errors   []surveyErrorLink
	Conflict string
	Notice   string
	Prev     int // page index of the previous relevant page, -1 for none
	// Preview is a staff preview: State carries the answers so far, since
	// nothing is stored.
	Preview bool
	State   string
	// CSRF is the form's token on the staff's preview, behind their
	// session; empty elsewhere.
	CSRF string
}

func (s *SurveyFlow) start(w http.ResponseWriter, r *http.Request) {
	// A submitted response keeps its receipt, even once the link has
	// expired or the edition closed.
	if _, err := survey.Receipt(r.Context(), s.db, token(r)); err == nil {
		http.Redirect(w, r, base(r)+"/merci", http.StatusSeeOther)
		return
	}
	sess, err := survey.Start(r.Context(), s.db, token(r), s.now())
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	// Coming back to a response someone has worked on: straight to the
	// first page not done; the list of steps stays one link away.
	if len(sess.Response.Pages) > 0 && r.URL.Query().Get("sommaire") == "" {
		to := base(r) + "/relecture"
		if i := survey.ResumePage(sess.Form, sess.Response); i >= 0 {
			to = fmt.Sprintf("%s/etape/%d?reprise=1", base(r), i+1)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	steps := surveySteps(r, sess)
	s.rd.Render(w, r, http.StatusOK, "survey_start", map[string]any{
		"Session": sess, "Base": base(r), "Steps": steps, "Edition": sess.Invitation.Edition.Title,
		"Who": sess.Invitation.Territory.Name, "Closes": sess.Invitation.Edition.ClosesOn,
		"Started": len(sess.Response.Pages) > 0, "Prefilled": sess.Response.PrefilledFrom != nil,
	})
}

func pageIndex(r *http.Request, f *xlsform.Form) (int, error) {
	n, err := strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n < 1 || n > len(f.Pages()) {
		return 0, civiscope.Ruled(civiscope.ENOTFOUND, "survey_no_step", civiscope.Params{"value": chi.URLParam(r, "n")}, "the questionnaire has no step %q", chi.URLParam(r, "n"))
	}
	return n - 1, nil
}

func (s *SurveyFlow) showPage(w http.ResponseWriter, r *http.Request) {
	sess, err := survey.Start(r.Context(), s.db, token(r), s.now())
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	if sess.Response.Submitted() {
		http.Redirect(w, r, base(r)+"/merci", http.StatusSeeOther)
		return
	}
	idx, err := pageIndex(r, sess.Form)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	a := &sess.Response.Answers
	if !survey.Relevant(sess.Form, a, sess.Form.Pages()[idx], 0) {
		// A page that no longer applies: go on to the next that does.
		http.Redirect(w, r, s.nextURL(r, sess, idx), http.StatusSeeOther)
		return
	}
	v := s.pageView(r, sess, idx, *a, nil)
	switch {
	case r.URL.Query().Get("enregistre") != "":
		v.Notice = s.rd.cat.T(RequestLang(r), "survey.saved", sess.Response.UpdatedAt.In(paris()).Format("15:04"))
	case r.URL.Query().Get("nouvelles") != "":
		v.Notice = s.rd.cat.T(RequestLang(r), "survey.new_questions")
	case r.URL.Query().Get("reprise") != "":
		v.Notice = s.rd.cat.T(RequestLang(r), "survey.resumed", v.Step)
	}
	s.rd.Render(w, r, http.StatusOK, "survey_page", v)
}

func paris() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.UTC
}

// pageView builds page idx showing answers a, with field errors.
func (s *SurveyFlow) pageView(r *http.Request, sess *survey.Session, idx int, a survey.Answers, fieldErrs []civiscope.FieldError) *surveyPageView {
	lang := string(RequestLang(r))
	f := sess.Form
	p := f.Pages()[idx]
	errs := map[string]string{}
	for _, e := range fieldErrs {
		errs[e.Field] = e.Message
	}
	rel := survey.RelevantPages(f, &a)
	v := &surveyPageView{
		Session: sess, Edition: sess.Invitation.Edition.Title, Who: s.who(r, sess), Base: base(r),
		Index: idx, Steps: len(rel), Label: p.Label.In(lang, f.DefaultLanguage), Hint: p.Hint.In(lang, f.DefaultLanguage),
		Repeat: p.Type == xlsform.Repeat, Version: sess.Response.PageVersion(p), Prev: -1, Preview: sess.Preview,
	}
	for i, pi := range rel {
		if pi == idx {
			v.Step = i + 1
			if i > 0 {
				v.Prev = rel[i-1]
			}
		}
	}
	if v.Repeat {
		n := len(a.Repeats[p.Name])
		if n == 0 {
			// An empty repeat shows one blank row to fill in.
			a = a.Clone()
			a.Repeats[p.Name] = []survey.Row{{}}
			n = 1
		}
		for i := 0; i < n; i++ {
			v.Rows = append(v.Rows, surveyRow{Index: i, Items: buildItems(f, &a, p.Children, i, lang, errs)})
		}
	} else {
		v.Items = buildItems(f, &a, p.Children, 0, lang, errs)
	}
	v.Shown = survey.RelevantKeys(f, &a, p)
	var other []civiscope.FieldError
	for _, e := range fieldErrs {
		if !slices.Contains(v.Shown, e.Field) {
			other = append(other, e)
		}
	}
	rowLabel := func(i int) string { return s.rd.cat.T(Lang(lang), "survey.row", i+1) }
	v.Errors = errorSummary(v.Items, v.Rows, other, rowLabel)
	return v
}

// readPage turns the posted form into a PageInput.
func readPage(r *http.Request) (survey.PageInput, string, error) {
	in := survey.PageInput{Fields: map[string]string{}, Missing: map[string]survey.Missing{}, Lang: string(RequestLang(r))}
	r.Body = http.MaxBytesReader(nil, r.Body, maxSurveyBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return in, "", civiscope.Ruled(civiscope.ETOOLARGE, "survey_too_large", civiscope.Params{"max": maxSurveyBody >> 20}, "the page sent is over %d MB; nothing was saved", maxSurveyBody>>20)
		}
		return in, "", civiscope.Ruled(civiscope.EINVALID, "survey_unreadable", nil, "the page sent cannot be read; nothing was saved (%v)", err)
	}
	var err error
	if in.Version, err = strconv.Atoi(r.PostForm.Get("version")); err != nil {
		return in, "", civiscope.Ruled(civiscope.EINVALID, "survey_no_version", nil, "the page sent does not give its version; reload it")
	}
	if rows := r.PostForm.Get("rows"); rows != "" {
		if in.Rows, err = strconv.Atoi(rows); err != nil {
			return in, "", civiscope.Ruled(civiscope.EINVALID, "survey_unreadable", nil, "unreadable number of rows %q", rows)
		}
	}
	for k, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "f:"); ok {
			in.Fields[key] = strings.Join(vs, " ")
		} else if key, ok := strings.CutPrefix(k, "m:"); ok && vs[0] != "" {
			in.Missing[key] = survey.Missing(vs[0])
		}
	}
	return in, r.PostForm.Get("action"), nil
}

func (s *SurveyFlow) savePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	in, action, err := readPage(r)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	sess, err := survey.Start(ctx, s.db, token(r), s.now())
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	idx, err := pageIndex(r, sess.Form)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	p := sess.Form.Pages()[idx]
	if err := applyAction(&in, p, action); err != nil {
		s.rd.Error(w, r, err)
		return
	}
	saved, err := survey.SavePage(ctx, s.db, token(r), idx, in, s.now())
	if err != nil {
		s.pageError(w, r, sess, idx, in, err)
		return
	}
	here := fmt.Sprintf("%s/etape/%d", base(r), idx+1)
	switch {
	case action == "continuer":
		// Answers on this page may have made new questions apply: show
		// them before moving on, since nothing runs in the browser.
		shown := r.PostForm["shown"]
		for _, k := range survey.RelevantKeys(saved.Form, &saved.Response.Answers, p) {
			if !slices.Contains(shown, k) {
				http.Redirect(w, r, here+"?nouvelles=1", http.StatusSeeOther)
				return
			}
		}
		http.Redirect(w, r, s.nextURL(r, saved, idx), http.StatusSeeOther)
	case action == "precedent":
		http.Redirect(w, r, s.prevURL(r, saved, idx), http.StatusSeeOther)
	case action == "ajouter":
		http.Redirect(w, r, fmt.Sprintf("%s#ligne-%d", here, in.Rows), http.StatusSeeOther)
	default:
		http.Redirect(w, r, here+"?enregistre=1", http.StatusSeeOther)
	}
}

// pageError shows the page again after a refused save: as typed, with
// errors next to fields (invalid), or with the current values and what
// changed (stale version).
func (s *SurveyFlow) pageError(w http.ResponseWriter, r *http.Request, sess *survey.Session, idx int, in survey.PageInput, err error) {
	switch civiscope.ErrorCode(err) {
	case civiscope.EINVALID:
		a := survey.PreviewPage(sess.Form, sess.Response.Answers, idx, in)
		v := s.pageView(r, sess, idx, a, civiscope.ErrorFields(err))
		if len(v.Errors) == 0 {
			v.Errors = []surveyErrorLink{{Message: civiscope.ErrorMessage(err)}}
		}
		s.rd.Render(w, r, server.HTTPStatus(err), "survey_page", v)
	case civiscope.ECONFLICT:
		var ce *civiscope.Error
		if !errors.As(err, &ce) || ce.Rule != survey.RuleSavedMeanwhile {
			s.rd.Error(w, r, err) // submitted meanwhile: locked
			return
		}
		// Someone saved this page since it was opened: show it again as
		// this person typed it, with what the other saved next to each
		// answer that differs. The form now carries the current version,
		// so saving again is a deliberate choice to keep this entry.
		lang := RequestLang(r)
		var theirs []civiscope.FieldError
		for _, f := range civiscope.ErrorFields(err) {
			saved, _ := f.Params["saved"].(string)
			theirs = append(theirs, civiscope.FieldError{Field: f.Field, Message: s.rd.cat.T(lang, "survey.conflict.theirs", saved)})
		}
		a := survey.PreviewPage(sess.Form, sess.Response.Answers, idx, in)
		v := s.pageView(r, sess, idx, a, theirs)
		v.Conflict = s.rd.cat.T(lang, "survey.conflict.text", sess.Response.UpdatedAt.In(paris()).Format("15:04"))
		s.rd.Render(w, r, http.StatusConflict, "survey_page", v)
	default:
		s.rd.Error(w, r, err)
	}
}

func (s *SurveyFlow) nextURL(r *http.Request, sess *survey.Session, idx int) string {
	for _, i := range survey.RelevantPages(sess.Form, &sess.Response.Answers) {
		if i > idx {
			return fmt.Sprintf("%s/etape/%d", base(r), i+1)
		}
	}
	return base(r) + "/relecture"
}

func (s *SurveyFlow) prevURL(r *http.Request, sess *survey.Session, idx int) string {
	prev := -1
	for _, i := range survey.RelevantPages(sess.Form, &sess.Response.Answers) {
		if i < idx {
			prev = i
		}
	}
	if prev < 0 {
		return base(r)
	}
	return fmt.Sprintf("%s/etape/%d", base(r), prev+1)
}

func (s *SurveyFlow) reviewView(r *http.Request, sess *survey.Session, errs []civiscope.FieldError) map[string]any {
	lang := RequestLang(r)
	return map[string]any{
		"Session": sess, "Base": base(r), "Edition": sess.Invitation.Edition.Title, "Who": sess.Invitation.Territory.Name,
		"Pages":     buildReview(sess.Form, &sess.Response.Answers, string(lang), s.rd.cat),
		"Version":   sess.Response.Version,
		"Printable": r.URL.Query().Get("imprimable") != "",
		"Errors":    s.submitErrors(sess, errs, string(lang)),
		"Submitted": sess.Response.Submitted(),
	}
}

// submitErrors links each refused answer to the page that holds it.
func (s *SurveyFlow) submitErrors(sess *survey.Session, errs []civiscope.FieldError, lang string) []map[string]string {
	var out []map[string]string
	for _, e := range errs {
		q := sess.Form.Question(questionName(e.Field))
		page, label := 0, e.Field
		if q != nil {
			label = q.Label.In(lang, sess.Form.DefaultLanguage)
			top := q
			for top.Parent() != nil {
				top = top.Parent()
			}
			page = slices.Index(sess.Form.Pages(), top)
		}
		out = append(out, map[string]string{"Label": label, "Message": e.Message, "Href": fmt.Sprintf("etape/%d#%s", page+1, fieldID(e.Field))})
	}
	return out
}

func (s *SurveyFlow) review(w http.ResponseWriter, r *http.Request) {
	sess, err := survey.Start(r.Context(), s.db, token(r), s.now())
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	s.rd.Render(w, r, http.StatusOK, "survey_review", s.reviewView(r, sess, nil))
}

func (s *SurveyFlow) submit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.rd.Error(w, r, civiscope.Ruled(civiscope.EINVALID, "survey_unreadable", nil, "the form cannot be read"))
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		s.rd.Error(w, r, civiscope.Ruled(civiscope.EINVALID, "survey_no_version", nil, "the page sent does not give its version; reload the review"))
		return
	}
	_, err = survey.Submit(r.Context(), s.db, token(r), version, string(RequestLang(r)), s.now())
	switch civiscope.ErrorCode(err) {
	case "":
		http.Redirect(w, r, base(r)+"/merci", http.StatusSeeOther)
	case civiscope.EINVALID, civiscope.ECONFLICT:
		sess, serr := survey.Start(r.Context(), s.db, token(r), s.now())
		if serr != nil {
			s.rd.Error(w, r, serr)
			return
		}
		v := s.reviewView(r, sess, civiscope.ErrorFields(err))
		v["Problem"] = civiscope.ErrorMessage(err)
		s.rd.Render(w, r, server.HTTPStatus(err), "survey_review", v)
	default:
		s.rd.Error(w, r, err)
	}
}

// done is the receipt: what was submitted and when, readable from the
// link for as long as the invitation exists.
func (s *SurveyFlow) done(w http.ResponseWriter, r *http.Request) {
	sess, err := survey.Receipt(r.Context(), s.db, token(r))
	if errors.Is(err, survey.ErrNotSubmitted) {
		http.Redirect(w, r, base(r)+"/relecture", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	lang := RequestLang(r)
	s.rd.Render(w, r, http.StatusOK, "survey_done", map[string]any{
		"Session": sess, "Base": base(r), "Edition": sess.Invitation.Edition.Title, "Who": sess.Invitation.Territory.Name,
		"At": sess.Response.SubmittedAt.In(paris()).Format("02/01/2006 15:04"), "Publish": sess.Response.Publish,
		"Pages": buildReview(sess.Form, &sess.Response.Answers, string(lang), s.rd.cat),
	})
}

// questionName is the question a field key names ("outils.0.outil" →
// "outil").
func questionName(key string) string {
	if parts := strings.SplitN(key, ".", 3); len(parts) == 3 {
		return parts[2]
	}
	return key
}

// surveyStep is one line of the list of steps on the start page.
type surveyStep struct {
	Index int
	Label string
}

// surveySteps lists the pages that apply to the answers so far, labelled
// in the reader's language.
func surveySteps(r *http.Request, sess *survey.Session) []surveyStep {
	lang := string(RequestLang(r))
	var steps []surveyStep
	for _, i := range survey.RelevantPages(sess.Form, &sess.Response.Answers) {
		steps = append(steps, surveyStep{i, sess.Form.Pages()[i].Label.In(lang, sess.Form.DefaultLanguage)})
	}
	return steps
}

// applyAction reads the button a respondent pressed: save, continue, add a
// row to a repeated group or remove one.
func applyAction(in *survey.PageInput, p *xlsform.Question, action string) error {
	in.Intent = survey.SaveDraft
	switch {
	case action == "continuer":
		in.Intent = survey.Continue
	case action == "ajouter" && p.Type == xlsform.Repeat:
		in.Rows++
	case strings.HasPrefix(action, "supprimer-") && p.Type == xlsform.Repeat:
		i, _ := strconv.Atoi(strings.TrimPrefix(action, "supprimer-"))
		if err := in.RemoveRow(p.Name, i); err != nil {
			return civiscope.Ruled(civiscope.EINVALID, "survey_no_row", civiscope.Params{"row": strconv.Itoa(i + 1)}, "%v", err)
		}
	}
	return nil
}
