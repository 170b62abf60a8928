package crawler

import (
	"context"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/crawler/detect"
)

// The crawl jobs as use-cases: what `civiscope crawl …` and the scheduler
// ask of the crawler, each with its context and progress callback; the
// callers only choose the options and say the outcome.

// URLDetection is what one start address of DetectURLs led to: its own
// page, and the platforms found on the pages its participation links and
// subdomains led to.
type URLDetection struct {
	URL        string             `json:"url"`
	FinalURL   string             `json:"final_url,omitempty"`
	Status     int                `json:"status,omitempty"`
	Error      string             `json:"error,omitempty"`
	Detections []detect.Detection `json:"detections"`
	// Pages is how many pages were read, the start page included.
	Pages int          `json:"pages"`
	Found []FoundPlace `json:"found"`
}

// FoundPlace is a platform and the page it was found on.
type FoundPlace struct {
	Platform   string `json:"platform"`
	Confidence int    `json:"confidence"`
	Instance   string `json:"instance"`
	Page       string `json:"page"`
	Depth      int    `json:"depth"`
	Reason     string `json:"reason"`
	From       string `json:"from,omitempty"`
}

// ParseStartURLs checks addresses typed by someone: https is assumed when
// no scheme is given; anything but http(s) with a host is EINVALID, every
// bad one named.
func ParseStartURLs(raw []string) ([]string, error) {
	var errs []civiscope.FieldError
	urls := make([]string, len(raw))
	for i, r := range raw {
		u := r
		if !strings.Contains(u, "://") {
			u = "https://" + u
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, civiscope.FieldError{Field: r, Message: "is not a web address (http or https)"})
		}
		urls[i] = u
	}
	if err := civiscope.Invalid(errs); err != nil {
		return nil, err
	}
	return urls, nil
}

// DetectURLs explores from each start address to depth without the
// database (see Explore). With active, each finding is confirmed with the
// platform's own API when it has one; a failed confirmation is logged and
// the finding kept as it was. progress gets the start addresses done.
func (c *Crawler) DetectURLs(ctx context.Context, urls []string, depth int, active bool, progress ProgressFunc) ([]URLDetection, error) {
	results := make([]URLDetection, 0, len(urls))
	for i, u := range urls {
		if progress != nil {
			progress(i, len(urls))
		}
		pages, err := c.Explore(ctx, u, depth)
		if err != nil {
			return nil, err
		}
		r := URLDetection{URL: u, Detections: []detect.Detection{}, Found: []FoundPlace{}, Pages: len(pages)}
		for j, p := range pages {
			if j == 0 {
				r.FinalURL, r.Status, r.Error = p.FinalURL, p.Status, p.Error
			}
			for k := range p.Findings {
				fd := &p.Findings[k]
				if active {
					if _, err := Confirm(ctx, c.fetcher, fd.PageURL, &fd.Detection); err != nil {
						c.log.Warn("active confirmation failed", "url", fd.PageURL, "platform", fd.Detection.Platform, "err", err)
					}
				}
				if j == 0 {
					r.Detections = append(r.Detections, fd.Detection)
				}
				r.Found = append(r.Found, FoundPlace{Platform: fd.Detection.Platform, Confidence: fd.Detection.Confidence,
					Instance: fd.InstanceURL, Page: fd.PageURL, Depth: p.Depth, Reason: p.Reason, From: p.From})
			}
		}
		results = append(results, r)
	}
	if progress != nil {
		progress(len(urls), len(urls))
	}
	return results, nil
}

// Discovery says which collectivités' websites a new discovery run
// crawls: exactly one of Register, FromAdoptions and Sites.
type Discovery struct {
	// Register crawls every collectivité of the websites register that
	// matches the filter.
	Register *SiteFilter
	// FromAdoptions crawls every known site, after adding those derived
	// from adoptions' instance URLs.
	FromAdoptions bool
	// Sites are rows read from a file (ReadSitesCSV), named Source.
	Sites  []SiteRow
	Source string
	Depth  int
}

// StartedDiscovery is a run StartDiscoveryRun began, with what it did to
// the known sites on the way.
type StartedDiscovery struct {
	Run   *Run
	Sites int // collectivités' websites in the run
	// Imported and Known count the rows of Discovery.Sites that were new
	// and already known; Derived, the sites derived from adoptions.
	Imported, Known, Derived int
}

// StartDiscoveryRun records the sites d names and starts a discovery run
// over them. A register filter that matches no site is EINVALID.
func StartDiscoveryRun(ctx context.Context, db *pgxpool.Pool, d Discovery) (*StartedDiscovery, error) {
	out := &StartedDiscovery{}
	var sites []Site
	label := "all known sites"
	switch {
	case d.Register != nil:
		var err error
		if sites, err = SyncRegisterSites(ctx, db, *d.Register); err != nil {
			return nil, err
		}
		if len(sites) == 0 {
			return nil, civiscope.Errorf(civiscope.EINVALID, "no collectivité with a known website matches: load the register with `civiscope import sites`")
		}
		label = d.Register.Label()
	case d.FromAdoptions:
		n, err := DeriveSitesFromAdoptions(ctx, db)
		if err != nil {
			return nil, err
		}
		out.Derived = n
		if sites, err = ListSites(ctx, db, ""); err != nil {
			return nil, err
		}
	default:
		n, err := ImportSites(ctx, db, d.Sites, d.Source)
		if err != nil {
			return nil, err
		}
		out.Imported, out.Known = n, len(d.Sites)-n
		all, err := ListSites(ctx, db, "")
		if err != nil {
			return nil, err
		}
		want := map[string]bool{}
		for _, r := range d.Sites {
			want[r.URL] = true
		}
		for _, s := range all {
			if want[s.URL] {
				sites = append(sites, s)
			}
		}
		label = d.Source
	}
	run, err := StartDiscovery(ctx, db, sites, label, d.Depth)
	if err != nil {
		return nil, err
	}
	out.Run, out.Sites = run, len(sites)
	return out, nil
}

// Discover works a discovery run to its end (see Work) and returns its
// findings. Stopped by ctx, the run keeps its frontier for a later call.
func (c *Crawler) Discover(ctx context.Context, runID int64, progress ProgressFunc) (Stats, []Finding, error) {
	st, err := c.Work(ctx, runID, progress)
	if err != nil {
		return st, nil, err
	}
	findings, err := ListFindings(ctx, c.db, runID)
	return st, findings, err
}

// CheckLiveness adds the URLs src knows to the watch list, then checks
// those that are due with lc. It returns how many URLs were new.
func CheckLiveness(ctx context.Context, db *pgxpool.Pool, lc *LivenessChecker, src TargetSource, progress ProgressFunc) (int, LivenessSummary, error) {
	n, err := SyncTargets(ctx, db, src)
	if err != nil {
		return 0, LivenessSummary{}, err
	}
	sum, err := lc.CheckDue(ctx, progress)
	return n, sum, err
}
