package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/search"
)

// adoptersView is the adopters part of a tool page: French collectivités
// first, filtered and sorted from the URL (a GET form, no script), with
// counts by kind and population band; then organisations and foreign
// bodies.
type adoptersView struct {
	Query    directory.CollectiviteQuery
	List     *directory.CollectiviteList
	Pager    Pager
	Filtered bool
	ClearURL string
	Kinds    []adopterChoice
	Brackets []adopterChoice
	Regions  []adopterChoice
	Depts    []adopterChoice
	Sorts    []adopterChoice

	Orgs      []directory.Adoption
	OrgsTotal int
	OrgsNext  string
	OrgsFirst bool
}

// adopterChoice is one value of a filter: its label, how many adopters
// have it, whether it is chosen, and the link that chooses it.
type adopterChoice struct {
	Value, Label string
	Count        int
	Selected     bool
	URL          string
}

// Adopter filter parameters, shared with the search results' links.
const (
	paramKind     = "type"
	paramRegion   = "region"
	paramDept     = "departement"
	paramBracket  = "tranche"
	paramStatus   = "statut"
	paramAttested = "attestee"
	paramSort     = "tri"
)

// sortWords are the URL's words for the orders of a list of adopters.
var sortWords = map[string]string{"nom": directory.SortName, "attestation": directory.SortAttested}

// parseAdopterQuery reads the filters; a value the page never offers is a
// 400 with the field named.
func parseAdopterQuery(q url.Values) (directory.CollectiviteQuery, error) {
	cq := directory.CollectiviteQuery{Kind: territory.Kind(q.Get(paramKind)), Region: q.Get(paramRegion),
		Departement: q.Get(paramDept), Bracket: q.Get(paramBracket), Status: directory.AdoptionStatus(q.Get(paramStatus)),
		Sort: q.Get(paramSort)}
	if s, ok := sortWords[cq.Sort]; ok {
		cq.Sort = s
	}
	if y := q.Get(paramAttested); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n == 0 {
			n = -1 // Validate names the field
		}
		cq.AttestedIn = n
	}
	if b, ok := territory.ParseBracket(cq.Bracket); ok && cq.Kind == "" {
		cq.Kind = b.Kind
	}
	if err := cq.Validate(); err != nil {
		var fields []civiscope.FieldError
		names := map[string]string{"kind": paramKind, "region": paramRegion, "departement": paramDept,
			"bracket": paramBracket, "status": paramStatus, "sort": paramSort, "attested_in": paramAttested}
		for _, f := range civiscope.ErrorFields(err) {
			f.Field = names[f.Field]
			fields = append(fields, f)
		}
		return cq, civiscope.Invalid(fields)
	}
	return cq, nil
}

func (s *Site) toolAdopters(ctx context.Context, r *http.Request, t *directory.Tool) (adoptersView, error) {
	q := r.URL.Query()
	lang := RequestLang(r)
	cq, err := parseAdopterQuery(q)
	if err != nil {
		return adoptersView{}, err
	}
	pager, err := ParsePager(r.URL.Path, q, adoptersPerPage)
	if err != nil {
		return adoptersView{}, err
	}
	cq.ToolID, cq.Limit, cq.Offset = t.ID, pager.PerPage, pager.Offset()
	v := adoptersView{Query: cq, ClearURL: r.URL.Path + "#adopters"}
	if v.List, err = directory.ListCollectivites(ctx, s.db, cq); err != nil {
		return v, err
	}
	pager.Total = v.List.Total
	v.Pager = pager
	for _, p := range []string{paramKind, paramRegion, paramDept, paramBracket, paramStatus, paramAttested} {
		v.Filtered = v.Filtered || q.Get(p) != ""
	}
	link := func(key, value string) string { return withParam(r.URL.Path, q, key, value) + "#adopters" }
	for _, k := range []territory.Kind{territory.Commune, territory.EPCI, territory.EPT, territory.Departement, territory.Region} {
		if n := v.List.ByKind[k]; n > 0 || cq.Kind == k {
			c := adopterChoice{Value: string(k), Label: s.rd.cat.T(lang, "kind."+string(k)), Count: n, Selected: cq.Kind == k}
			// Choosing a kind drops a band of another kind.
			c.URL = withParam(r.URL.Path, withoutParam(q, paramBracket), paramKind, string(k)) + "#adopters"
			v.Kinds = append(v.Kinds, c)
		}
	}
	for _, b := range territory.AllBrackets() {
		if n := v.List.ByBracket[b.Value()]; n > 0 || cq.Bracket == b.Value() {
			v.Brackets = append(v.Brackets, adopterChoice{Value: b.Value(), Label: b.KindLabel(string(lang)), Count: n,
				Selected: cq.Bracket == b.Value(), URL: link(paramBracket, b.Value())})
		}
	}
	for _, o := range search.FacetOptions(search.FacetAdopterRegion) {
		v.Regions = append(v.Regions, adopterChoice{Value: o.Value, Label: o.Label.In(string(lang)), Selected: cq.Region == o.Value})
	}
	codes := make([]string, 0, len(s.deptNames))
	for c := range s.deptNames {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		v.Depts = append(v.Depts, adopterChoice{Value: c, Label: c + " " + s.deptNames[c], Selected: cq.Departement == c})
	}
	for _, o := range []string{directory.SortPopulation, "nom", "attestation"} {
		v.Sorts = append(v.Sorts, adopterChoice{Value: o, Label: s.rd.cat.T(lang, "adopters.sort."+o),
			Selected: cq.Sort == o || cq.Sort == sortWords[o] || o == directory.SortPopulation && cq.Sort == ""})
	}
	if v.OrgsTotal, err = directory.CountOrganisationAdopters(ctx, s.db, t.ID); err != nil {
		return v, err
	}
	f := directory.AdoptionFilter{ToolID: t.ID, OnlyOrganisations: true, Limit: adoptersPerPage}
	if a := q.Get("apres"); a != "" {
		f.After, err = strconv.ParseInt(a, 10, 64)
		if err != nil || f.After < 0 {
			return v, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("apres", "whole_number", civiscope.Params{"value": a}, "must be an adoption id")})
		}
	}
	v.OrgsFirst = f.After == 0
	if v.OrgsTotal > 0 {
		page, err := directory.ListAdoptions(ctx, s.db, f)
		if err != nil {
			return v, err
		}
		v.Orgs = page.Adoptions
		if page.Next != 0 {
			v.OrgsNext = withParam(r.URL.Path, q, "apres", strconv.FormatInt(page.Next, 10)) + "#organisations"
		}
	}
	return v, nil
}

func withoutParam(q url.Values, key string) url.Values {
	c := cloneValues(q)
	c.Del(key)
	return c
}

// adopterFilters carries a search's "used by" filters to a tool's page:
// the same adopters, now listed (one value per facet; several values do
// not make one list filter).
func adopterFilters(filters url.Values) url.Values {
	out := url.Values{}
	one := func(facet, param string) {
		if v := filters[facet]; len(v) == 1 {
			out.Set(param, v[0])
		}
	}
	one(search.FacetAdopterType, paramKind)
	one(search.FacetAdopterRegion, paramRegion)
	one(search.FacetAdopterPopulation, paramBracket)
	if b, ok := territory.ParseBracket(out.Get(paramBracket)); ok && out.Get(paramKind) != "" && out.Get(paramKind) != string(b.Kind) {
		out.Del(paramBracket)
	}
	return out
}
