package detect

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Document is what one parse of a page yields: the parts the rules test and
// the links discovery follows.
type Document struct {
	Root      *html.Node
	Title     string
	ScriptSrc []string
	// Meta maps a lower-cased name or property to its contents.
	Meta   map[string][]string
	Links  []Link
	Frames []string // iframe sources: embedded widgets live there
}

// Link is an <a href> with its text, and whether it sits in editorial
// content (an article), where a link to a vendor is news, not an adoption.
type Link struct {
	Href      string
	Text      string
	InArticle bool
}

// maxLinks bounds what one page can push on the frontier.
const maxLinks = 2000

// Extract parses HTML, however broken, and collects what detection and
// discovery need. It never fails: the HTML parser repairs what it reads.
func Extract(body []byte) *Document {
	root, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		root = &html.Node{Type: html.DocumentNode}
	}
	d := &Document{Root: root, Meta: map[string][]string{}}
	d.walk(root, false)
	return d
}

func (d *Document) walk(n *html.Node, inArticle bool) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Article:
			inArticle = true
		case atom.Script:
			if src := attr(n, "src"); src != "" {
				d.ScriptSrc = append(d.ScriptSrc, src)
			}
		case atom.Meta:
			key := strings.ToLower(attr(n, "name"))
			if key == "" {
				key = strings.ToLower(attr(n, "property"))
			}
			if key != "" {
				d.Meta[key] = append(d.Meta[key], attr(n, "content"))
			}
		case atom.Title:
			if d.Title == "" {
				d.Title = strings.Join(strings.Fields(text(n)), " ")
			}
		case atom.A:
			if href := strings.TrimSpace(attr(n, "href")); href != "" && len(d.Links) < maxLinks {
				t := strings.Join(strings.Fields(text(n)), " ")
				if t == "" {
					t = attr(n, "title")
				}
				d.Links = append(d.Links, Link{Href: href, Text: t, InArticle: inArticle || newsClass(n)})
			}
		case atom.Iframe:
			if src := strings.TrimSpace(attr(n, "src")); src != "" {
				d.Frames = append(d.Frames, src)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		d.walk(c, inArticle)
	}
}

// newsClass tells a link inside a news block of the common French CMS
// layouts (actualites, news, post) without a full ancestor walk per link.
func newsClass(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type != html.ElementNode {
			continue
		}
		c := strings.ToLower(attr(p, "class"))
		if strings.Contains(c, "actualite") || strings.Contains(c, "news") || strings.Contains(c, "blog") || strings.Contains(c, "post-content") || strings.Contains(c, "entry-content") {
			return true
		}
	}
	return false
}

// domMatch finds the first element the pattern matches and renders it as
// evidence.
func (d *Document) domMatch(p domPattern) (string, bool) {
	var found *html.Node
	var visit func(n *html.Node) bool
	visit = func(n *html.Node) bool {
		if n.Type == html.ElementNode && p.match(n) && p.test(n) {
			found = n
			return true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if visit(c) {
				return true
			}
		}
		return false
	}
	if !visit(d.Root) {
		return "", false
	}
	return startTag(found), true
}

func (p domPattern) test(n *html.Node) bool {
	if p.re == nil {
		return true
	}
	if p.attr != "" {
		for _, a := range n.Attr {
			if strings.EqualFold(a.Key, p.attr) {
				return p.re.MatchString(a.Val)
			}
		}
		return false
	}
	return p.re.MatchString(text(n))
}

func startTag(n *html.Node) string {
	var b strings.Builder
	b.WriteString("<" + n.Data)
	for _, a := range n.Attr {
		b.WriteString(" " + a.Key + `="` + a.Val + `"`)
	}
	b.WriteString(">")
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// text concatenates the text under n, bounded so that a giant element does
// not make evidence or link text explode.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if b.Len() > 4096 {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}
