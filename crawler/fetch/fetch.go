package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// Errors a caller can tell apart with errors.Is.
var (
	ErrDisallowed      = errors.New("disallowed by robots.txt")
	ErrUnsupportedType = errors.New("unsupported content type")
	ErrTooManyRedirect = errors.New("too many redirects")
	ErrRedirectLoop    = errors.New("redirect loop")
	ErrBadURL          = errors.New("not an http(s) URL")
)

// Request is one page to fetch. ETag and LastModified come from an earlier
// fetch and make the request conditional.
type Request struct {
	URL          string
	ETag         string
	LastModified string
	// Method and Body are for active probes (a POST to a GraphQL API);
	// pages are always GET.
	Method      string
	Body        []byte
	ContentType string
}

// Redirect is one hop of a redirect chain.
type Redirect struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Status int    `json:"status"`
}

// Response is what the crawler keeps of a fetch.
type Response struct {
	URL         string
	FinalURL    string
	Status      int
	Header      map[string][]string
	Redirects   []Redirect
	ContentType string // media type without parameters
	Charset     string // the charset the body was decoded from
	Body        []byte // decoded to UTF-8 for text types
	Truncated   bool   // the body was over MaxBody or cut short by the server
	NotModified bool   // 304 to a conditional request
	Attempts    int
	FetchedAt   time.Time
	Duration    time.Duration
}

// Hash is the SHA-256 of the body, to tell an unchanged page cheaply.
func (r *Response) Hash() string {
	s := sha256.Sum256(r.Body)
	return hex.EncodeToString(s[:])
}

// Fetcher is safe for concurrent use; one per process is enough.
type Fetcher struct {
	cfg    Config
	client *http.Client
	global chan struct{}
	hosts  *hostTable
	robots *robotsCache
	sleep  func(ctx context.Context, d time.Duration) error
}

// New builds a Fetcher. transport may be nil for the default one.
func New(cfg Config, transport http.RoundTripper) *Fetcher {
	cfg = cfg.withDefaults()
	if transport == nil {
		transport = &http.Transport{
			Proxy:                 nil, // a crawler must not leak through an ambient proxy
			DialContext:           cfg.Outbound.Dialer(10*time.Second, 30*time.Second).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: cfg.Timeout,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   cfg.HostConcurrency + 1,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
			// Pages are tens of kilobytes: read them in a few system
			// calls rather than in 4 KB steps.
			ReadBufferSize: 32 << 10,
		}
	}
	f := &Fetcher{
		cfg: cfg,
		client: &http.Client{
			Transport: transport,
			// Redirects are followed by hand so that every hop is checked
			// against robots.txt and the host's delay, and recorded.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		global: make(chan struct{}, cfg.GlobalConcurrency),
		hosts:  newHostTable(cfg),
		sleep:  sleepCtx,
	}
	f.robots = newRobotsCache(f)
	return f
}

// Config returns the effective configuration.
func (f *Fetcher) Config() Config { return f.cfg }

// Fetch fetches req.URL, following redirects. A non-2xx status is not an
// error: the Response says what the server answered. Errors are for what
// prevented an answer (robots, network, limits).
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*Response, error) {
	start := time.Now()
	u, err := parseURL(req.URL)
	if err != nil {
		return nil, err
	}
	resp := &Response{URL: u.String(), FetchedAt: start}
	seen := map[string]bool{}
	for hop := 0; ; hop++ {
		if seen[u.String()] {
			return resp, fmt.Errorf("%s: %w", u, ErrRedirectLoop)
		}
		seen[u.String()] = true
		ok, err := f.robots.allowed(ctx, u)
		if err != nil {
			return resp, err
		}
		if !ok {
			return resp, fmt.Errorf("%s: %w", u, ErrDisallowed)
		}
		hr, err := f.attempts(ctx, u, req, hop == 0, resp)
		if err != nil {
			resp.FinalURL = u.String()
			resp.Duration = time.Since(start)
			return resp, err
		}
		if isRedirect(hr.status) && hr.location != "" {
			next, err := u.Parse(hr.location)
			if err != nil || (next.Scheme != "http" && next.Scheme != "https") {
				resp.FinalURL, resp.Status, resp.Header = u.String(), hr.status, hr.header
				return resp, fmt.Errorf("%s: bad Location %q: %w", u, hr.location, ErrBadURL)
			}
			next.Fragment = ""
			resp.Redirects = append(resp.Redirects, Redirect{From: u.String(), To: next.String(), Status: hr.status})
			if hop+1 > f.cfg.MaxRedirects {
				resp.FinalURL, resp.Status, resp.Header = u.String(), hr.status, hr.header
				return resp, fmt.Errorf("%s: %w (%d)", req.URL, ErrTooManyRedirect, f.cfg.MaxRedirects)
			}
			u = next
			continue
		}
		resp.FinalURL = u.String()
		resp.Status = hr.status
		resp.Header = hr.header
		resp.NotModified = hr.status == http.StatusNotModified
		resp.ContentType = hr.mediaType
		resp.Truncated = hr.truncated
		resp.Duration = time.Since(start)
		if hr.unsupported {
			return resp, fmt.Errorf("%s: %q: %w", u, hr.mediaType, ErrUnsupportedType)
		}
		resp.Body, resp.Charset = decode(hr.body, hr.header.Get("Content-Type"), hr.mediaType)
		return resp, nil
	}
}

// hopResult is one HTTP exchange, body already read and capped.
type hopResult struct {
	status      int
	header      http.Header
	location    string
	mediaType   string
	body        []byte
	truncated   bool
	unsupported bool
}

// attempts runs one hop with retries on 5xx, 429 and timeouts.
func (f *Fetcher) attempts(ctx context.Context, u *url.URL, req Request, first bool, resp *Response) (*hopResult, error) {
	var last *hopResult
	var lastErr error
	for attempt := 0; attempt <= f.cfg.Retries; attempt++ {
		if attempt > 0 {
			wait := backoff(f.cfg.BackoffBase, f.cfg.BackoffMax, attempt)
			if last != nil {
				if ra, ok := retryAfter(last.header.Get("Retry-After"), time.Now()); ok {
					if ra > f.cfg.MaxRetryAfter {
						return last, nil // the server asks for more patience than we have
					}
					wait = max(wait, ra)
				}
			}
			if err := f.sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
		resp.Attempts++
		last, lastErr = f.once(ctx, u, req, first)
		if lastErr != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if isTimeout(lastErr) {
				continue
			}
			return nil, lastErr
		}
		if !retryable(last.status) {
			return last, nil
		}
	}
	if lastErr != nil {
		return nil, lastErr
	}
	return last, nil
}

func (f *Fetcher) once(ctx context.Context, u *url.URL, req Request, first bool) (*hopResult, error) {
	release, err := f.acquire(ctx, u.Host)
	if err != nil {
		return nil, err
	}
	defer release()
	actx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	method := http.MethodGet
	var body io.Reader
	if first && req.Method != "" {
		method = req.Method
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(actx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u, ErrBadURL)
	}
	hreq.Header.Set("User-Agent", f.cfg.UserAgent)
	hreq.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	hreq.Header.Set("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
	if first && req.ContentType != "" {
		hreq.Header.Set("Content-Type", req.ContentType)
	}
	if first && req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if first && req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	hr, err := f.client.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer hr.Body.Close()
	res := &hopResult{status: hr.StatusCode, header: hr.Header, location: hr.Header.Get("Location")}
	res.mediaType = mediaType(hr.Header.Get("Content-Type"))
	if isRedirect(hr.StatusCode) || hr.StatusCode == http.StatusNotModified || method == http.MethodHead {
		return res, nil
	}
	if !f.accepts(res.mediaType) {
		res.unsupported = true
		return res, nil
	}
	res.body, res.truncated, err = readCapped(hr.Body, f.cfg.MaxBody, hr.ContentLength)
	if err != nil {
		if isTimeout(err) || actx.Err() != nil {
			// A server that stalls mid-body is as bad as one that never
			// answers: retry rather than keep a fragment.
			return nil, fmt.Errorf("read %s: %w", u, errTimeout{err})
		}
		// The server closed early (a lying Content-Length, a reset): keep
		// what came, marked truncated, since it is still evidence.
		res.truncated = true
	}
	return res, nil
}

// readCapped reads at most max bytes and says whether there was more.
// A body of announced length is read into a buffer of that size: the
// transport ends it there, or fails when the server sends less. Other
// bodies start from the size of a typical page rather than from nothing.
func readCapped(r io.Reader, max, announced int64) ([]byte, bool, error) {
	if announced >= 0 && announced <= max {
		b := make([]byte, announced)
		n, err := io.ReadFull(r, b)
		return b[:n], false, err
	}
	size := int64(32 << 10)
	if announced >= 0 {
		size = announced + 1
	}
	var buf bytes.Buffer
	buf.Grow(int(min(size, max+1)))
	_, err := buf.ReadFrom(io.LimitReader(r, max+1))
	b := buf.Bytes()
	if int64(len(b)) > max {
		return b[:max], true, nil
	}
	return b, false, err
}

func (f *Fetcher) accepts(mt string) bool {
	if mt == "" {
		return true // many small servers send none; sniffing happens in decode
	}
	for _, t := range f.cfg.Types {
		if t == mt {
			return true
		}
	}
	return false
}

// decode turns a text body into UTF-8, from the charset the headers, a BOM
// or a <meta> declare; many municipal sites still serve ISO-8859-1 or
// Windows-1252.
func decode(body []byte, contentType, mt string) ([]byte, string) {
	if len(body) == 0 {
		return body, ""
	}
	if mt != "" && !strings.HasPrefix(mt, "text/") && !strings.Contains(mt, "html") && !strings.Contains(mt, "xml") {
		return body, "utf-8"
	}
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	// Undeclared and valid UTF-8 as a whole is UTF-8: the WHATWG prescan
	// only looks at 1 KiB and would call an ASCII head windows-1252.
	if name == "utf-8" || enc == nil || (!certain && utf8.Valid(body)) {
		return body, "utf-8"
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body, "utf-8"
	}
	return out, name
}

func mediaType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	return mt
}

func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q: %w", raw, ErrBadURL)
	}
	u.Fragment = ""
	return u, nil
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == 500 || status == 502 || status == 503 || status == 504
}

// errTimeout marks a stalled body read as a timeout for the retry loop.
type errTimeout struct{ err error }

func (e errTimeout) Error() string { return "timeout: " + e.err.Error() }
func (e errTimeout) Unwrap() error { return e.err }
func (e errTimeout) Timeout() bool { return true }

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
