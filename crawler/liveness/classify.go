// Package liveness classes one check of a tool website or an instance URL:
// alive, moved, gone, unreachable, parked, archived (or error when the
// server answers with a failure that says nothing definite), and decides
// when repeated failures make a tool or instance dormant or defunct.
package liveness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/civiscope/civiscope/crawler/fetch"
)

// Class is the outcome of one check.
type Class string

const (
	Alive       Class = "alive"
	Moved       Class = "moved"       // a permanent redirect to another domain
	Gone        Class = "gone"        // 404 or 410
	Unreachable Class = "unreachable" // DNS, connection, TLS failure or timeout
	Parked      Class = "parked"      // a domain-parking page
	Archived    Class = "archived"    // the URL is, or redirects to, a web archive
	Error       Class = "error"       // 5xx, 403 and other answers that prove nothing
)

// Failure says whether the class counts toward dormancy. A move is news for
// the directory (the URL must change), not a failure of the tool.
func (c Class) Failure() bool {
	return c != Alive && c != Moved
}

// Hard failures say the site is over, not down for a while.
func (c Class) Hard() bool {
	return c == Gone || c == Parked || c == Archived
}

// Result is one classified check.
type Result struct {
	Class    Class  `json:"class"`
	Status   int    `json:"status,omitempty"`
	FinalURL string `json:"final_url,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

// archiveHosts serve copies of dead sites; 93 of the Decidim installations
// listed on decidim.org point there.
var archiveHosts = []string{"web.archive.org", "wayback.archive-it.org", "archive.ph", "archive.today", "archive.is"}

// parkingHosts are domain marketplaces and parking services a dead domain
// is often redirected to.
var parkingHosts = []string{
	"sedo.com", "sedoparking.com", "dan.com", "afternic.com", "hugedomains.com", "bodis.com",
	"parkingcrew.net", "above.com", "undeveloped.com", "domainmarket.com", "godaddysites.com",
	"parklogic.com", "voodoo.com", "uniregistry.com", "efty.com",
}

// parkingPhrases appear on parking pages, in English and French.
var parkingPhrases = []string{
	"this domain is for sale", "this domain may be for sale", "buy this domain", "domain is parked",
	"this domain has been registered", "domain parking", "parked free", "parkingcrew",
	"sedoparking", "ce nom de domaine est à vendre", "ce domaine est à vendre", "nom de domaine à vendre",
	"ce nom de domaine a été réservé", "domaine parqué", "is available for purchase",
}

// IsArchive says whether u is a web-archive link.
func IsArchive(u string) bool {
	pu, err := url.Parse(u)
	return err == nil && hostIn(pu.Hostname(), archiveHosts)
}

// Classify classes the outcome of fetching target.
func Classify(target string, resp *fetch.Response, err error) Result {
	if IsArchive(target) {
		return Result{Class: Archived, Detail: "the listed URL is a web-archive copy"}
	}
	var r Result
	if resp != nil {
		r.Status, r.FinalURL = resp.Status, resp.FinalURL
		for _, h := range resp.Redirects {
			if IsArchive(h.To) {
				r.Class, r.Detail = Archived, "redirects to the web archive: "+h.To
				return r
			}
			if to, err := url.Parse(h.To); err == nil && hostIn(to.Hostname(), parkingHosts) {
				r.Class, r.Detail = Parked, "redirects to a domain-parking service: "+to.Hostname()
				return r
			}
		}
	}
	if err != nil {
		switch {
		case errors.Is(err, fetch.ErrDisallowed):
			r.Class, r.Detail = Alive, "the server answers, but robots.txt forbids checking the page"
		case errors.Is(err, fetch.ErrUnsupportedType) && resp != nil && resp.Status < 400:
			r.Class, r.Detail = Alive, "answers with "+resp.ContentType
		case unreachable(err):
			r.Class, r.Detail = Unreachable, shortError(err)
		default:
			r.Class, r.Detail = Error, shortError(err)
		}
		return r
	}
	if resp == nil {
		return Result{Class: Error, Detail: "no response"}
	}
	if parked(resp) {
		r.Class, r.Detail = Parked, "domain-parking page"
		return r
	}
	switch {
	case resp.Status == 404 || resp.Status == 410:
		r.Class, r.Detail = Gone, fmt.Sprintf("HTTP %d", resp.Status)
		return r
	case resp.Status >= 400:
		r.Class, r.Detail = Error, fmt.Sprintf("HTTP %d", resp.Status)
		return r
	}
	if to, ok := permanentMove(target, resp); ok {
		r.Class, r.Detail = Moved, "moved permanently to "+to
		return r
	}
	r.Class = Alive
	return r
}

// permanentMove finds a 301/308 in the chain that leaves the target's
// registrable domain (http→https or www. changes stay put).
func permanentMove(target string, resp *fetch.Response) (string, bool) {
	t, err := url.Parse(target)
	if err != nil {
		return "", false
	}
	for _, h := range resp.Redirects {
		if h.Status != 301 && h.Status != 308 {
			continue
		}
		to, err := url.Parse(h.To)
		if err == nil && registrable(to.Hostname()) != registrable(t.Hostname()) {
			return resp.FinalURL, true
		}
	}
	return "", false
}

func parked(resp *fetch.Response) bool {
	if u, err := url.Parse(resp.FinalURL); err == nil && hostIn(u.Hostname(), parkingHosts) {
		return true
	}
	if len(resp.Body) == 0 || len(resp.Body) > 200<<10 {
		return false // a real site's homepage is rarely a tiny or a huge parking page
	}
	lower := bytes.ToLower(resp.Body)
	for _, p := range parkingPhrases {
		if bytes.Contains(lower, []byte(p)) {
			return true
		}
	}
	return false
}

func unreachable(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	if errors.As(err, &dns) || errors.As(err, &op) {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var t interface{ Timeout() bool }
	if errors.As(err, &t) && t.Timeout() {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "tls:") || strings.Contains(s, "x509:") || strings.Contains(s, "connection refused") ||
		strings.Contains(s, "no such host") || strings.Contains(s, "connection reset")
}

func shortError(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

func hostIn(host string, list []string) bool {
	host = strings.ToLower(host)
	for _, h := range list {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

func registrable(host string) string {
	d, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(host))
	if err != nil {
		return strings.ToLower(host)
	}
	return d
}

// Policy turns a history of checks into a state.
type Policy struct {
	// MinFailures failed checks in a row, spanning at least MinSpan, make
	// a target dormant (or defunct for hard failures: gone, parked,
	// archived).
	MinFailures int
	MinSpan     time.Duration
	// DefunctSpan of failures of any kind makes a dormant target defunct.
	DefunctSpan time.Duration
}

// DefaultPolicy is the rule: never on one bad day, only after
// repeated failures over at least 14 days.
func DefaultPolicy() Policy {
	return Policy{MinFailures: 3, MinSpan: 14 * 24 * time.Hour, DefunctSpan: 90 * 24 * time.Hour}
}

// State is what the observatory says about a target.
type State string

const (
	StateAlive   State = "alive"
	StateDormant State = "dormant"
	StateDefunct State = "defunct"
)

// Next returns the state after a check, given the state before, the
// failures in a row so far (this one included) and when they started. While
// failures go on, a state never goes back from defunct to dormant.
func (p Policy) Next(prev State, c Class, failures int, firstFailure, now time.Time) State {
	if !c.Failure() {
		return StateAlive
	}
	next := StateAlive
	span := now.Sub(firstFailure)
	if failures >= p.MinFailures && span >= p.MinSpan {
		next = StateDormant
		if c.Hard() || span >= p.DefunctSpan {
			next = StateDefunct
		}
	}
	if rank(prev) > rank(next) {
		return prev
	}
	return next
}

func rank(s State) int {
	switch s {
	case StateDormant:
		return 1
	case StateDefunct:
		return 2
	}
	return 0
}
