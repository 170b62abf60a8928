package moderation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// Spam controls. A new account's first TrustedAfter contributions always
// wait for a moderator; the hourly and daily caps bound what one account can
// put in the queue.
const (
	TrustedAfter     = 3
	MaxPerHour       = 10
	MaxPerDay        = 40
	rateWindowHour   = time.Hour
	rateWindowPerDay = 24 * time.Hour
)

// ToolDraft is a proposed new listing, as the form sends it.
type ToolDraft struct {
	Name          string
	TaglineFR     string
	TaglineEN     string
	DescriptionFR string
	DescriptionEN string
	Website       string
	SourceRepo    string
	Licence       string
	Categories    []string
	Languages     []string
	BusinessModel string
	Hosting       string
	FoundedYear   int
	// The vendor: an existing one by slug, or a new one by name.
	VendorSlug    string
	VendorName    string
	VendorWebsite string
	Note          string
	// NotDuplicate is the submitter's answer to "is this one of these
	// existing listings?"; without it a likely duplicate is refused.
	NotDuplicate bool
}

// DuplicateError is the cause of the ECONFLICT a likely duplicate gets: the
// listings to suggest instead.
type DuplicateError struct{ Matches []Match }

func (e *DuplicateError) Error() string { return fmt.Sprintf("%d similar listings", len(e.Matches)) }

// Slugify makes a URL slug from a name: folded, hyphenated, at most 80
// characters.
func Slugify(name string) string {
	s := strings.ReplaceAll(territory.Normalize(name), " ", "-")
	if len(s) > directory.MaxSlugLen {
		s = strings.TrimRight(s[:directory.MaxSlugLen], "-")
	}
	return s
}

// ProposeTool validates a new listing with the directory's own rules,
// checks for duplicates and queues it for moderation. New tools always go
// through moderation, whoever proposes them.
func ProposeTool(ctx context.Context, db DB, u *account.User, d ToolDraft) (*Proposal, error) {
	if err := canSubmit(ctx, db, u); err != nil {
		return nil, err
	}
	t := directory.Tool{Slug: Slugify(d.Name), Name: d.Name, TaglineFR: d.TaglineFR, TaglineEN: d.TaglineEN,
		DescriptionFR: d.DescriptionFR, DescriptionEN: d.DescriptionEN, Website: d.Website,
		SourceRepo: d.SourceRepo, Licence: d.Licence, Categories: d.Categories, Languages: d.Languages,
		BusinessModel: directory.BusinessModel(d.BusinessModel), Hosting: directory.Hosting(d.Hosting),
		FoundedYear: d.FoundedYear}
	var fields []civiscope.FieldError
	for _, f := range civiscope.ErrorFields(directory.ValidateTool(&t)) {
		if f.Field == "slug" {
			if strings.TrimSpace(d.Name) == "" {
				continue // "name is required" says it already
			}
			f = civiscope.Field("name", "letters", nil, "must contain letters or digits")
		}
		fields = append(fields, f)
	}
	if strings.TrimSpace(d.Website) == "" {
		fields = append(fields, civiscope.Field("website", "website_required", nil, "is required: it identifies the tool and lets its vendor claim the listing"))
	}
	fields = append(fields, checkNote(d.Note)...)
	payload := map[string]any{"slug": t.Slug}
	for _, f := range descriptiveFields {
		if v := toolField(&t, f); !empty(v) {
			payload[f] = v
		}
	}
	switch {
	case strings.TrimSpace(d.VendorSlug) != "":
		v, err := directory.GetVendor(ctx, db, strings.TrimSpace(d.VendorSlug))
		if err != nil {
			fields = append(fields, civiscope.Field("vendor", "no_such_vendor", nil, "no vendor with this identifier in the directory"))
		} else {
			payload["vendor_id"] = float64(v.ID)
			payload["vendor_name"] = v.Name
		}
	case strings.TrimSpace(d.VendorName) != "":
		v := directory.Vendor{Slug: Slugify(d.VendorName), Name: d.VendorName, Website: d.VendorWebsite}
		for _, f := range civiscope.ErrorFields(directory.ValidateVendor(&v)) {
			if f.Field == "slug" {
				continue
			}
			f.Field = "vendor_" + f.Field
			fields = append(fields, f)
		}
		payload["vendor_name"] = v.Name
		if v.Website != "" {
			payload["vendor_website"] = v.Website
		}
	}
	if err := civiscope.Invalid(fields); err != nil {
		return nil, err
	}
	matches, err := Duplicates(ctx, db, t.Name, t.Website)
	if err != nil {
		return nil, err
	}
	if len(matches) > 0 && !d.NotDuplicate {
		return nil, &civiscope.Error{Code: civiscope.ECONFLICT, Rule: "duplicate",
			Message: "this tool looks already listed; open the existing listing, or confirm that yours is a different tool",
			Err:     &DuplicateError{Matches: matches}}
	}
	if len(matches) > 0 {
		payload["possible_duplicates"] = duplicateList(matches)
	}
	p := &Proposal{Kind: KindNewTool, SubmitterID: u.ID, Title: t.Name, Payload: payload, Note: strings.TrimSpace(d.Note)}
	if err := insert(ctx, db, p); err != nil {
		return nil, fmt.Errorf("queue new tool: %w", err)
	}
	return p, nil
}

func duplicateList(ms []Match) string {
	var parts []string
	for _, m := range ms {
		if m.ToolID != 0 {
			parts = append(parts, fmt.Sprintf("%s (%s, same %s)", m.Name, m.Slug, m.Reason))
		} else {
			parts = append(parts, fmt.Sprintf("%s (proposal #%d, same %s)", m.Name, m.ProposalID, m.Reason))
		}
	}
	return strings.Join(parts, "; ")
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

func checkNote(note string) []civiscope.FieldError {
	if n := utf8.RuneCountInString(strings.TrimSpace(note)); n > MaxNoteLen {
		return []civiscope.FieldError{civiscope.Field("note", "too_long", civiscope.Params{"length": n, "max": MaxNoteLen}, "is too long (%d characters, at most %d)", n, MaxNoteLen)}
	}
	return nil
}

// ProposeEdit proposes new values for a listing. edited is the listing as
// the form returns it; only the fields that differ are proposed. A verified
// vendor member of the tool's vendor, past their first contributions, sees a
// purely descriptive edit published at once (status published, still in the
// review queue); anything touching the lifecycle waits for a moderator.
func ProposeEdit(ctx context.Context, db DB, u *account.User, toolID int64, edited *directory.Tool, note string) (*Proposal, error) {
	if err := canSubmit(ctx, db, u); err != nil {
		return nil, err
	}
	cur, err := directory.GetToolByID(ctx, db, toolID)
	if err != nil {
		return nil, err
	}
	next := *edited
	next.ID, next.Slug, next.VendorID, next.Sources, next.OpenSource = cur.ID, cur.Slug, cur.VendorID, cur.Sources, cur.OpenSource
	fields := civiscope.ErrorFields(directory.ValidateTool(&next))
	fields = append(fields, checkNote(note)...)
	if err := civiscope.Invalid(fields); err != nil {
		return nil, err
	}
	payload, base := map[string]any{}, map[string]any{}
	descriptive := true
	for _, f := range EditableFields() {
		o, n := toolField(cur, f), toolField(&next, f)
		if !sameJSON(o, n) {
			payload[f], base[f] = n, o
			descriptive = descriptive && isDescriptive(f)
		}
	}
	if len(payload) == 0 {
		return nil, civiscope.Ruled(civiscope.EINVALID, "nothing_changed", nil, "nothing changed: edit at least one field")
	}
	p := &Proposal{Kind: KindToolEdit, SubmitterID: u.ID, Entity: directory.EntityTool, EntityID: cur.ID,
		Title: cur.Name, Payload: payload, Base: base, Note: strings.TrimSpace(note)}
	direct := false
	if descriptive && cur.VendorID != 0 {
		member, err := account.IsVendorMember(ctx, db, u.ID, cur.VendorID)
		if err != nil {
			return nil, err
		}
		trusted, err := isTrusted(ctx, db, u.ID)
		if err != nil {
			return nil, err
		}
		direct = member && trusted
	}
	if !direct {
		if err := insert(ctx, db, p); err != nil {
			return nil, fmt.Errorf("queue edit: %w", err)
		}
		return p, nil
	}
	p.Status = StatusPublished
	err = inTx(ctx, db, func(tx pgx.Tx) error {
		if err := insert(ctx, tx, p); err != nil {
			return fmt.Errorf("record edit: %w", err)
		}
		next.Sources = append(append([]directory.Source(nil), cur.Sources...), editSource(p, directory.SourceVendor))
		return directory.UpdateTool(ctx, tx, &next, by(p, nil, "published directly by a verified vendor"))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	if empty(a) && empty(b) {
		return true
	}
	return string(x) == string(y)
}

// AdoptionDraft is a collectivité's declaration: "we use tool X at URL Y
// since month M".
type AdoptionDraft struct {
	ToolID      int64
	TerritoryID int64
	InstanceURL string
	Since       string // YYYY-MM, "" when unknown
	Note        string
}

// DeclareAdoption queues an adoption declaration. It always goes through
// moderation; the moderator sees whether the declarant is an approved agent
// of the collectivité.
func DeclareAdoption(ctx context.Context, db DB, u *account.User, d AdoptionDraft) (*Proposal, error) {
	if err := canSubmit(ctx, db, u); err != nil {
		return nil, err
	}
	var fields []civiscope.FieldError
	a := directory.Adoption{ToolID: d.ToolID, TerritoryID: d.TerritoryID, InstanceURL: d.InstanceURL,
		Status: directory.StatusCurrent, Confidence: 0.9}
	if s := strings.TrimSpace(d.Since); s != "" {
		m, err := time.Parse("2006-01", s)
		if err != nil {
			fields = append(fields, civiscope.Field("since", "month", nil, "must be a month such as 2023-09"))
		} else {
			a.StartedOn = &m
		}
	}
	if strings.TrimSpace(d.InstanceURL) == "" {
		fields = append(fields, civiscope.Field("instance_url", "instance_url_required", nil, "is required: the address where citizens use the tool"))
	}
	for _, f := range civiscope.ErrorFields(directory.ValidateAdoption(&a)) {
		if f.Field == "started_on" {
			f.Field = "since"
		}
		fields = append(fields, f)
	}
	fields = append(fields, checkNote(d.Note)...)
	payload := map[string]any{"instance_url": a.InstanceURL}
	if a.StartedOn != nil {
		payload["started_on"] = a.StartedOn.Format("2006-01")
	}
	if d.ToolID != 0 {
		if t, err := directory.GetToolByID(ctx, db, d.ToolID); err != nil {
			fields = append(fields, civiscope.Field("tool", "no_such_tool", nil, "no such tool in the directory"))
		} else {
			payload["tool_id"], payload["tool"] = float64(t.ID), t.Name
		}
	}
	if d.TerritoryID != 0 {
		if t, err := territory.GetByID(ctx, db, d.TerritoryID); err != nil {
			fields = append(fields, civiscope.Field("territory", "no_such_territory", nil, "no such collectivité"))
		} else {
			payload["territory_id"], payload["territory"] = float64(t.ID), t.Name
		}
	}
	if err := civiscope.Invalid(fields); err != nil {
		return nil, err
	}
	agent, err := account.IsAgent(ctx, db, u.ID, d.TerritoryID)
	if err != nil {
		return nil, err
	}
	payload["declared_by_agent"] = agent
	p := &Proposal{Kind: KindAdoption, SubmitterID: u.ID, Title: fmt.Sprintf("%s → %s", payload["territory"], payload["tool"]),
		Payload: payload, Note: strings.TrimSpace(d.Note)}
	if err := insert(ctx, db, p); err != nil {
		return nil, fmt.Errorf("queue adoption: %w", err)
	}
	return p, nil
}

// Finding is what the crawler saw but is not sure enough of to publish: an
// adoption with its evidence and the detector's confidence.
type Finding struct {
	Adoption directory.Adoption // one Evidence item at least
	Title    string
}

// SubmitFinding queues a crawler finding under the confidence threshold.
// The same evidence (source and fingerprint) already queued, decided or
// not, is not queued again: it returns the existing proposal and false.
func SubmitFinding(ctx context.Context, db DB, f Finding) (*Proposal, bool, error) {
	a := f.Adoption
	if len(a.Evidence) == 0 {
		return nil, false, civiscope.Errorf(civiscope.EINVALID, "a crawler finding needs its evidence")
	}
	if err := directory.ValidateAdoption(&a); err != nil {
		return nil, false, err
	}
	ev := a.Evidence[0]
	// Decided findings count too: the crawler keeps them pending on its
	// side, and a moderator's answer is not asked for twice.
	existing, err := listProposals(ctx, db, `kind = 'crawler-finding'
		AND payload->>'source_name' = $1 AND payload->>'fingerprint' = $2 ORDER BY id LIMIT 1`, ev.SourceName, ev.Fingerprint)
	if err != nil {
		return nil, false, err
	}
	if len(existing) > 0 {
		return &existing[0], false, nil
	}
	payload := map[string]any{"tool_id": float64(a.ToolID), "instance_url": a.InstanceURL,
		"status": string(a.Status), "confidence": a.Confidence, "source_kind": string(ev.SourceKind),
		"source_name": ev.SourceName, "source_url": ev.SourceURL, "source_licence": ev.SourceLicence,
		"excerpt": ev.Excerpt, "fingerprint": ev.Fingerprint, "observed_at": ev.ObservedAt.UTC().Format(time.RFC3339)}
	if a.TerritoryID != 0 {
		payload["territory_id"] = float64(a.TerritoryID)
		if t, err := territory.GetByID(ctx, db, a.TerritoryID); err == nil {
			payload["territory"] = t.Name
		}
	}
	if a.OrganisationID != 0 {
		payload["organisation_id"] = float64(a.OrganisationID)
	}
	if a.Category != "" {
		payload["category"] = a.Category
	}
	if a.StartedOn != nil {
		payload["started_on"] = a.StartedOn.Format("2006-01")
	}
	if t, err := directory.GetToolByID(ctx, db, a.ToolID); err == nil {
		payload["tool"] = t.Name
	} else {
		return nil, false, civiscope.Errorf(civiscope.EINVALID, "a crawler finding names tool #%d, which is not in the directory", a.ToolID)
	}
	conf := a.Confidence
	title := f.Title
	if title == "" {
		title = fmt.Sprintf("%v → %v (crawler)", payload["territory"], payload["tool"])
	}
	p := &Proposal{Kind: KindCrawlerFinding, Title: title, Payload: payload, Confidence: &conf}
	if err := insert(ctx, db, p); err != nil {
		return nil, false, fmt.Errorf("queue finding: %w", err)
	}
	return p, true, nil
}

// canSubmit applies the per-account rate limits.
func canSubmit(ctx context.Context, db DB, u *account.User) error {
	if u == nil || u.Deleted() {
		return civiscope.Errorf(civiscope.EUNAUTHORIZED, "log in to contribute")
	}
	var hour, day int
	var oldestHour, oldestDay *time.Time
	err := db.QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE created_at > now() - $2::interval),
		count(*),
		(SELECT created_at FROM proposal WHERE submitter_id = $1 AND created_at > now() - $2::interval
			ORDER BY created_at DESC OFFSET $4 - 1 LIMIT 1),
		(SELECT created_at FROM proposal WHERE submitter_id = $1 AND created_at > now() - $3::interval
			ORDER BY created_at DESC OFFSET $5 - 1 LIMIT 1)
		FROM proposal WHERE submitter_id = $1 AND created_at > now() - $3::interval`,
		u.ID, rateWindowHour.String(), rateWindowPerDay.String(), MaxPerHour, MaxPerDay).
		Scan(&hour, &day, &oldestHour, &oldestDay)
	if err != nil {
		return fmt.Errorf("count contributions: %w", err)
	}
	switch {
	case day >= MaxPerDay && oldestDay != nil:
		return withRule(account.TooMany(time.Until(oldestDay.Add(rateWindowPerDay)), "you sent %d contributions today, the daily limit; please come back tomorrow", day),
			"contributions_per_day", civiscope.Params{"count": day})
	case hour >= MaxPerHour && oldestHour != nil:
		return withRule(account.TooMany(time.Until(oldestHour.Add(rateWindowHour)), "you sent %d contributions in the last hour, the limit; please wait a little", hour),
			"contributions_per_hour", civiscope.Params{"count": hour})
	}
	return nil
}

// isTrusted reports whether user is past the contributions that are always
// moderated.
func isTrusted(ctx context.Context, db DB, userID int64) (bool, error) {
	n, err := Approved(ctx, db, userID)
	return n >= TrustedAfter, err
}

// Approved counts a user's proposals of any kind that a moderator approved
// and nobody reverted since: TrustedAfter of them make a verified vendor's
// descriptive edits publish at once.
func Approved(ctx context.Context, db DB, userID int64) (int, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM proposal WHERE submitter_id = $1 AND status = 'approved'`,
		userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count approved contributions: %w", err)
	}
	return n, nil
}

// NameVendor proposes the vendor of a listing that names none, so that its
// vendor can then claim it. It always waits for a moderator, who sees it as
// an edit of the listing; approving it finds the vendor by name or creates it.
func NameVendor(ctx context.Context, db DB, u *account.User, toolID int64, name, website, note string) (*Proposal, error) {
	if err := canSubmit(ctx, db, u); err != nil {
		return nil, err
	}
	cur, err := directory.GetToolByID(ctx, db, toolID)
	if err != nil {
		return nil, err
	}
	if cur.VendorID != 0 {
		return nil, civiscope.Ruled(civiscope.ECONFLICT, "vendor_taken", nil, "this listing already names a vendor")
	}
	name, website = strings.TrimSpace(name), strings.TrimSpace(website)
	v := directory.Vendor{Slug: Slugify(name), Name: name, Website: website}
	var fields []civiscope.FieldError
	for _, f := range civiscope.ErrorFields(directory.ValidateVendor(&v)) {
		if f.Field == "slug" && name != "" {
			f = civiscope.Field("name", "letters", nil, "must contain letters or digits")
		} else if f.Field == "slug" {
			continue // "name is required" says it already
		}
		f.Field = "vendor_" + f.Field
		fields = append(fields, f)
	}
	fields = append(fields, checkNote(note)...)
	if err := civiscope.Invalid(fields); err != nil {
		return nil, err
	}
	payload := map[string]any{"vendor_name": name}
	if website != "" {
		payload["vendor_website"] = website
	}
	p := &Proposal{Kind: KindToolEdit, SubmitterID: u.ID, Entity: directory.EntityTool, EntityID: cur.ID,
		Title: cur.Name, Payload: payload, Base: map[string]any{"vendor_name": nil}, Note: strings.TrimSpace(note)}
	if err := insert(ctx, db, p); err != nil {
		return nil, fmt.Errorf("queue vendor proposal: %w", err)
	}
	return p, nil
}

// inTx runs fn in a transaction (a savepoint inside one).
func inTx(ctx context.Context, db DB, fn func(pgx.Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// withRule names the rule of an error built elsewhere (account.TooMany).
func withRule(err error, rule string, params civiscope.Params) error {
	var e *civiscope.Error
	if errors.As(err, &e) {
		e.Rule, e.Params = rule, params
	}
	return err
}
