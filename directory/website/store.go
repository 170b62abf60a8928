package website

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// LoadPlaces reads today's collectivités from the database and the
// register's history from reg.
func LoadPlaces(ctx context.Context, db postgres.Querier, lineage territory.Lineage) (*Places, Names, error) {
	p := &Places{Lineage: lineage, Commune: map[string]int64{}, Departement: map[string]int64{},
		Region: map[string]int64{}, EPCI: map[string]int64{}, CommuneEPCI: map[string]string{}}
	names := Names{}
	rows, err := db.Query(ctx, `SELECT id, kind, code, name, coalesce(epci_code, '') FROM territory WHERE NOT historic`)
	if err != nil {
		return nil, nil, fmt.Errorf("read the register: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind territory.Kind
		var code, name, epci string
		if err := rows.Scan(&id, &kind, &code, &name, &epci); err != nil {
			return nil, nil, fmt.Errorf("read the register: %w", err)
		}
		switch kind {
		case territory.Commune:
			p.Commune[code] = id
			if epci != "" {
				p.CommuneEPCI[code] = epci
			}
		case territory.Departement:
			p.Departement[code] = id
		case territory.Region:
			p.Region[code] = id
		case territory.EPCI:
			p.EPCI[code] = id
		}
		names.Add(kind, name, id)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read the register: %w", err)
	}
	return p, names, nil
}

// ImportStats says what an import wrote.
type ImportStats struct {
	Current, Former, FromDomains int
	Unlinked                     int
	ByKind                       map[territory.Kind]int // collectivités with a current site
}

// Import replaces every row that came from the lists (contributors'
// corrections stay and win) and the unlinked records, in one
// transaction: attaching the annuaire listings, then the domain names that
// name one collectivité without a site yet.
func Import(ctx context.Context, pool *pgxpool.Pool, lineage territory.Lineage, listings []Listing, domains []Domain, rejected []Rejected) (ImportStats, error) {
	st := ImportStats{ByKind: map[territory.Kind]int{}}
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		places, names, err := LoadPlaces(ctx, tx, lineage)
		if err != nil {
			return err
		}
		rows, bad := places.Plan(listings)
		bad = append(rejected, bad...)
		corrected := map[int64]bool{}
		crows, err := tx.Query(ctx, `SELECT territory_id FROM territory_website WHERE source = $1 AND status = 'current'`, Contribution.Key)
		if err != nil {
			return fmt.Errorf("read corrections: %w", err)
		}
		cids, err := pgx.CollectRows(crows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("read corrections: %w", err)
		}
		for _, id := range cids {
			corrected[id] = true
		}
		known, hasSite := map[string]bool{}, map[int64]bool{}
		for _, r := range rows {
			known[r.Host] = true
			if r.Current {
				hasSite[r.TerritoryID] = true
			}
		}
		for id := range corrected {
			hasSite[id] = true
		}
		drows, unlinked := names.MatchDomains(domains, known, hasSite)
		st.FromDomains = len(drows)
		rows = append(rows, drows...)
		bad = append(bad, unlinked...)

		if _, err := tx.Exec(ctx, `DELETE FROM territory_website WHERE source <> $1`, Contribution.Key); err != nil {
			return fmt.Errorf("clear imported websites: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM website_unlinked`); err != nil {
			return fmt.Errorf("clear unlinked websites: %w", err)
		}
		i := 0
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if i >= len(rows) {
				return nil, nil
			}
			r := rows[i]
			i++
			status := "current"
			if !r.Current || corrected[r.TerritoryID] {
				status = "former"
				if r.Current {
					r.Note = "corrected by a contributor"
				}
			}
			return []any{r.TerritoryID, r.URL, r.Host, status, directory.Clip(r.Note, 300), r.Source.Key, r.Source.Title, r.Source.URL,
				directory.Clip(r.Record, 200), r.ListedCode, r.Source.Licence, r.First, r.Last}, nil
		})
		// Stage first: a contributor's row may hold the same host.
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE website_stage (LIKE territory_website INCLUDING DEFAULTS INCLUDING IDENTITY) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("stage websites: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"website_stage"}, []string{"territory_id", "url", "host", "status", "note", "source",
			"source_title", "source_url", "source_record", "listed_code", "licence", "first_listed", "last_listed"}, src); err != nil {
			return fmt.Errorf("copy websites: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO territory_website (territory_id, url, host, status, note, source, source_title,
				source_url, source_record, listed_code, licence, first_listed, last_listed)
			SELECT territory_id, url, host, status, note, source, source_title, source_url, source_record, listed_code,
				licence, first_listed, last_listed FROM website_stage
			ON CONFLICT (territory_id, host) DO NOTHING`); err != nil {
			return fmt.Errorf("save websites: %w", err)
		}
		seen := map[string]bool{}
		j := 0
		var ubad []Rejected
		for _, b := range bad {
			k := b.Source.Key + "\x00" + b.Record
			if !seen[k] {
				seen[k] = true
				ubad = append(ubad, b)
			}
		}
		usrc := pgx.CopyFromFunc(func() ([]any, error) {
			if j >= len(ubad) {
				return nil, nil
			}
			b := ubad[j]
			j++
			return []any{b.Source.Key, directory.Clip(b.Record, 300), directory.Clip(b.Value, 1000), directory.Clip(b.Reason, 300)}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"website_unlinked"}, []string{"source", "record", "value", "reason"}, usrc); err != nil {
			return fmt.Errorf("save unlinked websites: %w", err)
		}
		st.Unlinked = len(ubad)
		return tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'current'), count(*) FILTER (WHERE status = 'former') FROM territory_website`).
			Scan(&st.Current, &st.Former)
	})
	if err != nil {
		return st, err
	}
	cov, err := Coverage(ctx, pool)
	for _, c := range cov {
		st.ByKind[c.Kind] += c.WithSite
	}
	return st, err
}

// Website is a collectivité's website as pages and the API show it.
type Website struct {
	URL          string    `json:"url"`
	Current      bool      `json:"current"`
	Note         string    `json:"note,omitempty"`
	Source       string    `json:"source"`
	SourceTitle  string    `json:"source_title"`
	SourceURL    string    `json:"source_url,omitempty"`
	SourceRecord string    `json:"source_record,omitempty"`
	ListedCode   string    `json:"listed_code,omitempty"`
	Licence      string    `json:"licence"`
	FirstListed  time.Time `json:"first_listed"`
	LastListed   time.Time `json:"last_listed"`
}

// ForTerritory returns a collectivité's websites, the current one first,
// then the former ones, newest listing first.
func ForTerritory(ctx context.Context, db postgres.Querier, territoryID int64) ([]Website, error) {
	rows, err := db.Query(ctx, `SELECT url, status = 'current', note, source, source_title, source_url, source_record,
			listed_code, licence, first_listed, last_listed
		FROM territory_website WHERE territory_id = $1
		ORDER BY status = 'current' DESC, last_listed DESC, id`, territoryID)
	if err != nil {
		return nil, fmt.Errorf("read websites: %w", err)
	}
	ws, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Website])
	if err != nil {
		return nil, fmt.Errorf("read websites: %w", err)
	}
	return ws, nil
}

// CoverageRow counts collectivités of a kind and population bracket with
// a current website.
type CoverageRow struct {
	Kind     territory.Kind
	Bracket  string
	Total    int
	WithSite int
}

// Coverage counts, per kind and population bracket, the current
// collectivités and those with a current website.
func Coverage(ctx context.Context, db postgres.Querier) ([]CoverageRow, error) {
	rows, err := db.Query(ctx, `
		SELECT t.kind,
		       CASE WHEN t.kind <> 'commune' THEN 'all'
		            WHEN t.population IS NULL THEN 'unknown'
		            WHEN t.population < 500 THEN '< 500'
		            WHEN t.population < 3500 THEN '500–3,499'
		            WHEN t.population < 10000 THEN '3,500–9,999'
		            WHEN t.population < 50000 THEN '10,000–49,999'
		            ELSE '≥ 50,000' END AS bracket,
		       count(*), count(w.id)
		FROM territory t LEFT JOIN territory_website w ON w.territory_id = t.id AND w.status = 'current'
		WHERE NOT t.historic
		GROUP BY 1, 2 ORDER BY 1, min(coalesce(t.population, -1))`)
	if err != nil {
		return nil, fmt.Errorf("website coverage: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[CoverageRow])
	if err != nil {
		return nil, fmt.Errorf("website coverage: %w", err)
	}
	return out, nil
}
