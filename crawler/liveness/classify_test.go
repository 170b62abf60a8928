package liveness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/outbound"
)

func TestClassifyResponses(t *testing.T) {
	dns := fmt.Errorf("fetch https://x: %w", &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true})
	for _, c := range []struct {
		name   string
		target string
		resp   *fetch.Response
		err    error
		want   Class
	}{
		{"ok", "https://participez.a.fr/", &fetch.Response{Status: 200, FinalURL: "https://participez.a.fr/", Body: []byte("<p>Budget</p>")}, nil, Alive},
		{"https upgrade", "http://a.fr/", &fetch.Response{Status: 200, FinalURL: "https://www.a.fr/", Redirects: []fetch.Redirect{{From: "http://a.fr/", To: "https://www.a.fr/", Status: 301}}}, nil, Alive},
		{"moved", "https://old.fr/", &fetch.Response{Status: 200, FinalURL: "https://new.fr/", Redirects: []fetch.Redirect{{From: "https://old.fr/", To: "https://new.fr/", Status: 308}}}, nil, Moved},
		{"temporary elsewhere", "https://old.fr/", &fetch.Response{Status: 200, FinalURL: "https://new.fr/", Redirects: []fetch.Redirect{{From: "https://old.fr/", To: "https://new.fr/", Status: 302}}}, nil, Alive},
		{"404", "https://a.fr/", &fetch.Response{Status: 404}, nil, Gone},
		{"410", "https://a.fr/", &fetch.Response{Status: 410}, nil, Gone},
		{"500", "https://a.fr/", &fetch.Response{Status: 503}, nil, Error},
		{"dns", "https://a.fr/", &fetch.Response{}, dns, Unreachable},
		{"refused", "https://a.fr/", &fetch.Response{}, &net.OpError{Op: "dial", Err: errors.New("connection refused")}, Unreachable},
		{"timeout", "https://a.fr/", &fetch.Response{}, context.DeadlineExceeded, Unreachable},
		{"tls", "https://a.fr/", &fetch.Response{}, errors.New("tls: failed to verify certificate: x509: certificate has expired"), Unreachable},
		{"loop", "https://a.fr/", &fetch.Response{}, fetch.ErrRedirectLoop, Error},
		{"robots", "https://a.fr/", &fetch.Response{}, fetch.ErrDisallowed, Alive},
		{"pdf", "https://a.fr/doc", &fetch.Response{Status: 200, ContentType: "application/pdf"}, fetch.ErrUnsupportedType, Alive},
		{"archive link", "https://web.archive.org/web/2019/https://participez.a.fr/", nil, nil, Archived},
		{"to archive", "https://a.fr/", &fetch.Response{Status: 200, Redirects: []fetch.Redirect{{To: "https://web.archive.org/web/2020/https://a.fr/", Status: 301}}}, nil, Archived},
		{"parking redirect", "https://a.fr/", &fetch.Response{Status: 200, Redirects: []fetch.Redirect{{To: "https://www.sedo.com/search/details/?domain=a.fr", Status: 302}}}, nil, Parked},
		{"parking page fr", "https://a.fr/", &fetch.Response{Status: 200, FinalURL: "https://a.fr/", Body: []byte("<h1>Ce nom de domaine est à vendre</h1>")}, nil, Parked},
		{"parking page en", "https://a.fr/", &fetch.Response{Status: 200, FinalURL: "https://a.fr/", Body: []byte("<title>a.fr</title><p>This domain may be for sale!</p>")}, nil, Parked},
	} {
		if got := Classify(c.target, c.resp, c.err); got.Class != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got.Class, got.Detail, c.want)
		}
	}
}

// TestClassifyLiveServers runs the fetcher against real local servers.
func TestClassifyLiveServers(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>ok</html>") })
	mux.HandleFunc("/disparu", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("/lent", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	s := httptest.NewServer(mux)
	defer s.Close()
	closed := httptest.NewServer(mux)
	closedURL := closed.URL
	closed.Close()
	f := fetch.New(fetch.Config{Timeout: 100 * time.Millisecond, Retries: 0, Outbound: outbound.New(outbound.AllowLoopback())}, nil)
	for path, want := range map[string]Class{s.URL + "/": Alive, s.URL + "/disparu": Gone, s.URL + "/lent": Unreachable, closedURL + "/": Unreachable} {
		resp, err := f.Fetch(context.Background(), fetch.Request{URL: path})
		if got := Classify(path, resp, err); got.Class != want {
			t.Errorf("%s: got %s (%s), want %s", path, got.Class, got.Detail, want)
		}
	}
}

func TestPolicyNeedsRepeatedFailuresOverFourteenDays(t *testing.T) {
	p := DefaultPolicy()
	day := 24 * time.Hour
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		prev     State
		class    Class
		failures int
		span     time.Duration
		want     State
	}{
		{StateAlive, Unreachable, 1, 0, StateAlive},
		{StateAlive, Unreachable, 10, 13 * day, StateAlive},  // many failures, too short
		{StateAlive, Unreachable, 2, 30 * day, StateAlive},   // long, too few
		{StateAlive, Unreachable, 3, 14 * day, StateDormant}, // both
		{StateAlive, Gone, 3, 14 * day, StateDefunct},
		{StateAlive, Parked, 3, 20 * day, StateDefunct},
		{StateDormant, Error, 6, 91 * day, StateDefunct},
		{StateDefunct, Unreachable, 4, 20 * day, StateDefunct}, // no going back while failing
		{StateDefunct, Alive, 0, 0, StateAlive},
		{StateDormant, Moved, 0, 0, StateAlive},
	} {
		if got := p.Next(c.prev, c.class, c.failures, t0, t0.Add(c.span)); got != c.want {
			t.Errorf("%+v: got %s", c, got)
		}
	}
}
