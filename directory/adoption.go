package directory

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
)

var waybackPattern = regexp.MustCompile(`^https?://(?:web\.archive\.org|wayback\.archive-it\.org)/(?:web/)?(?:\d+/)?[0-9a-z_]*/?(https?://.+)$`)

// ArchivedOriginal returns the URL an archive link (web.archive.org,
// archive-it) points to, and whether u is such a link. An archived URL in a
// source means the instance itself is gone.
func ArchivedOriginal(u string) (string, bool) {
	m := waybackPattern.FindStringSubmatch(strings.TrimSpace(u))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// InstanceKey folds an instance URL to the site it names: the host, lower
// case, without "www." or port, so that the same site listed twice (with
// or without a trailing slash, over http or https, at a sub-page, or through
// an archive link) is one adoption.
func InstanceKey(raw string) string {
	if raw == "" {
		return ""
	}
	if orig, ok := ArchivedOriginal(raw); ok {
		raw = orig
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimSpace(raw))
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

func monthStart(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return &m
}

// ValidateAdoption checks an adoption and its evidence. Dates are rounded
// down to the month, the precision the model keeps.
func ValidateAdoption(a *Adoption) error {
	a.InstanceURL = strings.TrimSpace(a.InstanceURL)
	a.StartedOn, a.EndedOn = monthStart(a.StartedOn), monthStart(a.EndedOn)
	if a.Status == "" {
		a.Status = StatusUnknown
	}
	a.Confidence = roundConfidence(a.Confidence)
	var v validator
	if a.ToolID == 0 {
		v.fail("tool", "required", nil, "is required")
	}
	if (a.TerritoryID == 0) == (a.OrganisationID == 0) {
		v.add("adopter", "give exactly one adopter: a territory or an organisation")
	}
	v.url("instance_url", a.InstanceURL, MaxEvidenceURLLen)
	if a.Category != "" {
		if _, ok := CategoryBySlug(a.Category); !ok {
			v.add("category", "unknown category %q", a.Category)
		}
	}
	if !a.Status.Valid() {
		v.add("status", "unknown status %q (current, ended or unknown)", a.Status)
	}
	if a.StartedOn != nil && a.EndedOn != nil && a.EndedOn.Before(*a.StartedOn) {
		v.add("ended_on", "is before started_on")
	}
	if a.EndedOn != nil && a.Status != StatusEnded {
		v.add("ended_on", "an adoption with an end date must have the status ended")
	}
	now := time.Now()
	if a.StartedOn != nil && a.StartedOn.After(now) {
		v.fail("started_on", "future", nil, "is in the future")
	}
	if a.EndedOn != nil && a.EndedOn.After(now) {
		v.add("ended_on", "is in the future")
	}
	if a.Confidence < 0 || a.Confidence > 1 {
		v.add("confidence", "must be between 0 and 1")
	}
	for i := range a.Evidence {
		validateEvidence(&v, fmt.Sprintf("evidence[%d].", i), &a.Evidence[i])
	}
	return v.err()
}

func validateEvidence(v *validator, prefix string, e *Evidence) {
	e.SourceName, e.SourceURL, e.Fingerprint = strings.TrimSpace(e.SourceName), strings.TrimSpace(e.SourceURL), strings.TrimSpace(e.Fingerprint)
	if !e.SourceKind.Valid() {
		v.add(prefix+"source_kind", "unknown source kind %q", e.SourceKind)
	}
	v.required(prefix+"source_name", e.SourceName)
	v.maxLen(prefix+"source_name", e.SourceName, MaxNameLen)
	v.url(prefix+"source_url", e.SourceURL, MaxEvidenceURLLen)
	v.maxLen(prefix+"source_licence", e.SourceLicence, 100)
	if e.ObservedAt.IsZero() {
		v.add(prefix+"observed_at", "is required")
	} else if e.ObservedAt.After(time.Now().Add(time.Hour)) {
		v.add(prefix+"observed_at", "is in the future")
	}
	if e.DateMeaning == "" {
		e.DateMeaning = DateObservation
	}
	if !e.DateMeaning.Valid() {
		v.add(prefix+"date_meaning", "unknown date meaning %q (observation, consultation, source-snapshot or declaration)", e.DateMeaning)
	}
	if e.ObservedUntil != nil {
		switch {
		case e.ObservedUntil.Before(e.ObservedAt):
			v.add(prefix+"observed_until", "is before observed_at")
		case e.ObservedUntil.After(time.Now().Add(time.Hour)):
			v.add(prefix+"observed_until", "is in the future")
		}
	}
	v.maxLen(prefix+"excerpt", e.Excerpt, MaxExcerptLen)
	v.required(prefix+"fingerprint", e.Fingerprint)
	v.maxLen(prefix+"fingerprint", e.Fingerprint, 500)
}

func (a *Adoption) snapshot() map[string]any {
	return map[string]any{"tool_id": a.ToolID, "territory_id": nullInt(a.TerritoryID),
		"organisation_id": nullInt(a.OrganisationID), "instance_url": a.InstanceURL,
		"category": a.Category, "started_on": dateString(a.StartedOn), "ended_on": dateString(a.EndedOn),
		"status": string(a.Status), "confidence": a.Confidence}
}

func (e *Evidence) snapshot() map[string]any {
	return map[string]any{"adoption_id": e.AdoptionID, "source_kind": string(e.SourceKind),
		"source_name": e.SourceName, "source_url": e.SourceURL, "source_licence": e.SourceLicence,
		"observed_at": e.ObservedAt.UTC().Format(time.RFC3339), "observed_until": timeString(e.ObservedUntil),
		"date_meaning": string(e.DateMeaning), "excerpt": e.Excerpt, "fingerprint": e.Fingerprint}
}

func timeString(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// UpsertResult says what UpsertAdoption changed.
type UpsertResult struct {
	AdoptionID    int64
	Created       bool // a new adoption
	Updated       bool // an existing adoption learned something (status, dates…)
	EvidenceAdded int  // pieces of evidence that were new
	// EvidenceUpdated counts pieces of evidence the source now words or
	// dates differently (a census that saw the instance again).
	EvidenceUpdated int
}

// UpsertAdoption records that a's adopter uses a's tool at a's instance. The
// same adopter + tool + instance (InstanceKey) is one adoption: when it
// exists, the new evidence is added to it and what it did not know is
// filled in; evidence already recorded (same source and fingerprint) is
// skipped, so re-reading a source adds nothing twice. An existing status only
// moves from unknown to known, or from current to ended.
func UpsertAdoption(ctx context.Context, db DB, a *Adoption, by By) (UpsertResult, error) {
	var res UpsertResult
	if err := errors.Join(checkBy(by), ValidateAdoption(a)); err != nil {
		return res, firstError(err)
	}
	key := InstanceKey(a.InstanceURL)
	err := inTx(ctx, db, func(tx pgx.Tx) error {
		old, err := findAdoption(ctx, tx, a.ToolID, a.TerritoryID, a.OrganisationID, key)
		if err != nil {
			return err
		}
		if old == nil {
			err := tx.QueryRow(ctx, `INSERT INTO adoption (tool_id, territory_id, organisation_id,
				instance_url, instance_key, category, started_on, ended_on, status, confidence)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, created_at, updated_at`,
				a.ToolID, nullInt(a.TerritoryID), nullInt(a.OrganisationID), nullString(a.InstanceURL), key,
				nullString(a.Category), a.StartedOn, a.EndedOn, a.Status, a.Confidence).
				Scan(&a.ID, &a.CreatedAt, &a.UpdatedAt)
			if err != nil {
				return constraintError(err, "adoption", a.InstanceURL)
			}
			res.Created = true
			if err := appendRevision(ctx, tx, EntityAdoption, a.ID, "create", by, diff(nil, a.snapshot())); err != nil {
				return err
			}
		} else {
			a.ID = old.ID
			merged := mergeAdoption(*old, *a)
			if changes := diff(old.snapshot(), merged.snapshot()); len(changes) > 0 {
				if err := writeAdoption(ctx, tx, &merged); err != nil {
					return err
				}
				res.Updated = true
				if err := appendRevision(ctx, tx, EntityAdoption, a.ID, "update", by, changes); err != nil {
					return err
				}
			}
		}
		res.AdoptionID = a.ID
		for i := range a.Evidence {
			w, err := writeEvidence(ctx, tx, a.ID, &a.Evidence[i], by)
			if err != nil {
				return err
			}
			switch w {
			case evidenceAdded:
				res.EvidenceAdded++
			case evidenceUpdated:
				res.EvidenceUpdated++
			}
		}
		if res.Created || res.EvidenceAdded+res.EvidenceUpdated > 0 {
			return refreshAttested(ctx, tx, a.ID)
		}
		return nil
	})
	return res, err
}

// mergeAdoption fills what old does not know from new.
func mergeAdoption(old, new Adoption) Adoption {
	m := old
	if m.InstanceURL == "" {
		m.InstanceURL = new.InstanceURL
	}
	if m.Category == "" {
		m.Category = new.Category
	}
	if m.StartedOn == nil || (new.StartedOn != nil && new.StartedOn.Before(*m.StartedOn)) {
		if new.StartedOn != nil {
			m.StartedOn = new.StartedOn
		}
	}
	switch {
	case m.Status == StatusUnknown && new.Status != StatusUnknown,
		m.Status == StatusCurrent && new.Status == StatusEnded:
		m.Status = new.Status
		m.EndedOn = new.EndedOn
	case m.Status == StatusEnded && m.EndedOn == nil && new.EndedOn != nil:
		m.EndedOn = new.EndedOn
	}
	if m.EndedOn != nil && m.StartedOn != nil && m.EndedOn.Before(*m.StartedOn) {
		m.StartedOn = nil // two sources disagree; keep the end, which an archive proves
	}
	if new.Confidence > m.Confidence {
		m.Confidence = new.Confidence
	}
	return m
}

func writeAdoption(ctx context.Context, tx pgx.Tx, a *Adoption) error {
	_, err := tx.Exec(ctx, `UPDATE adoption SET instance_url=$2, category=$3, started_on=$4, ended_on=$5,
		status=$6, confidence=$7, updated_at=now() WHERE id=$1`,
		a.ID, nullString(a.InstanceURL), nullString(a.Category), a.StartedOn, a.EndedOn, a.Status, a.Confidence)
	if err != nil {
		return constraintError(err, "adoption", fmt.Sprint(a.ID))
	}
	return nil
}

// UpdateAdoption replaces the status, dates, category, instance URL and
// confidence of the adoption with id a.ID, and records what changed. The
// adopter and the tool of an adoption never change; its evidence is kept.
func UpdateAdoption(ctx context.Context, db DB, a *Adoption, by By) error {
	if err := errors.Join(checkBy(by), ValidateAdoption(a)); err != nil {
		return firstError(err)
	}
	return inTx(ctx, db, func(tx pgx.Tx) error {
		old, err := getAdoption(ctx, tx, a.ID, true)
		if err != nil {
			return err
		}
		if old.ToolID != a.ToolID || old.TerritoryID != a.TerritoryID || old.OrganisationID != a.OrganisationID {
			return civiscope.Errorf(civiscope.EINVALID, "the tool and the adopter of an adoption cannot change; record a new adoption instead")
		}
		changes := diff(old.snapshot(), a.snapshot())
		if len(changes) == 0 {
			return nil
		}
		if InstanceKey(a.InstanceURL) != InstanceKey(old.InstanceURL) {
			if _, err := tx.Exec(ctx, `UPDATE adoption SET instance_key = $2 WHERE id = $1`, a.ID, InstanceKey(a.InstanceURL)); err != nil {
				return constraintError(err, "adoption", a.InstanceURL)
			}
		}
		if err := writeAdoption(ctx, tx, a); err != nil {
			return err
		}
		return appendRevision(ctx, tx, EntityAdoption, a.ID, "update", by, changes)
	})
}

// AddEvidence attaches one piece of evidence to an adoption. It reports
// false, and writes nothing, when the same source already gave the same
// fingerprint.
func AddEvidence(ctx context.Context, db DB, adoptionID int64, e *Evidence, by By) (bool, error) {
	var v validator
	validateEvidence(&v, "", e)
	if err := errors.Join(checkBy(by), v.err()); err != nil {
		return false, firstError(err)
	}
	var added bool
	err := inTx(ctx, db, func(tx pgx.Tx) error {
		if _, err := getAdoption(ctx, tx, adoptionID, true); err != nil {
			return err
		}
		w, err := writeEvidence(ctx, tx, adoptionID, e, by)
		if err != nil || w == evidenceUnchanged {
			return err
		}
		added = w == evidenceAdded
		return refreshAttested(ctx, tx, adoptionID)
	})
	return added, err
}

type evidenceWrite int

const (
	evidenceUnchanged evidenceWrite = iota
	evidenceAdded
	evidenceUpdated
)

// writeEvidence records e on the adoption. The same source and fingerprint
// is the same piece of evidence: when the source now says something else
// (a later last day, another excerpt), the row is updated and the change
// logged; when it says the same, nothing is written.
func writeEvidence(ctx context.Context, tx pgx.Tx, adoptionID int64, e *Evidence, by By) (evidenceWrite, error) {
	e.AdoptionID = adoptionID
	var old Evidence
	err := tx.QueryRow(ctx, `SELECT id, adoption_id, source_kind, source_name, coalesce(source_url, ''), source_licence,
		observed_at, observed_until, date_meaning, excerpt, fingerprint FROM evidence
		WHERE adoption_id = $1 AND source_name = $2 AND fingerprint = $3 FOR UPDATE`,
		adoptionID, e.SourceName, e.Fingerprint).Scan(&old.ID, &old.AdoptionID, &old.SourceKind, &old.SourceName,
		&old.SourceURL, &old.SourceLicence, &old.ObservedAt, &old.ObservedUntil, &old.DateMeaning, &old.Excerpt, &old.Fingerprint)
	if errors.Is(err, pgx.ErrNoRows) {
		err := tx.QueryRow(ctx, `INSERT INTO evidence (adoption_id, source_kind, source_name, source_url,
			source_licence, observed_at, observed_until, date_meaning, excerpt, fingerprint)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			adoptionID, e.SourceKind, e.SourceName, nullString(e.SourceURL), e.SourceLicence,
			e.ObservedAt, e.ObservedUntil, e.DateMeaning, e.Excerpt, e.Fingerprint).Scan(&e.ID)
		if err != nil {
			return evidenceUnchanged, constraintError(err, "evidence", e.Fingerprint)
		}
		return evidenceAdded, appendRevision(ctx, tx, EntityEvidence, e.ID, "create", by, diff(nil, e.snapshot()))
	}
	if err != nil {
		return evidenceUnchanged, fmt.Errorf("find evidence: %w", err)
	}
	e.ID = old.ID
	changes := diff(old.snapshot(), e.snapshot())
	if len(changes) == 0 {
		return evidenceUnchanged, nil
	}
	_, err = tx.Exec(ctx, `UPDATE evidence SET source_kind = $2, source_url = $3, source_licence = $4,
		observed_at = $5, observed_until = $6, date_meaning = $7, excerpt = $8 WHERE id = $1`,
		e.ID, e.SourceKind, nullString(e.SourceURL), e.SourceLicence, e.ObservedAt, e.ObservedUntil, e.DateMeaning, e.Excerpt)
	if err != nil {
		return evidenceUnchanged, constraintError(err, "evidence", e.Fingerprint)
	}
	return evidenceUpdated, appendRevision(ctx, tx, EntityEvidence, e.ID, "update", by, changes)
}

// refreshAttested recomputes the span an adoption's evidence attests. It is
// derived from evidence whose revisions already record the change, so it
// writes no revision of its own.
func refreshAttested(ctx context.Context, tx pgx.Tx, adoptionID int64) error {
	_, err := tx.Exec(ctx, `UPDATE adoption a SET attested_first = s.first, attested_last = s.last
		FROM (SELECT min(observed_at)::date AS first, max(coalesce(observed_until, observed_at))::date AS last
		      FROM evidence WHERE adoption_id = $1) s
		WHERE a.id = $1 AND (a.attested_first IS DISTINCT FROM s.first OR a.attested_last IS DISTINCT FROM s.last)`, adoptionID)
	if err != nil {
		return fmt.Errorf("refresh attested dates of adoption %d: %w", adoptionID, err)
	}
	return nil
}

func findAdoption(ctx context.Context, tx pgx.Tx, toolID, territoryID, orgID int64, key string) (*Adoption, error) {
	var a Adoption
	var conf float32
	err := tx.QueryRow(ctx, `SELECT id, tool_id, coalesce(territory_id, 0), coalesce(organisation_id, 0),
		coalesce(instance_url, ''), coalesce(category, ''), started_on, ended_on, status, confidence
		FROM adoption WHERE tool_id = $1 AND coalesce(territory_id, 0) = $2
		AND coalesce(organisation_id, 0) = $3 AND instance_key = $4 FOR UPDATE`, toolID, territoryID, orgID, key).
		Scan(&a.ID, &a.ToolID, &a.TerritoryID, &a.OrganisationID, &a.InstanceURL, &a.Category,
			&a.StartedOn, &a.EndedOn, &a.Status, &conf)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find adoption: %w", err)
	}
	a.Confidence = roundConfidence(float64(conf))
	return &a, nil
}
