package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	strict, local := New(), New(AllowLoopback())
	for addr, wantStrict := range map[string]bool{
		"127.0.0.1": false, "127.8.9.10": false, "::1": false, "::ffff:127.0.0.1": false,
		"10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "fd12::1": false,
		"169.254.169.254": false, "169.254.1.1": false, "fe80::1": false, "fd00:ec2::254": false,
		"100.100.100.200": false, "0.0.0.0": false, "::": false, "224.0.0.1": false, "255.255.255.255": false,
		"93.184.215.14": true, "2606:4700::6810:84e5": true, "8.8.8.8": true,
	} {
		ip := netip.MustParseAddr(addr)
		if err := strict.Check(ip); (err == nil) != wantStrict || err != nil && !errors.Is(err, ErrForbidden) {
			t.Errorf("strict %s: %v", addr, err)
		}
		wantLocal := wantStrict || ip.Unmap().IsLoopback()
		if err := local.Check(ip); (err == nil) != wantLocal {
			t.Errorf("with loopback allowed %s: %v", addr, err)
		}
	}
}

func client(g *Guard) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil, DialContext: g.Dialer(time.Second, 0).DialContext}}
}

// The check runs on the resolved address: a name is no way around it.
func TestNamesAreCheckedAfterResolution(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "inside") }))
	defer s.Close()
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	_, err := client(New()).Get("http://localhost:" + port + "/")
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("localhost reached through its name: %v", err)
	}
	resp, err := client(New(AllowLoopback())).Get("http://localhost:" + port + "/")
	if err != nil {
		t.Fatalf("loopback explicitly allowed: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "inside" {
		t.Errorf("body %q", b)
	}
}

// Every redirect hop dials anew, through the same check: an allowed host
// cannot bounce the request to a refused one.
func TestRedirectsAreChecked(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 on this machine: %v", err)
	}
	inner := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "metadata")
	})}}
	inner.Start()
	defer inner.Close()
	outer := httptest.NewServer(http.RedirectHandler(inner.URL+"/latest/meta-data", http.StatusFound))
	defer outer.Close()
	g := New(Allow(netip.MustParsePrefix("127.0.0.1/32")))
	_, err = client(g).Get(outer.URL)
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("the redirect to a refused address was followed: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", outer.URL, nil)
	c := client(g)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("the allowed host itself: %v", err)
	}
}
