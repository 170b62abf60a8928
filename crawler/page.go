package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

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

// savePage stores a fetch as evidence: its metadata and its body, capped at
// maxBody bytes and gzipped.
func savePage(ctx context.Context, db postgres.Querier, runID int64, r *fetch.Response, maxBody int) (int64, error) {
	body := r.Body
	truncated := r.Truncated
	if len(body) > maxBody {
		body, truncated = body[:maxBody], true
	}
	var gz []byte
	if len(body) > 0 {
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if _, err := w.Write(body); err != nil {
			return 0, fmt.Errorf("compress page: %w", err)
		}
		if err := w.Close(); err != nil {
			return 0, fmt.Errorf("compress page: %w", err)
		}
		gz = buf.Bytes()
	}
	hdr, _ := json.Marshal(headersOfInterest(r.Header))
	redirects := r.Redirects
	if redirects == nil {
		redirects = []fetch.Redirect{}
	}
	red, _ := json.Marshal(redirects)
	var run *int64
	if runID != 0 {
		run = &runID
	}
	var id int64
	err := db.QueryRow(ctx, `
		INSERT INTO crawl_page (run_id, url, final_url, status, headers, redirects, content_type, charset,
		                        content_hash, body_gz, body_size, truncated, etag, last_modified, fetched_at, duration_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		run, r.URL, r.FinalURL, r.Status, hdr, red, r.ContentType, r.Charset, r.Hash(), gz, len(r.Body), truncated,
		first(r.Header["Etag"]), first(r.Header["Last-Modified"]), r.FetchedAt, r.Duration.Milliseconds()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save page %s: %w", r.URL, err)
	}
	return id, nil
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

// LastValidators returns the ETag and Last-Modified of the newest fetch of
// url, for a conditional GET.
func LastValidators(ctx context.Context, db postgres.Querier, url string) (etag, lastModified string, err error) {
	err = db.QueryRow(ctx, `SELECT etag, last_modified FROM crawl_page WHERE url = $1 AND status = 200 ORDER BY fetched_at DESC LIMIT 1`, url).
		Scan(&etag, &lastModified)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("validators of %s: %w", url, err)
	}
	return etag, lastModified, nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
