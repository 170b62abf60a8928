package territory

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/postgres"
)

// ImportStats says what an import changed.
type ImportStats struct {
	Inserted  int
	Updated   int
	Unchanged int
	Historic  int // entries no longer in the register, now marked historic
	Restored  int // historic entries back in the register
}

// Progress receives the stage of a long import and how far it is; nil is fine.
type Progress func(stage string, done, total int)

// Import loads a validated register in one transaction. Existing rows keep
// their IDs; changed rows are updated; entries that left the register are
// marked historic, never deleted, because adoptions may still point to them.
func Import(ctx context.Context, pool *pgxpool.Pool, reg *Register, progress Progress) (ImportStats, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	var st ImportStats
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE territory_stage (
			kind text, code text, siren text, name text, name_norm text, legal_form text,
			departement_code text, region_code text, epci_code text, ept_code text,
			zone text, population integer, postal_codes text[]) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("create staging table: %w", err)
		}
		total := len(reg.Territories)
		i := 0
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if i >= total {
				return nil, nil
			}
			t := reg.Territories[i]
			i++
			if i%5000 == 0 || i == total {
				progress("copy", i, total)
			}
			return []any{string(t.Kind), t.Code, nullable(t.SIREN), t.Name, Normalize(t.Name),
				nullable(t.LegalForm), nullable(t.Departement), nullable(t.Region),
				nullable(t.EPCI), nullable(t.EPT), nullable(t.Zone), t.Population, t.PostalCodes}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"territory_stage"}, []string{
			"kind", "code", "siren", "name", "name_norm", "legal_form", "departement_code",
			"region_code", "epci_code", "ept_code", "zone", "population", "postal_codes"}, src); err != nil {
			return fmt.Errorf("copy register into staging: %w", err)
		}

		progress("merge", 0, 1)
		rows, err := tx.Query(ctx, `
			INSERT INTO territory AS t (kind, code, siren, name, name_norm, legal_form,
				departement_code, region_code, epci_code, ept_code, zone, population,
				postal_codes, source)
			SELECT kind, code, siren, name, name_norm, legal_form, departement_code,
				region_code, epci_code, ept_code, zone, population, postal_codes, $1
			FROM territory_stage
			ON CONFLICT (kind, code) DO UPDATE SET
				siren = excluded.siren, name = excluded.name, name_norm = excluded.name_norm,
				legal_form = excluded.legal_form, departement_code = excluded.departement_code,
				region_code = excluded.region_code, epci_code = excluded.epci_code,
				ept_code = excluded.ept_code, zone = excluded.zone, population = excluded.population,
				postal_codes = excluded.postal_codes, historic = false, source = excluded.source,
				updated_at = now()
			WHERE (t.siren, t.name, t.name_norm, t.legal_form, t.departement_code, t.region_code,
				t.epci_code, t.ept_code, t.zone, t.population, t.postal_codes, t.historic)
				IS DISTINCT FROM
				(excluded.siren, excluded.name, excluded.name_norm, excluded.legal_form,
				excluded.departement_code, excluded.region_code, excluded.epci_code,
				excluded.ept_code, excluded.zone, excluded.population, excluded.postal_codes, false)
			RETURNING (xmax = 0), coalesce(NOT (SELECT historic FROM territory WHERE id = t.id), true)`, reg.Source)
		if err != nil {
			return fmt.Errorf("merge register: %w", err)
		}
		for rows.Next() {
			var inserted, wasCurrent bool
			if err := rows.Scan(&inserted, &wasCurrent); err != nil {
				return fmt.Errorf("merge register: %w", err)
			}
			switch {
			case inserted:
				st.Inserted++
			case !wasCurrent:
				st.Restored++
			default:
				st.Updated++
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("merge register: %w", err)
		}
		st.Unchanged = total - st.Inserted - st.Updated - st.Restored

		tag, err := tx.Exec(ctx, `
			UPDATE territory t SET historic = true, updated_at = now()
			WHERE NOT t.historic AND NOT EXISTS (
				SELECT 1 FROM territory_stage s WHERE s.kind = t.kind AND s.code = t.code)`)
		if err != nil {
			return fmt.Errorf("mark vanished territories historic: %w", err)
		}
		st.Historic = int(tag.RowsAffected())
		progress("merge", 1, 1)
		return nil
	})
	if err != nil {
		return ImportStats{}, err
	}
	return st, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
