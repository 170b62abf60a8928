package survey

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// FrameRule selects territories of one kind for the sampling frame.
type FrameRule struct {
	Kind          territory.Kind
	MinPopulation int // 0: all of the kind
}

// DefaultFrame is the barometer's usual frame: communes of at least 3,500
// inhabitants, every EPCI, EPT, département and région.
func DefaultFrame() []FrameRule {
	return []FrameRule{
		{territory.Commune, 3500}, {territory.EPCI, 0}, {territory.EPT, 0},
		{territory.Departement, 0}, {territory.Region, 0},
	}
}

// ParseFrameRules reads rules written "commune>=3500,epci,departement".
func ParseFrameRules(s string) ([]FrameRule, error) {
	var rules []FrameRule
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, min, hasMin := strings.Cut(part, ">=")
		r := FrameRule{Kind: territory.Kind(strings.TrimSpace(kind))}
		if !r.Kind.Valid() {
			return nil, civiscope.Errorf(civiscope.EINVALID, "unknown territory kind %q in %q (commune, epci, ept, departement, region)", kind, part)
		}
		if hasMin {
			n, err := strconv.Atoi(strings.TrimSpace(min))
			if err != nil || n < 0 {
				return nil, civiscope.Errorf(civiscope.EINVALID, "%q: the population threshold must be a whole number", part)
			}
			r.MinPopulation = n
		}
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return nil, civiscope.Errorf(civiscope.EINVALID, "no frame rule given")
	}
	return rules, nil
}

// Collectivities are invited once, as what they are. The register lists
// some authorities twice (a région and a département for one council) or
// lists places that have no council of the barometer's kind; these rules
// say which entry stands for the collectivité.
type unique struct {
	kind territory.Kind
	code string
	why  string
}

// notInvited are register entries that duplicate a collectivité drawn
// under another entry.
func notInvited() []unique {
	return []unique{
		{territory.Departement, "75", "Paris is one collectivité (Ville de Paris), drawn as the commune 75056"},
		{territory.Departement, "2A", "the Collectivité de Corse (drawn as the région 94) replaced Corse-du-Sud"},
		{territory.Departement, "2B", "the Collectivité de Corse (drawn as the région 94) replaced Haute-Corse"},
		{territory.Departement, "68", "the Collectivité européenne d'Alsace (since 1 January 2021) replaced the councils of Bas-Rhin and Haut-Rhin; it is drawn once, as the département 67"},
		{territory.Departement, "972", "the Collectivité territoriale de Martinique is drawn once, as the région 02"},
		{territory.Departement, "973", "the Collectivité territoriale de Guyane is drawn once, as the région 03"},
		{territory.Region, "06", "the Département de Mayotte exercises regional powers; it is drawn once, as the département 976"},
	}
}

// FrameRuleText says in words who a frame drawn with rules invites; it is
// stored with the edition and printed in its releases.
func FrameRuleText(rules []FrameRule) string {
	var parts []string
	for _, r := range rules {
		if r.MinPopulation > 0 {
			parts = append(parts, fmt.Sprintf("%s of at least %d inhabitants", r.Kind, r.MinPopulation))
		} else {
			parts = append(parts, "every "+string(r.Kind))
		}
	}
	var dup []string
	for _, u := range notInvited() {
		dup = append(dup, fmt.Sprintf("%s %s left out: %s", u.kind, u.code, u.why))
	}
	return "Drawn from the INSEE register: " + strings.Join(parts, ", ") +
		". Overseas collectivities (COM: Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, French Polynesia, New Caledonia) have statutes of their own and are left out, as are places without inhabitants (Terres australes et antarctiques, Clipperton). Each collectivité once: " +
		strings.Join(dup, "; ") + "."
}

// DrawFrame adds to the edition's frame every current territory that a rule
// selects, each collectivité once (see notInvited), keeping contacts
// already imported, records the rule in words with the edition, and
// returns how many were added.
func DrawFrame(ctx context.Context, pool *pgxpool.Pool, year int, rules []FrameRule) (int, error) {
	added := 0
	var kinds, codes []string
	for _, u := range notInvited() {
		kinds = append(kinds, string(u.kind))
		codes = append(codes, u.code)
	}
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		e, err := editableEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		for _, r := range rules {
			tag, err := tx.Exec(ctx, `INSERT INTO survey_frame (edition_id, territory_id)
				SELECT $1, t.id FROM territory t
				WHERE t.kind = $2 AND NOT t.historic AND ($3 = 0 OR t.population >= $3)
				  AND t.zone IS DISTINCT FROM 'com' AND coalesce(t.population, 0) > 0
				  AND NOT EXISTS (SELECT 1 FROM unnest($4::text[], $5::text[]) AS u(kind, code) WHERE u.kind = t.kind AND u.code = t.code)
				ON CONFLICT DO NOTHING`, e.ID, r.Kind, r.MinPopulation, kinds, codes)
			if err != nil {
				return fmt.Errorf("draw %s into the frame: %w", r.Kind, err)
			}
			added += int(tag.RowsAffected())
		}
		if _, err := tx.Exec(ctx, `UPDATE survey_edition SET frame_rule = $2 WHERE id = $1`, e.ID, FrameRuleText(rules)); err != nil {
			return fmt.Errorf("record the frame rule: %w", err)
		}
		return nil
	})
	return added, err
}

// editableEdition refuses to change the frame of a published edition,
// whose response rates are already public.
func editableEdition(ctx context.Context, db postgres.Querier, year int) (*Edition, error) {
	e, err := GetEdition(ctx, db, year)
	if err != nil {
		return nil, err
	}
	if e.Status == Published || e.Status == Closed {
		return nil, civiscope.Errorf(civiscope.ECONFLICT, "edition %d is %s; its sampling frame can no longer change", year, e.Status)
	}
	return e, nil
}

// FrameHeader is the CSV header of frame files, for import and export.
func FrameHeader() []string {
	return []string{"kind", "code", "name", "population", "region", "contact_name", "contact_email", "contact_role", "status"}
}

// ImportFrameCSV adds or updates frame members and their contacts from a
// CSV with at least the columns kind and code. The whole file is checked
// first; one bad line and nothing is changed.
func ImportFrameCSV(ctx context.Context, pool *pgxpool.Pool, year int, r io.Reader) (int, error) {
	cr := contactReader(r)
	header, err := cr.Read()
	if err != nil {
		return 0, civiscope.Errorf(civiscope.EINVALID, "line 1: cannot read the CSV header (%v)", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"kind", "code"} {
		if _, ok := col[need]; !ok {
			return 0, civiscope.Errorf(civiscope.EINVALID, "line 1: the column %q is missing (header: %s)", need, strings.Join(header, ","))
		}
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	n := 0
	err = postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		e, err := editableEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		var errs []civiscope.FieldError
		line := 1
		for {
			rec, err := cr.Read()
			line++
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return civiscope.Errorf(civiscope.EINVALID, "line %d: unreadable CSV (%v); nothing was imported", line, err)
			}
			where := fmt.Sprintf("line %d", line)
			kind, code := territory.Kind(get(rec, "kind")), strings.ToUpper(get(rec, "code"))
			name, email, role := get(rec, "contact_name"), get(rec, "contact_email"), get(rec, "contact_role")
			if email != "" {
				if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
					errs = append(errs, civiscope.FieldError{Field: where, Message: fmt.Sprintf("contact_email %q is not an e-mail address", email)})
					continue
				}
			}
			if len(name) > 200 || len(role) > 200 || len(email) > 254 {
				errs = append(errs, civiscope.FieldError{Field: where, Message: "a contact field is too long (200 characters at most, 254 for e-mail)"})
				continue
			}
			t, err := territory.Get(ctx, tx, kind, code)
			if err != nil {
				if civiscope.ErrorCode(err) == civiscope.ENOTFOUND {
					errs = append(errs, civiscope.FieldError{Field: where, Message: civiscope.ErrorMessage(err)})
					continue
				}
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO survey_frame (edition_id, territory_id, contact_name, contact_email, contact_role)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (edition_id, territory_id) DO UPDATE
				SET contact_name = excluded.contact_name, contact_email = excluded.contact_email, contact_role = excluded.contact_role`,
				e.ID, t.ID, name, email, role); err != nil {
				return fmt.Errorf("%s: store frame member: %w", where, err)
			}
			n++
			if len(errs) >= 50 {
				break
			}
		}
		if len(errs) > 0 {
			err := civiscope.Invalid(errs).(*civiscope.Error)
			err.Message = fmt.Sprintf("%d line(s) are invalid; nothing was imported", len(errs))
			return err
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// FrameMember is one row of the sampling frame with its progress.
type FrameMember struct {
	TerritoryID  int64
	Kind         territory.Kind
	Code         string
	Name         string
	Population   *int
	Region       string
	ContactName  string
	ContactEmail string
	ContactRole  string
	Status       string // invitation status; "" when not invited yet
}

// Frame returns the edition's frame, ordered by kind and code.
func Frame(ctx context.Context, db postgres.Querier, year int) ([]FrameMember, error) {
	rows, err := db.Query(ctx, `SELECT t.id, t.kind, t.code, t.name, t.population, coalesce(t.region_code, ''),
			f.contact_name, f.contact_email, f.contact_role, coalesce(i.status, '')
		FROM survey_frame f JOIN survey_edition e ON e.id = f.edition_id
		JOIN territory t ON t.id = f.territory_id
		LEFT JOIN survey_invitation i ON i.edition_id = f.edition_id AND i.territory_id = f.territory_id
		WHERE e.year = $1 ORDER BY array_position(ARRAY['region','departement','epci','ept','commune'], t.kind), t.code`, year)
	if err != nil {
		return nil, fmt.Errorf("read frame %d: %w", year, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (FrameMember, error) {
		var m FrameMember
		err := r.Scan(&m.TerritoryID, &m.Kind, &m.Code, &m.Name, &m.Population, &m.Region, &m.ContactName, &m.ContactEmail, &m.ContactRole, &m.Status)
		return m, err
	})
}

// WriteFrameCSV writes the frame as a contact file (see contactWriter),
// which ImportFrameCSV reads back.
func WriteFrameCSV(w io.Writer, members []FrameMember) error {
	cw, err := contactWriter(w)
	if err != nil {
		return err
	}
	if err := cw.Write(FrameHeader()); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	for _, m := range members {
		pop := ""
		if m.Population != nil {
			pop = strconv.Itoa(*m.Population)
		}
		if err := cw.Write([]string{string(m.Kind), m.Code, m.Name, pop, m.Region, m.ContactName, m.ContactEmail, m.ContactRole, m.Status}); err != nil {
			return fmt.Errorf("write frame: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}
