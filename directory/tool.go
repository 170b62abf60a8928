package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// normalizeTool trims text, fills defaults and canonicalises the licence, so
// that validation and storage see the same values.
func normalizeTool(t *Tool) {
	for _, p := range []*string{&t.Slug, &t.Name, &t.TaglineFR, &t.TaglineEN, &t.DescriptionFR,
		&t.DescriptionEN, &t.Website, &t.SourceRepo, &t.Licence, &t.AccessibilityURL, &t.LifecycleReason} {
		*p = strings.TrimSpace(*p)
	}
	if t.BusinessModel == "" {
		t.BusinessModel = ModelUnknown
	}
	if t.Hosting == "" {
		t.Hosting = HostingUnknown
	}
	if t.Accessibility == "" {
		t.Accessibility = AccessUnknown
	}
	if t.Lifecycle == "" {
		t.Lifecycle = LifecycleUnknown
	}
	if canon, why := CheckLicence(t.Licence); why == "" {
		t.Licence = canon
	}
	t.Categories = sortedUnique(t.Categories)
	t.Languages = sortedUnique(t.Languages)
}

func sortedUnique(s []string) []string {
	out := make([]string, 0, len(s))
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ValidateTool checks every field of t and returns all the problems at once.
func ValidateTool(t *Tool) error {
	normalizeTool(t)
	var v validator
	v.slug("slug", t.Slug)
	v.required("name", t.Name)
	v.maxLen("name", t.Name, MaxNameLen)
	v.maxLen("tagline_fr", t.TaglineFR, MaxTaglineLen)
	v.maxLen("tagline_en", t.TaglineEN, MaxTaglineLen)
	v.maxLen("description_fr", t.DescriptionFR, MaxDescriptionLen)
	v.maxLen("description_en", t.DescriptionEN, MaxDescriptionLen)
	v.url("website", t.Website, MaxURLLen)
	v.url("source_repo", t.SourceRepo, MaxURLLen)
	v.url("accessibility_url", t.AccessibilityURL, MaxURLLen)
	if len(t.Categories) == 0 {
		v.fail("categories", "choose_one", nil, "choose at least one category")
	}
	for _, c := range t.Categories {
		if _, ok := CategoryBySlug(c); !ok {
			v.fail("categories", "unknown_value", civiscope.Params{"value": c}, "unknown category %q", c)
		}
	}
	if _, why := CheckLicence(t.Licence); why != "" {
		v.fail("licence", "licence", civiscope.Params{"value": t.Licence}, "%s", why)
	}
	if t.OpenSource != nil && *t.OpenSource && t.Licence != "" && !LicenceOpenSource(t.Licence) {
		v.fail("open_source", "not_open_source", civiscope.Params{"value": t.Licence}, "licence %s is not an open-source licence", t.Licence)
	}
	if !t.BusinessModel.Valid() {
		v.fail("business_model", "unknown_value", civiscope.Params{"value": string(t.BusinessModel)}, "unknown business model %q (free, freemium, licence, saas, services or unknown)", t.BusinessModel)
	}
	if !t.Hosting.Valid() {
		v.fail("hosting", "unknown_value", civiscope.Params{"value": string(t.Hosting)}, "unknown hosting %q (france, eu, elsewhere or unknown)", t.Hosting)
	}
	if !t.Accessibility.Valid() {
		v.fail("accessibility", "unknown_value", civiscope.Params{"value": string(t.Accessibility)}, "unknown accessibility %q (full, partial, none or unknown)", t.Accessibility)
	}
	if !t.Lifecycle.Valid() {
		v.fail("lifecycle", "unknown_value", civiscope.Params{"value": string(t.Lifecycle)}, "unknown lifecycle %q (active, dormant, defunct or unknown)", t.Lifecycle)
	}
	for _, l := range t.Languages {
		if len(l) < 2 || len(l) > 3 || strings.ToLower(l) != l {
			v.fail("languages", "language", civiscope.Params{"value": l}, "%q is not a language code such as fr or en", l)
		}
	}
	if t.FoundedYear != 0 && (t.FoundedYear < 1980 || t.FoundedYear > time.Now().Year()) {
		v.fail("founded_year", "year_range", civiscope.Params{"min": "1980", "max": strconv.Itoa(time.Now().Year())}, "must be between 1980 and this year")
	}
	if t.LifecycleSince != nil && t.FoundedYear != 0 && t.LifecycleSince.Year() < t.FoundedYear {
		v.fail("lifecycle_since", "before_founding", civiscope.Params{"year": strconv.Itoa(t.FoundedYear)}, "is before the founding year %d", t.FoundedYear)
	}
	if t.LifecycleSince != nil && t.LifecycleSince.After(time.Now()) {
		v.fail("lifecycle_since", "future", nil, "is in the future")
	}
	v.maxLen("lifecycle_reason", t.LifecycleReason, MaxReasonLen)
	for i, s := range t.Sources {
		f := fmt.Sprintf("sources[%d]", i)
		if !s.Kind.Valid() {
			v.add(f+".kind", "unknown source kind %q", s.Kind)
		}
		v.required(f+".name", s.Name)
		v.maxLen(f+".name", s.Name, MaxNameLen)
		v.url(f+".url", s.URL, MaxEvidenceURLLen)
	}
	return v.err()
}

// snapshot is the tool as the revision log records it.
func (t *Tool) snapshot() map[string]any {
	var os any
	if t.OpenSource != nil {
		os = *t.OpenSource
	}
	var vendor any
	if t.VendorID != 0 {
		vendor = t.VendorID
	}
	var year any
	if t.FoundedYear != 0 {
		year = t.FoundedYear
	}
	return map[string]any{
		"slug": t.Slug, "name": t.Name, "tagline_fr": t.TaglineFR, "tagline_en": t.TaglineEN,
		"description_fr": t.DescriptionFR, "description_en": t.DescriptionEN,
		"categories": orEmpty(t.Categories), "website": t.Website, "source_repo": t.SourceRepo,
		"licence": t.Licence, "open_source": os, "business_model": string(t.BusinessModel),
		"hosting": string(t.Hosting), "languages": orEmpty(t.Languages),
		"accessibility": string(t.Accessibility), "accessibility_url": t.AccessibilityURL,
		"founded_year": year, "lifecycle": string(t.Lifecycle),
		"lifecycle_since": dateString(t.LifecycleSince), "lifecycle_reason": t.LifecycleReason,
		"vendor_id": vendor,
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// CreateTool validates t, inserts it with its categories and sources, and
// records the creation. t.ID is set on success.
func CreateTool(ctx context.Context, db DB, t *Tool, by By) error {
	if err := errors.Join(checkBy(by), ValidateTool(t)); err != nil {
		return firstError(err)
	}
	return inTx(ctx, db, func(tx pgx.Tx) error {
		if err := checkVendorExists(ctx, tx, t.VendorID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO tool (slug, name, tagline_fr, tagline_en, description_fr,
			description_en, website, source_repo, licence, open_source, business_model, hosting,
			languages, accessibility, accessibility_url, founded_year, lifecycle, lifecycle_since,
			lifecycle_reason, vendor_id)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)
			RETURNING id, created_at, updated_at`,
			t.Slug, t.Name, t.TaglineFR, t.TaglineEN, t.DescriptionFR, t.DescriptionEN,
			nullString(t.Website), nullString(t.SourceRepo), nullString(t.Licence), t.OpenSource,
			t.BusinessModel, t.Hosting, orEmpty(t.Languages), t.Accessibility,
			nullString(t.AccessibilityURL), nullInt(int64(t.FoundedYear)), t.Lifecycle,
			t.LifecycleSince, t.LifecycleReason, nullInt(t.VendorID)).Scan(&t.ID, &t.CreatedAt, &t.UpdatedAt)
		if err != nil {
			return constraintError(err, "tool", t.Slug)
		}
		if err := writeToolLinks(ctx, tx, t); err != nil {
			return err
		}
		return appendRevision(ctx, tx, EntityTool, t.ID, "create", by, diff(nil, t.snapshot()))
	})
}

// UpdateTool replaces the profile of the tool with id t.ID by t, and records
// the fields that changed. An update that changes nothing writes nothing.
func UpdateTool(ctx context.Context, db DB, t *Tool, by By) error {
	if err := errors.Join(checkBy(by), ValidateTool(t)); err != nil {
		return firstError(err)
	}
	return inTx(ctx, db, func(tx pgx.Tx) error {
		old, err := getTool(ctx, tx, "t.id = $1 FOR UPDATE OF t", t.ID)
		if err != nil {
			return err
		}
		if err := checkVendorExists(ctx, tx, t.VendorID); err != nil {
			return err
		}
		changes := diff(old.snapshot(), t.snapshot())
		sourcesChanged := !sameSources(old.Sources, t.Sources)
		if len(changes) == 0 && !sourcesChanged {
			return nil
		}
		if sourcesChanged {
			changes["sources"] = FieldChange{Old: len(old.Sources), New: len(t.Sources)}
		}
		_, err = tx.Exec(ctx, `UPDATE tool SET slug=$2, name=$3, tagline_fr=$4, tagline_en=$5,
			description_fr=$6, description_en=$7, website=$8, source_repo=$9, licence=$10,
			open_source=$11, business_model=$12, hosting=$13, languages=$14, accessibility=$15,
			accessibility_url=$16, founded_year=$17, lifecycle=$18, lifecycle_since=$19,
			lifecycle_reason=$20, vendor_id=$21, updated_at=now() WHERE id=$1`,
			t.ID, t.Slug, t.Name, t.TaglineFR, t.TaglineEN, t.DescriptionFR, t.DescriptionEN,
			nullString(t.Website), nullString(t.SourceRepo), nullString(t.Licence), t.OpenSource,
			t.BusinessModel, t.Hosting, orEmpty(t.Languages), t.Accessibility,
			nullString(t.AccessibilityURL), nullInt(int64(t.FoundedYear)), t.Lifecycle,
			t.LifecycleSince, t.LifecycleReason, nullInt(t.VendorID))
		if err != nil {
			return constraintError(err, "tool", t.Slug)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tool_category WHERE tool_id = $1`, t.ID); err != nil {
			return fmt.Errorf("replace categories of %s: %w", t.Slug, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tool_source WHERE tool_id = $1`, t.ID); err != nil {
			return fmt.Errorf("replace sources of %s: %w", t.Slug, err)
		}
		if err := writeToolLinks(ctx, tx, t); err != nil {
			return err
		}
		return appendRevision(ctx, tx, EntityTool, t.ID, "update", by, changes)
	})
}

func sameSources(a, b []Source) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Kind != y.Kind || x.Name != y.Name || x.URL != y.URL || x.Licence != y.Licence ||
			!slices.Equal(orEmpty(x.Fields), orEmpty(y.Fields)) || dateString(x.ObservedOn) != dateString(y.ObservedOn) {
			return false
		}
	}
	return true
}

func writeToolLinks(ctx context.Context, tx pgx.Tx, t *Tool) error {
	for _, c := range t.Categories {
		if _, err := tx.Exec(ctx, `INSERT INTO tool_category (tool_id, category) VALUES ($1, $2)`, t.ID, c); err != nil {
			return constraintError(err, "category", c)
		}
	}
	for _, s := range t.Sources {
		if _, err := tx.Exec(ctx, `INSERT INTO tool_source (tool_id, kind, name, url, licence, fields, observed_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			t.ID, s.Kind, s.Name, nullString(s.URL), s.Licence, orEmpty(s.Fields), s.ObservedOn); err != nil {
			return constraintError(err, "source", s.Name)
		}
	}
	return nil
}

func checkVendorExists(ctx context.Context, q postgres.Querier, id int64) error {
	if id == 0 {
		return nil
	}
	var ok bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM vendor WHERE id = $1)`, id).Scan(&ok); err != nil {
		return fmt.Errorf("check vendor %d: %w", id, err)
	}
	if !ok {
		return civiscope.Invalid([]civiscope.FieldError{{Field: "vendor", Message: fmt.Sprintf("no vendor with id %d", id)}})
	}
	return nil
}

// firstError unwraps errors.Join so that a single *civiscope.Error with all
// its fields reaches the caller.
func firstError(err error) error {
	var all []civiscope.FieldError
	var other error
	for _, e := range unwrapJoin(err) {
		if f := civiscope.ErrorFields(e); f != nil {
			all = append(all, f...)
		} else if other == nil {
			other = e
		}
	}
	if len(all) > 0 {
		return civiscope.Invalid(all)
	}
	return other
}

func unwrapJoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// constraintError turns a unique or check violation into a user error; the
// validators catch almost everything first, this catches races.
func constraintError(err error, what, key string) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return &civiscope.Error{Code: civiscope.ECONFLICT, Message: fmt.Sprintf("a %s %q already exists", what, key), Err: err}
		case "23503", "23514", "22001", "23502":
			return &civiscope.Error{Code: civiscope.EINVALID, Message: fmt.Sprintf("the %s %q breaks a rule of the directory (%s)", what, key, pg.ConstraintName), Err: err}
		}
	}
	return fmt.Errorf("write %s %q: %w", what, key, err)
}

const toolSelect = `SELECT t.id, t.slug, t.name, t.tagline_fr, t.tagline_en, t.description_fr, t.description_en,
	coalesce(t.website, ''), coalesce(t.source_repo, ''), coalesce(t.licence, ''), t.open_source,
	t.business_model, t.hosting, t.languages, t.accessibility, coalesce(t.accessibility_url, ''),
	coalesce(t.founded_year, 0), t.lifecycle, t.lifecycle_since, t.lifecycle_reason,
	coalesce(t.vendor_id, 0), coalesce(v.slug, ''), coalesce(v.name, ''), coalesce(v.kind, ''),
	coalesce((SELECT array_agg(c.category ORDER BY c.category) FROM tool_category c WHERE c.tool_id = t.id), '{}'),
	(SELECT count(*) FROM adoption a WHERE a.tool_id = t.id),
	t.created_at, t.updated_at
	FROM tool t LEFT JOIN vendor v ON v.id = t.vendor_id`

func scanTool(row pgx.Row) (*Tool, error) {
	var t Tool
	var vslug, vname, vkind string
	err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.TaglineFR, &t.TaglineEN, &t.DescriptionFR, &t.DescriptionEN,
		&t.Website, &t.SourceRepo, &t.Licence, &t.OpenSource, &t.BusinessModel, &t.Hosting, &t.Languages,
		&t.Accessibility, &t.AccessibilityURL, &t.FoundedYear, &t.Lifecycle, &t.LifecycleSince,
		&t.LifecycleReason, &t.VendorID, &vslug, &vname, &vkind, &t.Categories, &t.AdoptionCount,
		&t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if t.VendorID != 0 {
		t.Vendor = &VendorRef{ID: t.VendorID, Slug: vslug, Name: vname, Kind: VendorKind(vkind)}
	}
	return &t, nil
}

func getTool(ctx context.Context, q postgres.Querier, where string, arg any) (*Tool, error) {
	t, err := scanTool(q.QueryRow(ctx, toolSelect+` WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("tool", fmt.Sprint(arg))
	}
	if err != nil {
		return nil, fmt.Errorf("get tool %v: %w", arg, err)
	}
	if t.Sources, err = toolSources(ctx, q, t.ID); err != nil {
		return nil, err
	}
	return t, nil
}

// GetTool returns the tool with this slug, with its vendor, categories and sources.
func GetTool(ctx context.Context, db postgres.Querier, slug string) (*Tool, error) {
	return getTool(ctx, db, "t.slug = $1", slug)
}

// GetToolByID returns the tool with this id.
func GetToolByID(ctx context.Context, db postgres.Querier, id int64) (*Tool, error) {
	return getTool(ctx, db, "t.id = $1", id)
}

func toolSources(ctx context.Context, q postgres.Querier, id int64) ([]Source, error) {
	rows, err := q.Query(ctx, `SELECT kind, name, coalesce(url, ''), licence, fields, observed_on
		FROM tool_source WHERE tool_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("sources of tool %d: %w", id, err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var s Source
		if err := rows.Scan(&s.Kind, &s.Name, &s.URL, &s.Licence, &s.Fields, &s.ObservedOn); err != nil {
			return nil, fmt.Errorf("sources of tool %d: %w", id, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
