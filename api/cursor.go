package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/civiscope/civiscope"
)

// cursorCodec makes opaque keyset cursors. A cursor is the last row's sort
// key, signed with HMAC-SHA256 together with the query it belongs to: a
// client cannot forge a position, and a cursor replayed on another query
// (other filters, other endpoint) is refused instead of silently skipping
// rows.
type cursorCodec struct{ key []byte }

// maxCursorLen bounds what is decoded at all; real cursors are far shorter.
const maxCursorLen = 512

func (c cursorCodec) mac(query string, payload []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(query))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:16]
}

// encode returns the cursor after the row whose sort key is keys.
func (c cursorCodec) encode(query string, keys ...any) string {
	payload, err := json.Marshal(keys)
	if err != nil { // keys are strings and numbers
		panic(fmt.Sprintf("cursor keys: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(c.mac(query, payload))
}

// decode checks a cursor against query and fills keys, which must be
// pointers to the types encode was given, in order.
func (c cursorCodec) decode(s, query string, keys ...any) error {
	bad := func(why string) error {
		return civiscope.Invalid([]civiscope.FieldError{{Field: "cursor", Message: why + "; start again without a cursor"}})
	}
	if len(s) > maxCursorLen {
		return bad("is too long to be a cursor")
	}
	p, m, ok := strings.Cut(s, ".")
	if !ok {
		return bad("is not a cursor from this API")
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sig, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil {
		return bad("is not a cursor from this API")
	}
	if !hmac.Equal(sig, c.mac(query, payload)) {
		return bad("was altered, belongs to another query, or has expired")
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil || len(raw) != len(keys) {
		return bad("does not fit this query")
	}
	for i, k := range keys {
		dec := json.NewDecoder(bytes.NewReader(raw[i]))
		if err := dec.Decode(k); err != nil {
			return bad("does not fit this query")
		}
	}
	return nil
}

// Page sizes.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// pageLimit reads ?limit=, 1 to maxLimit.
func pageLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		return 0, civiscope.Invalid([]civiscope.FieldError{{Field: "limit", Message: fmt.Sprintf("must be a whole number from 1 to %d, not %q", maxLimit, v)}})
	}
	return n, nil
}

// page is the envelope of every list response.
type page[T any] struct {
	Data       []T       `json:"data"`
	NextCursor *string   `json:"next_cursor"`
	Links      pageLinks `json:"links"`
}

type pageLinks struct {
	Self string  `json:"self"`
	Next *string `json:"next"`
}

// cursorQuery is what a cursor is bound to: the path and every query
// parameter except cursor and limit (a client may change the page size
// while paging).
func cursorQuery(r *http.Request) string {
	q := r.URL.Query()
	q.Del("cursor")
	q.Del("limit")
	return r.URL.Path + "?" + q.Encode()
}

// newPage wraps a page of rows. next is the cursor of the following page,
// "" on the last one; it also goes into a Link header (RFC 8288).
func newPage[T any](w http.ResponseWriter, r *http.Request, rows []T, next string) page[T] {
	if rows == nil {
		rows = []T{}
	}
	p := page[T]{Data: rows, Links: pageLinks{Self: r.URL.RequestURI()}}
	if next != "" {
		q := r.URL.Query()
		q.Set("cursor", next)
		u := r.URL.Path + "?" + q.Encode()
		p.NextCursor, p.Links.Next = &next, &u
		w.Header().Set("Link", "<"+u+`>; rel="next"`)
	}
	return p
}
