// Package fetch is the crawler's polite HTTP client: robots.txt, per-host
// delay and concurrency, a global concurrency limit, timeouts, a body cap, a
// redirect limit, retries with backoff that honour Retry-After, conditional
// GET and charset decoding.
//
// It is the only crawler package that imports net/http: it is the crawler's
// transport, as server is the site's. Everything above it (detection,
// discovery, catalogues, liveness) works on the plain Response it returns.
package fetch

import (
	"fmt"
	"strings"
	"time"

	"github.com/civiscope/civiscope/outbound"
)

// Config sets the politeness and safety limits. Zero fields take the
// defaults of DefaultConfig, so tests override only what they exercise.
type Config struct {
	// UserAgent identifies the crawler and must carry a contact URL so a
	// webmaster can reach the observatory; see UserAgent.
	UserAgent string
	// Timeout bounds one attempt: connecting, headers and body.
	Timeout time.Duration
	// MaxBody is the number of bytes kept; the rest is dropped and the
	// response marked Truncated.
	MaxBody int64
	// MaxRedirects is how many hops are followed before giving up.
	MaxRedirects int
	// HostDelay is the minimum interval between two requests to one host.
	// A larger Crawl-delay in robots.txt wins, up to MaxCrawlDelay.
	HostDelay     time.Duration
	MaxCrawlDelay time.Duration
	// HostConcurrency and GlobalConcurrency cap requests in flight.
	HostConcurrency   int
	GlobalConcurrency int
	// Retries is how many times a 5xx, a 429 or a timeout is retried.
	Retries int
	// BackoffBase doubles at each retry, with full jitter, up to BackoffMax.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// MaxRetryAfter caps how long a Retry-After header may make us wait;
	// beyond it the attempt is given up rather than the worker blocked.
	MaxRetryAfter time.Duration
	// RobotsTTL is how long a host's robots.txt is cached.
	RobotsTTL time.Duration
	// Types lists the media types whose bodies are read; others get
	// ErrUnsupportedType with their status and headers only.
	Types []string
	// Outbound checks every address dialled, after DNS and on every
	// redirect; nil refuses every non-public address. Tests against
	// httptest servers pass outbound.New(outbound.AllowLoopback()).
	Outbound *outbound.Guard
}

// DefaultConfig is what the crawler uses in production: one request per
// host every two seconds, as most public-sector robots policies expect.
func DefaultConfig() Config {
	return Config{
		UserAgent:         UserAgent(""),
		Timeout:           20 * time.Second,
		MaxBody:           4 << 20,
		MaxRedirects:      8,
		HostDelay:         2 * time.Second,
		MaxCrawlDelay:     30 * time.Second,
		HostConcurrency:   1,
		GlobalConcurrency: 16,
		Retries:           3,
		BackoffBase:       time.Second,
		BackoffMax:        30 * time.Second,
		MaxRetryAfter:     2 * time.Minute,
		RobotsTTL:         6 * time.Hour,
		Types: []string{
			"text/html", "application/xhtml+xml", "application/json",
			"application/ld+json", "application/xml", "text/xml", "text/plain",
		},
	}
}

// withDefaults fills the zero fields of c from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.UserAgent == "" {
		c.UserAgent = d.UserAgent
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.MaxBody <= 0 {
		c.MaxBody = d.MaxBody
	}
	if c.MaxRedirects <= 0 {
		c.MaxRedirects = d.MaxRedirects
	}
	if c.HostDelay < 0 {
		c.HostDelay = 0
	}
	if c.MaxCrawlDelay <= 0 {
		c.MaxCrawlDelay = d.MaxCrawlDelay
	}
	if c.HostConcurrency <= 0 {
		c.HostConcurrency = d.HostConcurrency
	}
	if c.GlobalConcurrency <= 0 {
		c.GlobalConcurrency = d.GlobalConcurrency
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.BackoffBase <= 0 {
		c.BackoffBase = d.BackoffBase
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = d.BackoffMax
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = d.MaxRetryAfter
	}
	if c.RobotsTTL <= 0 {
		c.RobotsTTL = d.RobotsTTL
	}
	if len(c.Types) == 0 {
		c.Types = d.Types
	}
	if c.Outbound == nil {
		c.Outbound = outbound.New()
	}
	return c
}

// UserAgent builds the crawler's User-Agent from the site's public URL, so
// that every request says who we are and where to read about the crawler.
func UserAgent(publicURL string) string {
	contact := strings.TrimRight(publicURL, "/")
	if contact == "" {
		contact = "https://github.com/civiscope/civiscope"
	} else {
		contact += "/a-propos/robot"
	}
	return fmt.Sprintf("CiviscopeBot/1.0 (+%s)", contact)
}

// robotsAgent is the token matched against robots.txt groups.
const robotsAgent = "CiviscopeBot"
