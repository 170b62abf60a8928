package claim

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// MetaContent returns the content of every <meta name=NAME> in the page's
// HTML. It reads tokens rather than building a tree, so a huge page costs
// little, and stops at the end of <head>.
func MetaContent(page []byte, name string) []string {
	z := html.NewTokenizer(bytes.NewReader(page))
	var out []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.EndTagToken:
			if t, _ := z.TagName(); string(t) == "head" {
				return out
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t, hasAttr := z.TagName()
			if string(t) == "body" {
				return out
			}
			if string(t) != "meta" || !hasAttr {
				continue
			}
			var n, c string
			for {
				k, v, more := z.TagAttr()
				switch strings.ToLower(string(k)) {
				case "name":
					n = string(v)
				case "content":
					c = string(v)
				}
				if !more {
					break
				}
			}
			if strings.EqualFold(strings.TrimSpace(n), name) {
				out = append(out, c)
			}
		}
	}
}
