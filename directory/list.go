package directory

import (
	"context"
	"fmt"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// MaxPageSize bounds every list.
const MaxPageSize = 200

// ToolFilter narrows ListTools. Empty fields do not filter.
type ToolFilter struct {
	Category      string // a category slug
	OpenSource    *bool
	Licence       string // SPDX id, exact
	BusinessModel BusinessModel
	Hosting       Hosting
	Lifecycle     Lifecycle
	VendorSlug    string
	VendorKind    VendorKind
	// After is the keyset cursor: the slug of the last tool of the previous
	// page (ToolPage.Next). Tools are ordered by slug.
	After string
	Limit int // default 50, at most MaxPageSize
}

// ToolPage is one page of tools; Next is "" on the last page.
type ToolPage struct {
	Tools []Tool
	Next  string
}

func (f *ToolFilter) validate() error {
	var v validator
	if f.Category != "" {
		if _, ok := CategoryBySlug(f.Category); !ok {
			v.add("category", "unknown category %q", f.Category)
		}
	}
	if f.BusinessModel != "" && !f.BusinessModel.Valid() {
		v.add("business_model", "unknown business model %q", f.BusinessModel)
	}
	if f.Hosting != "" && !f.Hosting.Valid() {
		v.add("hosting", "unknown hosting %q", f.Hosting)
	}
	if f.Lifecycle != "" && !f.Lifecycle.Valid() {
		v.add("lifecycle", "unknown lifecycle %q", f.Lifecycle)
	}
	if f.VendorKind != "" && !f.VendorKind.Valid() {
		v.add("vendor_kind", "unknown vendor kind %q", f.VendorKind)
	}
	if f.Limit < 0 || f.Limit > MaxPageSize {
		v.add("limit", "must be between 1 and %d", MaxPageSize)
	}
	v.maxLen("after", f.After, MaxSlugLen)
	return v.err()
}

// ListTools returns one page of tools matching f, ordered by slug.
func ListTools(ctx context.Context, db postgres.Querier, f ToolFilter) (*ToolPage, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = 50
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Category != "" {
		where = append(where, `EXISTS (SELECT 1 FROM tool_category c WHERE c.tool_id = t.id AND c.category = `+arg(f.Category)+`)`)
	}
	if f.OpenSource != nil {
		where = append(where, `t.open_source = `+arg(*f.OpenSource))
	}
	if f.Licence != "" {
		where = append(where, `t.licence = `+arg(f.Licence))
	}
	if f.BusinessModel != "" {
		where = append(where, `t.business_model = `+arg(string(f.BusinessModel)))
	}
	if f.Hosting != "" {
		where = append(where, `t.hosting = `+arg(string(f.Hosting)))
	}
	if f.Lifecycle != "" {
		where = append(where, `t.lifecycle = `+arg(string(f.Lifecycle)))
	}
	if f.VendorSlug != "" {
		where = append(where, `v.slug = `+arg(f.VendorSlug))
	}
	if f.VendorKind != "" {
		where = append(where, `v.kind = `+arg(string(f.VendorKind)))
	}
	if f.After != "" {
		where = append(where, `t.slug > `+arg(f.After))
	}
	sql := toolSelect
	if len(where) > 0 {
		sql += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sql += ` ORDER BY t.slug LIMIT ` + arg(limit+1)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list tools: %w", err)
	}
	defer rows.Close()
	page := &ToolPage{}
	for rows.Next() {
		t, err := scanTool(rows)
		if err != nil {
			return nil, fmt.Errorf("list tools: %w", err)
		}
		page.Tools = append(page.Tools, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tools: %w", err)
	}
	if len(page.Tools) > limit {
		page.Tools = page.Tools[:limit]
		page.Next = page.Tools[limit-1].Slug
	}
	return page, nil
}

// CountTools returns how many tools the directory holds.
func CountTools(ctx context.Context, db postgres.Querier) (int, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM tool`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tools: %w", err)
	}
	return n, nil
}

// errBadCursor is returned for a malformed pagination cursor.
func errBadCursor(what string) error {
	return civiscope.Invalid([]civiscope.FieldError{{Field: "after", Message: "is not a valid cursor for " + what}})
}
