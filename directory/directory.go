// Package directory is the core of the observatory: civic tech tools, their
// vendors, the collectivités and other organisations that adopt them, the
// evidence behind each adoption, and the revision history of every change.
// It never imports net/http; errors a user can fix are *civiscope.Error with
// per-field civiscope.FieldError.
//
// Main entry points (db is a *pgxpool.Pool or a pgx.Tx, see DB):
//
//	Read:   GetTool, GetToolByID, ListTools (ToolFilter, keyset on slug),
//	        CountTools, GetVendor, ListVendors, GetOrganisation,
//	        ListAdoptions (AdoptionFilter: by tool, territory or organisation,
//	        keyset on id, with evidence), GetAdoption, Categories,
//	        CategoryBySlug, ListRevisions, RevisionsAfter and
//	        LatestRevisionID (the search outbox).
//	Write:  CreateTool, UpdateTool, CreateVendor, UpdateVendor,
//	        EnsureOrganisation, UpsertAdoption (adds evidence to the adoption
//	        of the same adopter + tool + instance site), UpdateAdoption,
//	        AddEvidence.
//	Check:  ValidateTool, ValidateVendor, ValidateOrganisation,
//	        ValidateAdoption, CheckURL, CheckLicence, InstanceKey,
//	        ArchivedOriginal; the enumerations and their FR/EN labels
//	        (BusinessModels(), Hostings(), …) in enums.go.
//	Data:   ReadSeed, LoadSeed (the reviewed tools in data/seed/tools.json).
//
// Every write validates first (nothing is written when a field is wrong),
// runs in one transaction and appends one revision row per changed entity in
// that transaction, with the actor, the source and field-by-field old → new
// values. The revision table doubles as the search outbox: readers drain it by
// increasing id (RevisionsAfter); writers serialise on an advisory lock so ids
// become visible in order.
//
// Sub-packages: directory/territory (the INSEE register), directory/resolve
// (source name → territory or organisation), directory/importer (decidim,
// etalab, consul adoption imports and their review report), directory/generate
// (synthetic scale data for benchmarks).
package directory

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/postgres"
)

// DB is what store functions run on: a pool or a transaction. Writes open
// their own (nested) transaction through Begin, so callers may batch several
// writes in one outer transaction.
type DB interface {
	postgres.Querier
	Begin(ctx context.Context) (pgx.Tx, error)
}

// By says who or what made a change, for the revision log.
type By struct {
	Actor  string // "curator:alice", "import:decidim", "seed", "vendor:cap-collectif"
	Source string // a URL or a short description of where the change comes from
}

// Tool is a civic tech product.
type Tool struct {
	ID               int64
	Slug             string
	Name             string
	TaglineFR        string
	TaglineEN        string
	DescriptionFR    string
	DescriptionEN    string
	Categories       []string // category slugs, see Categories
	Website          string
	SourceRepo       string
	Licence          string // SPDX id or expression; "" when unknown
	OpenSource       *bool  // nil when unknown
	BusinessModel    BusinessModel
	Hosting          Hosting
	Languages        []string // BCP 47 primary tags: fr, en, es…
	Accessibility    Accessibility
	AccessibilityURL string
	FoundedYear      int // 0 when unknown
	Lifecycle        Lifecycle
	LifecycleSince   *time.Time
	LifecycleReason  string
	VendorID         int64      // 0 when unknown
	Vendor           *VendorRef // filled on reads
	Sources          []Source   // where the profile's facts come from
	AdoptionCount    int        // filled on reads: adoptions by collectivités and organisations
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// VendorRef is the part of a vendor shown next to a tool.
type VendorRef struct {
	ID   int64
	Slug string
	Name string
	Kind VendorKind
}

// Source backs facts of a tool profile.
type Source struct {
	Kind       SourceKind
	Name       string
	URL        string
	Licence    string
	Fields     []string // which profile fields it backs; empty means the whole profile
	ObservedOn *time.Time
}

// Vendor is the organisation behind a tool.
type Vendor struct {
	ID        int64
	Slug      string
	Name      string
	Kind      VendorKind
	SIREN     string // French vendors only
	Country   string // ISO 3166-1 alpha-2, upper case
	Website   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Organisation is an adopter that is not a French collectivité: a parliament,
// a ministry, an agency, a company, a university, a foreign city.
type Organisation struct {
	ID      int64
	Slug    string
	Name    string
	Kind    OrganisationKind
	SIREN   string
	Country string
	Website string
}

// Adoption is one adopter × one tool × one instance.
type Adoption struct {
	ID             int64
	ToolID         int64
	TerritoryID    int64 // exactly one of TerritoryID and OrganisationID is set
	OrganisationID int64
	InstanceURL    string
	Category       string     // purpose category slug, "" when unknown
	StartedOn      *time.Time // first day of the month, nil when unknown
	EndedOn        *time.Time
	Status         AdoptionStatus
	Confidence     float64 // 0..1
	Evidence       []Evidence
	// Attested is the span the evidence covers: the earliest and latest
	// date any piece of evidence saw the adoption, each with its source.
	// The directory keeps it; writers never set it. It is not a start or
	// an end date (StartedOn, EndedOn).
	Attested Attested
	// Filled on reads.
	Tool         *ToolRef
	Territory    *TerritoryRef
	Organisation *Organisation
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ToolRef is the part of a tool shown next to an adoption.
type ToolRef struct {
	ID   int64
	Slug string
	Name string
}

// TerritoryRef is the part of a territory shown next to an adoption.
type TerritoryRef struct {
	ID          int64
	Kind        string
	Code        string
	Name        string
	Departement string
	Region      string
	Population  *int
}

// Evidence is one observation that an adoption exists.
type Evidence struct {
	ID            int64
	AdoptionID    int64
	SourceKind    SourceKind
	SourceName    string
	SourceURL     string
	SourceLicence string
	ObservedAt    time.Time
	// ObservedUntil closes a span of observations that ObservedAt opens
	// (a daily census's first and last answer); nil for one observation.
	ObservedUntil *time.Time
	// DateMeaning says what ObservedAt is: an observation, the day of a
	// consultation, or the date of the source's snapshot.
	DateMeaning DateMeaning
	Excerpt     string
	Fingerprint string // identifies the record in its source
}

// LastObserved is the latest date the evidence saw its adoption.
func (e *Evidence) LastObserved() time.Time {
	if e.ObservedUntil != nil {
		return *e.ObservedUntil
	}
	return e.ObservedAt
}

// Attested is when an adoption's evidence saw it, with the source of each
// end; the zero value means no dated evidence.
type Attested struct {
	First, Last             *time.Time
	FirstSource, LastSource string
}

// Known says whether any evidence dates the adoption.
func (a Attested) Known() bool { return a.First != nil }

// Revision is one entry of the append-only change log.
type Revision struct {
	ID        int64
	Entity    Entity
	EntityID  int64
	Action    string // create, update, delete
	Actor     string
	Source    string
	Changes   map[string]FieldChange
	CreatedAt time.Time
}

// FieldChange is the old and new value of one field.
type FieldChange struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// Entity names what a revision is about.
type Entity string

const (
	EntityTool         Entity = "tool"
	EntityVendor       Entity = "vendor"
	EntityAdoption     Entity = "adoption"
	EntityEvidence     Entity = "evidence"
	EntityOrganisation Entity = "organisation"
	// EntityTerritory is a collectivité of the register; its revisions
	// record changes to the facts the directory keeps about it (its
	// official website), not to the register itself.
	EntityTerritory Entity = "territory"
)
