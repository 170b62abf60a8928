package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
)

// The contract is written by hand, next to the handlers, and the tests hold
// them together: every route must be in it and every response must match.
//
//go:embed openapi.json
var openAPIJSON []byte

//go:embed docs.html
var docsHTML string

// specDoc is the parsed contract, with its rendered documentation page.
type specDoc struct {
	raw     []byte
	html    []byte
	docsCSP string
}

// The part of OpenAPI the documentation page shows.
type (
	oaSpec struct {
		Info struct {
			Title, Version, Summary, Description string
		}
		Tags  []struct{ Name, Description string }
		Paths map[string]map[string]json.RawMessage
		// Components are looked up by reference.
		Components struct {
			Parameters map[string]oaParam
			Responses  map[string]oaResponse
			Schemas    map[string]*oaSchema
		}
	}
	oaOperation struct {
		OperationID string `json:"operationId"`
		Summary     string
		Description string
		Tags        []string
		Parameters  []oaParam
		RequestBody *struct {
			Content map[string]struct{ Schema *oaSchema }
		} `json:"requestBody"`
		Responses map[string]oaResponse
		Security  []map[string][]string
	}
	oaParam struct {
		Ref         string `json:"$ref"`
		Name, In    string
		Description string
		Required    bool
		Schema      *oaSchema
	}
	oaResponse struct {
		Ref         string `json:"$ref"`
		Description string
		Content     map[string]struct{ Schema *oaSchema }
	}
	oaSchema struct {
		Ref         string `json:"$ref"`
		Type        any
		Description string
		Enum        []any
		Format      string
		Pattern     string
		Default     any
		Minimum     *float64
		Maximum     *float64
		Items       *oaSchema
		AllOf       []*oaSchema `json:"allOf"`
		Properties  map[string]*oaSchema
		Required    []string
	}
)

// Views handed to the template.
type (
	docOperation struct {
		ID, Method, Path, Summary string
		Description               []string
		Auth                      string
		Params                    []docParam
		Body                      template.HTML
		Responses                 []docResponse
	}
	docParam struct {
		Name, In, Description string
		Required              bool
		Type                  template.HTML
	}
	docResponse struct {
		Status, Description string
		Type                template.HTML
	}
	docTag struct {
		Name, Description string
		Operations        []docOperation
	}
	docSchema struct {
		Name, Description string
		Type              template.HTML
		Fields            []docField
	}
	docField struct {
		Name, Description string
		Required          bool
		Type              template.HTML
	}
)

func loadSpec() (*specDoc, error) {
	var s oaSpec
	if err := json.Unmarshal(openAPIJSON, &s); err != nil {
		return nil, fmt.Errorf("embedded openapi.json: %w", err)
	}
	tags, err := s.operations()
	if err != nil {
		return nil, err
	}
	t, err := template.New("docs").Parse(docsHTML)
	if err != nil {
		return nil, fmt.Errorf("docs template: %w", err)
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, map[string]any{
		"Info":    s.Info,
		"Tags":    tags,
		"Schemas": s.schemas(),
	})
	if err != nil {
		return nil, fmt.Errorf("render docs: %w", err)
	}
	return &specDoc{raw: openAPIJSON, html: buf.Bytes(), docsCSP: docsPolicy(docsHTML)}, nil
}

// docsPolicy allows the docs page's inline stylesheet by its SHA-256 and
// nothing else: no script, no framing.
func docsPolicy(page string) string {
	_, rest, _ := strings.Cut(page, "<style>")
	style, _, _ := strings.Cut(rest, "</style>")
	sum := sha256.Sum256([]byte(style))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}

var methodOrder = map[string]int{"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}

func (s *oaSpec) operations() ([]docTag, error) {
	byTag := map[string][]docOperation{}
	for path, item := range s.Paths {
		var shared []oaParam
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("openapi.json %s parameters: %w", path, err)
			}
		}
		for method, raw := range item {
			if _, ok := methodOrder[method]; !ok {
				continue
			}
			var op oaOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("openapi.json %s %s: %w", method, path, err)
			}
			d := docOperation{ID: op.OperationID, Method: strings.ToUpper(method), Path: path,
				Summary: op.Summary, Description: paragraphs(op.Description), Auth: auth(op.Security)}
			for _, p := range append(append([]oaParam{}, shared...), op.Parameters...) {
				p = s.param(p)
				d.Params = append(d.Params, docParam{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required, Type: schemaType(p.Schema)})
			}
			if op.RequestBody != nil {
				for _, c := range op.RequestBody.Content {
					d.Body = schemaType(c.Schema)
				}
			}
			for status, resp := range op.Responses {
				resp = s.response(resp)
				var typ template.HTML
				for ct, c := range resp.Content {
					if ct != "text/plain" {
						typ = template.HTML(template.HTMLEscapeString(ct)+" ") + schemaType(c.Schema)
					}
				}
				d.Responses = append(d.Responses, docResponse{Status: status, Description: resp.Description, Type: typ})
			}
			sort.Slice(d.Responses, func(i, j int) bool { return d.Responses[i].Status < d.Responses[j].Status })
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			byTag[tag] = append(byTag[tag], d)
		}
	}
	var out []docTag
	for _, t := range s.Tags {
		ops := byTag[t.Name]
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return methodOrder[strings.ToLower(ops[i].Method)] < methodOrder[strings.ToLower(ops[j].Method)]
		})
		out = append(out, docTag{Name: t.Name, Description: t.Description, Operations: ops})
		delete(byTag, t.Name)
	}
	if len(byTag) > 0 {
		return nil, fmt.Errorf("openapi.json: operations tagged with undeclared tags: %v", byTag)
	}
	return out, nil
}

func (s *oaSpec) param(p oaParam) oaParam {
	if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
		return s.Components.Parameters[name]
	}
	return p
}

func (s *oaSpec) response(r oaResponse) oaResponse {
	if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
		return s.Components.Responses[name]
	}
	return r
}

func (s *oaSpec) schemas() []docSchema {
	var out []docSchema
	for name, sc := range s.Components.Schemas {
		d := docSchema{Name: name, Description: sc.Description}
		if len(sc.Properties) == 0 {
			d.Type = schemaType(sc)
		}
		for field, fs := range sc.Properties {
			d.Fields = append(d.Fields, docField{Name: field, Description: fs.Description,
				Required: contains(sc.Required, field), Type: schemaType(fs)})
		}
		sort.Slice(d.Fields, func(i, j int) bool { return d.Fields[i].Name < d.Fields[j].Name })
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// schemaType renders a schema's type in a few words, linking named schemas.
func schemaType(s *oaSchema) template.HTML {
	if s == nil {
		return ""
	}
	if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
		return template.HTML(fmt.Sprintf(`<a href="#schema-%s">%s</a>`, template.HTMLEscapeString(name), template.HTMLEscapeString(name)))
	}
	if len(s.AllOf) == 1 {
		return schemaType(s.AllOf[0])
	}
	var types []string
	switch t := s.Type.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, v := range t {
			types = append(types, fmt.Sprint(v))
		}
	}
	var b strings.Builder
	for i, t := range types {
		if i > 0 {
			b.WriteString(" or ")
		}
		if t == "array" && s.Items != nil {
			b.WriteString("array of " + string(schemaType(s.Items)))
			continue
		}
		b.WriteString(template.HTMLEscapeString(t))
	}
	var notes []string
	if s.Format != "" {
		notes = append(notes, s.Format)
	}
	if len(s.Enum) > 0 {
		var vs []string
		for _, v := range s.Enum {
			if v != nil {
				vs = append(vs, fmt.Sprint(v))
			}
		}
		notes = append(notes, "one of "+strings.Join(vs, ", "))
	}
	if s.Minimum != nil && s.Maximum != nil {
		notes = append(notes, fmt.Sprintf("%g to %g", *s.Minimum, *s.Maximum))
	} else if s.Minimum != nil {
		notes = append(notes, fmt.Sprintf("at least %g", *s.Minimum))
	}
	if s.Default != nil {
		notes = append(notes, fmt.Sprintf("default %v", s.Default))
	}
	if len(notes) > 0 {
		b.WriteString(" (" + template.HTMLEscapeString(strings.Join(notes, "; ")) + ")")
	}
	if b.Len() == 0 && s.Items == nil {
		return "any"
	}
	return template.HTML(b.String())
}

func auth(sec []map[string][]string) string {
	if sec == nil {
		return "optional token (raises the rate limit)"
	}
	for _, req := range sec {
		if len(req) == 0 {
			return "optional token (raises the rate limit)"
		}
	}
	return "token required"
}

func paragraphs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n\n")
}

// openAPI serves GET /api/openapi.json.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	send(w, r, http.StatusOK, contentJSON, cacheStable, a.spec.raw)
}

// docs serves GET /api/docs.
func (a *API) docs(w http.ResponseWriter, r *http.Request) {
	// The page's one inline <style> is allowed by its hash, nothing else.
	w.Header().Set("Content-Security-Policy", a.spec.docsCSP)
	send(w, r, http.StatusOK, contentHTML, cacheStable, a.spec.html)
}
