package catalogue

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Item is one catalogue entry: its raw fields and what they map to.
type Item struct {
	Source  string            `json:"source"`
	PageURL string            `json:"page_url"`
	Fields  map[string]string `json:"fields"`
	Kind    string            `json:"kind"` // tool or adoption
	// Key identifies the item across harvests (instance or website URL,
	// else the name), so re-reading the catalogue adds nothing twice.
	Key    string            `json:"key"`
	Mapped map[string]string `json:"mapped"`
}

// maxItemsPerPage bounds what one page can yield.
const maxItemsPerPage = 5000

// Extract reads the items of one catalogue page and the catalogue links to
// follow from it. Items missing a required field are skipped.
func (s *Source) Extract(pageURL string, body []byte) ([]Item, []string) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, nil
	}
	root, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, nil
	}
	doc := goquery.NewDocumentFromNode(root)
	var items []Item
	doc.FindMatcher(s.item).EachWithBreak(func(_ int, el *goquery.Selection) bool {
		fields := map[string]string{}
		for name, f := range s.Items.Fields {
			v := f.read(el, base)
			if v == "" && f.Required {
				return true // skip this item, go on with the next
			}
			fields[name] = v
		}
		if it := s.mapItem(pageURL, fields); it.Key != "" {
			items = append(items, it)
		}
		return len(items) < maxItemsPerPage
	})
	var links []string
	seen := map[string]bool{}
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		u, err := base.Parse(strings.TrimSpace(href))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		u.Fragment = ""
		if s.Follows(u.String()) && !seen[u.String()] {
			seen[u.String()] = true
			links = append(links, u.String())
		}
	})
	return items, links
}

func (f Field) read(el *goquery.Selection, base *url.URL) string {
	target := el
	if f.sel != nil {
		target = el.FindMatcher(goquery.SingleMatcher(f.sel))
		if target.Length() == 0 {
			return ""
		}
	}
	var v string
	if f.Attr != "" {
		v, _ = target.Attr(f.Attr)
	} else {
		v = target.Text()
	}
	v = strings.Join(strings.Fields(v), " ")
	if f.re != nil {
		m := f.re.FindStringSubmatch(v)
		switch {
		case m == nil:
			return ""
		case len(m) > 1:
			v = m[1]
		default:
			v = m[0]
		}
	}
	if f.URL && v != "" {
		u, err := base.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return ""
		}
		v = u.String()
	}
	if len(v) > 2000 {
		v = v[:2000]
	}
	return v
}

func (s *Source) mapItem(pageURL string, fields map[string]string) Item {
	it := Item{Source: s.Name, PageURL: pageURL, Fields: fields, Kind: s.Map.Kind, Mapped: map[string]string{}}
	put := func(k, tpl string) {
		if tpl != "" {
			if v := expand(tpl, fields); v != "" {
				it.Mapped[k] = v
			}
		}
	}
	put("tool", s.Map.Tool)
	put("adopter", s.Map.Adopter)
	put("instance_url", s.Map.InstanceURL)
	put("name", s.Map.Name)
	put("website", s.Map.Website)
	for k, tpl := range s.Map.Extra {
		put(k, tpl)
	}
	for _, k := range []string{"instance_url", "website", "adopter", "name"} {
		if v := it.Mapped[k]; v != "" {
			it.Key = strings.ToLower(v)
			break
		}
	}
	return it
}
