package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ValidateOrganisation checks every field of o.
func ValidateOrganisation(o *Organisation) error {
	o.Slug, o.Name, o.Website = strings.TrimSpace(o.Slug), strings.TrimSpace(o.Name), strings.TrimSpace(o.Website)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	if o.Kind == "" {
		o.Kind = OrgOther
	}
	var v validator
	v.slug("slug", o.Slug)
	if len(o.Slug) > 120 {
		v.add("slug", "is too long")
	}
	v.required("name", o.Name)
	v.maxLen("name", o.Name, MaxNameLen)
	if !o.Kind.Valid() {
		v.add("kind", "unknown organisation kind %q", o.Kind)
	}
	v.siren("siren", o.SIREN)
	v.countryCode("country", o.Country)
	v.url("website", o.Website, MaxURLLen)
	return v.err()
}

func (o *Organisation) snapshot() map[string]any {
	return map[string]any{"slug": o.Slug, "name": o.Name, "kind": string(o.Kind),
		"siren": o.SIREN, "country": o.Country, "website": o.Website}
}

// EnsureOrganisation returns the organisation with o.Slug, creating it (and
// its revision) when it does not exist yet. o.ID is set either way.
func EnsureOrganisation(ctx context.Context, db DB, o *Organisation, by By) error {
	if err := errors.Join(checkBy(by), ValidateOrganisation(o)); err != nil {
		return firstError(err)
	}
	return inTx(ctx, db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id FROM organisation WHERE slug = $1`, o.Slug).Scan(&o.ID)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("find organisation %s: %w", o.Slug, err)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO organisation (slug, name, kind, siren, country, website)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, o.Slug, o.Name, o.Kind,
			nullString(o.SIREN), nullString(o.Country), nullString(o.Website)).Scan(&o.ID); err != nil {
			return constraintError(err, "organisation", o.Slug)
		}
		return appendRevision(ctx, tx, EntityOrganisation, o.ID, "create", by, diff(nil, o.snapshot()))
	})
}

const organisationSelect = `SELECT id, slug, name, kind, coalesce(siren, ''), coalesce(country, ''),
	coalesce(website, '') FROM organisation`
