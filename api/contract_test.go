package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/server"
)

// What the contract check covers, with kin-openapi v0.152 on an OpenAPI
// 3.1 document:
//   - the document loads and passes (*openapi3.T).Validate, which checks
//     the 3.1 structure (type arrays, jsonSchemaDialect, $ref siblings);
//   - every response of every API test goes through
//     openapi3filter.ValidateResponse, which for 3.1 documents validates
//     bodies with a JSON Schema 2020-12 validator (santhosh-tekuri/jsonschema
//     v6): types including "null", required fields, additionalProperties,
//     enums, patterns, minimum/maximum;
//   - the status must be documented for the operation (IncludeResponseStatus)
//     and the Content-Type must be one it lists; documented headers marked
//     required (ETag, Cache-Control, Retry-After, Location) must be present;
//   - every route chi serves under /api is in the document and every
//     operation in the document is served (TestContractRoutes).
//   - the formats kin-openapi registers with that validator are asserted:
//     date-time and date; others (uri, email) are annotations only.
// Not covered: 304 answers and HEAD bodies are skipped by kin-openapi (the
// tests assert them directly; a HEAD's status must be one GET documents);
// requests are not validated, since many tests send wrong ones on purpose.

// testContract is the loaded document, shared by the package's tests.
var testContract contract

type contract struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

func (c *contract) load(t testing.TB) *openapi3.T {
	t.Helper()
	c.once.Do(func() {
		// kin-openapi decodes no HTML by itself; the docs page is checked
		// as a string.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		loader := openapi3.NewLoader()
		c.doc, c.err = loader.LoadFromData(openAPIJSON)
		if c.err == nil {
			c.err = c.doc.Validate(loader.Context)
		}
	})
	if c.err != nil {
		t.Fatalf("openapi.json: %v", c.err)
	}
	return c.doc
}

// checkResponse validates one response against the operation for pattern
// (a chi route pattern, which is also the OpenAPI path).
func checkResponse(doc *openapi3.T, req *http.Request, pattern string, params map[string]string, status int, header http.Header, body []byte) error {
	item := doc.Paths.Find(pattern)
	if item == nil {
		return &contractError{"no path " + pattern + " in openapi.json"}
	}
	method := req.Method
	if method == http.MethodHead {
		// HEAD is GET without a body; kin-openapi skips HEAD answers, so
		// at least their status must be one GET documents.
		method = http.MethodGet
		if op := item.GetOperation(method); op != nil && op.Responses.Status(status) == nil && status != http.StatusNotModified {
			return &contractError{"HEAD status " + http.StatusText(status) + " is not documented for GET " + pattern}
		}
	}
	op := item.GetOperation(method)
	if op == nil {
		if status == http.StatusMethodNotAllowed {
			return checkProblem(doc, status, header, body)
		}
		return &contractError{"no " + req.Method + " operation for " + pattern}
	}
	route := &routers.Route{Spec: doc, Path: pattern, PathItem: item, Method: method, Operation: op}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// checkProblem validates answers that no operation owns (unknown paths,
// wrong methods): they must still be problem details.
func checkProblem(doc *openapi3.T, status int, header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		return &contractError{"status " + http.StatusText(status) + " without problem+json but " + ct}
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020())
}

type contractError struct{ msg string }

func (e *contractError) Error() string { return e.msg }

// contractCheck wraps the whole server: it records each response, finds
// the route chi matched, and fails the test when the response breaks the
// contract. Every request of the API tests goes through it.
func contractCheck(t testing.TB, doc *openapi3.T, routes chi.Routes, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rctx := chi.NewRouteContext()
		rctx.Routes = routes
		r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())

		if !strings.HasPrefix(r.URL.Path, "/api") || r.Method == http.MethodOptions {
			return
		}
		pattern := rctx.RoutePattern()
		params := map[string]string{}
		for i, k := range rctx.URLParams.Keys {
			params[k] = rctx.URLParams.Values[i]
		}
		var err error
		switch {
		case pattern == "" || strings.HasSuffix(pattern, "/*"):
			err = checkProblem(doc, rec.Code, rec.Header(), rec.Body.Bytes())
		default:
			err = checkResponse(doc, r, pattern, params, rec.Code, rec.Header(), rec.Body.Bytes())
		}
		if err != nil {
			t.Errorf("contract: %s %s → %d breaks openapi.json: %v\nbody: %.400s", r.Method, r.URL, rec.Code, err, rec.Body.String())
		}
	})
}

// testLog writes log lines to the test's output.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// newTestServer runs the whole server (server.NewRouter with the API
// mounted) behind the contract check.
func newTestServer(t testing.TB, cfg Config, now func() time.Time) (*httptest.Server, *API) {
	return newTestServerOn(t, db, cfg, now)
}

func newTestServerOn(t testing.TB, pool *pgxpool.Pool, cfg Config, now func() time.Time) (*httptest.Server, *API) {
	t.Helper()
	// Errors the API logs (internal ones) show in the test's output.
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	a, err := New(Deps{DB: pool, Log: log, Now: now}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := server.NewRouter(server.Deps{Log: log, Pool: pool}, a.Mount)
	srv := httptest.NewServer(contractCheck(t, testContract.load(t), h.(chi.Routes), h))
	t.Cleanup(srv.Close)
	return srv, a
}

// TestContractRoutes holds the document and the router together: every
// route served under /api is documented, and every documented operation is
// served.
func TestContractRoutes(t *testing.T) {
	doc := testContract.load(t)
	a, err := New(Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	a.Mount(r)
	served := map[string]bool{}
	err = chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		route = strings.TrimSuffix(route, "/")
		if strings.HasSuffix(route, "/*") {
			return nil
		}
		served[method+" "+route] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for op := range served {
		if !documented[op] {
			t.Errorf("%s is served but not in openapi.json", op)
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("%s is in openapi.json but not served", op)
		}
	}
	if len(served) < 8 {
		t.Errorf("only %d routes walked: %v", len(served), served)
	}
}
