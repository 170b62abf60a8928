package barometer

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file checks an edition's datapackage.json against OUR READING of
// the Data Package v2 standard (the prose of datapackage.org: Data
// Package, Data Resource, Table Schema, Table Dialect and the glossary's
// "URL or Path" and "Profile"). It is not the official v2 JSON profile,
// which is not reachable from this machine: every rule below was written
// from the standard's text, in our own code, and a rule the standard only
// recommends (SHOULD) is enforced when our release follows it anyway (the
// name patterns, a schema for every table).
//
// One rule is ours and not v2's: missingValues must be plain strings. v2
// allows {value, label} objects too, but v1 readers (datapackage-js,
// which the release must also satisfy) reject them; such problems are
// reported apart (compat), so that a reader of a failure knows which kind
// it is.

// v2Profiles are the v2 profile URLs our descriptors declare, by level.
var v2Profiles = map[string]string{
	"package":  "https://datapackage.org/profiles/2.0/datapackage.json",
	"resource": "https://datapackage.org/profiles/2.0/dataresource.json",
	"schema":   "https://datapackage.org/profiles/2.0/tableschema.json",
	"dialect":  "https://datapackage.org/profiles/2.0/tabledialect.json",
}

// v2Conformance holds the problems found in one descriptor.
type v2Conformance struct {
	dir    string // the release directory, to check local paths; "" skips it
	v2     []string
	compat []string
	// resources by name, to resolve foreign keys once all are read.
	resources map[string]map[string]any
}

func (c *v2Conformance) bad(at, format string, args ...any) {
	c.v2 = append(c.v2, at+": "+fmt.Sprintf(format, args...))
}

// checkV2 reads raw as a datapackage.json published in dir.
func checkV2(raw []byte, dir string) *v2Conformance {
	c := &v2Conformance{dir: dir, resources: map[string]map[string]any{}}
	var top any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // integers and decimals must stay apart
	if err := dec.Decode(&top); err != nil {
		c.bad("/", "not JSON: %v", err)
		return c
	}
	p, ok := top.(map[string]any)
	if !ok {
		c.bad("/", "a descriptor must be a JSON object, not %s", kindOf(top))
		return c
	}
	c.pkg(p)
	return c
}

var (
	// The standard's name advice: lower-case English letters, digits, ".",
	// "-" and "_".
	v2Name = regexp.MustCompile(`^[a-z0-9._-]+$`)
	// A hash is MD5 hex, or "algorithm:hex" with the algorithm in lower case.
	v2Hash = regexp.MustCompile(`^(?:[0-9a-f]{32}|[a-z0-9-]+:[0-9a-f]+)$`)
)

func (c *v2Conformance) pkg(p map[string]any) {
	c.profile("/$schema", p, "package")
	c.str(p, "/", "name", "id", "title", "description", "version")
	if n, ok := p["name"].(string); ok && !v2Name.MatchString(n) {
		c.bad("/name", "%q: use lower-case letters, digits, '.', '-' and '_'", n)
	}
	if h, ok := p["homepage"]; ok {
		if s, _ := h.(string); !isURL(s) {
			c.bad("/homepage", "%v is not a fully qualified http(s) URL", h)
		}
	}
	if v, ok := p["created"]; ok {
		s, _ := v.(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			c.bad("/created", "%v is not an RFC 3339 datetime", v)
		}
	}
	if v, ok := p["image"]; ok {
		c.urlOrPath("/image", v)
	}
	if v, ok := p["keywords"]; ok {
		c.strings("/keywords", v)
	}
	c.licences("/licenses", p)
	c.sources("/sources", p)
	if v, ok := p["contributors"]; ok {
		for i, x := range c.objects("/contributors", v) {
			at := fmt.Sprintf("/contributors/%d", i)
			if len(x) == 0 {
				c.bad(at, "a contributor needs at least one property")
			}
			c.str(x, at+"/", "title", "givenName", "familyName", "email", "organization")
			if u, ok := x["path"]; ok {
				if s, _ := u.(string); !isURL(s) {
					c.bad(at+"/path", "%v is not a fully qualified URL", u)
				}
			}
			if r, ok := x["roles"]; ok {
				c.strings(at+"/roles", r)
			}
		}
	}
	rs, ok := p["resources"]
	if !ok {
		c.bad("/resources", "required")
		return
	}
	list := c.objects("/resources", rs)
	if len(list) == 0 {
		c.bad("/resources", "at least one resource is required")
	}
	for i, r := range list {
		c.resource(fmt.Sprintf("/resources/%d", i), r)
	}
	// Foreign keys point at resources of the same package: only now are
	// they all known.
	for i, r := range list {
		if s, ok := r["schema"].(map[string]any); ok {
			c.foreignKeys(fmt.Sprintf("/resources/%d/schema", i), s, r)
		}
	}
}

func (c *v2Conformance) resource(at string, r map[string]any) {
	c.profile(at+"/$schema", r, "resource")
	name, ok := r["name"].(string)
	switch {
	case !ok:
		c.bad(at+"/name", "required, a string")
	case !v2Name.MatchString(name):
		c.bad(at+"/name", "%q: use lower-case letters, digits, '.', '-' and '_'", name)
	case c.resources[name] != nil:
		c.bad(at+"/name", "%q is not unique in the package", name)
	default:
		c.resources[name] = r
	}
	path, hasPath := r["path"]
	data, hasData := r["data"]
	switch {
	case hasPath == hasData:
		c.bad(at, "exactly one of path and data is required")
	case hasPath:
		c.path(at+"/path", path, r)
	case hasData:
		switch d := data.(type) {
		case []any, map[string]any:
		case string:
			if r["format"] == nil && r["mediatype"] == nil {
				c.bad(at+"/data", "inline data as a string needs a format or a mediatype")
			}
		default:
			c.bad(at+"/data", "must be an array, an object or a string, not %s", kindOf(d))
		}
	}
	if t, ok := r["type"]; ok && t != "table" {
		c.bad(at+"/type", "%v: the only type is \"table\"", t)
	}
	c.str(r, at+"/", "title", "description", "format", "mediatype", "encoding")
	if b, ok := r["bytes"]; ok {
		if n, isInt := integer(b); !isInt || n < 0 {
			c.bad(at+"/bytes", "%v is not a size in bytes", b)
		}
	}
	if h, ok := r["hash"]; ok {
		if s, _ := h.(string); !v2Hash.MatchString(s) {
			c.bad(at+"/hash", "%v is neither an MD5 nor an algorithm-prefixed hex digest", h)
		}
	}
	c.licences(at+"/licenses", r)
	c.sources(at+"/sources", r)
	if d, ok := r["dialect"]; ok {
		c.dialect(at+"/dialect", d)
	}
	s, hasSchema := r["schema"]
	if r["type"] == "table" && !hasSchema {
		c.bad(at+"/schema", "a table should describe its columns; ours always do")
	}
	if hasSchema {
		if _, isRef := s.(string); isRef {
			c.urlOrPath(at+"/schema", s)
		} else if m, ok := s.(map[string]any); ok {
			c.schema(at+"/schema", m)
		} else {
			c.bad(at+"/schema", "must be an object or a URL or path, not %s", kindOf(s))
		}
	}
	if c.dir != "" && r["type"] == "table" {
		c.header(at, r)
	}
}

// path is a resource's path: one URL or path, or several, all URLs or all
// paths; each local file must be in the release, with its size and hash.
func (c *v2Conformance) path(at string, v any, r map[string]any) {
	var ps []string
	switch p := v.(type) {
	case string:
		ps = []string{p}
	case []any:
		if len(p) == 0 {
			c.bad(at, "an array of paths cannot be empty")
		}
		urls := 0
		for i, x := range p {
			s, ok := x.(string)
			if !ok {
				c.bad(fmt.Sprintf("%s/%d", at, i), "a path is a string, not %s", kindOf(x))
				continue
			}
			if isURL(s) {
				urls++
			}
			ps = append(ps, s)
		}
		if urls != 0 && urls != len(ps) {
			c.bad(at, "URLs and relative paths cannot be mixed")
		}
	default:
		c.bad(at, "must be a string or an array of strings, not %s", kindOf(v))
		return
	}
	for _, p := range ps {
		if !c.urlOrPath(at, p) || isURL(p) || c.dir == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(p)))
		if err != nil {
			c.bad(at, "%s is not in the release: %v", p, err)
			continue
		}
		if len(ps) > 1 {
			continue // size and hash are of the whole resource
		}
		if n, ok := integer(r["bytes"]); ok && n != int64(len(b)) {
			c.bad(at, "%s has %d bytes, the descriptor says %d", p, len(b), n)
		}
		if h, ok := r["hash"].(string); ok {
			algo, sum, found := strings.Cut(h, ":")
			if !found {
				algo, sum = "md5", h
			}
			var got string
			switch algo {
			case "md5":
				s := md5.Sum(b)
				got = hex.EncodeToString(s[:])
			case "sha256":
				s := sha256.Sum256(b)
				got = hex.EncodeToString(s[:])
			default:
				continue
			}
			if got != sum {
				c.bad(at, "%s does not have the hash the descriptor gives", p)
			}
		}
	}
}

// urlOrPath is the glossary's "URL or Path": a fully qualified http(s) or
// ftp(s) URL, or a POSIX path relative to the descriptor that neither
// starts with "/", climbs with "..", nor names a hidden file or folder.
func (c *v2Conformance) urlOrPath(at string, v any) bool {
	s, ok := v.(string)
	if !ok || s == "" {
		c.bad(at, "a URL or path is a non-empty string, not %v", v)
		return false
	}
	if scheme, _, found := strings.Cut(s, "://"); found {
		switch scheme {
		case "http", "https", "ftp", "ftps":
			return true
		}
		c.bad(at, "%q: a URL's scheme must be http, https, ftp or ftps", s)
		return false
	}
	if strings.HasPrefix(s, "/") || strings.Contains(s, "\\") {
		c.bad(at, "%q: a path must be relative and use '/'", s)
		return false
	}
	for _, part := range strings.Split(s, "/") {
		if part == ".." || strings.HasPrefix(part, ".") || part == "" {
			c.bad(at, "%q: a path may not climb out, name a hidden file or have empty parts", s)
			return false
		}
	}
	return true
}

func (c *v2Conformance) licences(at string, m map[string]any) {
	v, ok := m["licenses"]
	if !ok {
		return
	}
	for i, l := range c.objects(at, v) {
		li := fmt.Sprintf("%s/%d", at, i)
		if l["name"] == nil && l["path"] == nil {
			c.bad(li, "a licence needs a name or a path")
		}
		c.str(l, li+"/", "name", "title")
		if p, ok := l["path"]; ok {
			c.urlOrPath(li+"/path", p)
		}
	}
}

func (c *v2Conformance) sources(at string, m map[string]any) {
	v, ok := m["sources"]
	if !ok {
		return
	}
	for i, s := range c.objects(at, v) {
		si := fmt.Sprintf("%s/%d", at, i)
		if len(s) == 0 {
			c.bad(si, "a source needs at least one property")
		}
		c.str(s, si+"/", "title", "email", "version")
		if p, ok := s["path"]; ok {
			c.urlOrPath(si+"/path", p)
		}
	}
}

// dialect checks the Table Dialect properties our files may use.
func (c *v2Conformance) dialect(at string, v any) {
	if _, isRef := v.(string); isRef {
		c.urlOrPath(at, v)
		return
	}
	d, ok := v.(map[string]any)
	if !ok {
		c.bad(at, "must be an object or a URL or path, not %s", kindOf(v))
		return
	}
	c.profile(at+"/$schema", d, "dialect")
	for _, k := range []string{"header", "doubleQuote", "skipInitialSpace"} {
		if x, ok := d[k]; ok {
			if _, isBool := x.(bool); !isBool {
				c.bad(at+"/"+k, "must be true or false, not %v", x)
			}
		}
	}
	c.str(d, at+"/", "delimiter", "lineTerminator", "headerJoin", "nullSequence", "property", "sheetName", "table")
	for _, k := range []string{"quoteChar", "escapeChar"} {
		if x, ok := d[k]; ok {
			if s, _ := x.(string); len([]rune(s)) != 1 {
				c.bad(at+"/"+k, "must be one character, not %q", x)
			}
		}
	}
	if _, q := d["quoteChar"]; q {
		if _, e := d["escapeChar"]; e {
			c.bad(at, "quoteChar and escapeChar exclude each other")
		}
	}
	if x, ok := d["commentChar"]; ok {
		if s, _ := x.(string); s == "" {
			c.bad(at+"/commentChar", "must be a string of one or more characters")
		}
	}
	for _, k := range []string{"headerRows", "commentRows"} {
		if x, ok := d[k]; ok {
			xs, isArr := x.([]any)
			if !isArr || len(xs) == 0 {
				c.bad(at+"/"+k, "must be an array of row numbers")
			}
			for _, n := range xs {
				if i, isInt := integer(n); !isInt || i < 1 {
					c.bad(at+"/"+k, "%v is not a row number (from 1)", n)
				}
			}
		}
	}
	if x, ok := d["itemType"]; ok && x != "array" && x != "object" {
		c.bad(at+"/itemType", "%v: array or object", x)
	}
	if x, ok := d["itemKeys"]; ok {
		c.strings(at+"/itemKeys", x)
	}
	if x, ok := d["sheetNumber"]; ok {
		if i, isInt := integer(x); !isInt || i < 1 {
			c.bad(at+"/sheetNumber", "%v is not a sheet number", x)
		}
	}
}

// v2Types are the Table Schema field types.
var v2Types = []string{"string", "number", "integer", "boolean", "object", "array", "list", "datetime", "date", "time",
	"year", "yearmonth", "duration", "geopoint", "geojson", "any"}

// rangeTypes may carry minimum, maximum and their exclusive forms.
var rangeTypes = []string{"integer", "number", "date", "time", "datetime", "duration", "year", "yearmonth"}

func (c *v2Conformance) schema(at string, s map[string]any) {
	c.profile(at+"/$schema", s, "schema")
	fv, ok := s["fields"]
	if !ok {
		c.bad(at+"/fields", "required")
	}
	names := map[string]bool{}
	for i, f := range c.objects(at+"/fields", fv) {
		fa := fmt.Sprintf("%s/fields/%d", at, i)
		name, ok := f["name"].(string)
		if !ok {
			c.bad(fa+"/name", "required, a string")
		} else if names[name] {
			c.bad(fa+"/name", "%q is not unique in the schema", name)
		}
		names[name] = true
		c.field(fa, f)
	}
	if m, ok := s["fieldsMatch"]; ok && !slices.Contains([]any{"exact", "equal", "subset", "superset", "partial"}, m) {
		c.bad(at+"/fieldsMatch", "%v is not a way of matching fields", m)
	}
	if mv, ok := s["missingValues"]; ok {
		c.missingValues(at+"/missingValues", mv)
	}
	if pk, ok := s["primaryKey"]; ok {
		c.key(at+"/primaryKey", pk, names)
	}
	if uk, ok := s["uniqueKeys"]; ok {
		keys, isArr := uk.([]any)
		if !isArr || len(keys) == 0 {
			c.bad(at+"/uniqueKeys", "must be a non-empty array of keys")
		}
		for i, k := range keys {
			c.key(fmt.Sprintf("%s/uniqueKeys/%d", at, i), k, names)
		}
	}
}

// key is a primary or unique key: an array of this schema's field names.
func (c *v2Conformance) key(at string, v any, names map[string]bool) []string {
	xs, ok := v.([]any)
	if !ok || len(xs) == 0 {
		c.bad(at, "must be a non-empty array of field names, not %v", v)
		return nil
	}
	var out []string
	for _, x := range xs {
		s, ok := x.(string)
		switch {
		case !ok:
			c.bad(at, "%v is not a field name", x)
		case names != nil && !names[s]:
			c.bad(at, "%q is not a field of the schema", s)
		case slices.Contains(out, s):
			c.bad(at, "%q appears twice", s)
		}
		out = append(out, s)
	}
	return out
}

func (c *v2Conformance) foreignKeys(at string, s, r map[string]any) {
	fk, ok := s["foreignKeys"]
	if !ok {
		return
	}
	for i, k := range c.objects(at+"/foreignKeys", fk) {
		ka := fmt.Sprintf("%s/foreignKeys/%d", at, i)
		from := c.key(ka+"/fields", k["fields"], fieldNames(s))
		ref, ok := k["reference"].(map[string]any)
		if !ok {
			c.bad(ka+"/reference", "required, an object")
			continue
		}
		target := s // no resource: a reference within this table
		if rn, ok := ref["resource"]; ok {
			name, _ := rn.(string)
			if name == "" {
				c.bad(ka+"/reference/resource", "a reference within the table omits resource (an empty string is v1)")
			} else if tr := c.resources[name]; tr == nil {
				c.bad(ka+"/reference/resource", "%q is not a resource of the package", name)
				continue
			} else if target, ok = tr["schema"].(map[string]any); !ok {
				c.bad(ka+"/reference/resource", "%q has no inline schema to check the reference against", name)
				continue
			}
		}
		to := c.key(ka+"/reference/fields", ref["fields"], fieldNames(target))
		if len(from) != len(to) {
			c.bad(ka, "%d fields refer to %d", len(from), len(to))
		}
	}
}

func fieldNames(s map[string]any) map[string]bool {
	out := map[string]bool{}
	fs, _ := s["fields"].([]any)
	for _, f := range fs {
		if m, ok := f.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				out[n] = true
			}
		}
	}
	return out
}

// missingValues are unique strings, or objects with a unique string
// value and an optional unique string label. Objects are v2 only: our
// release keeps strings, for v1 readers (compat).
func (c *v2Conformance) missingValues(at string, v any) {
	xs, ok := v.([]any)
	if !ok {
		c.bad(at, "must be an array, not %s", kindOf(v))
		return
	}
	values, labels := map[string]bool{}, map[string]bool{}
	objects := 0
	for i, x := range xs {
		xa := fmt.Sprintf("%s/%d", at, i)
		var val string
		switch m := x.(type) {
		case string:
			val = m
		case map[string]any:
			objects++
			s, ok := m["value"].(string)
			if !ok {
				c.bad(xa+"/value", "required, a string (a missing value is compared before casting)")
			}
			val = s
			c.label(xa, m, labels)
		default:
			c.bad(xa, "a missing value is a string, not %s", kindOf(x))
			continue
		}
		if values[val] {
			c.bad(xa, "%q is not unique", val)
		}
		values[val] = true
	}
	if objects > 0 && objects < len(xs) {
		c.bad(at, "strings and objects cannot be mixed")
	}
	if objects > 0 {
		c.compat = append(c.compat, at+": written as {value, label} objects, which v1 readers reject; write plain strings")
	}
}

func (c *v2Conformance) field(at string, f map[string]any) {
	t := "any" // a field without a type is "any"
	if tv, ok := f["type"]; ok {
		s, isStr := tv.(string)
		if !isStr || !slices.Contains(v2Types, s) {
			c.bad(at+"/type", "%v is not a Table Schema type", tv)
		}
		t = s
	}
	c.str(f, at+"/", "title", "description", "format", "rdfType")
	if mv, ok := f["missingValues"]; ok {
		c.missingValues(at+"/missingValues", mv)
	}
	cats, hasCats := f["categories"]
	if hasCats {
		c.categories(at+"/categories", t, cats)
	}
	if co, ok := f["categoriesOrdered"]; ok {
		if _, isBool := co.(bool); !isBool {
			c.bad(at+"/categoriesOrdered", "must be true or false")
		}
		if !hasCats {
			c.bad(at+"/categoriesOrdered", "only goes with categories")
		}
	}
	switch t {
	case "number", "integer":
		c.str(f, at+"/", "groupChar", "decimalChar")
		if t == "integer" && f["decimalChar"] != nil {
			c.bad(at+"/decimalChar", "an integer has no decimal point")
		}
		if b, ok := f["bareNumber"]; ok {
			if _, isBool := b.(bool); !isBool {
				c.bad(at+"/bareNumber", "must be true or false")
			}
		}
	case "boolean":
		for _, k := range []string{"trueValues", "falseValues"} {
			if x, ok := f[k]; ok {
				c.strings(at+"/"+k, x)
			}
		}
	case "list":
		c.str(f, at+"/", "delimiter")
		if it, ok := f["itemType"]; ok && !slices.Contains([]any{"string", "integer", "boolean", "number", "datetime", "date", "time"}, it) {
			c.bad(at+"/itemType", "%v cannot be a list's item type", it)
		}
	}
	cv, ok := f["constraints"]
	if !ok {
		return
	}
	cs, ok := cv.(map[string]any)
	if !ok {
		c.bad(at+"/constraints", "must be an object")
		return
	}
	ca := at + "/constraints"
	for _, k := range []string{"required", "unique"} {
		if x, ok := cs[k]; ok {
			if _, isBool := x.(bool); !isBool {
				c.bad(ca+"/"+k, "must be true or false")
			}
		}
	}
	for _, k := range []string{"minLength", "maxLength"} {
		if x, ok := cs[k]; ok {
			if n, isInt := integer(x); !isInt || n < 0 {
				c.bad(ca+"/"+k, "must be a length")
			}
			if !slices.Contains([]string{"string", "array", "object"}, t) {
				c.bad(ca+"/"+k, "applies to strings, arrays and objects, not %s", t)
			}
		}
	}
	for _, k := range []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} {
		if x, ok := cs[k]; ok {
			if f["type"] == nil || !slices.Contains(rangeTypes, t) {
				c.bad(ca+"/"+k, "needs a field type with an order, not %s", t)
			} else if (t == "integer" || t == "number") && !isNumberOrString(x) {
				c.bad(ca+"/"+k, "%v is not a %s", x, t)
			}
		}
	}
	if x, ok := cs["pattern"]; ok {
		if _, isStr := x.(string); !isStr || t != "string" {
			c.bad(ca+"/pattern", "a pattern is a string, on a string field")
		}
	}
	if x, ok := cs["enum"]; ok {
		xs, isArr := x.([]any)
		if !isArr {
			c.bad(ca+"/enum", "must be an array")
		}
		if hasCats {
			allowed := categoryValues(cats)
			for _, e := range xs {
				if !slices.Contains(allowed, fmt.Sprint(e)) {
					c.bad(ca+"/enum", "%v is not among the categories", e)
				}
			}
		}
	}
}

// label checks an entry's optional label: a string, unique among seen.
func (c *v2Conformance) label(at string, m map[string]any, seen map[string]bool) {
	l, ok := m["label"]
	if !ok {
		return
	}
	s, isStr := l.(string)
	if !isStr {
		c.bad(at+"/label", "must be a string")
	} else if seen[s] {
		c.bad(at+"/label", "%q is not unique", s)
	}
	seen[s] = true
}

// categories are on string and integer fields only: unique values, or
// objects with a unique value and an optional unique string label, the
// values typed like their field.
func (c *v2Conformance) categories(at, t string, v any) {
	if t != "string" && t != "integer" {
		c.bad(at, "only string and integer fields have categories, not %s", t)
	}
	xs, ok := v.([]any)
	if !ok || len(xs) == 0 {
		c.bad(at, "must be a non-empty array")
		return
	}
	values, labels := map[string]bool{}, map[string]bool{}
	objects := 0
	for i, x := range xs {
		xa := fmt.Sprintf("%s/%d", at, i)
		val := x
		if m, isObj := x.(map[string]any); isObj {
			objects++
			var has bool
			if val, has = m["value"]; !has {
				c.bad(xa+"/value", "required")
				continue
			}
			c.label(xa, m, labels)
		}
		switch t {
		case "integer":
			if _, isInt := integer(val); !isInt {
				c.bad(xa, "the integer field has a %s category %v: categories are typed like their field", kindOf(val), val)
			}
		case "string":
			if _, isStr := val.(string); !isStr {
				c.bad(xa, "the string field has a %s category %v: categories are typed like their field", kindOf(val), val)
			}
		}
		key := kindOf(val) + ":" + fmt.Sprint(val)
		if values[key] {
			c.bad(xa, "%v is not unique", val)
		}
		values[key] = true
	}
	if objects > 0 && objects < len(xs) {
		c.bad(at, "plain values and objects cannot be mixed")
	}
}

func categoryValues(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		if m, ok := x.(map[string]any); ok {
			x = m["value"]
		}
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// header checks what fieldsMatch "exact" (the default) asks of a CSV
// with a header row: the file's columns are the schema's fields, in
// number and order, read with the resource's dialect.
func (c *v2Conformance) header(at string, r map[string]any) {
	p, ok := r["path"].(string)
	s, hasSchema := r["schema"].(map[string]any)
	if !ok || isURL(p) || !hasSchema || (s["fieldsMatch"] != nil && s["fieldsMatch"] != "exact") {
		return
	}
	d, _ := r["dialect"].(map[string]any)
	if h, ok := d["header"].(bool); ok && !h {
		return
	}
	f, err := os.Open(filepath.Join(c.dir, filepath.FromSlash(p)))
	if err != nil {
		return // reported with the path
	}
	defer f.Close()
	cr := csv.NewReader(f)
	if dl, ok := d["delimiter"].(string); ok {
		if rs := []rune(dl); len(rs) == 1 {
			cr.Comma = rs[0]
		}
	}
	row, err := cr.Read()
	if err != nil {
		c.bad(at+"/path", "%s: no header row: %v", p, err)
		return
	}
	var want []string
	fs, _ := s["fields"].([]any)
	for _, fv := range fs {
		m, _ := fv.(map[string]any)
		n, _ := m["name"].(string)
		want = append(want, n)
	}
	if !slices.Equal(row, want) {
		c.bad(at+"/path", "%s's header %q is not the schema's fields %q", p, row, want)
		return
	}
	// Every cell reads as its field's type, and a coded field holds one
	// of its categories, once the missing values are set aside.
	missing := map[string]bool{"": true} // the default
	if mv, ok := s["missingValues"].([]any); ok {
		missing = map[string]bool{}
		for _, m := range mv {
			if o, isObj := m.(map[string]any); isObj {
				m = o["value"]
			}
			missing[fmt.Sprint(m)] = true
		}
	}
	reported := map[int]bool{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		for i, cell := range rec {
			fm, _ := fs[i].(map[string]any)
			if reported[i] || missing[cell] {
				continue
			}
			typ, _ := fm["type"].(string)
			if !lexical(typ, cell) {
				c.bad(at+"/path", "%s line %d: %q is not a value of type %s (field %s)", p, line, cell, typ, want[i])
				reported[i] = true
			} else if cats, ok := fm["categories"]; ok && !slices.Contains(categoryValues(cats), cell) {
				c.bad(at+"/path", "%s line %d: %q is not among the categories of %s", p, line, cell, want[i])
				reported[i] = true
			}
		}
	}
}

// lexical says whether cell is written as the standard writes a value of
// type t by default (the formats our files use).
func lexical(t, cell string) bool {
	switch t {
	case "integer":
		_, err := strconv.ParseInt(cell, 10, 64)
		return err == nil
	case "number":
		if slices.Contains([]string{"nan", "inf", "-inf"}, strings.ToLower(cell)) {
			return true
		}
		_, err := strconv.ParseFloat(cell, 64)
		return err == nil && !strings.ContainsAny(cell, ",_") && !strings.HasPrefix(strings.ToLower(cell), "0x")
	case "boolean":
		return slices.Contains([]string{"true", "True", "TRUE", "1", "false", "False", "FALSE", "0"}, cell)
	case "date":
		_, err := time.Parse("2006-01-02", cell)
		return err == nil
	case "yearmonth":
		_, err := time.Parse("2006-01", cell)
		return err == nil
	case "year":
		_, err := time.Parse("2006", cell)
		return err == nil
	case "datetime":
		_, err := time.Parse("2006-01-02T15:04:05Z07:00", cell)
		if err != nil {
			_, err = time.Parse("2006-01-02T15:04:05", cell)
		}
		return err == nil
	}
	return true
}

func (c *v2Conformance) profile(at string, m map[string]any, level string) {
	v, ok := m["$schema"]
	if !ok {
		return
	}
	if v != v2Profiles[level] {
		c.bad(at, "%v, want the v2 profile %s", v, v2Profiles[level])
	}
}

// str checks that the named properties, where present, are strings.
func (c *v2Conformance) str(m map[string]any, at string, keys ...string) {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			if _, isStr := v.(string); !isStr {
				c.bad(at+k, "must be a string, not %s", kindOf(v))
			}
		}
	}
}

func (c *v2Conformance) strings(at string, v any) {
	xs, ok := v.([]any)
	if !ok {
		c.bad(at, "must be an array of strings, not %s", kindOf(v))
		return
	}
	for _, x := range xs {
		if _, isStr := x.(string); !isStr {
			c.bad(at, "%v is not a string", x)
		}
	}
}

// objects is v as an array of objects, each non-object reported.
func (c *v2Conformance) objects(at string, v any) []map[string]any {
	xs, ok := v.([]any)
	if !ok {
		c.bad(at, "must be an array, not %s", kindOf(v))
		return nil
	}
	var out []map[string]any
	for i, x := range xs {
		m, ok := x.(map[string]any)
		if !ok {
			c.bad(fmt.Sprintf("%s/%d", at, i), "must be an object, not %s", kindOf(x))
			continue
		}
		out = append(out, m)
	}
	return out
}

func isURL(s string) bool {
	for _, p := range []string{"http://", "https://", "ftp://", "ftps://"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return true
		}
	}
	return false
}

// integer is v as a JSON integer (a number without fraction or exponent).
func integer(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

func isNumberOrString(v any) bool {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return err == nil && !math.IsInf(f, 0)
	case string:
		return true
	}
	return false
}

func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// writtenEdition writes a synthetic edition's release and returns its
// directory and descriptor.
func writtenEdition(t *testing.T) (string, []byte) {
	t.Helper()
	set := syntheticEdition(t, 80, 5)
	res, err := Tabulate(set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rates := []Rate{{Dimension: Kind, Group: "commune", Label: "Commune", Frame: 300, Responded: 80, Percent: 26.7, Shown: true}}
	dir := t.TempDir()
	if _, err := WriteEdition(context.Background(), dir, set, res, rates, "test", time.Now(), "https://civiscope.example/barometre/2026"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, raw
}

// TestEditionDescriptorFollowsV2: the edition's datapackage.json breaks
// none of the rules above, by our reading of the v2 standard (see the top
// of this file), and keeps its missing values readable by v1 readers.
func TestEditionDescriptorFollowsV2(t *testing.T) {
	dir, raw := writtenEdition(t)
	c := checkV2(raw, dir)
	for _, p := range c.v2 {
		t.Errorf("v2: %s", p)
	}
	for _, p := range c.compat {
		t.Errorf("v1 readers: %s", p)
	}
	// The checks ran on something: tables with schemas, keys, categories.
	tables, keys, cats := 0, 0, 0
	for _, r := range c.resources {
		if s, ok := r["schema"].(map[string]any); ok {
			tables++
			if s["primaryKey"] != nil || s["foreignKeys"] != nil {
				keys++
			}
			for _, f := range s["fields"].([]any) {
				if f.(map[string]any)["categories"] != nil {
					cats++
				}
			}
		}
	}
	if tables < 5 || keys < 2 || cats == 0 {
		t.Errorf("the descriptor has %d tables, %d with keys, %d coded fields: too little to check", tables, keys, cats)
	}
}

// TestV2CheckCatchesBrokenDescriptors: the checker is worth something
// only if it fails on what went wrong before (integer fields with string
// categories; missing values written only as objects) and on other
// breaches, each made on a copy of a real edition's descriptor.
func TestV2CheckCatchesBrokenDescriptors(t *testing.T) {
	dir, raw := writtenEdition(t)
	breaks := []struct {
		name   string
		compat bool // a v1-readability problem, valid v2
		want   string
		change func(p map[string]any)
	}{
		{"integer field with string categories", false, "categories are typed like their field", func(p map[string]any) {
			f := firstField(t, p, func(f map[string]any) bool { return f["type"] == "integer" })
			f["categories"] = []any{map[string]any{"value": "1", "label": "oui"}, map[string]any{"value": "2", "label": "non"}}
		}},
		{"missing values only as objects", true, "v1 readers reject", func(p map[string]any) {
			s := schemaOf(t, p, func(s map[string]any) bool { return len(s["missingValues"].([]any)) > 1 })
			var objs []any
			for _, v := range s["missingValues"].([]any) {
				objs = append(objs, map[string]any{"value": v, "label": "missing " + v.(string)})
			}
			s["missingValues"] = objs
		}},
		{"no resources", false, "/resources: required", func(p map[string]any) { delete(p, "resources") }},
		{"v1 profile", false, "want the v2 profile", func(p map[string]any) { p["$schema"] = "https://datapackage.org/profiles/1.0/datapackage.json" }},
		{"upper-case name", false, "lower-case", func(p map[string]any) { p["name"] = "Barometre 2026" }},
		{"two resources with one name", false, "not unique in the package", func(p map[string]any) {
			rs := p["resources"].([]any)
			rs[1].(map[string]any)["name"] = rs[0].(map[string]any)["name"]
		}},
		{"path and data", false, "exactly one of path and data", func(p map[string]any) {
			p["resources"].([]any)[0].(map[string]any)["data"] = []any{}
		}},
		{"path out of the package", false, "may not climb out", func(p map[string]any) {
			p["resources"].([]any)[0].(map[string]any)["path"] = "../etc/passwd"
		}},
		{"wrong hash", false, "does not have the hash", func(p map[string]any) {
			p["resources"].([]any)[0].(map[string]any)["hash"] = "sha256:" + strings.Repeat("0", 64)
		}},
		{"unknown field type", false, "not a Table Schema type", func(p map[string]any) {
			firstField(t, p, func(map[string]any) bool { return true })["type"] = "text"
		}},
		{"categories on a number field", false, "only string and integer fields", func(p map[string]any) {
			firstField(t, p, func(f map[string]any) bool { return f["type"] == "number" })["categories"] = []any{json.Number("1.5")}
		}},
		{"missing value that is a number", false, "a missing value is a string", func(p map[string]any) {
			s := schemaOf(t, p, func(map[string]any) bool { return true })
			s["missingValues"] = []any{"", json.Number("-999")}
		}},
		{"primary key on no field", false, "is not a field of the schema", func(p map[string]any) {
			schemaOf(t, p, func(s map[string]any) bool { return s["primaryKey"] != nil })["primaryKey"] = []any{"kind", "siren"}
		}},
		{"foreign key to a field the other table lacks", false, "is not a field of the schema", func(p map[string]any) {
			s := schemaOf(t, p, func(s map[string]any) bool { return s["foreignKeys"] != nil })
			ref := s["foreignKeys"].([]any)[0].(map[string]any)["reference"].(map[string]any)
			ref["fields"] = []any{"kind", "code_insee"}
		}},
		{"foreign key to no resource", false, "not a resource of the package", func(p map[string]any) {
			s := schemaOf(t, p, func(s map[string]any) bool { return s["foreignKeys"] != nil })
			s["foreignKeys"].([]any)[0].(map[string]any)["reference"].(map[string]any)["resource"] = "respondents"
		}},
		{"dialect with a two-character quote", false, "must be one character", func(p map[string]any) {
			p["resources"].([]any)[0].(map[string]any)["dialect"].(map[string]any)["quoteChar"] = `""`
		}},
		{"dialect with a header that is a string", false, "must be true or false", func(p map[string]any) {
			p["resources"].([]any)[0].(map[string]any)["dialect"].(map[string]any)["header"] = "yes"
		}},
		{"a coded field whose file holds other codes", false, "is not among the categories", func(p map[string]any) {
			f := firstField(t, p, func(f map[string]any) bool { return f["type"] == "integer" && f["categories"] != nil })
			f["categories"] = []any{map[string]any{"value": json.Number("7"), "label": "sept"}}
		}},
		{"a text column typed integer", false, "is not a value of type integer", func(p map[string]any) {
			firstField(t, p, func(f map[string]any) bool { return f["name"] == "question" })["type"] = "integer"
		}},
		{"schema whose fields are not the file's", false, "is not the schema's fields", func(p map[string]any) {
			s := p["resources"].([]any)[0].(map[string]any)["schema"].(map[string]any)
			fs := s["fields"].([]any)
			fs[0], fs[1] = fs[1], fs[0]
		}},
	}
	for _, b := range breaks {
		t.Run(b.name, func(t *testing.T) {
			var p map[string]any
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&p); err != nil {
				t.Fatal(err)
			}
			b.change(p)
			broken, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			c := checkV2(broken, dir)
			got := c.v2
			if b.compat {
				got = c.compat
				if len(c.v2) != 0 {
					t.Errorf("valid v2, yet: %q", c.v2)
				}
			}
			if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, b.want) }) {
				t.Errorf("no problem saying %q; found v2 %q, compat %q", b.want, c.v2, c.compat)
			}
		})
	}
}

// schemaOf is the first table schema of p that keep accepts.
func schemaOf(t *testing.T, p map[string]any, keep func(map[string]any) bool) map[string]any {
	t.Helper()
	for _, r := range p["resources"].([]any) {
		if s, ok := r.(map[string]any)["schema"].(map[string]any); ok && keep(s) {
			return s
		}
	}
	t.Fatal("no such schema in the edition's descriptor")
	return nil
}

// firstField is the first field of any table that keep accepts.
func firstField(t *testing.T, p map[string]any, keep func(map[string]any) bool) map[string]any {
	t.Helper()
	for _, r := range p["resources"].([]any) {
		s, _ := r.(map[string]any)["schema"].(map[string]any)
		fs, _ := s["fields"].([]any)
		for _, f := range fs {
			if m := f.(map[string]any); keep(m) {
				return m
			}
		}
	}
	t.Fatal("no such field in the edition's descriptor")
	return nil
}
