package detect

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/andybalholm/cascadia"
)

// treeExtract is the oracle for Extract: the same collection done on the
// tree the HTML5 tree builder makes, which is slower but follows the
// standard's repair rules exactly.
func treeExtract(body []byte) *Document {
	root, _ := html.Parse(bytes.NewReader(body))
	d := &Document{Meta: map[string][]string{}}
	var walk func(n *html.Node, inArticle bool)
	walk = func(n *html.Node, inArticle bool) {
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
					news := false
					for p := n.Parent; p != nil; p = p.Parent {
						news = news || (p.Type == html.ElementNode && newsClass(attr(p, "class")))
					}
					d.Links = append(d.Links, Link{Href: href, Text: t, InArticle: inArticle || news})
				}
			case atom.Iframe:
				if src := strings.TrimSpace(attr(n, "src")); src != "" {
					d.Frames = append(d.Frames, src)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inArticle)
		}
	}
	walk(root, false)
	return d
}

func TestExtractAgreesWithTheTreeBuilder(t *testing.T) {
	pages := map[string][]byte{
		"unclosed paragraphs": []byte(`<div class="actualites"><p>Une <a href="/a">info</a><p>Autre</div><p><a href="/b">b</a>`),
		"stray end tags":      []byte(`<a href="/x">x</a></a></div><a href="/y" title="Titre">  </a>`),
		"nested links":        []byte(`<a href="/1">un <a href="/2">deux</a> trois`),
		"article then nav":    []byte(`<article><a href="https://decidim.org">Decidim</a></article><nav><a href="https://participer.ville.fr">Participer</a></nav>`),
		"entities":            []byte(`<title>Mairie &amp; services</title><a href="/a?x=1&amp;y=2">Caf&eacute;</a><meta name="Generator" content="Decidim &lt;0.27&gt;">`),
		"frames and scripts":  []byte(`<script src="/decidim-packs/js/app.js"></script><iframe src=" https://widget.make.org/?questionSlug=x "></iframe><noscript><a href="/n">n</a></noscript>`),
		"news block":          []byte(`<section class="bloc-news"><ul><li><a href="/1">1</a></li></ul></section><a href="/2">2</a>`),
	}
	files, _ := filepath.Glob("testdata/*.html")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages[filepath.Base(f)] = b
	}
	for name, b := range pages {
		got, want := Extract(b), treeExtract(b)
		got.body, got.root = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got  %+v\n want %+v", name, got, want)
		}
	}
}

func TestRootIsBuiltOnDemand(t *testing.T) {
	d := Extract([]byte(`<div class="decidim-logo"></div>`))
	if d.root != nil {
		t.Fatal("the tree was built before any DOM rule asked for it")
	}
	if ev, ok := d.domMatch(domPattern{match: mustSelector(t, ".decidim-logo")}); !ok || !strings.Contains(ev, "decidim-logo") {
		t.Errorf("dom match on the built tree: %q %v", ev, ok)
	}
}

func mustSelector(t *testing.T, s string) cascadia.Selector {
	t.Helper()
	sel, err := cascadia.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}
