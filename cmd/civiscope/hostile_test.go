package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/api/token"
)

// hostile are the values the attack of issue 18 put in every path
// parameter, query parameter and form field: broken encodings, NUL,
// numbers beyond every integer type, markup, traversal, sheer length.
var hostile = []string{
	"%FF%FE", "a%00b", "99999999999999999999", "9223372036854775807", "2147483648", "-1", "0",
	"..%2F..%2Fetc%2Fpasswd", "%27%22%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%C3%A9t%C3%A9", "1e309", "NaN",
	strings.Repeat("x", 3000),
}

// hostileQuery are query strings sent to every route.
var hostileQuery = []string{
	"page=9223372036854775807", "page=922337203685477580", "page=-3", "limit=99999999999", "limit=%FF",
	"q=%FF%FE", "q=a%00", "cursor=%FF", "cursor=AAAA", "from=2147483648", "to=-99999999999", "year=99999999999999999999",
	"lang=%FF", "retour=%2F%09%2Fevil.example", "category=%00", "licence=%FF%FE", "par=%FF", "by=%00",
	strings.Repeat("f=1&", 500) + "q=x",
}

// hostileJSON are API request bodies.
var hostileJSON = []string{
	`{"name":"\u0000"}`, "{\"name\":\"\xff\xfe\"}", `{"name":"x","categories":[1e999]}`, `{"id":99999999999999999999999}`,
	`{`, `[]`, `null`, `{"name":` + strings.Repeat(`[`, 5000), `{"payload":{"a":"b"}}`,
}

// TestNoHostileInputGets5xx sends the corpus to every route of the router
// and every operation of the OpenAPI contract, anonymously and as an admin
// with valid CSRF tokens and an API token, and fails on any 5xx.
func TestNoHostileInputGets5xx(t *testing.T) {
	if testing.Short() {
		t.Skip("the corpus takes a while")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, _, _ := testApp("127.0.0.1:0")
	if err := a.bootstrap(ctx, db); err != nil {
		t.Fatal(err)
	}
	engine, waitSearch, err := a.startSearch(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer waitSearch()
	bg := newBackground(ctx, a.Log)
	defer bg.Wait()
	defer cancel()
	h, err := a.handler(ctx, db, engine, bg)
	if err != nil {
		t.Fatal(err)
	}

	admin, err := account.Create(ctx, db, account.NewUser{Email: "corpus-admin@example.org", Password: "a long admin password", Role: account.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	session, err := account.NewSession(ctx, db, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, apiSecret, err := token.Create(ctx, db, token.NewToken{Name: "corpus", Scope: token.Write, UserID: admin.ID})
	if err != nil {
		t.Fatal(err)
	}
	const csrf = "corpus-csrf-token-corpus-csrf-token-0123456789"

	var sent, addr atomic.Int64
	fails := map[string]bool{}
	send := func(method, target, contentType, body string, asAdmin bool) {
		sent.Add(1)
		req := httptest.NewRequest(method, "/", strings.NewReader(body))
		req.URL = &url.URL{Path: "/"}
		path, query, _ := strings.Cut(target, "?")
		req.URL.RawPath = path
		if p, err := url.PathUnescape(path); err == nil {
			req.URL.Path = p
		} else {
			req.URL.Path = path
		}
		req.URL.RawQuery = query
		req.RequestURI = target
		// Each request from its own address, so that the per-address
		// limits let the corpus reach the handlers.
		n := addr.Add(1)
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:4000", n>>16&255, n>>8&255, n&255)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if asAdmin {
			req.AddCookie(&http.Cookie{Name: "session", Value: session})
			req.AddCookie(&http.Cookie{Name: "csrf", Value: csrf})
			req.Header.Set("Authorization", "Bearer "+apiSecret)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			key := fmt.Sprintf("%s %s", method, target)
			if len(key) > 200 {
				key = key[:200] + "…"
			}
			if !fails[key] {
				fails[key] = true
				t.Errorf("%s (admin %v, body %.80q): %d %.300s", key, asAdmin, body, rec.Code, rec.Body.String())
			}
		}
	}

	var routes []string
	err = chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range openAPIOperations(t) {
		routes = append(routes, op)
	}
	sort.Strings(routes)
	param := regexp.MustCompile(`\{[^}]+\}|\*$`)
	for _, rt := range routes {
		method, pattern, _ := strings.Cut(rt, " ")
		if method == "CONNECT" || method == "TRACE" {
			continue
		}
		var paths []string
		if param.MatchString(pattern) {
			for _, v := range hostile {
				paths = append(paths, param.ReplaceAllString(pattern, v))
			}
		} else {
			paths = []string{pattern}
		}
		for _, asAdmin := range []bool{false, true} {
			for _, p := range paths {
				switch method {
				case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodOptions:
					send(method, p, "", "", asAdmin)
				case http.MethodPost, http.MethodPut, http.MethodPatch:
					if strings.HasPrefix(p, "/api/") {
						for _, b := range hostileJSON {
							send(method, p, "application/json", b, asAdmin)
						}
						continue
					}
					send(method, p, "application/x-www-form-urlencoded", hostileForm(csrf, p == paths[0]), asAdmin)
				}
			}
			if method == http.MethodGet {
				for _, q := range hostileQuery {
					send(method, paths[0]+"?"+q, "", "", asAdmin)
				}
			}
			if method == http.MethodPost && !strings.HasPrefix(pattern, "/api/") {
				// Every field of the forms, one hostile value at a time.
				for _, v := range hostile {
					send(method, paths[0], "application/x-www-form-urlencoded", formWith(csrf, v), asAdmin)
				}
			}
		}
	}
	t.Logf("%d requests over %d routes and operations", sent.Load(), len(routes))
}

// formFields are the names the site's forms use.
var formFields = []string{"email", "password", "password2", "display_name", "name", "website", "source_repo",
	"tagline_fr", "tagline_en", "description_fr", "description_en", "categories", "licence", "note", "reason",
	"territory", "territory_id", "tool", "started_on", "ended_on", "year", "decision", "user_id", "version",
	"rows", "action", "confirm", "jeton", "retour", "domain", "method", "founded_year", "lifecycle", "page", "q"}

func hostileForm(csrf string, first bool) string {
	v := url.Values{"csrf": {csrf}}
	for _, f := range formFields {
		v.Set(f, "x")
	}
	return v.Encode()
}

// formWith fills every field with one raw, already-encoded value.
func formWith(csrf, raw string) string {
	var b strings.Builder
	b.WriteString("csrf=" + csrf)
	for _, f := range formFields {
		b.WriteString("&" + f + "=" + raw)
	}
	return b.String()
}

// openAPIOperations lists "METHOD /path/{param}" for every operation of
// the contract.
func openAPIOperations(t *testing.T) []string {
	b, err := os.ReadFile("../../api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	var ops []string
	for p, item := range spec.Paths {
		for m := range item {
			switch m {
			case "get", "post", "put", "patch", "delete":
				ops = append(ops, strings.ToUpper(m)+" "+p)
			}
		}
	}
	if len(ops) < 20 {
		t.Fatalf("only %d operations in the contract", len(ops))
	}
	return ops
}
