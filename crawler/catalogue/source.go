// Package catalogue harvests public catalogues of civic-tech tools and
// their users from declarative source definitions (YAML): where to start,
// which links to follow, which elements are items and how their fields are
// read, and how an item maps to a tool or an adoption. A new catalogue, or
// a vendor's "they trust us" page, is a file in sources/, not code.
//
// It also extracts, from any vendor page, the schema.org JSON-LD
// (SoftwareApplication, Organization), OpenGraph and meta description that
// pre-fill a tool profile proposal.
package catalogue

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/andybalholm/cascadia"
	"go.yaml.in/yaml/v3"

	"github.com/civiscope/civiscope"
)

//go:embed sources/*.yaml
var embedded embed.FS

// Source is one catalogue definition.
type Source struct {
	Name        string `yaml:"name"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Licence     string `yaml:"licence"`
	Attribution string `yaml:"attribution"`
	// Verified says how the selectors were checked, with a citation.
	Verified  string   `yaml:"verified"`
	StartURLs []string `yaml:"start_urls"`
	// Follow lists regular expressions; a link whose absolute URL matches
	// one is fetched too, up to MaxPages pages in all.
	Follow   []string `yaml:"follow"`
	MaxPages int      `yaml:"max_pages"`
	Items    Items    `yaml:"items"`
	Map      Mapping  `yaml:"map"`

	follow []*regexp.Regexp
	item   cascadia.Selector
}

// Items says which elements are items and how to read their fields.
type Items struct {
	Selector string           `yaml:"selector"`
	Fields   map[string]Field `yaml:"fields"`
}

// Field reads one value from an item: the text or an attribute of the
// first element matching Selector inside the item ("" is the item itself),
// optionally narrowed by Regex (its first group, or the whole match).
type Field struct {
	Selector string `yaml:"selector"`
	Attr     string `yaml:"attr"`
	Regex    string `yaml:"regex"`
	// URL resolves the value against the page URL.
	URL      bool `yaml:"url"`
	Required bool `yaml:"required"`

	sel cascadia.Selector
	re  *regexp.Regexp
}

// Mapping turns an item into a tool or adoption proposal. Values are
// templates: {{field}} is replaced by the item's field.
type Mapping struct {
	Kind string `yaml:"kind"` // tool or adoption
	// For adoptions: the tool's slug in the directory, the adopter's name
	// as the catalogue writes it, and the instance URL.
	Tool        string `yaml:"tool"`
	Adopter     string `yaml:"adopter"`
	InstanceURL string `yaml:"instance_url"`
	// For tools: name and website.
	Name    string `yaml:"name"`
	Website string `yaml:"website"`
	// Extra fields copied as they are.
	Extra map[string]string `yaml:"extra"`
}

// Parse reads and checks a definition. Every problem is reported with the
// field it concerns.
func Parse(b []byte) (*Source, error) {
	var s Source
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, civiscope.Errorf(civiscope.EINVALID, "source definition: %v", err)
	}
	if err := s.compile(); err != nil {
		return nil, err
	}
	return &s, nil
}

var nameRule = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (s *Source) compile() error {
	var errs []civiscope.FieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, civiscope.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if !nameRule.MatchString(s.Name) {
		bad("name", "must be lower-case words joined by hyphens")
	}
	if s.Title == "" {
		bad("title", "is required")
	}
	if s.Licence == "" {
		bad("licence", "is required: say under which terms the catalogue's facts are reused")
	}
	if len(s.StartURLs) == 0 {
		bad("start_urls", "give at least one URL")
	}
	for i, u := range s.StartURLs {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			bad(fmt.Sprintf("start_urls[%d]", i), "%q is not an http(s) URL", u)
		}
	}
	for i, f := range s.Follow {
		re, err := regexp.Compile(f)
		if err != nil {
			bad(fmt.Sprintf("follow[%d]", i), "bad regular expression: %v", err)
			continue
		}
		s.follow = append(s.follow, re)
	}
	if s.MaxPages <= 0 {
		s.MaxPages = 20
	}
	if s.MaxPages > 500 {
		bad("max_pages", "at most 500")
	}
	if sel, err := cascadia.Compile(s.Items.Selector); err != nil {
		bad("items.selector", "bad CSS selector %q: %v", s.Items.Selector, err)
	} else {
		s.item = sel
	}
	if len(s.Items.Fields) == 0 {
		bad("items.fields", "give at least one field")
	}
	for name, f := range s.Items.Fields {
		if f.Selector != "" {
			sel, err := cascadia.Compile(f.Selector)
			if err != nil {
				bad("items.fields."+name+".selector", "bad CSS selector %q: %v", f.Selector, err)
			}
			f.sel = sel
		}
		if f.Regex != "" {
			re, err := regexp.Compile(f.Regex)
			if err != nil {
				bad("items.fields."+name+".regex", "bad regular expression: %v", err)
			}
			f.re = re
		}
		s.Items.Fields[name] = f
	}
	switch s.Map.Kind {
	case "adoption":
		if s.Map.Tool == "" || s.Map.Adopter == "" || s.Map.InstanceURL == "" {
			bad("map", "an adoption mapping needs tool, adopter and instance_url")
		}
	case "tool":
		if s.Map.Name == "" {
			bad("map.name", "a tool mapping needs a name")
		}
	default:
		bad("map.kind", "must be tool or adoption")
	}
	for _, tpl := range append([]string{s.Map.Tool, s.Map.Adopter, s.Map.InstanceURL, s.Map.Name, s.Map.Website}, values(s.Map.Extra)...) {
		for _, ref := range templateRefs(tpl) {
			if _, ok := s.Items.Fields[ref]; !ok {
				bad("map", "{{%s}} names no field", ref)
			}
		}
	}
	return civiscope.Invalid(errs)
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

var templateRef = regexp.MustCompile(`\{\{\s*([a-z0-9_]+)\s*\}\}`)

func templateRefs(s string) []string {
	var out []string
	for _, m := range templateRef.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func expand(tpl string, fields map[string]string) string {
	return strings.TrimSpace(templateRef.ReplaceAllStringFunc(tpl, func(m string) string {
		return fields[templateRef.FindStringSubmatch(m)[1]]
	}))
}

// Follows says whether a link is part of the catalogue.
func (s *Source) Follows(u string) bool {
	for _, re := range s.follow {
		if re.MatchString(u) {
			return true
		}
	}
	return false
}

// Embedded returns the shipped definitions, by name.
func Embedded() ([]*Source, error) {
	return ReadDir(embedded, "sources")
}

// ReadDir reads every *.yaml definition in dir of fsys.
func ReadDir(fsys fs.FS, dir string) ([]*Source, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	sort.Strings(names)
	var out []*Source
	seen := map[string]bool{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", n, err)
		}
		s, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("%s: two sources are named %q", n, s.Name)
		}
		seen[s.Name] = true
		out = append(out, s)
	}
	return out, nil
}
