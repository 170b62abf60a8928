package search

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Document is what both backends index for one tool, vendor or territory:
// the searchable text, the sort keys and the facet values, denormalised so
// that a faceted query never joins.
type Document struct {
	ID          string // DocID(Type, EntityID)
	Type        Type
	EntityID    int64
	Slug        string
	Name        string
	Summary     string
	Description string
	// Keywords are searchable words that are not shown: category labels in
	// French and English, the vendor's name, the territory's département.
	Keywords string
	Adopters int
	// Population breaks ties between places of equal relevance (0 for
	// tools and vendors).
	Population int
	UpdatedAt  time.Time
	// Facets maps a facet name to the document's values; a document without
	// a facet does not match filters on it.
	Facets map[string][]string
}

// DocID is the id of the document of an entity: "tool-12". Meilisearch
// accepts it as a primary key (letters, digits, - and _).
func DocID(t Type, id int64) string { return string(t) + "-" + strconv.FormatInt(id, 10) }

// ParseDocID splits a document id.
func ParseDocID(s string) (Type, int64, error) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return "", 0, fmt.Errorf("document id %q has no type", s)
	}
	id, err := strconv.ParseInt(s[i+1:], 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("document id %q: %w", s, err)
	}
	t := Type(s[:i])
	switch t {
	case TypeTool, TypeVendor, TypeTerritory:
		return t, id, nil
	}
	return "", 0, fmt.Errorf("document id %q: unknown type", s)
}

// FacetTerms flattens the facets into "name:value" strings, sorted, the form
// the PostgreSQL backend stores and counts.
func (d Document) FacetTerms() []string {
	var out []string
	for _, name := range append(FacetNames(), FacetAdopter) {
		for _, v := range d.Facets[name] {
			out = append(out, name+":"+v)
		}
	}
	return out
}
