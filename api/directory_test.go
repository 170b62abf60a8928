package api

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/directorytest"
)

func TestToolsList(t *testing.T) {
	c, _ := newClient(t, Config{})
	ctx := context.Background()
	total, err := directory.CountTools(ctx, db)
	if err != nil || total < 60 {
		t.Fatalf("the seed holds %d tools (%v)", total, err)
	}
	// Paging through everything visits every tool once, in slug order.
	var slugs []string
	path := "/api/v1/tools?limit=25"
	for path != "" {
		a := c.get(path)
		if a.status != 200 {
			t.Fatalf("%s: %d %s", path, a.status, a.body)
		}
		v := a.json(t)
		for _, d := range v["data"].([]any) {
			slugs = append(slugs, d.(map[string]any)["slug"].(string))
		}
		path, _ = v["links"].(map[string]any)["next"].(string)
	}
	if len(slugs) != total {
		t.Fatalf("paged through %d tools, the directory holds %d", len(slugs), total)
	}
	for i := 1; i < len(slugs); i++ {
		if slugs[i-1] >= slugs[i] {
			t.Fatalf("out of order or repeated: %s then %s", slugs[i-1], slugs[i])
		}
	}

	// Each filter agrees with the directory's own listing.
	for _, tc := range []struct {
		query string
		f     directory.ToolFilter
	}{
		{"category=participatory-budgeting", directory.ToolFilter{Category: "participatory-budgeting"}},
		{"category=petitions&open_source=yes", directory.ToolFilter{Category: "petitions", OpenSource: ptr(true)}},
		{"open_source=no", directory.ToolFilter{OpenSource: ptr(false)}},
		{"business_model=saas", directory.ToolFilter{BusinessModel: "saas"}},
		{"hosting=france", directory.ToolFilter{Hosting: "france"}},
		{"lifecycle=defunct", directory.ToolFilter{Lifecycle: "defunct"}},
		{"vendor_kind=startup", directory.ToolFilter{VendorKind: "startup"}},
		{"licence=AGPL-3.0-only", directory.ToolFilter{Licence: "AGPL-3.0-only"}},
	} {
		tc.f.Limit = directory.MaxPageSize
		want, err := directory.ListTools(ctx, db, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		a := c.get("/api/v1/tools?limit=100&" + tc.query)
		if a.status != 200 {
			t.Fatalf("%s: %d %s", tc.query, a.status, a.body)
		}
		got := a.json(t)["data"].([]any)
		if len(got) != len(want.Tools) {
			t.Errorf("%s: %d tools, the directory says %d", tc.query, len(got), len(want.Tools))
			continue
		}
		for i, g := range got {
			if g.(map[string]any)["slug"] != want.Tools[i].Slug {
				t.Errorf("%s: #%d is %v, want %s", tc.query, i, g.(map[string]any)["slug"], want.Tools[i].Slug)
			}
		}
	}
	pb := c.get("/api/v1/tools?category=participatory-budgeting&limit=100").json(t)["data"].([]any)
	if len(pb) < 3 || !containsSlug(pb, "decidim") {
		t.Errorf("participatory budgeting lists %d tools, without decidim?", len(pb))
	}
	for _, tool := range pb {
		if !containsString(tool.(map[string]any)["categories"].([]any), "participatory-budgeting") {
			t.Errorf("%v is listed under participatory budgeting without the category", tool.(map[string]any)["slug"])
		}
	}
	// Empty result: an honest empty page, not an error.
	if a := c.get("/api/v1/tools?category=volunteering&lifecycle=defunct&hosting=eu&business_model=licence"); a.status != 200 || a.json(t)["next_cursor"] != nil {
		t.Errorf("empty filter result: %d %s", a.status, a.body)
	}
}

func ptr[T any](v T) *T { return &v }

func containsSlug(list []any, slug string) bool {
	for _, v := range list {
		if v.(map[string]any)["slug"] == slug {
			return true
		}
	}
	return false
}

func containsString(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestToolsBadInput(t *testing.T) {
	c, _ := newClient(t, Config{})
	for q, field := range map[string]string{
		"category=nope": "category",
		"category=" + url.QueryEscape("' OR 1=1 --"): "category",
		"open_source=maybe":                          "open_source",
		"business_model=barter":                      "business_model",
		"hosting=moon":                               "hosting",
		"lifecycle=zombie":                           "lifecycle",
		"vendor_kind=robot":                          "vendor_kind",
		"vendor=" + url.QueryEscape("<script>"):      "vendor",
		"category=petitions&category=voting":         "category",
		"adopter_region=84":                          "adopter_region",
		"limit=1000":                                 "limit",
		"licence=" + strings.Repeat("x", 200):        "licence",
	} {
		p := c.get("/api/v1/tools?"+q).problem(t, 400, "invalid")
		errs, _ := p["errors"].([]any)
		if len(errs) == 0 || errs[0].(map[string]any)["field"] != field {
			t.Errorf("%s: errors %v do not name %s", q, p["errors"], field)
		}
	}
	// A cursor from another filter is refused.
	first := c.get("/api/v1/tools?limit=2&category=petitions").json(t)["next_cursor"].(string)
	c.get("/api/v1/tools?limit=2&category=voting&cursor="+first).problem(t, 400, "invalid")
	if a := c.get("/api/v1/tools?limit=2&category=petitions&cursor=" + first); a.status != 200 {
		t.Errorf("the right cursor: %d", a.status)
	}
}

func TestToolAndVendor(t *testing.T) {
	c, _ := newClient(t, Config{})
	a := c.get("/api/v1/tools/decidim")
	if a.status != 200 {
		t.Fatalf("decidim: %d %s", a.status, a.body)
	}
	tool := a.json(t)
	if tool["name"] != "Decidim" || tool["open_source"] != true || len(tool["sources"].([]any)) == 0 {
		t.Errorf("decidim profile: name %v, open_source %v, %d sources", tool["name"], tool["open_source"], len(tool["sources"].([]any)))
	}
	if n := tool["adoption_count"].(float64); int(n) != directorytest.DecidimAdoptions() {
		t.Errorf("decidim adoption_count %v, want the %d fixtures", n, directorytest.DecidimAdoptions())
	}
	desc := tool["description"].(map[string]any)
	if desc["fr"] == "" {
		t.Error("decidim has no French description")
	}
	vendor, _ := tool["vendor"].(map[string]any)
	if vendor == nil {
		t.Fatal("decidim has no vendor")
	}
	v := c.get(vendor["link"].(string))
	if v.status != 200 {
		t.Fatalf("vendor link %s: %d", vendor["link"], v.status)
	}
	if !containsSlug(v.json(t)["tools"].([]any), "decidim") {
		t.Errorf("vendor %s does not list decidim", vendor["slug"])
	}
	c.get("/api/v1/tools/no-such-tool").problem(t, 404, "not_found")
	c.get("/api/v1/vendors/no-such-vendor").problem(t, 404, "not_found")
	c.get("/api/v1/tools/Decidim").problem(t, 400, "invalid")
	c.get("/api/v1/tools/"+url.PathEscape("decidim' OR '1'='1")).problem(t, 400, "invalid")
	c.get("/api/v1/vendors/"+strings.Repeat("a", 200)).problem(t, 400, "invalid")
	c.get("/api/v1/tools/decidim?verbose=1").problem(t, 400, "invalid")
}

func TestCategories(t *testing.T) {
	c, _ := newClient(t, Config{})
	a := c.get("/api/v1/categories")
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	got := a.json(t)["data"].([]any)
	want := directory.Categories()
	if len(got) != len(want) {
		t.Fatalf("%d categories, want %d", len(got), len(want))
	}
	for i, g := range got {
		m := g.(map[string]any)
		if m["slug"] != want[i].Slug || m["label"].(map[string]any)["fr"] != want[i].Label.FR {
			t.Errorf("#%d = %v, want %s", i, m, want[i].Slug)
		}
		// Each category's tools link works.
		if i == 0 {
			if l := c.get(m["links"].(map[string]any)["tools"].(string)); l.status != 200 {
				t.Errorf("tools link of %s: %d", m["slug"], l.status)
			}
		}
	}
}

func TestAdoptions(t *testing.T) {
	c, _ := newClient(t, Config{})
	all := c.get("/api/v1/adoptions?tool=decidim&limit=100")
	if all.status != 200 {
		t.Fatalf("%d %s", all.status, all.body)
	}
	data := all.json(t)["data"].([]any)
	if len(data) != directorytest.DecidimAdoptions() {
		t.Fatalf("%d decidim adoptions, want the %d fixtures", len(data), directorytest.DecidimAdoptions())
	}
	for _, d := range data {
		m := d.(map[string]any)
		ev := m["evidence"].([]any)
		if len(ev) != 1 || ev[0].(map[string]any)["source_licence"] != "AGPL-3.0" ||
			!strings.Contains(ev[0].(map[string]any)["source_url"].(string), "decidim/decidim.org") {
			t.Errorf("adoption %v: evidence %v", m["id"], ev)
		}
	}

	// By territory: a commune, and an EPCI by its SIREN.
	arc := c.get("/api/v1/adoptions?territory=94003").json(t)["data"].([]any)
	if len(arc) != 1 {
		t.Fatalf("Arcueil: %d adoptions", len(arc))
	}
	ad := arc[0].(map[string]any)["adopter"].(map[string]any)
	if ad["type"] != "territory" || ad["territory"].(map[string]any)["name"] != "Arcueil" || ad["organisation"] != nil {
		t.Errorf("Arcueil adopter: %v", ad)
	}
	if bm := c.get("/api/v1/adoptions?territory=243300316&tool=decidim").json(t)["data"].([]any); len(bm) != 1 {
		t.Errorf("Bordeaux Métropole: %d adoptions", len(bm))
	}
	if none := c.get("/api/v1/adoptions?territory=75056").json(t)["data"].([]any); len(none) != 0 {
		t.Errorf("Paris: %d adoptions in the fixtures", len(none))
	}
	orgs := c.get("/api/v1/adoptions?adopter=organisation").json(t)["data"].([]any)
	if len(orgs) != 1 || orgs[0].(map[string]any)["adopter"].(map[string]any)["organisation"].(map[string]any)["kind"] != "parliament" {
		t.Errorf("organisation adoptions: %v", orgs)
	}
	if byOrg := c.get("/api/v1/adoptions?organisation=assemblee-nationale").json(t)["data"].([]any); len(byOrg) != 1 {
		t.Errorf("by organisation: %d", len(byOrg))
	}

	// Paging by 2 visits every Decidim adoption once each.
	seen := map[float64]bool{}
	path := "/api/v1/adoptions?tool=decidim&limit=2"
	for path != "" {
		v := c.get(path).json(t)
		for _, d := range v["data"].([]any) {
			id := d.(map[string]any)["id"].(float64)
			if seen[id] {
				t.Fatalf("adoption %v twice", id)
			}
			seen[id] = true
		}
		path, _ = v["links"].(map[string]any)["next"].(string)
	}
	if len(seen) != directorytest.DecidimAdoptions() {
		t.Errorf("paged through %d adoptions", len(seen))
	}

	for q, field := range map[string]string{
		"tool=no-such-tool":                "tool",
		"territory=99999":                  "territory",
		"territory=84":                     "territory_kind",
		"territory=84&territory_kind=nope": "territory_kind",
		"territory_kind=region":            "territory_kind",
		"territory=" + url.QueryEscape("1; DROP TABLE adoption"): "territory",
		"adopter=alien":                             "adopter",
		"status=maybe":                              "status",
		"tool=decidim&tool=consul":                  "tool",
		"organisation=" + url.QueryEscape("O'Hara"): "organisation",
	} {
		p := c.get("/api/v1/adoptions?"+q).problem(t, 400, "invalid")
		errs, _ := p["errors"].([]any)
		if len(errs) == 0 || errs[0].(map[string]any)["field"] != field {
			t.Errorf("%s: errors %v do not name %s", q, p["errors"], field)
		}
	}
	if a := c.get("/api/v1/adoptions?territory=84&territory_kind=region"); a.status != 200 {
		t.Errorf("an ambiguous code with its kind: %d %s", a.status, a.body)
	}
}
