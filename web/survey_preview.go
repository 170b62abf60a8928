package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/server"
	"github.com/civiscope/civiscope/survey"
)

// The staff preview walks an edition's questionnaire as a respondent
// would and stores nothing: each page posts the answers so far in a hidden
// field ("etat"), the server checks the page (survey.CheckPage) and shows
// the next one. No response, no invitation, no count in the participation,
// no directory evidence. Staff reach it two ways: from their moderator's
// session (/moderation/barometre/{year}/apercu, staffPreview) or through
// the link `civiscope survey preview-link` gives (tokenPreview).

// previewer opens a preview and says where its pages live.
type previewer struct {
	open func(r *http.Request) (*survey.Session, error)
	base func(r *http.Request) string
	// back is the staff page the preview was opened from, if any.
	back string
}

// page opens the preview at the URL's step.
func (p previewer) page(r *http.Request) (*survey.Session, int, error) {
	sess, err := p.open(r)
	if err != nil {
		return nil, 0, err
	}
	idx, err := pageIndex(r, sess.Form)
	return sess, idx, err
}

func (s *SurveyFlow) tokenPreview() previewer {
	return previewer{
		open: func(r *http.Request) (*survey.Session, error) { return survey.Preview(r.Context(), s.db, token(r)) },
		base: func(r *http.Request) string { return "/barometre/apercu/" + token(r) },
	}
}

// staffPreview is the edition of the URL's year; the routes let only
// moderators and admins reach it.
func (s *SurveyFlow) staffPreview() previewer {
	return previewer{
		open: func(r *http.Request) (*survey.Session, error) {
			year, err := server.Year(chi.URLParam(r, "year"))
			if err != nil {
				return nil, err
			}
			return survey.PreviewEdition(r.Context(), s.db, year)
		},
		base: func(r *http.Request) string { return "/moderation/barometre/" + chi.URLParam(r, "year") + "/apercu" },
		back: "/moderation/barometre",
	}
}

// previewRoutes are the pages of a preview, under p's base.
func (s *SurveyFlow) previewRoutes(p previewer) func(chi.Router) {
	return func(r chi.Router) {
		r.Use(privatePage)
		r.Get("/", s.previewStart(p))
		r.Get("/etape/{n}", s.previewPage(p))
		r.Post("/etape/{n}", s.previewSave(p))
	}
}

func (s *SurveyFlow) previewStart(p previewer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, err := p.open(r)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		steps := surveySteps(r, sess)
		s.rd.Render(w, r, http.StatusOK, "survey_start", map[string]any{
			"Session": sess, "Base": p.base(r), "Steps": steps, "Edition": sess.Invitation.Edition.Title,
			"Who": s.who(r, sess), "Closes": sess.Invitation.Edition.ClosesOn, "Preview": true, "Back": p.back,
		})
	}
}

// previewPage shows a page with the questionnaire's defaults only: a GET
// carries no answers.
func (s *SurveyFlow) previewPage(p previewer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, idx, err := p.page(r)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		s.renderPreview(w, r, p, http.StatusOK, sess, idx, sess.Response.Answers, nil, "")
	}
}

func (s *SurveyFlow) previewSave(p previewer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.savePreview(w, r, p) }
}

func (s *SurveyFlow) savePreview(w http.ResponseWriter, r *http.Request, pv previewer) {
	in, action, err := readPage(r)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	sess, idx, err := pv.page(r)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	if st := r.PostForm.Get("etat"); st != "" {
		var a survey.Answers
		if err := json.Unmarshal([]byte(st), &a); err != nil {
			s.rd.Error(w, r, civiscope.Ruled(civiscope.EINVALID, "survey_preview_state", nil, "the preview state sent cannot be read; start the preview again"))
			return
		}
		if a.Values == nil {
			a.Values = map[string]survey.Answer{}
		}
		if a.Repeats == nil {
			a.Repeats = map[string][]survey.Row{}
		}
		for name, rows := range a.Repeats {
			if len(rows) > survey.MaxRepeatRows {
				s.rd.Error(w, r, civiscope.Ruled(civiscope.EINVALID, "survey_preview_rows", civiscope.Params{"max": strconv.Itoa(survey.MaxRepeatRows)}, "the preview's state has %d rows for %s, at most %d are possible", len(rows), name, survey.MaxRepeatRows))
				return
			}
		}
		sess.Response.Answers = a
	}
	p := sess.Form.Pages()[idx]
	if err := applyAction(&in, p, action); err != nil {
		s.rd.Error(w, r, err)
		return
	}
	a, err := survey.CheckPage(sess.Form, sess.Response.Answers, idx, in)
	if civiscope.ErrorCode(err) == civiscope.EINVALID {
		shown := survey.PreviewPage(sess.Form, sess.Response.Answers, idx, in)
		s.renderPreview(w, r, pv, server.HTTPStatus(err), sess, idx, shown, civiscope.ErrorFields(err), "")
		return
	}
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	lang := RequestLang(r)
	rel := survey.RelevantPages(sess.Form, &a)
	switch action {
	case "continuer":
		for _, k := range survey.RelevantKeys(sess.Form, &a, p) {
			if !slices.Contains(r.PostForm["shown"], k) {
				s.renderPreview(w, r, pv, http.StatusOK, sess, idx, a, nil, s.rd.cat.T(lang, "survey.preview.new_questions"))
				return
			}
		}
		for _, i := range rel {
			if i > idx {
				s.renderPreview(w, r, pv, http.StatusOK, sess, i, a, nil, "")
				return
			}
		}
		sess.Response.Answers = a
		s.rd.Render(w, r, http.StatusOK, "survey_review", map[string]any{
			"Session": sess, "Base": pv.base(r), "Edition": sess.Invitation.Edition.Title, "Who": s.who(r, sess),
			"Pages": buildReview(sess.Form, &a, string(lang), s.rd.cat), "Preview": true,
		})
	case "precedent":
		prev := idx
		for _, i := range rel {
			if i < idx {
				prev = i
			}
		}
		s.renderPreview(w, r, pv, http.StatusOK, sess, prev, a, nil, "")
	default:
		s.renderPreview(w, r, pv, http.StatusOK, sess, idx, a, nil, "")
	}
}

// renderPreview shows page idx of a preview with answers a carried along.
func (s *SurveyFlow) renderPreview(w http.ResponseWriter, r *http.Request, pv previewer, status int, sess *survey.Session, idx int, a survey.Answers, errs []civiscope.FieldError, notice string) {
	v := s.pageView(r, sess, idx, a, errs)
	if len(errs) > 0 && len(v.Errors) == 0 {
		v.Errors = []surveyErrorLink{{Message: s.rd.cat.T(RequestLang(r), "survey.preview.invalid")}}
	}
	st, err := json.Marshal(a)
	if err != nil {
		s.rd.Error(w, r, fmt.Errorf("encode preview state: %w", err))
		return
	}
	v.State, v.Notice = string(st), notice
	// The staff's route checks a CSRF token (see Handler.protect); the
	// token link has none to carry.
	v.Base, v.CSRF = pv.base(r), csrfToken(r)
	s.rd.Render(w, r, status, "survey_page", v)
}
