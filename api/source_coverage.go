package api

import (
	"net/http"

	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/reports"
)

// The trend by year counts an adoption in the year it started or was first
// seen, so a year that no source covers is a gap, not a zero. This report
// says which source covers which years, as the trend page's table does,
// and each list of years carries what its years mean: a copy of a list
// dates the copy, never the use.

// Meanings of a source's years.
const (
	yearsObserved = "observation" // evidence observed, consulted or declared use in that year
	yearsListCopy = "list-copy"   // a copy of a list was taken that year; it dates no use
)

// sourceYears is one list of a source's years and what they mean.
type sourceYears struct {
	Meaning     string          `json:"meaning"`
	Description directory.Label `json:"description"`
	Years       []int           `json:"years"`
}

// sourceCoverage is one source of evidence and the years it covers.
type sourceCoverage struct {
	Source    string        `json:"source"`
	Adoptions int           `json:"adoptions"`
	Coverage  []sourceYears `json:"coverage"`
}

func coverageRow(s reports.SourceYears) sourceCoverage {
	orEmpty := func(ys []int) []int {
		if ys == nil {
			return []int{}
		}
		return ys
	}
	return sourceCoverage{Source: s.Source, Adoptions: s.Adoptions, Coverage: []sourceYears{
		{Meaning: yearsObserved, Years: orEmpty(s.Years), Description: directory.Label{
			FR: "Années où les preuves de cette source observent, consultent ou déclarent un usage (sur toute la période observée) : une adoption peut y être datée.",
			EN: "Years in which this source's evidence observes, consults or declares use (over the whole observed span): an adoption can be dated in them."}},
		{Meaning: yearsListCopy, Years: orEmpty(s.SnapshotYears), Description: directory.Label{
			FR: "Années des copies de liste prises à cette source : elles datent la copie, pas l'usage.",
			EN: "Years of the copies of a list taken from this source: they date the copy, not the use."}},
	}}
}

// reportSources lists every source of evidence with the years it covers,
// the sources with the most adoptions first (reports.SourceCoverage).
func (a *API) reportSources(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r); err != nil {
		a.problem(w, r, err)
		return
	}
	cov, err := reports.SourceCoverage(r.Context(), a.db)
	if err != nil {
		a.problem(w, r, err)
		return
	}
	rows := make([]sourceCoverage, len(cov))
	for i, s := range cov {
		rows[i] = coverageRow(s)
	}
	a.writeJSON(w, r, http.StatusOK, cachePublic, map[string]any{
		"unit":    "years, by source of evidence",
		"scope":   "every adoption of the directory, whatever the filters of the trends",
		"sources": rows,
	})
}
