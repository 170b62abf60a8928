package api

import (
	"net/url"
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	c, _ := newClient(t, Config{})
	a := c.get("/api/v1/search?q=decidim&type=tool")
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	v := a.json(t)
	hits := v["data"].([]any)
	if len(hits) == 0 || hits[0].(map[string]any)["slug"] != "decidim" {
		t.Fatalf("decidim is not the first hit: %v", hits)
	}
	first := hits[0].(map[string]any)
	if first["link"] != "/api/v1/tools/decidim" {
		t.Errorf("link %v", first["link"])
	}
	if l := c.get(first["link"].(string)); l.status != 200 {
		t.Errorf("following the hit: %d", l.status)
	}
	matched := false
	for _, s := range first["highlight"].(map[string]any)["name"].([]any) {
		if s.(map[string]any)["match"] == true {
			matched = true
		}
	}
	if !matched {
		t.Errorf("no highlighted span in %v", first["highlight"])
	}

	// Typos and accents are forgiven; territories link to an unambiguous URL.
	ter := c.get("/api/v1/search?q=" + url.QueryEscape("ajacio") + "&type=territory").json(t)["data"].([]any)
	if len(ter) == 0 || !strings.Contains(ter[0].(map[string]any)["link"].(string), "kind=") {
		t.Fatalf("territory search: %v", ter)
	}
	if l := c.get(ter[0].(map[string]any)["link"].(string)); l.status != 200 {
		t.Errorf("territory link %v: %d", ter[0].(map[string]any)["link"], l.status)
	}

	// Facets: counts over the filtered results, repeatable values.
	f := c.get("/api/v1/search?type=tool&category=petitions&category=voting&facets=true").json(t)
	if f["total"].(float64) < 2 || len(f["facets"].([]any)) == 0 {
		t.Errorf("faceted browse: total %v, %d facets", f["total"], len(f["facets"].([]any)))
	}

	// Paging with cursors covers every hit once.
	seen := map[string]bool{}
	path := "/api/v1/search?type=tool&limit=15"
	total := 0
	for path != "" {
		p := c.get(path).json(t)
		total = int(p["total"].(float64))
		for _, h := range p["data"].([]any) {
			s := h.(map[string]any)["slug"].(string)
			if seen[s] {
				t.Fatalf("%s on two pages", s)
			}
			seen[s] = true
		}
		path, _ = p["links"].(map[string]any)["next"].(string)
	}
	if len(seen) != total || total < 60 {
		t.Errorf("paged through %d of %d tools", len(seen), total)
	}

	for q, field := range map[string]string{
		"q=" + strings.Repeat("x", 1001): "q",
		"category=nope":                  "category",
		"sort=random":                    "sort",
		"adopter_region=xx":              "adopter_region",
		"limit=500":                      "limit",
		"page=2":                         "page",
		"cursor=abc":                     "cursor",
	} {
		p := c.get("/api/v1/search?"+q).problem(t, 400, "invalid")
		errs, _ := p["errors"].([]any)
		if len(errs) == 0 || errs[0].(map[string]any)["field"] != field {
			t.Errorf("%s: errors %v do not name %s", q, p["errors"], field)
		}
	}
	// Injection strings are text, not syntax.
	for _, q := range []string{"' OR 1=1 --", "budget & | ! :* ( ) \"", "<script>alert(1)</script>", "%00"} {
		if a := c.get("/api/v1/search?q=" + url.QueryEscape(q)); a.status != 200 {
			t.Errorf("q=%q: %d %s", q, a.status, a.body)
		}
	}
	// A cursor is bound to its query and its page size.
	next := c.get("/api/v1/search?type=tool&limit=5").json(t)["next_cursor"].(string)
	c.get("/api/v1/search?type=tool&limit=6&cursor="+next).problem(t, 400, "invalid")
	c.get("/api/v1/search?type=vendor&limit=5&cursor="+next).problem(t, 400, "invalid")
}
