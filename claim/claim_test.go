package claim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/claim"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/outbound"
	"github.com/civiscope/civiscope/postgres/pgtest"
)

var db *pgxpool.Pool

func TestMain(m *testing.M) { pgtest.Main(m, "claim", pgtest.Empty, &db) }

var seq atomic.Int64

// site is a local vendor website whose home page carries whatever meta tag
// the test sets.
type site struct {
	srv  *httptest.Server
	meta atomic.Value
	hits atomic.Int64
}

func newSite(t *testing.T) *site {
	s := &site{}
	s.meta.Store("")
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		s.hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>Vendor</title>%s</head><body><p>Hello</p></body></html>", s.meta.Load())
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func setup(t *testing.T, website string) (*account.User, *directory.Tool) {
	t.Helper()
	ctx := context.Background()
	n := seq.Add(1)
	by := directory.By{Actor: "curator:test"}
	v := &directory.Vendor{Slug: fmt.Sprintf("vendor-%d", n), Name: "Vendor"}
	if err := directory.CreateVendor(ctx, db, v, by); err != nil {
		t.Fatal(err)
	}
	tool := &directory.Tool{Slug: fmt.Sprintf("tool-%d", n), Name: "Tool", Categories: []string{"consultation"},
		Website: website, VendorID: v.ID}
	if err := directory.CreateTool(ctx, db, tool, by); err != nil {
		t.Fatal(err)
	}
	u, err := account.Create(ctx, db, account.NewUser{Email: fmt.Sprintf("v%d@example.org", n), Password: "long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	return u, tool
}

func crawlerFetcher() claim.Fetcher {
	return claim.CrawlerFetcher{F: fetch.New(fetch.Config{UserAgent: "test", Timeout: 5 * time.Second, Retries: 0,
		Outbound: outbound.New(outbound.AllowLoopback())}, nil)} // the test site is on loopback
}

// A claim is a URL anyone can submit: in production the check refuses to
// fetch it from a non-public address, the server's own included.
func TestClaimRefusesPrivateAddresses(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	u, tool := setup(t, s.srv.URL+"/produit/outil")
	c, err := claim.Start(ctx, db, u, tool.ID)
	if err != nil {
		t.Fatal(err)
	}
	s.meta.Store(c.MetaTag())
	production := &claim.Checker{Fetch: claim.CrawlerFetcher{F: fetch.New(fetch.Config{UserAgent: "test", Timeout: 5 * time.Second, Retries: 0}, nil)}}
	if got, err := production.Verify(ctx, db, u, c.ID); err == nil && got.Status == "verified" {
		t.Fatal("a claim was verified by fetching a loopback address")
	}
	if s.hits.Load() != 0 {
		t.Errorf("the loopback site was fetched %d times", s.hits.Load())
	}
}

type txt map[string][]string

func (m txt) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := m[name]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("no such host %s", name)
}

func TestClaimByMetaTag(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	u, tool := setup(t, s.srv.URL+"/produit/outil")
	c, err := claim.Start(ctx, db, u, tool.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.HomeURL != s.srv.URL+"/" || len(c.Token) < 20 || !strings.Contains(c.MetaTag(), c.Token) {
		t.Fatalf("claim: %+v", c)
	}
	again, err := claim.Start(ctx, db, u, tool.ID)
	if err != nil || again.ID != c.ID || again.Token != c.Token {
		t.Fatalf("starting twice must return the same claim: %+v %v", again, err)
	}
	ck := &claim.Checker{Fetch: crawlerFetcher()}
	// Someone else's code on the page does not count.
	s.meta.Store(`<meta name="civiscope-verification" content="someone-elses-code-123456">`)
	_, err = ck.Verify(ctx, db, u, c.ID)
	if civiscope.ErrorCode(err) != civiscope.EINVALID || !strings.Contains(civiscope.ErrorMessage(err), "not with this claim's code") {
		t.Fatalf("wrong code: %v", err)
	}
	if s.hits.Load() == 0 {
		t.Fatal("the home page was never fetched")
	}
	// Checking again at once is throttled.
	_, err = ck.Verify(ctx, db, u, c.ID)
	if _, ok := account.RetryAfter(err); !ok {
		t.Fatalf("immediate re-check: %v", err)
	}
	if ok, _ := account.IsVendorMember(ctx, db, u.ID, tool.VendorID); ok {
		t.Fatal("membership granted without proof")
	}
	if _, err := db.Exec(ctx, `UPDATE listing_claim SET checked_at = now() - interval '1 minute' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	s.meta.Store(c.MetaTag())
	got, err := ck.Verify(ctx, db, u, c.ID)
	if err != nil || got.Status != "verified" || got.Method != "meta" {
		t.Fatalf("verify: %+v %v", got, err)
	}
	if ok, _ := account.IsVendorMember(ctx, db, u.ID, tool.VendorID); !ok {
		t.Fatal("verified claim did not grant the vendor role")
	}
	var audited int
	pgtest.QueryRow(t, db, `SELECT count(*) FROM audit_log WHERE action = 'grant-vendor' AND actor_id = $1`, u.ID).Scan(&audited)
	if audited != 1 {
		t.Fatalf("grant not audited (%d entries)", audited)
	}
	// Another user cannot check or see this claim.
	other, _ := setup(t, "https://other.example")
	if _, err := ck.Verify(ctx, db, other, c.ID); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Fatalf("someone else's claim: %v", err)
	}
}

func TestClaimByDNS(t *testing.T) {
	ctx := context.Background()
	u, tool := setup(t, "https://www.outil-dns.example/")
	c, err := claim.Start(ctx, db, u, tool.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Domain != "outil-dns.example" {
		t.Fatalf("domain %q", c.Domain)
	}
	// The home page is unreachable (no such host): DNS alone can prove control.
	records := txt{"outil-dns.example": {"v=spf1 -all"}}
	ck := &claim.Checker{Fetch: crawlerFetcher(), Resolver: records}
	if _, err := ck.Verify(ctx, db, u, c.ID); !strings.Contains(civiscope.ErrorMessage(err), "no TXT record") {
		t.Fatalf("without the record: %v", err)
	}
	records["outil-dns.example"] = append(records["outil-dns.example"], c.TXTRecord())
	if _, err := db.Exec(ctx, `UPDATE listing_claim SET checked_at = NULL WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	got, err := ck.Verify(ctx, db, u, c.ID)
	if err != nil || got.Method != "dns" {
		t.Fatalf("with the record: %+v %v", got, err)
	}
}

func TestClaimNeedsVendorAndWebsite(t *testing.T) {
	ctx := context.Background()
	u, _ := setup(t, "https://x.example")
	bare := &directory.Tool{Slug: fmt.Sprintf("bare-%d", seq.Add(1)), Name: "Bare", Categories: []string{"consultation"}}
	if err := directory.CreateTool(ctx, db, bare, directory.By{Actor: "curator:test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := claim.Start(ctx, db, u, bare.ID); civiscope.ErrorCode(err) != civiscope.EINVALID {
		t.Fatalf("tool without vendor: %v", err)
	}
}

func TestMetaContent(t *testing.T) {
	page := []byte(`<html><head><META Name="Civiscope-Verification" CONTENT="abc"><meta name="x" content="y"></head>
		<body><meta name="civiscope-verification" content="in-body"></body></html>`)
	got := claim.MetaContent(page, claim.MetaName)
	if len(got) != 1 || got[0] != "abc" {
		t.Fatalf("meta content: %q", got)
	}
}
