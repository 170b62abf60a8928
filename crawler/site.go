package crawler

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Site is a collectivité's website, the start of discovery.
type Site struct {
	ID            int64
	TerritoryID   int64
	TerritoryCode string
	TerritoryName string
	URL           string
	Source        string // csv or adoption
}

// SiteRow is one line of a sites CSV: an INSEE code (communes,
// départements, régions) or a SIREN (any collectivité, EPCI), and a URL.
type SiteRow struct {
	Line int
	Code string
	URL  string
}

var (
	inseeCode = regexp.MustCompile(`^(?:[0-9]{5}|2[AB][0-9]{3}|[0-9]{2,3}|2[AB])$`)
	sirenCode = regexp.MustCompile(`^[0-9]{9}$`)
)

// ReadSitesCSV parses "code,url" lines; a header line, blank lines and
// surrounding spaces are tolerated, ';' works as well as ','. Every bad
// line is reported, with its number, before anything is written.
func ReadSitesCSV(r io.Reader) ([]SiteRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows []SiteRow
	var errs []civiscope.FieldError
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, civiscope.Errorf(civiscope.EINVALID, "line %d: not valid CSV: %v", line, err)
		}
		if len(rec) == 1 && strings.Contains(rec[0], ";") {
			rec = strings.Split(rec[0], ";")
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		if line == 1 && !inseeCode.MatchString(strings.TrimSpace(rec[0])) && !sirenCode.MatchString(strings.TrimSpace(rec[0])) &&
			len(rec) >= 2 && !strings.HasPrefix(strings.TrimSpace(rec[1]), "http") {
			continue // header
		}
		field := fmt.Sprintf("line %d", line)
		if len(rec) < 2 {
			errs = append(errs, civiscope.FieldError{Field: field, Message: "want two columns: INSEE code or SIREN, then the website URL"})
			continue
		}
		code := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(rec[0]), " ", ""))
		raw := strings.TrimSpace(rec[1])
		if !inseeCode.MatchString(code) && !sirenCode.MatchString(code) {
			errs = append(errs, civiscope.FieldError{Field: field, Message: fmt.Sprintf("%q is neither an INSEE code (5 characters, e.g. 75056) nor a SIREN (9 digits)", code)})
			continue
		}
		u, err := normalizeSiteURL(raw)
		if err != nil {
			errs = append(errs, civiscope.FieldError{Field: field, Message: err.Error()})
			continue
		}
		rows = append(rows, SiteRow{Line: line, Code: code, URL: u})
	}
	if err := civiscope.Invalid(errs); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "the file has no sites: want lines of INSEE code or SIREN, URL")
	}
	return rows, nil
}

// normalizeSiteURL accepts "www.exemple.fr" as people write it.
func normalizeSiteURL(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("the URL is empty")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || !strings.Contains(u.Hostname(), ".") {
		return "", fmt.Errorf("%q is not a website address", raw)
	}
	u.Fragment = ""
	u.Host = strings.ToLower(u.Host)
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// ImportSites resolves each row to a collectivité and stores its site, in
// one transaction: an unknown code fails the whole import with every bad
// line listed. It returns how many sites were new.
func ImportSites(ctx context.Context, db *pgxpool.Pool, rows []SiteRow, sourceName string) (int, error) {
	added := 0
	err := postgres.InTx(ctx, db, func(tx pgx.Tx) error {
		var errs []civiscope.FieldError
		for _, r := range rows {
			id, err := resolveTerritory(ctx, tx, r.Code)
			if err != nil {
				return err
			}
			if id == 0 {
				errs = append(errs, civiscope.FieldError{Field: fmt.Sprintf("line %d", r.Line), Message: fmt.Sprintf("no collectivité has the code %s in the INSEE register", r.Code)})
				continue
			}
			tag, err := tx.Exec(ctx, `INSERT INTO crawl_site (territory_id, url, source, source_name) VALUES ($1, $2, 'csv', $3)
				ON CONFLICT (territory_id, url) DO NOTHING`, id, r.URL, clipText(sourceName, 300))
			if err != nil {
				return fmt.Errorf("save site line %d: %w", r.Line, err)
			}
			added += int(tag.RowsAffected())
		}
		return civiscope.Invalid(errs)
	})
	return added, err
}

// resolveTerritory finds a current collectivité by INSEE code or SIREN.
func resolveTerritory(ctx context.Context, q postgres.Querier, code string) (int64, error) {
	var id int64
	var err error
	if sirenCode.MatchString(code) {
		err = q.QueryRow(ctx, `SELECT id FROM territory WHERE siren = $1 OR (code = $1 AND kind IN ('epci', 'ept'))
			ORDER BY historic, id LIMIT 1`, code).Scan(&id)
	} else {
		err = q.QueryRow(ctx, `SELECT id FROM territory WHERE code = $1 AND kind IN ('commune', 'departement', 'region')
			ORDER BY historic, (kind = 'commune') DESC, id LIMIT 1`, code).Scan(&id)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("resolve %s: %w", code, err)
	}
	return id, nil
}

// DeriveSitesFromAdoptions adds, for each collectivité with an adoption
// whose instance lives on a participation subdomain of its own domain
// (participez.exemple.fr), the site https://www.exemple.fr/. It is a
// guess, marked source "adoption"; discovery then checks it.
func DeriveSitesFromAdoptions(ctx context.Context, db postgres.Querier) (int, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT territory_id, instance_url FROM adoption
		WHERE territory_id IS NOT NULL AND instance_url IS NOT NULL ORDER BY 1, 2`)
	if err != nil {
		return 0, fmt.Errorf("read adoptions: %w", err)
	}
	type pair struct {
		territory int64
		url       string
	}
	pairs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pair])
	if err != nil {
		return 0, fmt.Errorf("read adoptions: %w", err)
	}
	added := 0
	for _, p := range pairs {
		site, ok := siteFromInstance(p.url)
		if !ok {
			continue
		}
		tag, err := db.Exec(ctx, `INSERT INTO crawl_site (territory_id, url, source, source_name) VALUES ($1, $2, 'adoption', $3)
			ON CONFLICT (territory_id, url) DO NOTHING`, p.territory, site, clipText("instance "+p.url, 300))
		if err != nil {
			return added, fmt.Errorf("derive site: %w", err)
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}

// siteFromInstance maps https://participez.exemple.fr/processes/x to
// https://www.exemple.fr/, only when the first label is a participation
// label; other instance hosts say nothing about the town's own site.
func siteFromInstance(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	if !isParticipationLabel(firstLabel(host)) {
		return "", false
	}
	rest := host[strings.Index(host, ".")+1:]
	if registrable(rest) != rest {
		return "", false // participez.ville.cap-collectif.com and the like
	}
	return "https://www." + rest + "/", true
}

// ListSites returns the sites to crawl, optionally of one collectivité code.
func ListSites(ctx context.Context, db postgres.Querier, code string) ([]Site, error) {
	rows, err := db.Query(ctx, `SELECT s.id, s.territory_id, t.code, t.name, s.url, s.source
		FROM crawl_site s JOIN territory t ON t.id = s.territory_id
		WHERE $1 = '' OR t.code = $1 OR t.siren = $1 ORDER BY t.code, s.url`, code)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	sites, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Site])
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return sites, nil
}

// StartDiscovery creates a discovery run seeded with the given sites.
func StartDiscovery(ctx context.Context, db *pgxpool.Pool, sites []Site, label string, depth int) (*Run, error) {
	if len(sites) == 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "no collectivité website to crawl: import some with `civiscope crawl detect --territories FILE`")
	}
	var run *Run
	err := postgres.InTx(ctx, db, func(tx pgx.Tx) error {
		var err error
		run, err = CreateRun(ctx, tx, RunDiscovery, label, depth)
		if err != nil {
			return err
		}
		items := make([]Item, len(sites))
		for i, s := range sites {
			items[i] = Item{URL: s.URL, SiteID: s.ID, Reason: "seed"}
		}
		_, err = Enqueue(ctx, tx, run.ID, items)
		return err
	})
	return run, err
}
