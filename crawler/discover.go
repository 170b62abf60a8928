package crawler

import (
	"net"
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/civiscope/civiscope/crawler/detect"
)

// participationLabels are the first labels of participation platforms'
// hosts, from the French Decidim installations listed on decidim.org
// (shared/reference/platform-fingerprints.md, section 1).
var participationLabels = []string{
	"participez", "participons", "participation", "jeparticipe", "participer",
	"budgetparticipatif", "petitions", "petition", "ecrivons", "contribuez",
	"participationcitoyenne", "concertation", "jedonnemonavis",
}

// participationWords are looked for, unaccented and lower case, in a link's
// text and URL.
var participationWords = []string{
	"particip", "budget participatif", "budget-participatif", "budgetparticipatif",
	"concertation", "petition", "consultation citoyenne", "jedonnemonavis",
}

// neverFollow are hosts that are never a collectivité's platform: social
// networks, code forges, encyclopaedias.
var neverFollow = []string{
	"facebook.com", "twitter.com", "x.com", "instagram.com", "linkedin.com", "youtube.com",
	"github.com", "gitlab.com", "wikipedia.org", "google.com", "apple.com", "tiktok.com",
	"service-public.fr", "legifrance.gouv.fr",
}

// Candidate is a URL discovery wants fetched.
type Candidate struct {
	URL    string
	Reason string
}

// Discoverer picks, from a collectivité's pages, the links that lead to
// participation platforms. Vendors' own sites (decidim.org…) are skipped: a
// town linking to a vendor, in a news article or elsewhere, is no adoption.
type Discoverer struct {
	vendors map[string]bool // registrable domains of the vendors' websites
}

// NewDiscoverer builds a Discoverer that skips the websites the rules list.
func NewDiscoverer(rules *detect.Rules) *Discoverer {
	d := &Discoverer{vendors: map[string]bool{}}
	for _, p := range rules.Platforms() {
		if u, err := url.Parse(p.Website); err == nil && u.Host != "" {
			d.vendors[strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")] = true
		}
	}
	return d
}

// isVendorSite is true for a vendor's own website (decidim.org,
// www.cap-collectif.com) but not for instances hosted under it
// (ville.cap-collectif.com).
func (d *Discoverer) isVendorSite(host string) bool {
	return d.vendors[strings.TrimPrefix(strings.ToLower(host), "www.")]
}

// Guesses returns the participation subdomains to try for a collectivité's
// site: participez.exemple.fr and the like.
func (d *Discoverer) Guesses(site string) []Candidate {
	u, err := url.Parse(site)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return nil // an address or a bare name has no subdomains to guess
	}
	base := registrable(host)
	out := make([]Candidate, 0, len(participationLabels))
	for _, l := range participationLabels {
		out = append(out, Candidate{URL: "https://" + l + "." + base + "/", Reason: "subdomain " + l + "."})
	}
	return out
}

// Links returns the links of a page worth following toward a platform.
func (d *Discoverer) Links(pageURL string, doc *detect.Document) []Candidate {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []Candidate
	consider := func(href, text, kind string, inArticle bool) {
		u, err := base.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return
		}
		u.Fragment = ""
		host := strings.ToLower(u.Hostname())
		if d.isVendorSite(host) || blocked(host) {
			return
		}
		if kind == "frame" && d.vendors[registrable(host)] {
			return // a vendor's widget: the embedding page is the evidence
		}
		reason := ""
		if l := firstLabel(host); isParticipationLabel(l) {
			reason = kind + " to " + l + " subdomain"
		} else if w := participationWord(fold(text)); w != "" {
			reason = kind + " text mentions " + w
		} else if w := participationWord(fold(u.Host + u.Path)); w != "" {
			reason = kind + " URL mentions " + w
		} else if kind == "frame" && !sameSite(host, base.Hostname()) {
			reason = "embedded frame from " + host
		}
		if reason == "" {
			return
		}
		// In a news article, only links to a participation host count:
		// words alone there are news about participation.
		if inArticle && !strings.Contains(reason, "subdomain") {
			return
		}
		s := u.String()
		if !seen[s] {
			seen[s] = true
			out = append(out, Candidate{URL: s, Reason: reason})
		}
	}
	for _, l := range doc.Links {
		consider(l.Href, l.Text, "link", l.InArticle)
	}
	for _, f := range doc.Frames {
		consider(f, "", "frame", false)
	}
	return out
}

func blocked(host string) bool {
	r := registrable(host)
	for _, b := range neverFollow {
		if r == b || host == b {
			return true
		}
	}
	return false
}

func firstLabel(host string) string {
	l, _, _ := strings.Cut(host, ".")
	return l
}

func isParticipationLabel(l string) bool {
	for _, p := range participationLabels {
		if l == p {
			return true
		}
	}
	return false
}

func participationWord(s string) string {
	for _, w := range participationWords {
		if strings.Contains(s, w) {
			return w
		}
	}
	return ""
}

// fold lower-cases and strips accents: "Pétition" → "petition".
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// sameSiteLinks returns every link of the page to its own host.
func sameSiteLinks(pageURL string, doc *detect.Document) []Candidate {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []Candidate
	for _, l := range doc.Links {
		u, err := base.Parse(l.Href)
		if err != nil || u.Host != base.Host || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		u.Fragment = ""
		if s := u.String(); !seen[s] {
			seen[s] = true
			out = append(out, Candidate{URL: s, Reason: "same-site link"})
		}
	}
	return out
}
