package barometer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// resultsScheme names the protection and the Results format that stored
// results were computed with. Raise it when either changes: rows of
// another scheme are ignored and computed again. Builds from a checkout
// add their commit, so a deployed binary never serves what an older one
// computed.
const resultsScheme = 1

func scheme() string {
	s := strconv.Itoa(resultsScheme)
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, kv := range info.Settings {
			if kv.Key == "vcs.revision" || (kv.Key == "vcs.modified" && kv.Value == "true") {
				s += "/" + kv.Value
			}
		}
	}
	return s
}

// stored returns the protected results of edition kept in the database,
// French then English, and the claim that wrote them; nil when there are
// none for this scheme.
func (r *Reports) stored(ctx context.Context, edition int64, lang string) (*Results, int64, error) {
	col := "results_fr"
	if lang == "en" {
		col = "results_en"
	}
	var claim int64
	var raw []byte
	err := r.db.QueryRow(ctx, `SELECT claim, `+col+` FROM barometer_results
		WHERE edition_id = $1 AND scheme = $2 AND results_fr IS NOT NULL`, edition, r.scheme).Scan(&claim, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("stored barometer results: %w", err)
	}
	var res Results
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, 0, fmt.Errorf("stored barometer results of edition %d: %w", edition, err)
	}
	return &res, claim, nil
}

// storedClaim returns the claim of the results kept for edition, 0 when
// there are none: a reader holding results of that claim holds the
// current ones.
func (r *Reports) storedClaim(ctx context.Context, edition int64) (int64, error) {
	var claim int64
	err := r.db.QueryRow(ctx, `SELECT claim FROM barometer_results
		WHERE edition_id = $1 AND scheme = $2 AND results_fr IS NOT NULL`, edition, r.scheme).Scan(&claim)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("stored barometer results: %w", err)
	}
	return claim, nil
}

// claim marks edition's results as being computed, before anything they
// are computed from is read. Committed at once: an invalidation from then
// on deletes the claim, and store then keeps nothing.
func (r *Reports) claim(ctx context.Context, edition int64) (int64, error) {
	claim := rand.Int64N(1<<62) + 1
	_, err := r.db.Exec(ctx, `INSERT INTO barometer_results (edition_id, claim, scheme) VALUES ($1, $2, $3)
		ON CONFLICT (edition_id) DO UPDATE SET claim = EXCLUDED.claim, scheme = EXCLUDED.scheme,
			results_fr = NULL, results_en = NULL, claimed_at = now(), computed_at = NULL`, edition, claim, r.scheme)
	if err != nil {
		return 0, fmt.Errorf("claim the barometer results of edition %d: %w", edition, err)
	}
	return claim, nil
}

// store keeps the results computed under claim, if nothing invalidated the
// claim meanwhile. It reports whether they were kept.
func (r *Reports) store(ctx context.Context, edition, claim int64, fr, en *Results) (bool, error) {
	rawFR, err := json.Marshal(fr)
	if err != nil {
		return false, fmt.Errorf("store the barometer results: %w", err)
	}
	rawEN, err := json.Marshal(en)
	if err != nil {
		return false, fmt.Errorf("store the barometer results: %w", err)
	}
	tag, err := r.db.Exec(ctx, `UPDATE barometer_results SET results_fr = $3, results_en = $4, computed_at = now()
		WHERE edition_id = $1 AND claim = $2`, edition, claim, rawFR, rawEN)
	if err != nil {
		return false, fmt.Errorf("store the barometer results of edition %d: %w", edition, err)
	}
	return tag.RowsAffected() == 1, nil
}
