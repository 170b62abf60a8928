package server

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/civiscope/civiscope"
)

func TestClientIP(t *testing.T) {
	r := httptest.NewRequest("GET", "/api/v1/categories", nil)
	r.RemoteAddr = "198.51.100.7:4444"
	r.Header.Set("X-Forwarded-For", "203.0.113.9, 192.0.2.44")
	if ip := ClientIP(r, false); ip != "198.51.100.7" {
		t.Errorf("without proxy trust: %s", ip)
	}
	if ip := ClientIP(r, true); ip != "192.0.2.44" {
		t.Errorf("behind a proxy: %s (the last hop is the one the proxy saw)", ip)
	}
	r.Header.Set("X-Forwarded-For", "not an ip")
	if ip := ClientIP(r, true); ip != "198.51.100.7" {
		t.Errorf("garbage X-Forwarded-For: %s", ip)
	}
}

// TestLimiterEviction: idle buckets are dropped, so the limiter's memory
// follows active clients, and a dropped client starts again full.
func TestLimiterEviction(t *testing.T) {
	s := NewLimiter(1, 1, time.Minute)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100 {
		s.Allow(fmt.Sprintf("ip:%d", i), t0)
	}
	if ok, wait := s.Allow("ip:0", t0); ok || wait <= 0 || wait > time.Second {
		t.Errorf("empty bucket allowed=%v wait=%v", ok, wait)
	}
	if s.Len() != 100 {
		t.Fatalf("size %d", s.Len())
	}
	s.Allow("ip:fresh", t0.Add(30*time.Second))
	if s.Len() != 101 {
		t.Errorf("buckets dropped before they were idle: %d", s.Len())
	}
	s.Allow("ip:late", t0.Add(2*time.Minute))
	if s.Len() != 1 { // ip:fresh, idle 90 s, goes too; ip:late stays
		t.Errorf("after the idle period %d buckets remain, want 1", s.Len())
	}
	if ok, _ := s.Allow("ip:0", t0.Add(2*time.Minute)); !ok {
		t.Error("ip:0, idle for 2 minutes, did not start again full")
	}
}

func TestYearBeyondInt32IsA400(t *testing.T) {
	for s, want := range map[string]string{"2026": "", "2147483648": "invalid", "99999999999": "invalid", "abc": "not_found", "-1": "not_found"} {
		_, err := Year(s)
		if got := civiscope.ErrorCode(err); got != want {
			t.Errorf("Year(%q): %q, want %q", s, got, want)
		}
	}
}

// Browsers drop tabs and line breaks from URLs and read "\" as "/": a
// return address carrying them would leave the site (issue 18).
func TestLocalPath(t *testing.T) {
	for raw, want := range map[string]string{
		"/outils/decidim?x=1#a": "/outils/decidim?x=1#a",
		"/compte":               "/compte",
		"":                      "",
		"https://evil.example/": "",
		"//evil.example":        "",
		"/\\evil.example":       "",
		"/\t/evil.example":      "",
		"/\r\n/evil.example":    "",
		"/%09/evil.example":     "/%09/evil.example",
		"javascript:alert(1)":   "",
		"/a\x00b":               "",
	} {
		got, ok := LocalPath(raw)
		if ok != (want != "") || got != want {
			t.Errorf("LocalPath(%q) = %q, %v; want %q", raw, got, ok, want)
		}
	}
}
