package crawler

import (
	"context"
	"sync"
)

// ExploredPage is one page an exploration fetched: how it was reached,
// what answered, and the platforms found on it.
type ExploredPage struct {
	URL      string    `json:"url"`
	FinalURL string    `json:"final_url,omitempty"`
	Status   int       `json:"status,omitempty"`
	Error    string    `json:"error,omitempty"`
	Depth    int       `json:"depth"`
	Reason   string    `json:"reason"`
	From     string    `json:"from,omitempty"` // the page that linked here
	Findings []Finding `json:"findings"`
}

// Explore crawls from one collectivité's page without the database: the
// same fetches, fingerprints, links followed and subdomains guessed as a
// discovery run, level by level to depth, each URL once. Pages that could
// not be read are returned with their error; only ctx stops it.
func (c *Crawler) Explore(ctx context.Context, start string, depth int) ([]ExploredPage, error) {
	run := &Run{Kind: RunDiscovery, MaxDepth: depth}
	seen := map[string]bool{start: true}
	level := []ExploredPage{{URL: start, Reason: "seed"}}
	var out []ExploredPage
	for len(level) > 0 {
		done := make([]pageOutcome, len(level))
		next := make(chan int)
		var wg sync.WaitGroup
		for range min(c.cfg.Workers, len(level)) {
			wg.Go(func() {
				for i := range next {
					p := level[i]
					a := c.fetchItem(ctx, Item{URL: p.URL, Depth: p.Depth, Reason: p.Reason})
					done[i] = c.analyse(run, a)
				}
			})
		}
		for i := range level {
			next <- i
		}
		close(next)
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return out, err
		}
		var following []ExploredPage
		for i, o := range done {
			p := level[i]
			if o.resp != nil {
				p.FinalURL, p.Status = o.resp.FinalURL, o.resp.Status
			}
			if o.state == "failed" {
				p.Error = o.msg
			}
			p.Findings = o.findings
			if p.Findings == nil {
				p.Findings = []Finding{}
			}
			out = append(out, p)
			for _, n := range o.next {
				if !seen[n.URL] {
					seen[n.URL] = true
					following = append(following, ExploredPage{URL: n.URL, Depth: n.Depth, Reason: n.Reason, From: p.finalOrURL()})
				}
			}
		}
		level = following
	}
	return out, nil
}

func (p ExploredPage) finalOrURL() string {
	if p.FinalURL != "" {
		return p.FinalURL
	}
	return p.URL
}
