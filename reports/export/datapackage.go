package export

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
	Schema string        `json:"$schema"`
	Fields []SchemaField `json:"fields"`
	// MissingValues are plain strings: the one form that both v1 readers
	// (datapackage-js, tableschema-py 1.x) and the v2 profile accept. What
	// each code means is in the resource description and the codebook.
	MissingValues []string     `json:"missingValues"`
	PrimaryKey    []string     `json:"primaryKey,omitempty"`
	ForeignKeys   []SchemaFKey `json:"foreignKeys,omitempty"`
}

// SchemaFKey is a Table Schema foreign key.
type SchemaFKey struct {
	Fields    []string `json:"fields"`
	Reference struct {
		Resource string   `json:"resource"`
		Fields   []string `json:"fields"`
	} `json:"reference"`
}

// SchemaCategory is a category with its value typed like its field: the
// v2 profile wants integer categories for an integer field.
type SchemaCategory struct {
	Value any    `json:"value"`
	Label string `json:"label,omitempty"`
}

// SchemaField is one field of a Table Schema.
type SchemaField struct {
	Name        string           `json:"name"`
	Type        string           `json:"type"`
	Title       string           `json:"title,omitempty"`
	Description string           `json:"description,omitempty"`
	Categories  []SchemaCategory `json:"categories,omitempty"`
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
			TableSchema: &TableSchema{Schema: SchemaProfile, MissingValues: []string{""}, PrimaryKey: r.PrimaryKey},
		}
		if f, ok := files[path]; ok {
			pr.Bytes = f.Bytes
			pr.Hash = "sha256:" + f.SHA256
		}
		var codes []string
		for _, m := range r.MissingValues {
			pr.TableSchema.MissingValues = append(pr.TableSchema.MissingValues, m.Code)
			codes = append(codes, m.Code+" = "+m.Label)
		}
		if len(codes) > 0 {
			pr.Description = strings.TrimSpace(pr.Description + " Missing values / valeurs manquantes: " + strings.Join(codes, "; ") + ".")
		}
		for _, fk := range r.ForeignKeys {
			var k SchemaFKey
			k.Fields = fk.Fields
			k.Reference.Resource = fk.Resource
			k.Reference.Fields = fk.RefFields
			pr.TableSchema.ForeignKeys = append(pr.TableSchema.ForeignKeys, k)
		}
		for _, fl := range r.Fields {
			sf := SchemaField{Name: fl.Name, Type: fl.Type, Title: fl.Title, Description: fl.Description}
			for _, c := range fl.Categories {
				var v any = c.Value
				if fl.Type == Integer {
					if n, err := strconv.Atoi(c.Value); err == nil {
						v = n
					}
				}
				sf.Categories = append(sf.Categories, SchemaCategory{Value: v, Label: c.Label})
			}
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
				ftype, _ := fm["type"].(string)
				for _, cv := range cs {
					cm, ok := cv.(map[string]any)
					if ok && cm["value"] == nil {
						bad("resources[%d].schema.fields[%d].categories entries need a value", i, j)
						continue
					}
					val := cv
					if ok {
						val = cm["value"]
					}
					switch val.(type) {
					case string:
						if ftype == Integer {
							bad("resources[%d].schema.fields[%d] is an integer field with a string category %v", i, j, val)
						}
					case float64:
						if ftype != Integer {
							bad("resources[%d].schema.fields[%d] is a %s field with a number category %v", i, j, ftype, val)
						}
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
				// Objects are valid v2 but v1 readers reject them, and
				// these files must load in both.
				if _, ok := v.(string); !ok {
					bad("resources[%d].schema.missingValues entries must be plain strings (v1 readers reject {value, label})", i)
				}
			}
		}
	}
	return errs
}
