// Package search finds tools, vendors and territories by typing half a word,
// in French, with typos and without accents, and narrows them with facets.
//
// One interface, two backends:
//
//   - search/pg, the embedded default: PostgreSQL full-text search with a
//     french_unaccent configuration over a denormalised search_document
//     table (migration 00200_search.sql), its lexemes matched in memory,
//     trigram typos as pg_trgm computes them.
//   - search/meili, when MEILI_URL and MEILI_API_KEY are set: Meilisearch.
//
// Both pass the same contract suite (search/searchtest): accent and case
// insensitivity, French stemming, typo tolerance (1 typo from 5 letters, 2
// from 9), prefix matching, synonyms, highlighting, and facet counts that
// agree with the filtered results.
//
// # For api and web
//
// Build a Query from the request (ParseQuery reads URL query values: q, type,
// sort, page, per_page and one parameter per facet name, repeatable), call
// Engine.Search, and render Results. Every user mistake (query over 1,000
// characters, unknown facet or value, bad page) is a *civiscope.Error with
// code EINVALID and a message that says what to fix; map it with
// server.HTTPStatus (400). Syntax characters (& | ! : * ( ) " ' \ -) are
// plain text: "budget d'investissement" just works. An empty Text with
// filters browses the filtered results.
//
//	q, err := search.ParseQuery(r.URL.Query())   // or build search.Query{...}
//	res, err := engine.Search(ctx, q)
//	for _, h := range res.Hits { h.Highlighted.HTML(); h.Snippet.HTML() }   // escaped, <mark>…</mark>
//	for _, f := range res.Facets { f.Name; f.Label.In(lang); f.Values[i].Count; f.Values[i].Selected }
//	next := q; next.Page++; link := url.Values(next.Values()).Encode()
//
// For as-you-type suggestions, leave Facets false and ask for a few hits
// (PerPage 8); for the search page set Facets true. Hit.Slug and Hit.Type
// make the link (territories: KIND-CODE). Highlight also marshals to JSON
// as [{"text": "Agora "}, {"text": "Démocratie", "match": true}].
//
// Create one engine per process and share it between api and web: the
// PostgreSQL backend keeps an in-memory snapshot (see search/pg). In serve,
// (*App).startSearch in cmd/civiscope/search.go returns it and runs the
// Indexer.
//
// # Keeping the index current
//
// Every directory write appends revision rows in its transaction
// (directory.RevisionsAfter is the outbox). An Indexer (NewIndexer) drains
// them into a Backend by increasing id, with retries and backoff, and keeps
// its cursor in the search_cursor table; Backend.Rebuild reindexes from
// scratch (`civiscope search reindex`). Territories are not written through
// the directory, so a register import needs a reindex to refresh them.
package search

import (
	"context"
	"time"

	"github.com/civiscope/civiscope/directory"
)

// Engine answers search queries. Implementations validate the query first
// (Query.Normalize), so callers may pass user input straight through.
type Engine interface {
	Search(ctx context.Context, q Query) (*Results, error)
}

// Backend is an Engine whose index can be fed: the Indexer applies outbox
// batches to it and `search reindex` rebuilds it.
type Backend interface {
	Engine
	// Name identifies the index, and its cursor in search_cursor.
	Name() string
	// Apply upserts and deletes documents, then records that every revision
	// up to b.Cursor is indexed. It must be idempotent: after a failure the
	// same batch comes again.
	Apply(ctx context.Context, b Batch) error
	// Rebuild indexes every document from scratch and sets the cursor to
	// the newest revision it saw, without a moment where searches fail.
	Rebuild(ctx context.Context, progress Progress) (int, error)
}

// Progress reports a long job's stages, as the CLI's a.progress does.
type Progress func(stage string, done, total int)

// Batch is what one outbox step changes in an index.
type Batch struct {
	Upserts []Document
	Deletes []string // document ids
	Cursor  int64    // the last revision id this batch covers
}

// Type is the kind of thing a document describes.
type Type string

const (
	TypeTool      Type = "tool"
	TypeVendor    Type = "vendor"
	TypeTerritory Type = "territory"
)

// Sort orders the results.
type Sort string

const (
	SortRelevance Sort = "relevance" // best match first; most adopted first when Text is empty
	SortAdopters  Sort = "adopters"  // most adoptions first
	SortName      Sort = "name"      // A to Z, ignoring case and accents
	SortUpdated   Sort = "updated"   // most recently updated first
)

// Limits of a query.
const (
	MaxQueryLen    = 1000 // characters of Query.Text
	DefaultPerPage = 20
	MaxPerPage     = 100
	// MaxResultWindow bounds page × per_page: deep pages cost the engines a
	// lot and people refine instead.
	MaxResultWindow = 10000
)

// Query is one search. The zero value (plus Page 0 → 1) browses everything.
type Query struct {
	Text string
	// Filters maps a facet name (see FacetNames) to the values to keep:
	// values of one facet are OR-ed, facets are AND-ed. The "type" facet
	// picks tools, vendors or territories.
	Filters map[string][]string
	Sort    Sort
	Page    int // 1-based; 0 means 1
	PerPage int // 0 means DefaultPerPage
	// Facets asks for facet counts over the filtered results.
	Facets bool
}

// Results is one page of hits, the total, and the facet counts.
type Results struct {
	Query   Query // normalised
	Total   int   // exact number of matching documents
	Page    int
	PerPage int
	Pages   int
	Hits    []Hit
	// Facets lists every facet in a fixed order, each value with the number
	// of matching documents carrying it. Only filled when Query.Facets.
	Facets []Facet
}

// Hit is one matching document, with the matched words highlighted.
type Hit struct {
	ID       string // "tool-12", "vendor-3", "territory-4567"
	Type     Type
	EntityID int64 // tool, vendor or territory id
	// Slug is the tool or vendor slug; for territories it is KIND-CODE,
	// such as "commune-69123".
	Slug      string
	Name      string
	Summary   string // one line: tagline, vendor kind, territory's place
	Adopters  int    // adoptions of the tool, of the vendor's tools, or by the territory
	UpdatedAt time.Time
	// Highlighted is Name with the matched words marked; Snippet is the
	// summary or a crop of the description around the first match.
	Highlighted Highlight
	Snippet     Highlight
}

// Facet is the distribution of one facet over the results.
type Facet struct {
	Name   string
	Label  directory.Label
	Values []FacetValue // most frequent first, selected values always included
}

// FacetValue is one value of a facet and how many results carry it.
type FacetValue struct {
	Value    string
	Label    directory.Label
	Count    int
	Selected bool
}
