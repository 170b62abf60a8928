package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
)

// decidimVersionQuery is the GraphQL query Decidim's API answers with its
// version (decidim/decidim decidim-api/README.md).
const decidimVersionQuery = `{"query":"{ decidim { version } }"}`

// Confirm runs the active check a detected platform offers, when there is
// one, and adds its result to d: today Decidim's GraphQL version query. It
// sends one extra request to the instance, so it is off by default (crawl
// detect --active). It returns whether the platform confirmed.
func Confirm(ctx context.Context, f *fetch.Fetcher, pageURL string, d *detect.Detection) (bool, error) {
	if d.Platform != "Decidim" {
		return false, nil
	}
	u, err := url.Parse(pageURL)
	if err != nil || u.Host == "" {
		return false, fmt.Errorf("confirm on %q: not a URL", pageURL)
	}
	api := u.Scheme + "://" + u.Host + "/api"
	resp, err := f.Fetch(ctx, fetch.Request{URL: api, Method: "POST", Body: []byte(decidimVersionQuery), ContentType: "application/json"})
	if err != nil {
		return false, err
	}
	if resp.Status != 200 {
		return false, nil
	}
	var answer struct {
		Data struct {
			Decidim struct {
				Version string `json:"version"`
			} `json:"decidim"`
		} `json:"data"`
	}
	if json.Unmarshal(resp.Body, &answer) != nil || answer.Data.Decidim.Version == "" {
		return false, nil
	}
	v := answer.Data.Decidim.Version
	if len(v) > 40 {
		v = v[:40]
	}
	d.Version = v
	d.Confidence = 100
	d.Matches = append(d.Matches, detect.Match{Kind: "probe", Rule: "POST /api { decidim { version } }", Evidence: "version " + v, Confidence: 100})
	return true, nil
}
