package meili_test

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeMeili is a STAND-IN, not Meilisearch: a local HTTP server that
// answers the handful of endpoints this backend calls (settings, documents,
// tasks, swap, delete) with canned task answers, and records every request
// so that tests can check what would have been sent. It does no searching;
// the behaviour of search itself is checked by the contract suite against a
// real Meilisearch when MEILI_URL is set (see README.md).
type fakeMeili struct {
	t   *testing.T
	srv *httptest.Server
	key string

	mu       sync.Mutex
	requests []request
	indexes  map[string]map[string]any // uid → settings (nil until set)
	// failDocuments makes that many document writes answer 503, as a
	// Meilisearch that is down or restarting would.
	failDocuments int
	nextTask      int64
}

type request struct {
	Method, Path, Query string
	Body                any
}

func newFakeMeili(t *testing.T, key string) *fakeMeili {
	f := &fakeMeili{t: t, key: key, indexes: map[string]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeMeili) URL() string { return f.srv.URL }

func (f *fakeMeili) serve(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.key {
		f.t.Errorf("%s %s: Authorization %q, want the API key as a bearer token", r.Method, r.URL.Path, got)
	}
	var body any
	var rd io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = zr
	}
	if b, _ := io.ReadAll(rd); len(b) > 0 {
		if err := json.Unmarshal(b, &body); err != nil {
			f.t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/tasks/") {
		f.requests = append(f.requests, request{r.Method, r.URL.Path, r.URL.RawQuery, body})
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	task := func(uid, typ string) {
		f.nextTask++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"taskUid":%d,"indexUid":%q,"status":"enqueued","type":%q,"enqueuedAt":"2026-01-01T00:00:00Z"}`, f.nextTask, uid, typ)
	}
	notFound := func(uid string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"Index %s not found.","code":"index_not_found","type":"invalid_request","link":""}`, uid)
	}
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "tasks":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"uid":%s,"status":"succeeded","type":"documentAdditionOrUpdate","enqueuedAt":"2026-01-01T00:00:00Z"}`, parts[1])
	case r.Method == http.MethodPost && r.URL.Path == "/indexes":
		m := body.(map[string]any)
		f.indexes[m["uid"].(string)] = nil
		task(m["uid"].(string), "indexCreation")
	case r.Method == http.MethodDelete && len(parts) == 2 && parts[0] == "indexes":
		if _, ok := f.indexes[parts[1]]; !ok {
			notFound(parts[1])
			return
		}
		delete(f.indexes, parts[1])
		task(parts[1], "indexDeletion")
	case r.Method == http.MethodPost && r.URL.Path == "/swap-indexes":
		task("", "indexSwap")
	case len(parts) == 3 && parts[0] == "indexes" && parts[2] == "settings":
		s, ok := f.indexes[parts[1]]
		switch {
		case !ok:
			notFound(parts[1])
		case r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "application/json")
			if s == nil {
				s = map[string]any{"searchableAttributes": []string{"*"}, "rankingRules": []string{"words"}}
			}
			json.NewEncoder(w).Encode(s) //nolint:errcheck
		default:
			f.indexes[parts[1]] = body.(map[string]any)
			task(parts[1], "settingsUpdate")
		}
	case len(parts) >= 3 && parts[0] == "indexes" && parts[2] == "documents":
		if f.failDocuments > 0 {
			f.failDocuments--
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"message":"down for maintenance","code":"unavailable","type":"system","link":""}`)
			return
		}
		task(parts[1], "documentAdditionOrUpdate")
	default:
		f.t.Errorf("stand-in Meilisearch got an unexpected %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusNotImplemented)
	}
}

// sent returns the recorded requests matching method and path.
func (f *fakeMeili) sent(method, path string) []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []request
	for _, r := range f.requests {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeMeili) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = nil
}
