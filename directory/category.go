package directory

// Category is one entry of the fixed taxonomy of civic tech. Slugs are
// stable: they appear in URLs, API filters and open-data files, and the
// category table (migration 00100) holds the same list for foreign keys.
type Category struct {
	Slug  string `json:"slug"`
	Label Label  `json:"label"`
}

// categories is the taxonomy in display order. It is a function, not a
// package variable, so that no caller can change it for everyone.
func categories() []Category {
	return []Category{
		{"consultation", Label{"Consultation et concertation", "Consultation & engagement"}},
		{"participatory-budgeting", Label{"Budget participatif", "Participatory budgeting"}},
		{"petitions", Label{"Pétitions", "Petitions"}},
		{"issue-reporting", Label{"Signalement", "Issue reporting"}},
		{"participatory-mapping", Label{"Cartographie participative", "Participatory mapping"}},
		{"deliberation", Label{"Délibération et débat", "Deliberation & debate"}},
		{"voting", Label{"Vote et sondages", "Voting & polls"}},
		{"co-writing", Label{"Co-écriture de textes et de lois", "Co-writing of texts and laws"}},
		{"civic-information", Label{"Information civique et comparateurs", "Civic information & comparison"}},
		{"open-data", Label{"Portails open data", "Open-data portals"}},
		{"citizen-relationship", Label{"Gestion de la relation citoyen", "Citizen relationship management"}},
		{"civic-crowdfunding", Label{"Financement participatif civique", "Civic crowdfunding"}},
		{"volunteering", Label{"Bénévolat et mobilisation", "Volunteering & mobilisation"}},
	}
}

// Categories returns the taxonomy in display order (a fresh copy).
func Categories() []Category { return categories() }

// CategoryBySlug returns the category with this slug.
func CategoryBySlug(slug string) (Category, bool) {
	for _, c := range categories() {
		if c.Slug == slug {
			return c, true
		}
	}
	return Category{}, false
}
