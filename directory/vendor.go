package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// ValidateVendor checks every field of v and returns all the problems at once.
func ValidateVendor(x *Vendor) error {
	x.Slug, x.Name, x.Website = strings.TrimSpace(x.Slug), strings.TrimSpace(x.Name), strings.TrimSpace(x.Website)
	x.SIREN = strings.ReplaceAll(x.SIREN, " ", "")
	x.Country = strings.ToUpper(strings.TrimSpace(x.Country))
	if x.Kind == "" {
		x.Kind = VendorUnknown
	}
	var v validator
	v.slug("slug", x.Slug)
	v.required("name", x.Name)
	v.maxLen("name", x.Name, MaxNameLen)
	if !x.Kind.Valid() {
		v.fail("kind", "unknown_value", civiscope.Params{"value": string(x.Kind)}, "unknown vendor kind %q (startup, company, association, cooperative, public-body, community or unknown)", x.Kind)
	}
	v.siren("siren", x.SIREN)
	v.countryCode("country", x.Country)
	if x.SIREN != "" && x.Country != "" && x.Country != "FR" {
		v.fail("siren", "siren_foreign", civiscope.Params{"country": x.Country}, "only French organisations have a SIREN; the country is %s", x.Country)
	}
	v.url("website", x.Website, MaxURLLen)
	return v.err()
}

func (x *Vendor) snapshot() map[string]any {
	return map[string]any{"slug": x.Slug, "name": x.Name, "kind": string(x.Kind),
		"siren": x.SIREN, "country": x.Country, "website": x.Website}
}

// CreateVendor validates and inserts a vendor, and records the creation.
func CreateVendor(ctx context.Context, db DB, x *Vendor, by By) error {
	if err := errors.Join(checkBy(by), ValidateVendor(x)); err != nil {
		return firstError(err)
	}
	return inTx(ctx, db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO vendor (slug, name, kind, siren, country, website)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at, updated_at`,
			x.Slug, x.Name, x.Kind, nullString(x.SIREN), nullString(x.Country), nullString(x.Website)).
			Scan(&x.ID, &x.CreatedAt, &x.UpdatedAt)
		if err != nil {
			return constraintError(err, "vendor", x.Slug)
		}
		return appendRevision(ctx, tx, EntityVendor, x.ID, "create", by, diff(nil, x.snapshot()))
	})
}

// UpdateVendor replaces the vendor with id x.ID by x and records what changed.
func UpdateVendor(ctx context.Context, db DB, x *Vendor, by By) error {
	if err := errors.Join(checkBy(by), ValidateVendor(x)); err != nil {
		return firstError(err)
	}
	return inTx(ctx, db, func(tx pgx.Tx) error {
		old, err := getVendor(ctx, tx, "id = $1 FOR UPDATE", x.ID)
		if err != nil {
			return err
		}
		changes := diff(old.snapshot(), x.snapshot())
		if len(changes) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE vendor SET slug=$2, name=$3, kind=$4, siren=$5, country=$6,
			website=$7, updated_at=now() WHERE id=$1`, x.ID, x.Slug, x.Name, x.Kind,
			nullString(x.SIREN), nullString(x.Country), nullString(x.Website)); err != nil {
			return constraintError(err, "vendor", x.Slug)
		}
		return appendRevision(ctx, tx, EntityVendor, x.ID, "update", by, changes)
	})
}

const vendorSelect = `SELECT id, slug, name, kind, coalesce(siren, ''), coalesce(country, ''),
	coalesce(website, ''), created_at, updated_at FROM vendor`

func scanVendor(row pgx.Row) (*Vendor, error) {
	var x Vendor
	err := row.Scan(&x.ID, &x.Slug, &x.Name, &x.Kind, &x.SIREN, &x.Country, &x.Website, &x.CreatedAt, &x.UpdatedAt)
	return &x, err
}

func getVendor(ctx context.Context, q postgres.Querier, where string, arg any) (*Vendor, error) {
	x, err := scanVendor(q.QueryRow(ctx, vendorSelect+` WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("vendor", fmt.Sprint(arg))
	}
	if err != nil {
		return nil, fmt.Errorf("get vendor %v: %w", arg, err)
	}
	return x, nil
}

// GetVendor returns the vendor with this slug.
func GetVendor(ctx context.Context, db postgres.Querier, slug string) (*Vendor, error) {
	return getVendor(ctx, db, "slug = $1", slug)
}

// GetVendorByID returns the vendor with this id.
func GetVendorByID(ctx context.Context, db postgres.Querier, id int64) (*Vendor, error) {
	return getVendor(ctx, db, "id = $1", id)
}
