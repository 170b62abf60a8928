package claim

import (
	"context"

	"github.com/civiscope/civiscope/crawler/fetch"
)

// CrawlerFetcher adapts the crawler's polite fetcher (robots.txt, per-host
// delay, timeouts, body cap) to Fetcher.
type CrawlerFetcher struct{ F *fetch.Fetcher }

// FetchPage fetches url with the crawler's rules.
func (c CrawlerFetcher) FetchPage(ctx context.Context, url string) (int, []byte, error) {
	resp, err := c.F.Fetch(ctx, fetch.Request{URL: url})
	if err != nil {
		return 0, nil, err
	}
	return resp.Status, resp.Body, nil
}
