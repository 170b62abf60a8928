// Package moderation is the trail between a contribution and the public
// directory. Every proposal (a new tool, an edit of a listing, an adoption
// declared by a collectivité, a crawler finding below the confidence
// threshold) is stored with the values it proposes; a moderator sees it as a
// field-by-field diff and approves or rejects it with a reason. Approval
// applies the change through the directory's store functions, so the
// directory's revision log records it; every decision also goes to the audit
// log. A moderator can revert any revision: the revert is a new revision.
//
// Spam controls live here too: per-account rate limits, and a new account's
// first contributions always wait for a moderator, even when the account is
// a verified vendor whose descriptive edits would otherwise publish at once.
//
// Entry points: ProposeTool, ProposeEdit, DeclareAdoption, ProposeWebsite, SubmitFinding,
// Duplicates, Get, Queue, BySubmitter, Decide, Revert, AuditLog.
package moderation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/postgres"
)

// DB is a pool or a transaction.
type DB = directory.DB

// Kind is what a proposal changes.
type Kind string

const (
	KindNewTool        Kind = "new-tool"
	KindToolEdit       Kind = "tool-edit"
	KindAdoption       Kind = "adoption"
	KindCrawlerFinding Kind = "crawler-finding"
	// KindWebsite corrects a collectivité's official website.
	KindWebsite Kind = "website"
)

// Status is where a proposal stands.
type Status string

const (
	StatusPending  Status = "pending"
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
	// StatusPublished is a verified vendor's descriptive edit, applied at
	// once and kept in the queue for review; rejecting it reverts it.
	StatusPublished Status = "published"
	// StatusReverted is an approved or published proposal whose change a
	// moderator reverted from the history afterwards: its author must not
	// go on reading "approved".
	StatusReverted Status = "reverted"
)

// Limits on free text, mirrored by CHECK constraints in 00510.
const (
	MaxNoteLen   = 2000
	MaxReasonLen = 2000
)

// Proposal is one contribution and its fate.
type Proposal struct {
	ID          int64
	Kind        Kind
	Status      Status
	SubmitterID int64 // 0 for the crawler
	Entity      directory.Entity
	EntityID    int64 // the tool edited, or the entity an approval created
	Title       string
	Payload     map[string]any // proposed values
	Base        map[string]any // for an edit: the values they replace
	Note        string
	Confidence  *float64
	Reason      string
	DecidedBy   int64
	DecidedAt   *time.Time
	// For a reverted proposal: who reverted its change, when and why.
	RevertedBy   int64
	RevertedAt   *time.Time
	RevertReason string
	CreatedAt    time.Time
}

// FieldDiff is one line of the diff a moderator reviews.
type FieldDiff struct {
	Field string
	Old   string
	New   string
}

// Diff lists the proposed fields in a stable order with their old (for an
// edit) and new values as text. Display-only fields (names of the tool or
// collectivité an adoption refers to) are included, so the moderator sees
// what an id stands for.
func (p *Proposal) Diff() []FieldDiff {
	keys := make([]string, 0, len(p.Payload))
	for k := range p.Payload {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]FieldDiff, 0, len(keys))
	for _, k := range keys {
		d := FieldDiff{Field: k, New: Text(p.Payload[k])}
		if p.Base != nil {
			d.Old = Text(p.Base[k])
		}
		out = append(out, d)
	}
	return out
}

// Text renders a JSON value for a diff: strings as they are, lists joined
// by commas, null as empty.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Text(e)
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprint(int64(x))
		}
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

const proposalColumns = `id, kind, status, coalesce(submitter_id, 0), coalesce(entity, ''), coalesce(entity_id, 0),
	title, payload, base, note, confidence, reason, coalesce(decided_by, 0), decided_at,
	coalesce(reverted_by, 0), reverted_at, revert_reason, created_at`

func scanProposal(row pgx.Row) (*Proposal, error) {
	var p Proposal
	var payload, base []byte
	var conf *float32
	if err := row.Scan(&p.ID, &p.Kind, &p.Status, &p.SubmitterID, &p.Entity, &p.EntityID, &p.Title,
		&payload, &base, &p.Note, &conf, &p.Reason, &p.DecidedBy, &p.DecidedAt,
		&p.RevertedBy, &p.RevertedAt, &p.RevertReason, &p.CreatedAt); err != nil {
		return nil, err
	}
	if conf != nil {
		c := float64(*conf)
		p.Confidence = &c
	}
	if err := json.Unmarshal(payload, &p.Payload); err != nil {
		return nil, fmt.Errorf("decode proposal %d: %w", p.ID, err)
	}
	if err := json.Unmarshal(base, &p.Base); err != nil {
		return nil, fmt.Errorf("decode proposal %d: %w", p.ID, err)
	}
	if len(p.Base) == 0 {
		p.Base = nil
	}
	return &p, nil
}

// Get returns one proposal.
func Get(ctx context.Context, db postgres.Querier, id int64) (*Proposal, error) {
	p, err := scanProposal(db.QueryRow(ctx, `SELECT `+proposalColumns+` FROM proposal WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "no proposal #%d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get proposal %d: %w", id, err)
	}
	return p, nil
}

func listProposals(ctx context.Context, db postgres.Querier, where string, args ...any) ([]Proposal, error) {
	rows, err := db.Query(ctx, `SELECT `+proposalColumns+` FROM proposal WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, fmt.Errorf("list proposals: %w", err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// QueueFilter selects what the moderation queue shows.
type QueueFilter struct {
	Status Status // pending (default), published, approved or rejected
	Kind   Kind   // "" for every kind
	Limit  int
	Offset int
}

// Queue lists proposals with one status, oldest first for pending ones (the
// order to work in), newest first otherwise, and their total.
func Queue(ctx context.Context, db postgres.Querier, f QueueFilter) ([]Proposal, int, error) {
	if f.Status == "" {
		f.Status = StatusPending
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	order := "created_at DESC, id DESC"
	if f.Status == StatusPending {
		order = "created_at, id"
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM proposal WHERE status = $1 AND ($2 = '' OR kind = $2)`,
		f.Status, f.Kind).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count queue: %w", err)
	}
	ps, err := listProposals(ctx, db, `status = $1 AND ($2 = '' OR kind = $2) ORDER BY `+order+` LIMIT $3 OFFSET $4`,
		f.Status, f.Kind, f.Limit, f.Offset)
	return ps, total, err
}

// BySubmitter lists a user's proposals, newest first.
func BySubmitter(ctx context.Context, db postgres.Querier, userID int64, limit int) ([]Proposal, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return listProposals(ctx, db, `submitter_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, userID, limit)
}

// insert stores p and sets its id.
func insert(ctx context.Context, db postgres.Querier, p *Proposal) error {
	payload, err := json.Marshal(p.Payload)
	if err != nil {
		return fmt.Errorf("encode proposal: %w", err)
	}
	base := []byte("{}")
	if p.Base != nil {
		if base, err = json.Marshal(p.Base); err != nil {
			return fmt.Errorf("encode proposal: %w", err)
		}
	}
	var submitter, entity, entityID any
	if p.SubmitterID != 0 {
		submitter = p.SubmitterID
	}
	if p.Entity != "" {
		entity = p.Entity
	}
	if p.EntityID != 0 {
		entityID = p.EntityID
	}
	if p.Status == "" {
		p.Status = StatusPending
	}
	err = db.QueryRow(ctx, `INSERT INTO proposal (kind, status, submitter_id, entity, entity_id, title, payload, base, note, confidence)
		VALUES ($1, $2, $3, $4, $5, left($6, 300), $7, $8, $9, $10) RETURNING id, created_at`,
		p.Kind, p.Status, submitter, entity, entityID, p.Title, payload, base, p.Note, p.Confidence).Scan(&p.ID, &p.CreatedAt)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "CV429" {
		// Another submission of the same account got in first (canSubmit
		// checked before both); the trigger says how long to wait.
		secs, _ := strconv.Atoi(pg.Detail)
		return account.TooMany(time.Duration(secs)*time.Second, "you reached the limit of contributions (%d an hour, %d a day); please wait a little", MaxPerHour, MaxPerDay)
	}
	return err
}

// by is the revision author of a change coming from proposal p. Its source
// starts with "proposal #ID, ", which proposalOf reads back when the
// revision is reverted.
func by(p *Proposal, moderator *account.User, how string) directory.By {
	actor := "crawler"
	if p.SubmitterID != 0 {
		actor = account.ActorFor(p.SubmitterID)
	}
	src := fmt.Sprintf("proposal #%d, %s", p.ID, how)
	if moderator != nil {
		src = fmt.Sprintf("proposal #%d, %s by %s", p.ID, how, moderator.Actor())
	}
	return directory.By{Actor: actor, Source: src}
}

var proposalSource = regexp.MustCompile(`^proposal #([0-9]+), `)

// proposalOf returns the id of the proposal a revision's source names, 0
// when the revision did not apply a proposal.
func proposalOf(source string) int64 {
	m := proposalSource.FindStringSubmatch(source)
	if m == nil {
		return 0
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// proposalSourceName names the source a proposal's facts cite.
func proposalSourceName(id int64) string { return fmt.Sprintf("Civiscope, proposal #%d", id) }
