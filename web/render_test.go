package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/civiscope/civiscope"
)

func TestErrorPagesMapCodesAndHideInternals(t *testing.T) {
	rd, err := NewRenderer(nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		err    error
		status int
		want   string
		hidden string
	}{
		{errors.New("pq: relation \"secret_table\" does not exist"), 500, "Erreur interne", "secret_table"},
		{civiscope.Errorf(civiscope.EINVALID, "the name is too long"), 400, "La demande contient une erreur.", "the name is too long"}, // no English on a French page
		{civiscope.Errorf(civiscope.ENOTFOUND, "no tool with slug x"), 404, "Page introuvable", ""},
		{civiscope.Errorf(civiscope.EUNAVAILABLE, "search is down"), 503, "Erreur interne", ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		rd.Error(rec, httptest.NewRequest(http.MethodGet, "/x", nil), c.err)
		body := rec.Body.String()
		if rec.Code != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%v: %d, want %d with %q", c.err, rec.Code, c.status, c.want)
		}
		if c.hidden != "" && strings.Contains(body, c.hidden) {
			t.Errorf("%v: the page leaks %q", c.err, c.hidden)
		}
	}
}

func TestPagerLinksKeepFilters(t *testing.T) {
	q := map[string][]string{"type": {"tool"}, "q": {"budget"}, "page": {"3"}, "lang": {"en"}}
	p, err := ParsePager("/recherche", q, 20)
	if err != nil {
		t.Fatal(err)
	}
	p.Total = 65
	if p.Pages() != 4 || p.Offset() != 40 || p.First() != 41 || p.Last() != 60 || !p.HasNext() || !p.HasPrev() {
		t.Errorf("pager %+v", p)
	}
	if got := p.NextURL(); got != "/recherche?lang=en&page=4&q=budget&type=tool" {
		t.Errorf("next %q", got)
	}
	if got := p.URL(1); got != "/recherche?lang=en&q=budget&type=tool" {
		t.Errorf("first %q", got)
	}
	for _, bad := range []string{"0", "-1", "x", "10001"} {
		if _, err := ParsePager("/", map[string][]string{"page": {bad}}, 20); civiscope.ErrorCode(err) != civiscope.EINVALID {
			t.Errorf("page=%s: %v", bad, err)
		}
	}
}
