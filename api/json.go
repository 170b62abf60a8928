package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/civiscope/civiscope"
)

// decode reads a JSON request body into v, strictly: one object, no unknown
// fields, the right types, at most cfg.MaxBody bytes. Every failure is the
// client's to fix and says where the body went wrong.
func (a *API) decode(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return civiscope.Invalid([]civiscope.FieldError{{Field: "Content-Type", Message: fmt.Sprintf("must be application/json, not %q", ct)}})
	}
	body := http.MaxBytesReader(w, r.Body, a.cfg.MaxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err, a.cfg.MaxBody)
	}
	if field := nulField(reflect.ValueOf(v), ""); field != "" {
		return civiscope.Invalid([]civiscope.FieldError{{Field: field, Message: "contains a NUL character (\\u0000), which no text here may hold"}})
	}
	// Anything after the object is a mistake (two objects, stray text).
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return bodyError(err, a.cfg.MaxBody)
		}
		return civiscope.Errorf(civiscope.EINVALID, "the body must hold one JSON object and nothing after it")
	}
	return nil
}

func bodyError(err error, limit int64) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return civiscope.Errorf(civiscope.ETOOLARGE, "the body is over the limit of %d bytes", limit)
	case errors.Is(err, io.EOF):
		return civiscope.Errorf(civiscope.EINVALID, "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return civiscope.Errorf(civiscope.EINVALID, "malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &syn):
		return civiscope.Errorf(civiscope.EINVALID, "malformed JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return civiscope.Errorf(civiscope.EINVALID, "the body must be a JSON object, not %s", typ.Value)
		}
		return civiscope.Invalid([]civiscope.FieldError{{Field: field, Message: fmt.Sprintf("must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value)}})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return civiscope.Invalid([]civiscope.FieldError{{Field: name, Message: "is not a known field"}})
	}
	// Values whose own decoder refused them, such as a malformed date.
	return civiscope.Errorf(civiscope.EINVALID, "invalid JSON value: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonType names a Go kind the way a JSON client thinks of it.
func jsonType(kind string) string {
	switch {
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "slice", kind == "array":
		return "an array"
	}
	return "an object"
}

// nulField finds a string holding U+0000 in a decoded body and returns its
// JSON name. PostgreSQL text cannot store it, so letting it through would
// turn a client's mistake into a 500.
func nulField(v reflect.Value, name string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nulField(v.Elem(), name)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return name
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if f := nulField(v.Index(i), name); f != "" {
				return f
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if f := nulField(v.MapIndex(k), name); f != "" {
				return f
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			field := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
			if field == "" {
				field = t.Field(i).Name
			}
			if f := nulField(v.Field(i), field); f != "" {
				return f
			}
		}
	}
	return ""
}

// Cache policies for GET responses.
const (
	cachePublic  = "public, max-age=60"   // directory data: changes often, cheap to revalidate
	cacheStable  = "public, max-age=3600" // the INSEE register, the contract
	cachePrivate = "private, no-cache"    // token data: revalidated every time
	cacheNever   = "no-store"             // secrets
)

const (
	contentJSON = "application/json"
	contentHTML = "text/html; charset=utf-8"
)

// writeJSON marshals v and sends it with the given status.
func (a *API) writeJSON(w http.ResponseWriter, r *http.Request, status int, cache string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		a.problem(w, r, fmt.Errorf("encode response: %w", err))
		return
	}
	send(w, r, status, contentJSON, cache, body)
}

// send writes a body. GET and HEAD answers with 200 carry a strong ETag (a
// hash of the bytes) and honour If-None-Match with a bodiless 304.
func send(w http.ResponseWriter, r *http.Request, status int, contentType, cache string, body []byte) {
	etag := ""
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) && cache != cacheNever {
		sum := sha256.Sum256(body)
		etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
		offerToCache(r, contentType, cache, etag, body)
	}
	sendTagged(w, r, status, contentType, cache, etag, body)
}

// sendTagged writes a body whose ETag, if any, is already known.
func sendTagged(w http.ResponseWriter, r *http.Request, status int, contentType, cache, etag string, body []byte) {
	h := w.Header()
	h.Set("Cache-Control", cache)
	if etag != "" {
		h.Set("ETag", etag)
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etagMatch applies If-None-Match's weak comparison (RFC 9110, 13.1.2):
// "*" or any listed tag equal to etag once W/ is ignored.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// onlyParams refuses query parameters the endpoint does not know, so that
// a misspelt filter (?categry=) is an error rather than a silently
// unfiltered answer.
func onlyParams(r *http.Request, known ...string) error {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return civiscope.Errorf(civiscope.EINVALID, "the query string is malformed (%v); percent-encode special characters", err)
	}
	var errs []civiscope.FieldError
	for name, vals := range q {
		if slices.ContainsFunc(vals, func(v string) bool { return strings.ContainsRune(v, 0) }) {
			errs = append(errs, civiscope.FieldError{Field: name, Message: "contains a NUL character (%00), which no value here may hold"})
			continue
		}
		if !slices.Contains(known, name) {
			msg := "is not a parameter of this endpoint"
			if len(known) > 0 {
				msg += "; it takes " + strings.Join(known, ", ")
			}
			errs = append(errs, civiscope.FieldError{Field: name, Message: msg})
		}
	}
	slices.SortFunc(errs, func(a, b civiscope.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return civiscope.Invalid(errs)
}
