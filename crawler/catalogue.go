package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/crawler/catalogue"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/postgres"
)

// HarvestStats sums one catalogue harvest.
type HarvestStats struct {
	Pages  int
	Failed int
	Items  int
	New    int
	Errors []string // one line per page that could not be read
}

// Harvest reads a catalogue source: its start pages, then the links its
// follow patterns allow, up to its page limit, and stores every item as a
// pending proposal. Items seen before only get their last_seen updated.
func Harvest(ctx context.Context, db *pgxpool.Pool, f *fetch.Fetcher, src *catalogue.Source, progress ProgressFunc) (HarvestStats, error) {
	var st HarvestStats
	queue := append([]string(nil), src.StartURLs...)
	seen := map[string]bool{}
	for _, u := range queue {
		seen[u] = true
	}
	for len(queue) > 0 && st.Pages+st.Failed < src.MaxPages {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		u := queue[0]
		queue = queue[1:]
		resp, err := f.Fetch(ctx, fetch.Request{URL: u})
		if err == nil && resp.Status != 200 {
			err = fmt.Errorf("HTTP %d", resp.Status)
		}
		if err != nil {
			if ctx.Err() != nil {
				return st, ctx.Err()
			}
			st.Failed++
			st.Errors = append(st.Errors, u+": "+err.Error())
			continue
		}
		st.Pages++
		items, links := src.Extract(resp.FinalURL, resp.Body)
		for _, l := range links {
			if !seen[l] {
				seen[l] = true
				queue = append(queue, l)
			}
		}
		n, err := saveProposals(ctx, db, items)
		if err != nil {
			return st, err
		}
		st.Items += len(items)
		st.New += n
		if progress != nil {
			progress(st.Pages+st.Failed, min(st.Pages+st.Failed+len(queue), src.MaxPages))
		}
	}
	return st, nil
}

func saveProposals(ctx context.Context, db *pgxpool.Pool, items []catalogue.Item) (int, error) {
	added := 0
	err := postgres.InTx(ctx, db, func(tx pgx.Tx) error {
		for _, it := range items {
			fields, _ := json.Marshal(it.Fields)
			mapped, _ := json.Marshal(it.Mapped)
			var inserted bool
			err := tx.QueryRow(ctx, `INSERT INTO crawl_proposal (source, kind, key, page_url, fields, mapped)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (source, kind, key) DO UPDATE SET last_seen = now(), fields = excluded.fields, mapped = excluded.mapped
				RETURNING xmax = 0`, it.Source, it.Kind, clipText(it.Key, 2000), clipText(it.PageURL, 2000), fields, mapped).Scan(&inserted)
			if err != nil {
				return fmt.Errorf("save proposal %s: %w", it.Key, err)
			}
			if inserted {
				added++
			}
		}
		return nil
	})
	return added, err
}

// ProposeProfile reads a vendor's page and stores what its structured data
// says as a pending tool-profile proposal. It returns the profile, empty
// when the page says nothing usable (and then stores nothing).
func ProposeProfile(ctx context.Context, db *pgxpool.Pool, f *fetch.Fetcher, pageURL string) (catalogue.Profile, bool, error) {
	resp, err := f.Fetch(ctx, fetch.Request{URL: pageURL})
	if err != nil {
		return catalogue.Profile{}, false, err
	}
	if resp.Status != 200 {
		return catalogue.Profile{}, false, fmt.Errorf("%s: HTTP %d", pageURL, resp.Status)
	}
	p := catalogue.ExtractProfile(resp.FinalURL, resp.Body)
	if p.Empty() {
		return p, false, nil
	}
	mapped, _ := json.Marshal(p)
	var inserted bool
	err = db.QueryRow(ctx, `INSERT INTO crawl_proposal (source, kind, key, page_url, fields, mapped)
		VALUES ('vendor-page', 'tool-profile', $1, $2, '{}', $3)
		ON CONFLICT (source, kind, key) DO UPDATE SET last_seen = now(), mapped = excluded.mapped
		RETURNING xmax = 0`, strings.ToLower(resp.FinalURL), resp.FinalURL, mapped).Scan(&inserted)
	if err != nil {
		return p, false, fmt.Errorf("save profile proposal: %w", err)
	}
	return p, inserted, nil
}

// FindSource returns the embedded source of that name.
func FindSource(name string) (*catalogue.Source, error) {
	srcs, err := catalogue.Embedded()
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		if s.Name == name {
			return s, nil
		}
	}
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no catalogue source named %q; known: %s", name, strings.Join(names, ", "))
}
