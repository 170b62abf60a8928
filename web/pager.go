package web

import (
	"net/url"
	"strconv"

	"github.com/civiscope/civiscope"
)

// Pager cuts a long list into pages whose links keep the rest of the query
// (filters, language), so a paginated search stays shareable.
type Pager struct {
	Page    int // 1-based
	PerPage int
	Total   int
	path    string
	query   url.Values
}

// MaxPage bounds ?page=, so a crafted URL cannot ask the database for a
// huge offset.
const MaxPage = 10000

// ParsePager reads ?page= from q. A page that is not a positive number is
// the user's mistake: a 400 with a message, not a silent first page.
func ParsePager(path string, q url.Values, perPage int) (Pager, error) {
	p := Pager{Page: 1, PerPage: perPage, path: path, query: q}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPage {
			return p, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("page", "between", civiscope.Params{"min": 1, "max": MaxPage}, "must be a whole number between 1 and %d", MaxPage)})
		}
		p.Page = n
	}
	return p, nil
}

// Offset is the number of rows before this page.
func (p Pager) Offset() int { return (p.Page - 1) * p.PerPage }

// Pages is the number of pages, at least 1.
func (p Pager) Pages() int {
	if p.Total <= 0 || p.PerPage <= 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// First and Last are the 1-based positions of the rows shown.
func (p Pager) First() int {
	if p.Total == 0 {
		return 0
	}
	return p.Offset() + 1
}

func (p Pager) Last() int { return min(p.Offset()+p.PerPage, p.Total) }

// Beyond reports a page past the end, which handlers turn into a 404.
func (p Pager) Beyond() bool { return p.Page > 1 && p.Page > p.Pages() }

// HasPrev and HasNext tell whether the links exist.
func (p Pager) HasPrev() bool { return p.Page > 1 }
func (p Pager) HasNext() bool { return p.Page < p.Pages() }

// URL is the link to page n with the same filters.
func (p Pager) URL(n int) string {
	c := cloneValues(p.query)
	if n > 1 {
		c.Set("page", strconv.Itoa(n))
	}
	return encodeURL(p.path, c)
}

func (p Pager) PrevURL() string { return p.URL(p.Page - 1) }
func (p Pager) NextURL() string { return p.URL(p.Page + 1) }
