package resolve

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/civiscope/civiscope/directory"
)

// site is what a URL says about who runs it.
type site struct {
	host   string
	labels []string // host labels without the TLD and without "www"
	tld    string
	// registered is the registrable domain, e.g. "touraine.fr".
	registered string
}

func parseSite(raw string) site {
	if raw == "" {
		return site{}
	}
	if orig, ok := directory.ArchivedOriginal(raw); ok {
		raw = orig
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Hostname() == "" {
		return site{}
	}
	h := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	parts := strings.Split(h, ".")
	s := site{host: h, tld: parts[len(parts)-1]}
	s.labels = parts[:len(parts)-1]
	if len(parts) >= 2 {
		s.registered = parts[len(parts)-2] + "." + s.tld
		// Second-level registries such as gouv.fr or com.ar.
		if len(parts) >= 3 && (parts[len(parts)-2] == "gouv" || parts[len(parts)-2] == "gob" ||
			parts[len(parts)-2] == "gub" || parts[len(parts)-2] == "com" || parts[len(parts)-2] == "gov") {
			s.registered = parts[len(parts)-3] + "." + parts[len(parts)-2] + "." + s.tld
		}
	}
	return s
}

// frenchTLDs are top-level domains that only French bodies use.
func frenchTLD(tld string) bool {
	switch tld {
	case "fr", "bzh", "alsace", "corsica", "paris", "re", "gp", "mq", "gf", "yt", "pm", "nc", "pf", "wf", "bl", "mf":
		return true
	}
	return false
}

// neutralTLD are generic domains that say nothing about the country.
func neutralTLD(tld string) bool {
	switch tld {
	case "", "org", "com", "net", "eu", "info", "io", "coop", "app", "online", "site", "city", "social", "earth", "global", "tech", "community":
		return true
	}
	return false
}

// tldCountry maps country-code TLDs (and the regional ones of Spain) to
// ISO 3166 codes; "" when the TLD is not a country's.
func tldCountry(tld string) string {
	switch tld {
	case "cat", "gal", "eus":
		return "ES"
	case "uk":
		return "GB"
	}
	if len(tld) == 2 && !neutralTLD(tld) {
		return strings.ToUpper(tld)
	}
	return ""
}

// isGovFR marks French central-government domains: their owners are
// ministries and agencies, never collectivités.
func (s site) isGovFR() bool { return strings.HasSuffix(s.host, ".gouv.fr") || s.host == "gouv.fr" }

var trailingDept = regexp.MustCompile(`^[a-z-]*?([0-9]{2,3}|2a|2b)$`)

// deptHint returns a département number written in a label, as in
// "bagneux92.fr", or "".
func (s site) deptHint() string {
	for _, l := range s.labels {
		if m := trailingDept.FindStringSubmatch(l); m != nil && len(l) > len(m[1]) {
			return strings.ToUpper(m[1])
		}
	}
	return ""
}

// compact returns the host labels without dots, hyphens or digits, for
// containment tests against compact names.
func (s site) compactLabels() []string {
	out := make([]string, 0, len(s.labels))
	for _, l := range s.labels {
		c := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, l)
		if len(c) >= 3 {
			out = append(out, c)
		}
	}
	return out
}

// mentions reports whether a label of the site contains the compact name.
func (s site) mentions(compactName string) bool {
	if len(compactName) < 3 {
		return false
	}
	for _, l := range s.compactLabels() {
		if strings.Contains(l, compactName) {
			return true
		}
	}
	return false
}

// officialDomain is a domain known to belong to one collectivité whose name
// does not appear in it. Each entry must be checkable from the shipped data.
type officialDomain struct {
	kind, code string
	why        string
}

func officialDomains() map[string]officialDomain {
	return map[string]officialDomain{
		// The Indre-et-Loire département calls itself "Touraine" online. Both
		// decidim.org installations named "Touraine" on touraine.fr carry
		// points inside Indre-et-Loire (data/sources/decidim_installations.json).
		"touraine.fr": {"departement", "37", "touraine.fr is the domain of the Indre-et-Loire département (Touraine)"},
	}
}
