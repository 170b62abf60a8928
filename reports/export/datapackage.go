package export

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// The Frictionless Data Package v2 profiles this package writes against.
const (
	PackageProfile  = "https://datapackage.org/profiles/2.0/datapackage.json"
	ResourceProfile = "https://datapackage.org/profiles/2.0/dataresource.json"
	SchemaProfile   = "https://datapackage.org/profiles/2.0/tableschema.json"
)

// Package is a datapackage.json descriptor.
type Package struct {
	Schema       string        `json:"$schema"`
	Name         string        `json:"name"`
	Title        string        `json:"title,omitempty"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version,omitempty"`
	Created      string        `json:"created,omitempty"`
	Homepage     string        `json:"homepage,omitempty"`
	Licenses     []Licence     `json:"licenses"`
	Sources      []Source      `json:"sources,omitempty"`
	Contributors []Contributor `json:"contributors,omitempty"`
	Resources    []PackageRes  `json:"resources"`
}

// Contributor credits who publishes the data.
type Contributor struct {
	Title string   `json:"title"`
	Path  string   `json:"path,omitempty"`
	Roles []string `json:"roles,omitempty"`
}

// PackageRes is one resource of the descriptor.
type PackageRes struct {
	Schema      string       `json:"$schema,omitempty"`
	Name        string       `json:"name"`
	Path        string       `json:"path,omitempty"`
	Type        string       `json:"type,omitempty"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Format      string       `json:"format,omitempty"`
	MediaType   string       `json:"mediatype,omitempty"`
	Encoding    string       `json:"encoding,omitempty"`
	Bytes       int64        `json:"bytes,omitempty"`
	Hash        string       `json:"hash,omitempty"`
	Dialect     *Dialect     `json:"dialect,omitempty"`
	TableSchema *TableSchema `json:"schema,omitempty"`
}

// Dialect describes the CSV files.
type Dialect struct {
	Delimiter string `json:"delimiter"`
	Header    bool   `json:"header"`
}

// TableSchema is a Frictionless Table Schema.
type TableSchema struct {
	Schema        string         `json:"$schema"`
	Fields        []SchemaField  `json:"fields"`
	MissingValues []MissingValue `json:"missingValues"`
}

// SchemaField is one field of a Table Schema.
type SchemaField struct {
	Name        string     `json:"name"`
	Type        string     `json:"type"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Categories  []Category `json:"categories,omitempty"`
}

// MissingValue is a missing-value code with its meaning.
type MissingValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// NewPackage describes ds, whose resources are published as NAME.csv; files
// gives the size and checksum of each CSV by file name.
func NewPackage(ds Dataset, files map[string]File) Package {
	p := Package{
		Schema:       PackageProfile,
		Name:         ds.Name,
		Title:        ds.Title,
		Description:  ds.Description,
		Version:      ds.Version,
		Created:      ds.Created.UTC().Format(time.RFC3339),
		Homepage:     ds.Homepage,
		Licenses:     []Licence{Etalab2()},
		Sources:      ds.Sources,
		Contributors: []Contributor{{Title: "Civiscope", Path: ds.Homepage, Roles: []string{"publisher"}}},
	}
	for _, r := range ds.Resources {
		path := r.Name + ".csv"
		pr := PackageRes{
			Schema:      ResourceProfile,
			Name:        r.Name,
			Path:        path,
			Type:        "table",
			Title:       r.Title,
			Description: r.Description,
			Format:      "csv",
			MediaType:   "text/csv",
			Encoding:    "utf-8",
			Dialect:     &Dialect{Delimiter: ",", Header: true},
			TableSchema: &TableSchema{Schema: SchemaProfile, MissingValues: []MissingValue{{Value: "", Label: "no value / sans valeur"}}},
		}
		if f, ok := files[path]; ok {
			pr.Bytes = f.Bytes
			pr.Hash = "sha256:" + f.SHA256
		}
		for _, m := range r.MissingValues {
			pr.TableSchema.MissingValues = append(pr.TableSchema.MissingValues, MissingValue{Value: m.Code, Label: m.Label})
		}
		for _, fl := range r.Fields {
			sf := SchemaField{Name: fl.Name, Type: fl.Type, Title: fl.Title, Description: fl.Description, Categories: fl.Categories}
			if fl.TitleEN != "" && fl.TitleEN != fl.Title {
				sf.Title = fl.Title + " / " + fl.TitleEN
			}
			pr.TableSchema.Fields = append(pr.TableSchema.Fields, sf)
		}
		p.Resources = append(p.Resources, pr)
	}
	return p
}

var (
	nameRe = regexp.MustCompile(`^[a-z0-9._-]+$`)
	hashRe = regexp.MustCompile(`^(sha256:[0-9a-f]{64}|[0-9a-f]{32})$`)
)

// fieldTypes are the Table Schema v2 types.
func fieldTypes() map[string]bool {
	return map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "object": true,
		"array": true, "list": true, "date": true, "time": true, "datetime": true, "year": true,
		"yearmonth": true, "duration": true, "geopoint": true, "geojson": true, "any": true}
}

// ValidatePackage checks a datapackage.json against the requirements of
// the Data Package v2 specification (package, resource and Table Schema):
// required properties, their types, name patterns, unique names, path or
// data, hash format, field types, categories and missing values. It
// returns every problem found.
func ValidatePackage(raw []byte) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		return []error{fmt.Errorf("not JSON: %w", err)}
	}
	if s, ok := p["$schema"].(string); ok && s != PackageProfile {
		bad("$schema is %q, want the v2 profile", s)
	}
	if n, ok := p["name"]; ok {
		if s, _ := n.(string); !nameRe.MatchString(s) {
			bad("name %v must be lower case letters, digits, '.', '-' or '_'", n)
		}
	}
	lics, _ := p["licenses"].([]any)
	if v, ok := p["licenses"]; ok && lics == nil {
		bad("licenses must be an array, not %T", v)
	}
	for i, l := range lics {
		m, _ := l.(map[string]any)
		if m == nil || (m["name"] == nil && m["path"] == nil) {
			bad("licenses[%d] needs a name or a path", i)
		}
	}
	res, ok := p["resources"].([]any)
	if !ok || len(res) == 0 {
		bad("resources is required and must be a non-empty array")
	}
	seen := map[string]bool{}
	types := fieldTypes()
	for i, r := range res {
		m, _ := r.(map[string]any)
		if m == nil {
			bad("resources[%d] must be an object", i)
			continue
		}
		name, _ := m["name"].(string)
		if name == "" {
			bad("resources[%d].name is required", i)
		} else if !nameRe.MatchString(name) {
			bad("resources[%d].name %q breaks the name pattern", i, name)
		} else if seen[name] {
			bad("resources[%d].name %q is not unique", i, name)
		}
		seen[name] = true
		_, hasPath := m["path"]
		_, hasData := m["data"]
		if hasPath == hasData {
			bad("resources[%d] needs exactly one of path and data", i)
		}
		if h, ok := m["hash"]; ok {
			if s, _ := h.(string); !hashRe.MatchString(s) {
				bad("resources[%d].hash %v is not an MD5 or a sha256:-prefixed hex digest", i, h)
			}
		}
		sch, ok := m["schema"]
		if !ok {
			continue
		}
		sm, _ := sch.(map[string]any)
		fields, _ := sm["fields"].([]any)
		if sm == nil || fields == nil {
			bad("resources[%d].schema.fields is required and must be an array", i)
			continue
		}
		fseen := map[string]bool{}
		for j, f := range fields {
			fm, _ := f.(map[string]any)
			fname, _ := fm["name"].(string)
			if fname == "" {
				bad("resources[%d].schema.fields[%d].name is required", i, j)
			}
			if fseen[fname] {
				bad("resources[%d].schema.fields[%d].name %q is not unique", i, j, fname)
			}
			fseen[fname] = true
			if t, ok := fm["type"]; ok {
				if s, _ := t.(string); !types[s] {
					bad("resources[%d].schema.fields[%d].type %v is not a Table Schema type", i, j, t)
				}
			}
			if c, ok := fm["categories"]; ok {
				cs, _ := c.([]any)
				if len(cs) == 0 {
					bad("resources[%d].schema.fields[%d].categories must be a non-empty array", i, j)
				}
				for _, cv := range cs {
					if cm, ok := cv.(map[string]any); ok && cm["value"] == nil {
						bad("resources[%d].schema.fields[%d].categories entries need a value", i, j)
					}
				}
			}
		}
		if mv, ok := sm["missingValues"]; ok {
			arr, _ := mv.([]any)
			if arr == nil {
				bad("resources[%d].schema.missingValues must be an array", i)
			}
			for _, v := range arr {
				switch x := v.(type) {
				case string:
				case map[string]any:
					if _, ok := x["value"].(string); !ok {
						bad("resources[%d].schema.missingValues entries need a string value", i)
					}
				default:
					bad("resources[%d].schema.missingValues entries must be strings or {value, label}", i)
				}
			}
		}
	}
	return errs
}
