package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/postgres"
)

// interestingHeaders are kept with each page: what identifies the software
// and what caching needs. Cookie values are dropped (they can be session
// identifiers); their names are what detection uses.
var interestingHeaders = []string{
	"Server", "X-Powered-By", "X-Generator", "Content-Type", "Etag", "Last-Modified",
	"Location", "X-Frame-Options", "Content-Security-Policy", "Set-Cookie", "Retry-After",
}

func headersOfInterest(h map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, k := range interestingHeaders {
		vs, ok := h[k]
		if !ok {
			continue
		}
		if k == "Set-Cookie" {
			names := make([]string, 0, len(vs))
			for _, v := range vs {
				n, _, _ := strings.Cut(v, "=")
				names = append(names, strings.TrimSpace(n)+"=…")
			}
			vs = names
		}
		for i := range vs {
			vs[i] = clipText(vs[i], 2000)
		}
		out[k] = vs
	}
	return out
}

// pageValues prepares a fetch for storage as evidence: its metadata and its
// body, capped at maxBody bytes and gzipped.
type pageValues struct {
	headers, redirects []byte
	gz                 []byte
	truncated          bool
}

// gzipPool reuses compressors: a new flate writer allocates and clears
// about a megabyte, which at hundreds of pages a second was half the
// crawler's CPU. It is a small free list rather than a sync.Pool, which
// the garbage collector empties, and a crawler collects every few
// milliseconds.
type gzipPool struct{ free chan *gzip.Writer }

func newGzipPool() gzipPool { return gzipPool{free: make(chan *gzip.Writer, 4)} }

func (g *gzipPool) compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b) / 4)
	var w *gzip.Writer
	select {
	case w = <-g.free:
		w.Reset(&buf)
	default:
		w, _ = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	}
	defer func() {
		select {
		case g.free <- w:
		default:
		}
	}()
	if _, err := w.Write(b); err != nil {
		return nil, fmt.Errorf("compress page: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compress page: %w", err)
	}
	return buf.Bytes(), nil
}

func preparePage(r *fetch.Response, maxBody int, gz *gzipPool) (pageValues, error) {
	var v pageValues
	body := r.Body
	v.truncated = r.Truncated
	if len(body) > maxBody {
		body, v.truncated = body[:maxBody], true
	}
	if len(body) > 0 {
		var err error
		if v.gz, err = gz.compress(body); err != nil {
			return v, err
		}
	}
	v.headers, _ = json.Marshal(headersOfInterest(r.Header))
	redirects := r.Redirects
	if redirects == nil {
		redirects = []fetch.Redirect{}
	}
	v.redirects, _ = json.Marshal(redirects)
	return v, nil
}

// PageBody returns a stored page's body, decompressed.
func PageBody(ctx context.Context, db postgres.Querier, pageID int64) ([]byte, error) {
	var gz []byte
	if err := db.QueryRow(ctx, `SELECT body_gz FROM crawl_page WHERE id = $1`, pageID).Scan(&gz); err != nil {
		return nil, fmt.Errorf("read page %d: %w", pageID, err)
	}
	if len(gz) == 0 {
		return nil, nil
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", pageID, err)
	}
	return io.ReadAll(r)
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
