package survey

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Publication is how a published edition is cited by the evidence its
// answers give the directory.
type Publication struct {
	// URL is the public address of the edition's results (EditionURL).
	URL string
	// Licence is the licence the edition's results are published under.
	Licence string
	// Evidence records the tools named by consenting respondents; nil
	// records none.
	Evidence EvidenceRecorder
}

// EditionURL is the public address of an edition's results.
func EditionURL(publicURL string, year int) string {
	return fmt.Sprintf("%s/rapports/barometre/%d", strings.TrimRight(publicURL, "/"), year)
}

// Publish moves a closed edition to published and, in the same
// transaction, turns the tools named by the respondents who consented to
// publication into directory evidence citing the edition. Answers reach
// the directory only here: a draft, an open or a closed edition gives it
// nothing. It returns the number of responses that gave evidence.
func Publish(ctx context.Context, pool *pgxpool.Pool, year int, pub Publication) (*Edition, int, error) {
	var e *Edition
	var n int
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		if e, err = SetStatus(ctx, tx, year, Published); err != nil {
			return err
		}
		n, err = recordEvidence(ctx, tx, e, pub)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return e, n, nil
}

// RecordEvidence records the evidence of a published edition's consenting
// responses not recorded yet: for an edition published before evidence
// was wired, or after a failure. Each response gives its evidence once.
func RecordEvidence(ctx context.Context, pool *pgxpool.Pool, year int, pub Publication) (int, error) {
	var n int
	err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		e, err := GetEdition(ctx, tx, year)
		if err != nil {
			return err
		}
		if e.Status != Published {
			return civiscope.Errorf(civiscope.ECONFLICT, "edition %d is %s: its answers reach the directory only once it is published", year, e.Status)
		}
		n, err = recordEvidence(ctx, tx, e, pub)
		return err
	})
	return n, err
}

func recordEvidence(ctx context.Context, tx pgx.Tx, e *Edition, pub Publication) (int, error) {
	if pub.Evidence == nil {
		return 0, nil
	}
	if pub.URL == "" || pub.Licence == "" {
		return 0, fmt.Errorf("publish edition %d: the evidence needs the edition's URL and licence", e.Year)
	}
	form, err := e.Form(ctx, tx)
	if err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `SELECT id, territory_id, submitted_at, answers FROM survey_response
		WHERE edition_id = $1 AND status = 'submitted' AND publish AND evidence_recorded_at IS NULL
		ORDER BY id FOR UPDATE`, e.ID)
	if err != nil {
		return 0, fmt.Errorf("responses of edition %d: %w", e.Year, err)
	}
	var todo []Evidence
	for rows.Next() {
		ev := Evidence{Year: e.Year, URL: pub.URL, Licence: pub.Licence}
		var raw []byte
		a := &Answers{}
		if err := rows.Scan(&ev.ResponseID, &ev.TerritoryID, &ev.DeclaredAt, &raw); err != nil {
			rows.Close()
			return 0, fmt.Errorf("scan response: %w", err)
		}
		if err := decodeAnswers(raw, a); err != nil {
			rows.Close()
			return 0, fmt.Errorf("response %d: %w", ev.ResponseID, err)
		}
		ev.Tools = ToolMentions(form, a)
		todo = append(todo, ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("responses of edition %d: %w", e.Year, err)
	}
	n := 0
	for _, ev := range todo {
		if len(ev.Tools) > 0 {
			if err := pub.Evidence.RecordBarometerEvidence(ctx, tx, ev); err != nil {
				return 0, fmt.Errorf("evidence of response %d: %w", ev.ResponseID, err)
			}
			n++
		}
		if _, err := tx.Exec(ctx, `UPDATE survey_response SET evidence_recorded_at = now() WHERE id = $1`, ev.ResponseID); err != nil {
			return 0, fmt.Errorf("mark response %d: %w", ev.ResponseID, err)
		}
	}
	return n, nil
}
