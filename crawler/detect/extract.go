package detect

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Document is what one pass over a page yields: the parts the rules test
// and the links discovery follows.
type Document struct {
	Title     string
	ScriptSrc []string
	// Meta maps a lower-cased name or property to its contents.
	Meta   map[string][]string
	Links  []Link
	Frames []string // iframe sources: embedded widgets live there

	body []byte
	root *html.Node // built on first use by a DOM rule
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

// maxLinkText bounds the text kept of one link or title.
const maxLinkText = 4096

// Extract reads HTML, however broken, and collects what detection and
// discovery need. It never fails.
//
// It runs the tokenizer, not the tree builder: building the tree costs
// twice as much, and only DOM rules need it, on the rare pages that hold
// their selectors' literals; Root builds it then. Open elements are
// tracked on a stack, closed by their end tag or by the end tag of an
// element around them, which is how the tree builder treats the markup of
// real sites as well.
func Extract(body []byte) *Document {
	d := &Document{body: body, Meta: map[string][]string{}}
	z := html.NewTokenizer(bytes.NewReader(body))
	var open []openElement
	news := 0 // open elements that are an article or a news block
	var link *strings.Builder
	var linkAt int
	var title *strings.Builder
	endLink := func() {
		if link == nil {
			return
		}
		l := &d.Links[linkAt]
		if t := strings.Join(strings.Fields(link.String()), " "); t != "" {
			l.Text = t
		}
		link = nil
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			endLink()
			if title != nil {
				d.Title = strings.Join(strings.Fields(title.String()), " ")
			}
			return d
		case html.TextToken:
			if link != nil && link.Len() < maxLinkText {
				link.Write(z.Text())
			}
			if title != nil && title.Len() < maxLinkText {
				title.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if !keepsAttrs(a) {
				// Most tags of a page matter only as a possible news block.
				marks := hasAttr && classMarksNews(z)
				if tt == html.StartTagToken && !voidElement(a) {
					open = append(open, openElement{name: a, marks: marks})
					if marks {
						news++
					}
				}
				continue
			}
			attrs := readAttrs(z, hasAttr)
			marks := false
			switch a {
			case atom.Article:
				marks = true
			case atom.Script:
				if src := attrs.get("src"); src != "" {
					d.ScriptSrc = append(d.ScriptSrc, src)
				}
			case atom.Meta:
				key := strings.ToLower(attrs.get("name"))
				if key == "" {
					key = strings.ToLower(attrs.get("property"))
				}
				if key != "" {
					d.Meta[key] = append(d.Meta[key], attrs.get("content"))
				}
			case atom.Title:
				if d.Title == "" && title == nil && tt == html.StartTagToken {
					title = &strings.Builder{}
				}
			case atom.A:
				endLink() // an <a> inside an <a> closes the first one
				if href := strings.TrimSpace(attrs.get("href")); href != "" && len(d.Links) < maxLinks {
					d.Links = append(d.Links, Link{Href: href, Text: attrs.get("title"), InArticle: news > 0})
					linkAt, link = len(d.Links)-1, &strings.Builder{}
				}
			case atom.Iframe:
				if src := strings.TrimSpace(attrs.get("src")); src != "" {
					d.Frames = append(d.Frames, src)
				}
			}
			marks = marks || newsClass(attrs.get("class"))
			if tt == html.StartTagToken && !voidElement(a) {
				open = append(open, openElement{name: a, marks: marks})
				if marks {
					news++
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Title && title != nil {
				d.Title = strings.Join(strings.Fields(title.String()), " ")
				title = nil
			}
			for i := len(open) - 1; i >= 0; i-- {
				if open[i].name != a {
					continue
				}
				for _, e := range open[i:] {
					if e.marks {
						news--
					}
					if e.name == atom.A {
						endLink()
					}
				}
				open = open[:i]
				break
			}
			if a == atom.A {
				endLink() // a stray </a> still ends the current link
			}
		}
	}
}

// openElement is an element whose end tag has not come yet; marks says it
// is an article or a news block.
type openElement struct {
	name  atom.Atom
	marks bool
}

// keepsAttrs tells the elements whose attributes Extract keeps.
func keepsAttrs(a atom.Atom) bool {
	switch a {
	case atom.Article, atom.Script, atom.Meta, atom.Title, atom.A, atom.Iframe:
		return true
	}
	return false
}

// classMarksNews reads an element's attributes for its first class and
// tells whether it is a news block, without a copy of any of them.
func classMarksNews(z *html.Tokenizer) bool {
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == "class" {
			return newsClassBytes(v)
		}
	}
	return false
}

type attrList []html.Attribute

func readAttrs(z *html.Tokenizer, more bool) attrList {
	var out attrList
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch string(k) {
		case "href", "src", "title", "class", "name", "property", "content":
			out = append(out, html.Attribute{Key: string(k), Val: string(v)})
		}
	}
	return out
}

// get returns the first value of an attribute, as the tree builder keeps
// the first of duplicated attributes.
func (as attrList) get(key string) string {
	for _, a := range as {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr, atom.Keygen:
		return true
	}
	return false
}

// newsClassBytes is newsClass of an attribute's bytes, lower-cased on the
// stack when they are short ASCII, as class names nearly always are.
func newsClassBytes(b []byte) bool {
	var buf [128]byte
	if len(b) > len(buf) {
		return newsClass(string(b))
	}
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return newsClass(string(b))
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	for _, m := range newsMarkers {
		if bytes.Contains(buf[:len(b)], []byte(m)) {
			return true
		}
	}
	return false
}

// newsMarkers are in the classes of news blocks of the common French CMS
// layouts (actualites, news, post).
var newsMarkers = []string{"actualite", "news", "blog", "post-content", "entry-content"}

// newsClass tells a news block by its class.
func newsClass(class string) bool {
	c := strings.ToLower(class)
	for _, m := range newsMarkers {
		if strings.Contains(c, m) {
			return true
		}
	}
	return false
}

// Root is the page's tree, built on first use.
func (d *Document) Root() *html.Node {
	if d.root == nil {
		root, err := html.Parse(bytes.NewReader(d.body))
		if err != nil {
			root = &html.Node{Type: html.DocumentNode}
		}
		d.root = root
	}
	return d.root
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
	if !visit(d.Root()) {
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
