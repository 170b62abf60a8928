package catalogue

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Profile is what a vendor's page says about its product, read from
// schema.org JSON-LD, OpenGraph and the meta description. It pre-fills a
// tool profile proposal that a moderator reviews; nothing of it is
// published as is.
type Profile struct {
	URL             string   `json:"url"`
	Name            string   `json:"name,omitempty"`
	Description     string   `json:"description,omitempty"`
	Website         string   `json:"website,omitempty"`
	Category        string   `json:"application_category,omitempty"`
	OperatingSystem string   `json:"operating_system,omitempty"`
	Licence         string   `json:"licence,omitempty"`
	Organisation    string   `json:"organisation,omitempty"`
	Logo            string   `json:"logo,omitempty"`
	SameAs          []string `json:"same_as,omitempty"`
	// Sources says which markup each field came from: jsonld, og, meta.
	Sources map[string]string `json:"sources,omitempty"`
}

// Empty is true when the page said nothing usable.
func (p Profile) Empty() bool { return p.Name == "" && p.Description == "" && p.Organisation == "" }

// maxJSONLD bounds one script's size: a page cannot make us parse megabytes.
const maxJSONLD = 256 << 10

// ExtractProfile reads a vendor page. JSON-LD wins over OpenGraph, which
// wins over the meta description and title.
func ExtractProfile(pageURL string, body []byte) Profile {
	p := Profile{URL: pageURL, Sources: map[string]string{}}
	root, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return p
	}
	doc := goquery.NewDocumentFromNode(root)
	set := func(field *string, name, v, src string) {
		v = strings.Join(strings.Fields(v), " ")
		if *field == "" && v != "" {
			if len(v) > 2000 {
				v = v[:2000]
			}
			*field = v
			p.Sources[name] = src
		}
	}
	doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		raw := s.Text()
		if len(raw) > maxJSONLD {
			return
		}
		for _, node := range jsonLDNodes([]byte(raw)) {
			switch {
			case hasType(node, "SoftwareApplication", "WebApplication", "MobileApplication", "Product"):
				set(&p.Name, "name", str(node["name"]), "jsonld")
				set(&p.Description, "description", str(node["description"]), "jsonld")
				set(&p.Website, "website", str(node["url"]), "jsonld")
				set(&p.Category, "application_category", str(node["applicationCategory"]), "jsonld")
				set(&p.OperatingSystem, "operating_system", str(node["operatingSystem"]), "jsonld")
				set(&p.Licence, "licence", str(node["license"]), "jsonld")
				if org, ok := node["publisher"].(map[string]any); ok {
					set(&p.Organisation, "organisation", str(org["name"]), "jsonld")
				}
				if org, ok := node["author"].(map[string]any); ok {
					set(&p.Organisation, "organisation", str(org["name"]), "jsonld")
				}
			case hasType(node, "Organization", "Corporation", "NGO", "GovernmentOrganization"):
				set(&p.Organisation, "organisation", str(node["name"]), "jsonld")
				set(&p.Logo, "logo", logo(node["logo"]), "jsonld")
				if p.SameAs == nil {
					p.SameAs = strs(node["sameAs"])
				}
			}
		}
	})
	meta := func(attr, key string) string {
		v, _ := doc.Find(`meta[` + attr + `="` + key + `"]`).First().Attr("content")
		return v
	}
	set(&p.Name, "name", meta("property", "og:site_name"), "og")
	set(&p.Name, "name", meta("property", "og:title"), "og")
	set(&p.Description, "description", meta("property", "og:description"), "og")
	set(&p.Website, "website", meta("property", "og:url"), "og")
	set(&p.Logo, "logo", meta("property", "og:image"), "og")
	set(&p.Description, "description", meta("name", "description"), "meta")
	set(&p.Name, "name", doc.Find("title").First().Text(), "meta")
	if len(p.Sources) == 0 {
		p.Sources = nil
	}
	return p
}

// jsonLDNodes flattens a JSON-LD document: one object, a list, or an
// object with @graph.
func jsonLDNodes(b []byte) []map[string]any {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil
	}
	var out []map[string]any
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 4 || len(out) > 100 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			out = append(out, x)
			if g, ok := x["@graph"]; ok {
				walk(g, depth+1)
			}
		}
	}
	walk(v, 0)
	return out
}

func hasType(node map[string]any, types ...string) bool {
	for _, t := range strs(node["@type"]) {
		t = strings.TrimPrefix(strings.TrimPrefix(t, "http://schema.org/"), "https://schema.org/")
		for _, want := range types {
			if t == want {
				return true
			}
		}
	}
	return false
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any: // {"@value": …} or {"name": …}
		if s, ok := x["@value"].(string); ok {
			return s
		}
		if s, ok := x["name"].(string); ok {
			return s
		}
		if s, ok := x["url"].(string); ok {
			return s
		}
	case []any:
		if len(x) > 0 {
			return str(x[0])
		}
	}
	return ""
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func logo(v any) string { return str(v) }
