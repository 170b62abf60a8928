// Package reportstest fills a test database with deterministic synthetic
// directory data at scale, for the reports benchmarks. It is only used until
// directory/generate (`civiscope dev generate`) lands; every row it writes is
// marked "synthetic" so that nobody mistakes it for a fact about a real
// organisation.
package reportstest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/postgres"
)

// Scale writes tools synthetic tools (with vendors and categories) and
// adoptions adoptions by real territories of the register, each with one
// evidence row. The same arguments always give the same rows: the random
// generator is seeded. The territory register must already be loaded. It
// runs in one transaction.
func Scale(ctx context.Context, pool *pgxpool.Pool, tools, adoptions int) error {
	return postgres.InTx(ctx, pool, func(tx pgx.Tx) error { return scale(ctx, tx, tools, adoptions) })
}

func scale(ctx context.Context, db pgx.Tx, tools, adoptions int) error {
	stmts := []string{
		`SELECT setseed(0.42)`,
		`INSERT INTO vendor (slug, name, kind)
		 SELECT 'synthetic-vendor-' || g, 'Synthetic vendor ' || g, 'company'
		 FROM generate_series(1, greatest($1::int / 3, 1)) g`,
		`INSERT INTO tool (slug, name, founded_year, lifecycle, lifecycle_since, vendor_id)
		 SELECT 'synthetic-tool-' || g, 'Synthetic tool ' || g,
		        2000 + (g * 7) % 24,
		        (ARRAY['active','active','active','dormant','defunct','unknown'])[1 + g % 6],
		        CASE WHEN g % 6 = 4 THEN make_date(2000 + (g * 7) % 24 + 1 + g % 5, 1, 1) END,
		        (SELECT min(id) FROM vendor) + g % greatest($1::int / 3, 1)
		 FROM generate_series(1, $1::int) g`,
		`INSERT INTO tool_category (tool_id, category)
		 SELECT t.id, c.slug FROM tool t
		 JOIN category c ON c.position = 1 + t.id % 13 OR c.position = 1 + (t.id * 5) % 13
		 WHERE t.slug LIKE 'synthetic-tool-%'`,
		`WITH ad AS (
		     SELECT row_number() OVER (ORDER BY id) AS n, id FROM territory
		     WHERE kind IN ('commune', 'epci', 'departement', 'region') AND NOT historic),
		 tl AS (SELECT row_number() OVER (ORDER BY id) AS n, id FROM tool WHERE slug LIKE 'synthetic-tool-%'),
		 cnt AS (SELECT (SELECT count(*) FROM ad) AS na, (SELECT count(*) FROM tl) AS nt),
		 draw AS (
		     SELECT g, random() AS y, random() AS t, random() AS a FROM generate_series(1, $1::int) g)
		 INSERT INTO adoption (tool_id, territory_id, instance_url, instance_key, category, started_on, ended_on, status, confidence)
		 SELECT tl.id, ad.id,
		        'https://synthetic.example/' || d.g, 'synthetic.example/' || d.g,
		        CASE WHEN d.g % 4 = 0 THEN NULL ELSE (SELECT min(category) FROM tool_category WHERE tool_id = tl.id) END,
		        CASE WHEN d.g % 10 = 0 THEN NULL ELSE make_date(2005 + (d.y * 21)::int, 1 + (d.g % 12)::int, 1) END,
		        CASE WHEN d.g % 7 = 0 AND d.g % 10 <> 0 THEN make_date(2005 + (d.y * 21)::int + 1 + (d.g % 3)::int, 1 + (d.g % 12)::int, 1) END,
		        CASE WHEN d.g % 7 = 0 AND d.g % 10 <> 0 THEN 'ended' ELSE 'current' END,
		        0.5
		 FROM draw d CROSS JOIN cnt
		 JOIN tl ON tl.n = 1 + floor(power(d.t, 2) * cnt.nt)::bigint % cnt.nt
		 JOIN ad ON ad.n = 1 + floor(d.a * cnt.na)::bigint % cnt.na`,
		`INSERT INTO evidence (adoption_id, source_kind, source_name, source_url, observed_at, excerpt, fingerprint)
		 SELECT a.id, 'crawler', 'synthetic', a.instance_url,
		        coalesce(a.started_on, make_date(2015 + (a.id % 11)::int, 1, 1))::timestamptz + interval '20 days',
		        'synthetic row for benchmarks', 'synthetic-' || a.id
		 FROM adoption a WHERE a.instance_key LIKE 'synthetic.example/%'`,
	}
	for i, s := range stmts {
		var err error
		switch i {
		case 1, 2:
			_, err = db.Exec(ctx, s, tools)
		case 4:
			_, err = db.Exec(ctx, s, adoptions)
		default:
			_, err = db.Exec(ctx, s)
		}
		if err != nil {
			return fmt.Errorf("synthetic data, step %d: %w", i, err)
		}
	}
	return nil
}
