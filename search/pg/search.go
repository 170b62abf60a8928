package pg

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civiscope/civiscope/search"
)

// Search runs q: words become a tsquery (stemmed or whole-word prefix, typo
// corrections and synonyms as alternatives), filters become array overlaps
// on the facet terms, and one statement returns the total, the page and the
// facet counts over the same matching rows, so they always agree.
func (e *Engine) Search(ctx context.Context, q search.Query) (*search.Results, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	clauses := search.Analyze(q.Text)
	terms, err := e.prepare(ctx, clauses)
	if err != nil {
		return nil, err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }

	var where []string
	tsq := tsquery(clauses, terms, arg)
	rank := "0::real"
	from := "search_document d"
	if tsq != "" {
		from += ", (SELECT " + tsq + " AS tsq) q"
		where = append(where, "d.body @@ q.tsq")
		rank = "ts_rank(d.body, q.tsq)"
	}
	for _, name := range search.FacetNames() {
		vals := q.Filters[name]
		if len(vals) == 0 {
			continue
		}
		t := make([]string, len(vals))
		for i, v := range vals {
			t[i] = name + ":" + v
		}
		where = append(where, "d.facets && "+arg(t)+"::text[]")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	facets := "NULL::json"
	if q.Facets {
		facets = `(SELECT json_object_agg(f, n) FROM (SELECT f, count(*) AS n FROM m, unnest(m.facets) AS f GROUP BY f) c)`
	}
	sql := `WITH m AS MATERIALIZED (
		SELECT d.id, d.adopters, d.name_sort, d.updated_at, d.facets, ` + rank + ` AS rank
		FROM ` + from + cond + `
	), page AS (
		SELECT id, row_number() OVER () AS n FROM (SELECT id FROM m ORDER BY ` + order(q, tsq != "") + `
		LIMIT ` + arg(q.PerPage) + ` OFFSET ` + arg(q.Offset()) + `) p
	)
	SELECT (SELECT count(*) FROM m),
		(SELECT coalesce(json_agg(json_build_array(d.id, d.slug, d.name, d.summary, d.description, d.adopters,
			d.updated_at) ORDER BY page.n), '[]') FROM page JOIN search_document d ON d.id = page.id),
		` + facets
	var total int
	var hitsJSON, facetsJSON []byte
	if err := e.db.QueryRow(ctx, sql, args...).Scan(&total, &hitsJSON, &facetsJSON); err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	res := &search.Results{Query: q, Total: total, Page: q.Page, PerPage: q.PerPage,
		Pages: (total + q.PerPage - 1) / q.PerPage}
	m := search.NewMatcher(clauses, terms.corrections(), terms.stems())
	if res.Hits, err = hits(hitsJSON, m); err != nil {
		return nil, err
	}
	if q.Facets {
		counts := map[string]int{}
		if len(facetsJSON) > 0 && string(facetsJSON) != "null" {
			if err := json.Unmarshal(facetsJSON, &counts); err != nil {
				return nil, fmt.Errorf("read facet counts: %w", err)
			}
		}
		res.Facets = search.BuildFacets(q, counts)
	}
	return res, nil
}

func order(q search.Query, text bool) string {
	switch {
	case q.Sort == search.SortName:
		return `name_sort COLLATE "C", id`
	case q.Sort == search.SortUpdated:
		return `updated_at DESC, id`
	case q.Sort == search.SortRelevance && text:
		return `rank DESC, adopters DESC, name_sort COLLATE "C", id`
	}
	return `adopters DESC, name_sort COLLATE "C", id`
}

func hits(raw []byte, m search.Matcher) ([]search.Hit, error) {
	var rows [][]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, fmt.Errorf("read search hits: %w", err)
	}
	out := make([]search.Hit, 0, len(rows))
	for _, r := range rows {
		var h search.Hit
		var desc string
		var updated time.Time
		for i, dst := range []any{&h.ID, &h.Slug, &h.Name, &h.Summary, &desc, &h.Adopters, &updated} {
			if err := json.Unmarshal(r[i], dst); err != nil {
				return nil, fmt.Errorf("read search hit: %w", err)
			}
		}
		t, id, err := search.ParseDocID(h.ID)
		if err != nil {
			return nil, err
		}
		h.Type, h.EntityID, h.UpdatedAt = t, id, updated
		h.Highlighted = m.Mark(h.Name)
		h.Snippet = snippet(m, h.Summary, desc)
		out = append(out, h)
	}
	return out, nil
}

// snippet shows the summary, unless only the description matched: then a
// crop of the description around the match.
func snippet(m search.Matcher, summary, desc string) search.Highlight {
	s := m.Mark(summary)
	if len(s.Matches()) > 0 || desc == "" {
		return s
	}
	if d := m.Crop(desc, 24); len(d.Matches()) > 0 || summary == "" {
		return d
	}
	return s
}

// terms is what the vocabulary says about the query's words.
type terms map[string]termInfo

type termInfo struct {
	stem        string
	corrections []string
}

func (t terms) corrections() []string {
	var out []string
	for _, i := range t {
		out = append(out, i.corrections...)
	}
	return out
}

func (t terms) stems() []string {
	var out []string
	for _, i := range t {
		if i.stem != "" {
			out = append(out, i.stem)
		}
	}
	return out
}

// prepare looks every query word up in one round trip: its French stem, and
// for a word of 5 letters or more that no document contains (as a word, or
// as a prefix for the last one), the nearest vocabulary words by trigram
// distance, kept when within the typo budget.
func (e *Engine) prepare(ctx context.Context, cs []search.Clause) (terms, error) {
	out := terms{}
	var words []string
	var prefix, fuzzy []bool
	for _, c := range cs {
		for _, alt := range c.Alternatives {
			for _, w := range alt {
				if slices.Contains(words, w) {
					continue
				}
				words = append(words, w)
				prefix = append(prefix, c.Prefix)
				fuzzy = append(fuzzy, c.Word == w && len([]rune(w)) >= 5)
			}
		}
	}
	if len(words) == 0 {
		return out, nil
	}
	rows, err := e.db.Query(ctx, `SELECT w.word, coalesce((ts_lexize('french_stem', w.word))[1], ''),
		CASE WHEN w.fuzzy AND NOT EXISTS (SELECT 1 FROM search_word s WHERE s.word = w.word)
			AND NOT (w.prefix AND EXISTS (SELECT 1 FROM search_word s WHERE s.word > w.word AND s.word < w.word || chr(1114111)))
		THEN ARRAY(SELECT s.word FROM search_word s ORDER BY s.word <-> w.word LIMIT 12) END
		FROM unnest($1::text[], $2::bool[], $3::bool[]) AS w(word, prefix, fuzzy)`, words, prefix, fuzzy)
	if err != nil {
		return nil, fmt.Errorf("look up search words: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var w string
		var info termInfo
		var near []string
		if err := rows.Scan(&w, &info.stem, &near); err != nil {
			return nil, fmt.Errorf("look up search words: %w", err)
		}
		for _, c := range near {
			if search.WithinTypos(w, c) {
				info.corrections = append(info.corrections, c)
			}
		}
		out[w] = info
	}
	return out, rows.Err()
}

// tsquery builds the SQL expression of the query: clauses AND-ed, the
// alternatives of a clause (synonym phrases, typo corrections) OR-ed. Words
// are passed as parameters and hold only letters and digits (search.Words),
// so nothing a user types is ever parsed as a tsquery operator.
func tsquery(cs []search.Clause, t terms, arg func(any) string) string {
	var and []string
	for _, c := range cs {
		var or []string
		for _, alt := range c.Alternatives {
			var words []string
			for _, w := range alt {
				words = append(words, term(arg(w), c.Prefix && len(alt) == 1))
			}
			or = append(or, "("+strings.Join(words, " && ")+")")
		}
		if c.Word != "" {
			for _, corr := range t[c.Word].corrections {
				or = append(or, term(arg(corr), false))
			}
		}
		and = append(and, "("+strings.Join(or, " || ")+")")
	}
	return strings.Join(and, " && ")
}

// term matches a word by its French stem or as a whole word; a prefix also
// matches every whole word it starts.
func term(p string, prefix bool) string {
	if prefix {
		return "(to_tsquery('french_unaccent', " + p + ") || to_tsquery('simple_unaccent', " + p + " || ':*'))"
	}
	return "(to_tsquery('french_unaccent', " + p + ") || to_tsquery('simple_unaccent', " + p + "))"
}
