package web

import (
	"net/http"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/server"
)

type accountForm struct {
	view
	Form   form
	Return string
	Token  string
	Done   bool
}

func (h *Handler) signupForm(w http.ResponseWriter, r *http.Request) {
	h.rd.Render(w, r, http.StatusOK, "contrib-signup", accountForm{view: contribBase(r), Form: h.newForm(r)})
}

func (h *Handler) signup(w http.ResponseWriter, r *http.Request) {
	f := h.newForm(r)
	if isHoneypot(r) {
		h.log.Warn("honeypot filled on sign-up", "ip", h.clientIP(r))
		h.rd.Render(w, r, http.StatusBadRequest, "contrib-signup", accountForm{view: contribBase(r), Form: f.withError(errHoneypot)})
		return
	}
	if f.V("password") != f.V("password2") {
		h.rd.Render(w, r, http.StatusBadRequest, "contrib-signup", accountForm{view: contribBase(r), Form: f.fieldError("password2", "passwords_differ", "the two passwords differ")})
		return
	}
	err := account.SignUp(r.Context(), h.db, h.mail, account.NewUser{Email: f.V("email"), DisplayName: f.V("display_name"), Password: f.V("password")},
		account.SignUpLinks{
			Confirm: func(tok string) string { return h.public + "/compte/confirmer?jeton=" + tok },
			Login:   h.public + "/compte/connexion",
			Reset:   h.public + "/compte/mot-de-passe-oublie",
		})
	if err != nil && civiscope.ErrorCode(err) == civiscope.EINTERNAL && strings.Contains(err.Error(), "send message") {
		h.log.Error("sign-up mail not delivered", "err", err) // kept in the outbox
		err = nil
	}
	if err != nil {
		h.formFail(w, r, "contrib-signup", accountForm{view: contribBase(r), Form: f.withError(err)}, err)
		return
	}
	f.Values.Del("password")
	f.Values.Del("password2")
	h.rd.Render(w, r, http.StatusOK, "contrib-signup", accountForm{view: contribBase(r), Form: f, Done: true})
}

// confirm opens a new account from the link mailed at sign-up.
func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) {
	u, err := account.Confirm(r.Context(), h.db, r.URL.Query().Get("jeton"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.startSession(w, r, u, "/compte")
}

// formFail shows the form again with the error when it is the user's to
// fix, and the error page otherwise.
func (h *Handler) formFail(w http.ResponseWriter, r *http.Request, page string, data any, err error) {
	if !formError(err) {
		h.fail(w, r, err)
		return
	}
	setRetryAfter(w, err)
	h.rd.Render(w, r, server.HTTPStatus(err), page, data)
}

func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, u *account.User, next string) {
	tok, err := account.NewSession(r.Context(), h.db, u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setCookie(w, "session", tok, int(account.SessionMaxAge.Seconds()))
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	h.rd.Render(w, r, http.StatusOK, "contrib-login", accountForm{view: contribBase(r), Form: h.newForm(r), Return: r.URL.Query().Get("retour")})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	f := h.newForm(r)
	u, err := account.Authenticate(r.Context(), h.db, f.V("email"), f.V("password"), h.clientIP(r))
	if err != nil {
		f.Values.Del("password")
		h.formFail(w, r, "contrib-login", accountForm{view: contribBase(r), Form: f.withError(loginProblem(err)), Return: f.V("retour")}, err)
		return
	}
	if c, err := r.Cookie(h.cookieName("session")); err == nil {
		_ = account.EndSession(r.Context(), h.db, c.Value) // no session fixation across logins
	}
	h.startSession(w, r, u, f.V("retour"))
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(h.cookieName("session")); err == nil {
		if err := account.EndSession(r.Context(), h.db, c.Value); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.setCookie(w, "session", "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) forgotForm(w http.ResponseWriter, r *http.Request) {
	h.rd.Render(w, r, http.StatusOK, "contrib-forgot", accountForm{view: contribBase(r), Form: h.newForm(r)})
}

func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) {
	f := h.newForm(r)
	err := account.RequestReset(r.Context(), h.db, h.mail, f.V("email"), func(tok string) string {
		return h.public + "/compte/reinitialiser?jeton=" + tok
	})
	if err != nil && civiscope.ErrorCode(err) == civiscope.EINTERNAL && strings.Contains(err.Error(), "send message") {
		// The link is in the outbox; SMTP failing is logged, not the user's problem.
		h.log.Error("reset mail not delivered", "err", err)
		err = nil
	}
	if err != nil {
		h.formFail(w, r, "contrib-forgot", accountForm{view: contribBase(r), Form: f.withError(err)}, err)
		return
	}
	h.rd.Render(w, r, http.StatusOK, "contrib-forgot", accountForm{view: contribBase(r), Form: f, Done: true})
}

func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request) {
	h.rd.Render(w, r, http.StatusOK, "contrib-reset", accountForm{view: contribBase(r), Form: h.newForm(r), Token: r.URL.Query().Get("jeton")})
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	f := h.newForm(r)
	if f.V("password") != f.V("password2") {
		h.rd.Render(w, r, http.StatusBadRequest, "contrib-reset", accountForm{view: contribBase(r), Form: f.fieldError("password2", "passwords_differ", "the two passwords differ"), Token: f.V("jeton")})
		return
	}
	u, err := account.ResetPassword(r.Context(), h.db, f.V("jeton"), f.V("password"))
	if err != nil {
		h.formFail(w, r, "contrib-reset", accountForm{view: contribBase(r), Form: f.withError(resetProblem(err)), Token: f.V("jeton")}, err)
		return
	}
	h.startSession(w, r, u, "/compte")
}

type accountView struct {
	view
	Vendors []account.VendorMembership
	Agents  []account.Agent
	Form    form
	Matches []territory.Match
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	h.renderAccount(w, r, u, http.StatusOK, h.newForm(r), nil)
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, u *account.User, status int, f form, matches []territory.Match) {
	ctx := r.Context()
	vs, err := account.VendorMemberships(ctx, h.db, u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	as, err := account.Agents(ctx, h.db, u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rd.Render(w, r, status, "contrib-account", accountView{view: contribBase(r), Vendors: vs, Agents: as, Form: f, Matches: matches})
}

func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	f := h.newForm(r)
	if !strings.EqualFold(strings.TrimSpace(f.V("confirm")), u.Email) {
		f = f.fieldError("confirm", "confirm_email", "type your email address to confirm")
		h.renderAccount(w, r, u, http.StatusBadRequest, f, nil)
		return
	}
	if err := account.Delete(r.Context(), h.db, u.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setCookie(w, "session", "", -1)
	http.Redirect(w, r, "/?compte=supprime", http.StatusSeeOther)
}

// requestAgent asks to speak for a collectivité, found by name (and
// département) or picked among homonyms by its id.
func (h *Handler) requestAgent(w http.ResponseWriter, r *http.Request) {
	u := h.requireUser(w, r)
	if u == nil {
		return
	}
	ctx := r.Context()
	f := h.newForm(r)
	id, matches, err := h.pickTerritory(ctx, f.V("territory_id"), f.V("territory"))
	if err != nil || id == 0 {
		if err == nil {
			f = f.fieldError("territory", "territory_choose", "several collectivités have this name; choose one below")
		} else {
			f = f.withError(err)
		}
		h.renderAccount(w, r, u, http.StatusBadRequest, f, matches)
		return
	}
	if _, err := account.RequestAgent(ctx, h.db, u, id); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/compte?demande=envoyee#agents", http.StatusSeeOther)
}

// loginProblem names the rule of a refused login, whose wording the account
// package keeps in English for the logs: wrong credentials are one message
// whatever was wrong, so that the page tells an attacker nothing.
func loginProblem(err error) error {
	if civiscope.ErrorCode(err) == civiscope.EUNAUTHORIZED {
		return civiscope.Ruled(civiscope.EUNAUTHORIZED, "login_failed", nil, "%s", civiscope.ErrorMessage(err))
	}
	return err
}

// resetProblem names the rule of a reset link that no longer works (unknown,
// used or expired: the page gives one answer and the same way out).
func resetProblem(err error) error {
	for _, f := range civiscope.ErrorFields(err) {
		if f.Field == "token" && f.Rule == "" {
			e := civiscope.Ruled(civiscope.EINVALID, "reset_link", nil, "%s", f.Message)
			e.Fields = []civiscope.FieldError{civiscope.Field("token", "reset_link", nil, "%s", f.Message)}
			return e
		}
	}
	return err
}
