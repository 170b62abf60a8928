package directory

// The enumerations of the model. Each value is stored as its string in
// PostgreSQL (with a CHECK constraint listing the same values) and has a
// French and an English label for display.

// Label is a value's display name in French and English.
type Label struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// In returns the label in lang ("fr" or "en"), French by default.
func (l Label) In(lang string) string {
	if lang == "en" && l.EN != "" {
		return l.EN
	}
	return l.FR
}

// Option is one allowed value of an enumeration, for forms and facets.
type Option struct {
	Value string `json:"value"`
	Label Label  `json:"label"`
}

func lookup(opts []Option, v string) (Label, bool) {
	for _, o := range opts {
		if o.Value == v {
			return o.Label, true
		}
	}
	return Label{}, false
}

// BusinessModel is how a tool is paid for.
type BusinessModel string

const (
	ModelFree     BusinessModel = "free"
	ModelFreemium BusinessModel = "freemium"
	ModelLicence  BusinessModel = "licence"
	ModelSaaS     BusinessModel = "saas"
	ModelServices BusinessModel = "services"
	ModelUnknown  BusinessModel = "unknown"
)

// BusinessModels lists the allowed business models.
func BusinessModels() []Option {
	return []Option{
		{"free", Label{"gratuit", "free"}},
		{"freemium", Label{"freemium", "freemium"}},
		{"licence", Label{"licence", "licence"}},
		{"saas", Label{"abonnement / SaaS", "subscription / SaaS"}},
		{"services", Label{"prestations de services", "services"}},
		{"unknown", Label{"inconnu", "unknown"}},
	}
}

func (v BusinessModel) Valid() bool  { _, ok := lookup(BusinessModels(), string(v)); return ok }
func (v BusinessModel) Label() Label { l, _ := lookup(BusinessModels(), string(v)); return l }

// Hosting is where a tool's hosted offer keeps its data.
type Hosting string

const (
	HostingFrance    Hosting = "france"
	HostingEU        Hosting = "eu"
	HostingElsewhere Hosting = "elsewhere"
	HostingUnknown   Hosting = "unknown"
)

// Hostings lists the allowed hosting locations.
func Hostings() []Option {
	return []Option{
		{"france", Label{"France", "France"}},
		{"eu", Label{"Union européenne", "European Union"}},
		{"elsewhere", Label{"hors UE", "outside the EU"}},
		{"unknown", Label{"inconnu", "unknown"}},
	}
}

func (v Hosting) Valid() bool  { _, ok := lookup(Hostings(), string(v)); return ok }
func (v Hosting) Label() Label { l, _ := lookup(Hostings(), string(v)); return l }

// Accessibility is the RGAA compliance a tool declares.
type Accessibility string

const (
	AccessFull    Accessibility = "full"
	AccessPartial Accessibility = "partial"
	AccessNone    Accessibility = "none"
	AccessUnknown Accessibility = "unknown"
)

// Accessibilities lists the allowed accessibility statements.
func Accessibilities() []Option {
	return []Option{
		{"full", Label{"RGAA : totalement conforme", "RGAA: fully compliant"}},
		{"partial", Label{"RGAA : partiellement conforme", "RGAA: partially compliant"}},
		{"none", Label{"RGAA : non conforme", "RGAA: not compliant"}},
		{"unknown", Label{"conformité inconnue", "compliance unknown"}},
	}
}

func (v Accessibility) Valid() bool  { _, ok := lookup(Accessibilities(), string(v)); return ok }
func (v Accessibility) Label() Label { l, _ := lookup(Accessibilities(), string(v)); return l }

// Lifecycle says whether a tool is still maintained.
type Lifecycle string

const (
	LifecycleActive  Lifecycle = "active"
	LifecycleDormant Lifecycle = "dormant"
	LifecycleDefunct Lifecycle = "defunct"
	LifecycleUnknown Lifecycle = "unknown"
)

// Lifecycles lists the allowed lifecycle states.
func Lifecycles() []Option {
	return []Option{
		{"active", Label{"actif", "active"}},
		{"dormant", Label{"en sommeil", "dormant"}},
		{"defunct", Label{"disparu", "defunct"}},
		{"unknown", Label{"inconnu", "unknown"}},
	}
}

func (v Lifecycle) Valid() bool  { _, ok := lookup(Lifecycles(), string(v)); return ok }
func (v Lifecycle) Label() Label { l, _ := lookup(Lifecycles(), string(v)); return l }

// VendorKind is the legal nature of a vendor.
type VendorKind string

const (
	VendorStartup     VendorKind = "startup"
	VendorCompany     VendorKind = "company"
	VendorAssociation VendorKind = "association"
	VendorCooperative VendorKind = "cooperative"
	VendorPublicBody  VendorKind = "public-body"
	VendorCommunity   VendorKind = "community"
	VendorUnknown     VendorKind = "unknown"
)

// VendorKinds lists the allowed vendor kinds.
func VendorKinds() []Option {
	return []Option{
		{"startup", Label{"start-up", "startup"}},
		{"company", Label{"entreprise", "company"}},
		{"association", Label{"association", "association"}},
		{"cooperative", Label{"coopérative", "cooperative"}},
		{"public-body", Label{"organisme public", "public body"}},
		{"community", Label{"communauté", "community"}},
		{"unknown", Label{"inconnu", "unknown"}},
	}
}

func (v VendorKind) Valid() bool  { _, ok := lookup(VendorKinds(), string(v)); return ok }
func (v VendorKind) Label() Label { l, _ := lookup(VendorKinds(), string(v)); return l }

// SourceKind is where a piece of evidence or a profile fact comes from.
type SourceKind string

const (
	SourceVendorList      SourceKind = "vendor-list"
	SourcePublicCatalogue SourceKind = "public-catalogue"
	SourceCrawler         SourceKind = "crawler"
	SourceSelfDeclared    SourceKind = "self-declared"
	SourceBarometer       SourceKind = "barometer"
	SourceCurator         SourceKind = "curator"
	// A contribution through Civiscope: from a verified member of the tool's
	// vendor, or from someone who is neither the vendor nor an agent of the
	// collectivité (whose word is SourceSelfDeclared).
	SourceVendor      SourceKind = "vendor"
	SourceContributor SourceKind = "contributor"
)

// SourceKinds lists the allowed source kinds.
func SourceKinds() []Option {
	return []Option{
		{"vendor-list", Label{"liste de références de l'éditeur", "vendor reference list"}},
		{"public-catalogue", Label{"catalogue public", "public catalogue"}},
		{"crawler", Label{"détection par le robot", "crawler detection"}},
		{"self-declared", Label{"déclaration de la collectivité", "statement by the collectivité"}},
		{"barometer", Label{"réponse au baromètre", "barometer answer"}},
		{"curator", Label{"équipe de l'observatoire", "curator"}},
		{"vendor", Label{"déclaration de l'éditeur", "statement by the vendor"}},
		{"contributor", Label{"contribution d'un utilisateur", "statement by a contributor"}},
	}
}

func (v SourceKind) Valid() bool  { _, ok := lookup(SourceKinds(), string(v)); return ok }
func (v SourceKind) Label() Label { l, _ := lookup(SourceKinds(), string(v)); return l }

// DateMeaning says what the date of a piece of evidence stands for.
type DateMeaning string

const (
	DateObservation    DateMeaning = "observation"     // someone or something saw it that day
	DateConsultation   DateMeaning = "consultation"    // the day of a consultation the source reports
	DateSourceSnapshot DateMeaning = "source-snapshot" // the date of the copy of the source that lists it
	DateDeclaration    DateMeaning = "declaration"     // the day the adopter itself stated it (a barometer answer)
)

// DateMeanings lists the allowed date meanings.
func DateMeanings() []Option {
	return []Option{
		{"observation", Label{"date d'observation", "observation date"}},
		{"consultation", Label{"date de la consultation", "consultation date"}},
		{"source-snapshot", Label{"date de la version de la source", "source snapshot date"}},
		{"declaration", Label{"date de la déclaration de la collectivité", "date of the collectivité's statement"}},
	}
}

func (v DateMeaning) Valid() bool  { _, ok := lookup(DateMeanings(), string(v)); return ok }
func (v DateMeaning) Label() Label { l, _ := lookup(DateMeanings(), string(v)); return l }

// AdoptionStatus says whether an adoption is still in use.
type AdoptionStatus string

const (
	StatusCurrent AdoptionStatus = "current"
	StatusEnded   AdoptionStatus = "ended"
	StatusUnknown AdoptionStatus = "unknown"
)

// AdoptionStatuses lists the allowed adoption statuses.
func AdoptionStatuses() []Option {
	return []Option{
		{"current", Label{"en cours", "current"}},
		{"ended", Label{"terminée", "ended"}},
		{"unknown", Label{"inconnu", "unknown"}},
	}
}

func (v AdoptionStatus) Valid() bool  { _, ok := lookup(AdoptionStatuses(), string(v)); return ok }
func (v AdoptionStatus) Label() Label { l, _ := lookup(AdoptionStatuses(), string(v)); return l }

// OrganisationKind is the nature of a non-territorial adopter.
type OrganisationKind string

const (
	OrgParliament        OrganisationKind = "parliament"
	OrgState             OrganisationKind = "state"
	OrgPublicBody        OrganisationKind = "public-body"
	OrgForeignGovernment OrganisationKind = "foreign-government"
	OrgUniversity        OrganisationKind = "university"
	OrgCompany           OrganisationKind = "company"
	OrgAssociation       OrganisationKind = "association"
	OrgPolitical         OrganisationKind = "political"
	OrgOther             OrganisationKind = "other"
)

// OrganisationKinds lists the allowed organisation kinds.
func OrganisationKinds() []Option {
	return []Option{
		{"parliament", Label{"assemblée parlementaire", "parliament"}},
		{"state", Label{"État : ministère, administration centrale, préfecture", "state: ministry, central administration, prefecture"}},
		{"public-body", Label{"établissement ou organisme public", "public body or agency"}},
		{"foreign-government", Label{"collectivité ou gouvernement étranger", "foreign local or national government"}},
		{"university", Label{"université, école", "university, school"}},
		{"company", Label{"entreprise", "company"}},
		{"association", Label{"association, ONG", "association, NGO"}},
		{"political", Label{"parti ou campagne politique", "political party or campaign"}},
		{"other", Label{"autre", "other"}},
	}
}

func (v OrganisationKind) Valid() bool  { _, ok := lookup(OrganisationKinds(), string(v)); return ok }
func (v OrganisationKind) Label() Label { l, _ := lookup(OrganisationKinds(), string(v)); return l }
