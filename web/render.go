package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/civiscope/civiscope/server"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Renderer renders pages inside the site layout. It is built once at start
// and safe for concurrent use.
type Renderer struct {
	log    *slog.Logger
	cat    *Catalogue
	pages  map[string]*template.Template
	cssURL string
	bufs   *sync.Pool
}

// pageDirs hold the page templates of each part of the site: every *.html
// file is a page named after the file ("answer.html" → "answer"), which
// defines the blocks "title" and "main" and may use the partials.
var pageDirs = []string{"templates/pages", "templates/reports", "templates/survey", "templates/contrib"}

// NewRenderer parses the layout, the partials and every page, and builds the
// message catalogue. A template or catalogue error fails here, at start.
func NewRenderer(log *slog.Logger) (*Renderer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cat, err := NewCatalogue(messages(), directoryMessages(), websiteMessages(), problemMessages(),
		reportMessages(), surveyMessages(), contribMessages())
	if err != nil {
		return nil, err
	}
	css, err := fs.ReadFile(staticFS, "static/site.css")
	if err != nil {
		return nil, fmt.Errorf("read stylesheet: %w", err)
	}
	sum := sha256.Sum256(css)
	r := &Renderer{
		log:    log,
		cat:    cat,
		pages:  map[string]*template.Template{},
		cssURL: "/static/site.css?v=" + hex.EncodeToString(sum[:6]),
		bufs:   &sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
	base, err := template.New("layout.html").Funcs(templateFuncs()).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	for _, dir := range pageDirs {
		if err := r.addPages(base, templateFS, dir); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Renderer) addPages(base *template.Template, fsys fs.FS, dir string) error {
	files, err := fs.Glob(fsys, path.Join(dir, "*.html"))
	if err != nil {
		return fmt.Errorf("list pages in %s: %w", dir, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if _, dup := r.pages[name]; dup {
			return fmt.Errorf("page %q is defined twice", name)
		}
		t, err := base.Clone()
		if err != nil {
			return fmt.Errorf("clone layout for %s: %w", name, err)
		}
		if _, err := t.ParseFS(fsys, f); err != nil {
			return fmt.Errorf("parse page %s: %w", f, err)
		}
		r.pages[name] = t
	}
	return nil
}

// Catalogue returns the messages the renderer knows.
func (r *Renderer) Catalogue() *Catalogue { return r.cat }

// Page is what every template receives: the request's language and helpers,
// and the handler's data in Data.
type Page struct {
	Lang   Lang
	Status int
	// Path is the request path and query, used by the language switch and
	// pagination links.
	Path   string
	Query  url.Values
	Data   any
	CSSURL string
	// Nav names the section of the main menu the page belongs to, for
	// aria-current.
	Nav string
	cat *Catalogue
}

// T translates a UI string.
func (p *Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// Plural says the message about n things in the page's language, singular
// or plural (Catalogue.Plural).
func (p *Page) Plural(key string, n int, args ...any) string {
	return p.cat.Plural(p.Lang, key, n, args...)
}

// Num formats an integer for the page's language.
func (p *Page) Num(n int) string { return FormatInt(p.Lang, n) }

// NumPtr formats an optional integer, with a dash when unknown.
func (p *Page) NumPtr(n *int) string {
	if n == nil {
		return "—"
	}
	return FormatInt(p.Lang, *n)
}

// Pick chooses a content field in the page's language, with fallback.
func (p *Page) Pick(fr, en string) Localized { return Pick(p.Lang, fr, en) }

// SwitchURL is the link of the language switch: it sets the cookie and comes
// back to the same page.
func (p *Page) SwitchURL() string {
	return "/langue/" + string(p.Lang.Other()) + "?retour=" + url.QueryEscape(p.Path)
}

// Render writes page name with data and the given status. Rendering goes to
// a buffer first, so a template error becomes a clean 500 page, never half
// a page.
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, status int, name string, data any) {
	r.render(w, req, status, name, "", data)
}

// RenderNav is Render for a page that belongs to a main-menu section.
func (r *Renderer) RenderNav(w http.ResponseWriter, req *http.Request, status int, name, nav string, data any) {
	r.render(w, req, status, name, nav, data)
}

func (r *Renderer) render(w http.ResponseWriter, req *http.Request, status int, name, nav string, data any) {
	buf := r.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer r.bufs.Put(buf)
	if err := r.execute(buf, req, status, name, nav, data); err != nil {
		if name != "error" {
			r.Error(w, req, err)
			return
		}
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	writePage(w, RequestLang(req), status, buf.Bytes())
}

// RenderBytes renders a page to bytes, for handlers that cache pages.
func (r *Renderer) RenderBytes(req *http.Request, status int, name, nav string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := r.execute(&buf, req, status, name, nav, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (r *Renderer) execute(buf *bytes.Buffer, req *http.Request, status int, name, nav string, data any) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("unknown page template %q", name)
	}
	p := &Page{
		Lang:   RequestLang(req),
		Status: status,
		Path:   req.URL.RequestURI(),
		Query:  req.URL.Query(),
		Data:   data,
		CSSURL: r.cssURL,
		Nav:    nav,
		cat:    r.cat,
	}
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		r.log.Error("render page", "page", name, "err", err, "request_id", middleware.GetReqID(req.Context()))
		return fmt.Errorf("render %s: %w", name, err)
	}
	return nil
}

// writePage sends a rendered page with the headers every page carries.
func writePage(w http.ResponseWriter, lang Lang, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(lang))
	// A known length spares the chunked framing of a large page.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Add("Vary", "Cookie")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Message string // the user-facing detail, empty for internal errors
	Fields  []FieldProblem
}

// Error renders the error page for err with the status server.HTTPStatus
// gives. Internal errors are logged and shown without detail.
func (r *Renderer) Error(w http.ResponseWriter, req *http.Request, err error) {
	status := server.HTTPStatus(err)
	v := errorView{Status: status}
	if status >= 500 {
		r.log.Error("request failed", "route", server.RouteOf(req), "err", err, "request_id", middleware.GetReqID(req.Context()))
	} else {
		// Every error is said in the page's language (Catalogue.Explain):
		// one without a rule the catalogue knows gets its code's message.
		p := r.cat.Explain(RequestLang(req), err)
		v.Message, v.Fields = p.Message, p.Fields
	}
	r.Render(w, req, status, "error", v)
}

func statusOf(err error) int { return server.HTTPStatus(err) }

// NotFound renders the 404 page.
func (r *Renderer) NotFound(w http.ResponseWriter, req *http.Request) {
	r.Render(w, req, http.StatusNotFound, "error", errorView{Status: http.StatusNotFound})
}

func (r *Renderer) methodNotAllowed(w http.ResponseWriter, req *http.Request) {
	r.Render(w, req, http.StatusMethodNotAllowed, "error", errorView{Status: http.StatusMethodNotAllowed})
}
