package search

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/civiscope/civiscope"
)

// Normalize checks q and fills its defaults: it trims the text, folds and
// deduplicates filter values, and sets Sort, Page and PerPage. Every problem
// is reported at once as an EINVALID *civiscope.Error.
func (q *Query) Normalize() error {
	var errs []civiscope.FieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, civiscope.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	q.Text = strings.TrimSpace(q.Text)
	if !utf8.ValidString(q.Text) {
		bad("q", "is not valid UTF-8 text")
	} else if n := utf8.RuneCountInString(q.Text); n > MaxQueryLen {
		bad("q", "is %d characters long; a search is at most %d characters", n, MaxQueryLen)
	}
	clean := map[string][]string{}
	names := make([]string, 0, len(q.Filters))
	for name := range q.Filters {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		d, ok := facetDef1(name)
		if !ok {
			bad(name, "is not a search facet; use one of %s", strings.Join(FacetNames(), ", "))
			continue
		}
		var vals []string
		for _, v := range q.Filters[name] {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if d.fold != nil {
				v = d.fold(v)
			}
			if !d.accepts(v) {
				bad(name, "%q is not a value of this facet%s", v, d.hint())
				continue
			}
			vals = append(vals, v)
		}
		slices.Sort(vals)
		if vals = slices.Compact(vals); len(vals) > 0 {
			clean[name] = vals
		}
	}
	q.Filters = clean
	switch q.Sort {
	case "":
		q.Sort = SortRelevance
	case SortRelevance, SortAdopters, SortName, SortUpdated:
	default:
		bad("sort", "%q is not a sort order; use relevance, adopters, name or updated", q.Sort)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PerPage == 0 {
		q.PerPage = DefaultPerPage
	}
	if q.Page < 1 {
		bad("page", "must be 1 or more")
	}
	if q.PerPage < 1 || q.PerPage > MaxPerPage {
		bad("per_page", "must be between 1 and %d", MaxPerPage)
	}
	if q.Page >= 1 && q.PerPage >= 1 && q.Page > MaxResultWindow/q.PerPage { // no product: it could overflow
		bad("page", "only the first %d results can be paged through; add words or filters to narrow the search", MaxResultWindow)
	}
	return civiscope.Invalid(errs)
}

func (d facetDef) hint() string {
	switch {
	case d.name == FacetLicence:
		return " (an SPDX licence id such as AGPL-3.0-only or MIT, or unknown)"
	case d.name == FacetCountry:
		return " (a two-letter country code such as FR)"
	case len(d.options) <= 8:
		vals := make([]string, len(d.options))
		for i, o := range d.options {
			vals[i] = o.Value
		}
		return " (" + strings.Join(vals, ", ") + ")"
	}
	return ""
}

// Offset is the number of results before the first one of the page.
func (q Query) Offset() int { return (q.Page - 1) * q.PerPage }

// ParseQuery reads a query from URL query values: q, sort, page, per_page,
// facets=1, and one repeatable parameter per facet name
// (?q=budget&category=petitions&category=voting&adopter_type=commune).
// Parameters it does not know are reported, so that a typo in a facet name
// never silently returns everything. The result is normalised.
func ParseQuery(v map[string][]string) (Query, error) {
	var q Query
	var errs []civiscope.FieldError
	q.Filters = map[string][]string{}
	num := func(name string) int {
		s := first(v[name])
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			errs = append(errs, civiscope.FieldError{Field: name, Message: fmt.Sprintf("%q is not a positive whole number", s)})
			return 1
		}
		return n
	}
	for name, vals := range v {
		switch name {
		case "q":
			q.Text = strings.Join(vals, " ")
		case "sort":
			q.Sort = Sort(first(vals))
		case "page", "per_page":
		case "facets":
			q.Facets = first(vals) != "" && first(vals) != "0" && first(vals) != "false"
		default:
			q.Filters[name] = vals
		}
	}
	q.Page, q.PerPage = num("page"), num("per_page")
	err := q.Normalize()
	if len(errs) > 0 {
		errs = append(errs, civiscope.ErrorFields(err)...)
		return q, civiscope.Invalid(errs)
	}
	return q, err
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return strings.TrimSpace(s[0])
}

// Values is the inverse of ParseQuery, for building links (pagination,
// removing a filter) that keep the rest of the search.
func (q Query) Values() map[string][]string {
	v := map[string][]string{}
	if q.Text != "" {
		v["q"] = []string{q.Text}
	}
	if q.Sort != "" && q.Sort != SortRelevance {
		v["sort"] = []string{string(q.Sort)}
	}
	if q.Page > 1 {
		v["page"] = []string{strconv.Itoa(q.Page)}
	}
	if q.PerPage != 0 && q.PerPage != DefaultPerPage {
		v["per_page"] = []string{strconv.Itoa(q.PerPage)}
	}
	for name, vals := range q.Filters {
		v[name] = slices.Clone(vals)
	}
	return v
}
