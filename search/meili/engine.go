package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/meilisearch/meilisearch-go"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/search"
)

// Config says where Meilisearch is.
type Config struct {
	URL    string // MEILI_URL
	APIKey string // MEILI_API_KEY
	// Index is the uid searches read; "civiscope" by default. Rebuilds
	// write Index+"_build" and swap it in.
	Index string
	// HTTPClient replaces the default client (tests, timeouts).
	HTTPClient *http.Client
	// TaskTimeout bounds the wait for one Meilisearch task; 2 minutes by
	// default.
	TaskTimeout time.Duration
}

// Engine is the Meilisearch backend.
type Engine struct {
	db     *pgxpool.Pool
	client meilisearch.ServiceManager
	index  string
	wait   time.Duration
}

// New returns the backend without contacting Meilisearch; Open also
// applies the index settings.
func New(db *pgxpool.Pool, cfg Config) *Engine {
	opts := []meilisearch.Option{meilisearch.WithAPIKey(cfg.APIKey)}
	if cfg.HTTPClient != nil {
		opts = append(opts, meilisearch.WithCustomClient(cfg.HTTPClient))
	}
	// The indexer retries with backoff; retrying inside each call as well
	// would only hide how long Meilisearch has been down.
	opts = append(opts, meilisearch.DisableRetries())
	e := &Engine{db: db, client: meilisearch.New(cfg.URL, opts...), index: cfg.Index, wait: cfg.TaskTimeout}
	if e.index == "" {
		e.index = "civiscope"
	}
	if e.wait == 0 {
		e.wait = 2 * time.Minute
	}
	return e
}

// Open returns the backend after making sure its index exists with the
// current settings (idempotent: nothing is sent when they already match).
func Open(ctx context.Context, db *pgxpool.Pool, cfg Config) (*Engine, error) {
	e := New(db, cfg)
	if err := e.EnsureIndex(ctx, e.index); err != nil {
		return nil, err
	}
	return e, nil
}

// Name is the cursor name of this index.
func (e *Engine) Name() string { return "meili:" + e.index }

// EnsureIndex creates the index uid when missing and applies Settings when
// they differ from what it holds.
func (e *Engine) EnsureIndex(ctx context.Context, uid string) error {
	idx := e.client.Index(uid)
	got, err := idx.GetSettingsWithContext(ctx)
	if err != nil {
		var me *meilisearch.Error
		if !errors.As(err, &me) || me.StatusCode != http.StatusNotFound {
			return e.unavailable("read settings of "+uid, err)
		}
		task, err := e.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
		if err != nil {
			return e.unavailable("create index "+uid, err)
		}
		if err := e.waitTask(ctx, task); err != nil {
			return err
		}
		got = nil
	}
	want := Settings()
	if sameSettings(want, got) {
		return nil
	}
	task, err := idx.UpdateSettingsWithContext(ctx, want)
	if err != nil {
		return e.unavailable("update settings of "+uid, err)
	}
	return e.waitTask(ctx, task)
}

func (e *Engine) unavailable(what string, err error) error {
	return &civiscope.Error{Code: civiscope.EUNAVAILABLE, Message: "the search engine is unavailable; try again later",
		Err: fmt.Errorf("meilisearch: %s: %w", what, err)}
}

// waitTask waits for a task to finish and turns a failed task into an error.
func (e *Engine) waitTask(ctx context.Context, info *meilisearch.TaskInfo) error {
	ctx, cancel := context.WithTimeout(ctx, e.wait)
	defer cancel()
	task, err := e.client.WaitForTaskWithContext(ctx, info.TaskUID, 50*time.Millisecond)
	if err != nil {
		return e.unavailable(fmt.Sprintf("wait for task %d", info.TaskUID), err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("meilisearch task %d (%s) %s: %v", info.TaskUID, task.Type, task.Status, task.Error)
	}
	return nil
}

// Apply sends the batch and waits until Meilisearch has applied it; only
// then is the cursor advanced, so a batch lost while Meilisearch is down is
// sent again.
func (e *Engine) Apply(ctx context.Context, b search.Batch) error {
	if err := e.push(ctx, e.index, b.Upserts); err != nil {
		return err
	}
	if len(b.Deletes) > 0 {
		task, err := e.client.Index(e.index).DeleteDocumentsWithContext(ctx, b.Deletes, nil)
		if err != nil {
			return e.unavailable("delete documents", err)
		}
		if err := e.waitTask(ctx, task); err != nil {
			return err
		}
	}
	return search.AdvanceCursor(ctx, e.db, e.Name(), b.Cursor)
}

func (e *Engine) push(ctx context.Context, uid string, docs []search.Document) error {
	if len(docs) == 0 {
		return nil
	}
	body := make([]map[string]any, len(docs))
	for i, d := range docs {
		body[i] = document(d)
	}
	pk := "id"
	task, err := e.client.Index(uid).AddDocumentsWithContext(ctx, body, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	if err != nil {
		return e.unavailable("add documents", err)
	}
	return e.waitTask(ctx, task)
}

// Rebuild writes every document into a fresh index, swaps it with the live
// one in one Meilisearch task (searches see the old index, then the new
// one, never a half-built one), and drops the old one. The cursor is set to
// the newest revision of the snapshot the documents were read from.
func (e *Engine) Rebuild(ctx context.Context, progress search.Progress) (int, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	build := e.index + "_build"
	if task, err := e.client.DeleteIndexWithContext(ctx, build); err == nil {
		if err := e.waitTask(ctx, task); err != nil {
			return 0, err
		}
	}
	if err := e.EnsureIndex(ctx, build); err != nil {
		return 0, err
	}
	if err := e.EnsureIndex(ctx, e.index); err != nil {
		return 0, err
	}
	tx, err := e.db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, fmt.Errorf("begin search rebuild: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	latest, err := directory.LatestRevisionID(ctx, tx)
	if err != nil {
		return 0, err
	}
	done := 0
	progress("documents", 0, 0)
	if err := search.EachDocument(ctx, tx, 5000, func(docs []search.Document) error {
		if err := e.push(ctx, build, docs); err != nil {
			return err
		}
		done += len(docs)
		progress("documents", done, 0)
		return nil
	}); err != nil {
		return 0, err
	}
	task, err := e.client.SwapIndexesWithContext(ctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{e.index, build}}})
	if err != nil {
		return 0, e.unavailable("swap indexes", err)
	}
	if err := e.waitTask(ctx, task); err != nil {
		return 0, err
	}
	if task, err := e.client.DeleteIndexWithContext(ctx, build); err == nil {
		_ = e.waitTask(ctx, task) // the old index only costs disk until the next rebuild
	}
	if err := search.ResetCursor(ctx, e.db, e.Name(), latest); err != nil {
		return 0, err
	}
	progress("documents", done, done)
	return done, nil
}

// Search runs q on Meilisearch. The text is reduced to plain words first
// (search.Words), so quotes and minus signs, which Meilisearch reads as
// phrase and negation operators, are plain text here as in PostgreSQL.
func (e *Engine) Search(ctx context.Context, q search.Query) (*search.Results, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	req := request(q)
	resp, err := e.client.Index(e.index).SearchWithContext(ctx, req.Query, req)
	if err != nil {
		return nil, e.unavailable("search", err)
	}
	return results(q, resp)
}

// request builds the Meilisearch search request of a normalised query.
func request(q search.Query) *meilisearch.SearchRequest {
	per := int64(q.PerPage)
	req := &meilisearch.SearchRequest{
		Query:                 queryText(q.Text),
		Page:                  int64(q.Page),
		HitsPerPage:           &per,
		MatchingStrategy:      meilisearch.All,
		AttributesToHighlight: []string{"name", "summary"},
		AttributesToCrop:      []string{"description"},
		CropLength:            24,
		CropMarker:            "…",
		HighlightPreTag:       preTag,
		HighlightPostTag:      postTag,
		// description is retrieved so that its crop surely comes back in _formatted.
		AttributesToRetrieve: []string{"id", "slug", "name", "summary", "description", "adopters", "updated_at"},
	}
	var filter []any
	// Two or three "used by" facets: one adopter must meet them all.
	combined := search.AdopterKeys(q.Filters)
	if combined != nil {
		or := make([]string, len(combined))
		for i, k := range combined {
			or[i] = search.FacetAdopter + " = " + quote(k)
		}
		filter = append(filter, or)
	}
	for _, name := range search.FacetNames() {
		vals := q.Filters[name]
		if len(vals) == 0 || combined != nil && search.IsAdopterFacet(name) {
			continue
		}
		or := make([]string, len(vals))
		for i, v := range vals {
			or[i] = name + " = " + quote(v)
		}
		filter = append(filter, or)
	}
	if len(filter) > 0 {
		req.Filter = filter
	}
	if q.Facets {
		req.Facets = search.FacetNames()
	}
	switch {
	case q.Sort == search.SortName:
		req.Sort = []string{"name_sort:asc"}
	case q.Sort == search.SortUpdated:
		req.Sort = []string{"updated_at:desc"}
	case q.Sort == search.SortAdopters || req.Query == "":
		req.Sort = []string{"adopters:desc", "name_sort:asc"}
	}
	return req
}

// queryText keeps the words of the text, dropping French stopwords except
// the last word (which may be a prefix), as search/pg does.
func queryText(text string) string {
	words := search.Words(text)
	var keep []string
	for i, w := range words {
		if i < len(words)-1 && search.IsStopword(w) {
			continue
		}
		keep = append(keep, w)
	}
	return strings.Join(keep, " ")
}

// quote writes a filter value as a Meilisearch string literal.
func quote(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

type hitFields struct {
	ID        string `json:"id"`
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	Summary   string `json:"summary"`
	Adopters  int    `json:"adopters"`
	UpdatedAt int64  `json:"updated_at"`
	Formatted struct {
		Name        string `json:"name"`
		Summary     string `json:"summary"`
		Description string `json:"description"`
	} `json:"_formatted"`
}

func results(q search.Query, resp *meilisearch.SearchResponse) (*search.Results, error) {
	res := &search.Results{Query: q, Total: int(resp.TotalHits), Page: q.Page, PerPage: q.PerPage,
		Pages: int(resp.TotalPages)}
	for _, raw := range resp.Hits {
		var f hitFields
		if err := raw.DecodeInto(&f); err != nil {
			return nil, fmt.Errorf("meilisearch: read hit: %w", err)
		}
		t, id, err := search.ParseDocID(f.ID)
		if err != nil {
			return nil, err
		}
		h := search.Hit{ID: f.ID, Type: t, EntityID: id, Slug: f.Slug, Name: f.Name, Summary: f.Summary,
			Adopters: f.Adopters, UpdatedAt: time.Unix(f.UpdatedAt, 0).UTC()}
		h.Highlighted = search.ParseMarked(firstNonEmpty(f.Formatted.Name, f.Name), preTag, postTag)
		h.Snippet = search.ParseMarked(f.Formatted.Summary, preTag, postTag)
		if d := search.ParseMarked(f.Formatted.Description, preTag, postTag); len(h.Snippet.Matches()) == 0 &&
			(len(d.Matches()) > 0 || f.Summary == "") {
			h.Snippet = d
		}
		res.Hits = append(res.Hits, h)
	}
	if q.Facets {
		dist := map[string]map[string]int{}
		if len(resp.FacetDistribution) > 0 {
			if err := json.Unmarshal(resp.FacetDistribution, &dist); err != nil {
				return nil, fmt.Errorf("meilisearch: read facet distribution: %w", err)
			}
		}
		counts := map[string]int{}
		for name, vals := range dist {
			for v, n := range vals {
				counts[name+":"+v] = n
			}
		}
		res.Facets = search.BuildFacets(q, counts)
	}
	return res, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// DropIndex deletes the index (tests clean up their own).
func (e *Engine) DropIndex(ctx context.Context) error {
	task, err := e.client.DeleteIndexWithContext(ctx, e.index)
	if err != nil {
		return e.unavailable("delete index", err)
	}
	return e.waitTask(ctx, task)
}
