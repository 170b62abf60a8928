package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/directory/website"
)

// territoryView is the territory page: identity, parents, members, peers.
type territoryView struct {
	T                       *territory.Territory
	EPCI, EPT, Dept, Region *territory.Territory
	Members                 territory.Page
	MembersPager            Pager
	EPCIs                   territory.Page
	Peers                   territory.Page
	Bracket                 string
	PeersURL                string
	Now, Past               []directory.Adoption
	Parents                 []directory.Adoption // adoptions by its EPCI, département or région
	PeerTools               []directory.ToolUse
	Website                 *website.Website  // the official one, nil when unknown
	FormerSites             []website.Website // former and secondary addresses
	Matrix                  peerMatrix
	PeerMap                 mapView
	// CommuneUses are the adoptions by a département's communes, largest
	// first; CommuneUsesTotal counts them all.
	CommuneUses      []directory.Adoption
	CommuneUsesTotal int
}

// maxPeers bounds the peer set whose tools are ranked; the largest real set
// (small communes of a large région) is about 3,000.
const maxPeers = 5000

const membersPerPage = 50

func (s *Site) territory(w http.ResponseWriter, r *http.Request) {
	s.cachedPage(w, r, "territory", "territories", func() (any, error) { return s.territoryData(r) })
}

func (s *Site) territoryData(r *http.Request) (any, error) {
	ctx := r.Context()
	kind := territory.Kind(chi.URLParam(r, "kind"))
	if !kind.Valid() {
		return nil, civiscope.Ruled(civiscope.ENOTFOUND, "no_territory_kind", civiscope.Params{"value": string(kind)}, "unknown territory type %q", kind)
	}
	t, err := territory.Get(ctx, s.db, kind, strings.ToUpper(chi.URLParam(r, "code")))
	if err != nil {
		return nil, err
	}
	pager, err := ParsePager(r.URL.Path, r.URL.Query(), membersPerPage)
	if err != nil {
		return nil, err
	}
	v := territoryView{T: t}
	sites, err := website.ForTerritory(ctx, s.db, t.ID)
	if err != nil {
		return nil, err
	}
	for i := range sites {
		if sites[i].Current {
			v.Website = &sites[i]
		} else {
			v.FormerSites = append(v.FormerSites, sites[i])
		}
	}
	if v.EPCI, err = s.parent(ctx, territory.EPCI, t.EPCI); err != nil {
		return nil, err
	}
	if v.EPT, err = s.parent(ctx, territory.EPT, t.EPT); err != nil {
		return nil, err
	}
	if v.Dept, err = s.parent(ctx, territory.Departement, t.Departement); err != nil {
		return nil, err
	}
	if v.Region, err = s.parent(ctx, territory.Region, t.Region); err != nil {
		return nil, err
	}
	if v.Members, err = territory.MembersOf(ctx, s.db, t, pager.PerPage, pager.Offset()); err != nil {
		return nil, err
	}
	pager.Total = v.Members.Total
	if pager.Beyond() {
		return nil, civiscope.Ruled(civiscope.ENOTFOUND, "page_past", civiscope.Params{"page": pager.Page, "last": pager.Pages()}, "page %d is past the last page (%d)", pager.Page, pager.Pages())
	}
	v.MembersPager = pager
	if t.Kind == territory.Departement && pager.Page == 1 {
		if v.EPCIs, err = territory.EPCIsOf(ctx, s.db, t.Code, 100, 0); err != nil {
			return nil, err
		}
	}
	peers, b := s.index.Peers(t, maxPeers, 0)
	if v.PeerTools, err = directory.ToolsUsedBy(ctx, s.db, ids(peers.Items), 10); err != nil {
		return nil, err
	}
	if v.Matrix, err = s.peerMatrix(ctx, r.URL.Path, r.URL.Query(), t, peers.Items, v.PeerTools); err != nil {
		return nil, err
	}
	v.PeerMap = s.peerMap(RequestLang(r), "peer-map-svg", v.Matrix)
	peers.Items = peers.Items[:min(10, len(peers.Items))]
	v.Peers = peers
	v.Bracket = s.bracketLabel(RequestLang(r), b)
	v.PeersURL = "/comme-ma-collectivite?type=" + string(t.Kind) + "&code=" + t.Code
	if err := s.territoryTools(ctx, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// territoryTools fills the adoptions of the territory and of the
// collectivités it belongs to.
func (s *Site) territoryTools(ctx context.Context, v *territoryView) error {
	own, err := directory.ListAdoptions(ctx, s.db, directory.AdoptionFilter{TerritoryID: v.T.ID, Limit: directory.MaxPageSize})
	if err != nil {
		return err
	}
	for _, a := range own.Adoptions {
		if a.Status == directory.StatusEnded {
			v.Past = append(v.Past, a)
		} else {
			v.Now = append(v.Now, a)
		}
	}
	if v.T.Kind == territory.Departement {
		l, err := directory.ListCollectivites(ctx, s.db, directory.CollectiviteQuery{Departement: v.T.Code, Kind: territory.Commune})
		if err != nil {
			return err
		}
		v.CommuneUses, v.CommuneUsesTotal = l.Adoptions, l.Total
	}
	for _, p := range []*territory.Territory{v.EPCI, v.EPT, v.Dept, v.Region} {
		if p == nil || p.ID == v.T.ID || (v.T.Kind == territory.Commune && p.Kind == territory.Region) {
			continue
		}
		page, err := directory.ListAdoptions(ctx, s.db, directory.AdoptionFilter{TerritoryID: p.ID, Limit: directory.MaxPageSize})
		if err != nil {
			return err
		}
		v.Parents = append(v.Parents, page.Adoptions...)
	}
	return nil
}

func ids(ts []territory.Territory) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

// parent returns the territory a code points to, nil when there is none.
// A code the register does not know is data to fix, not a visitor's error,
// so it is logged and the link omitted.
func (s *Site) parent(ctx context.Context, kind territory.Kind, code string) (*territory.Territory, error) {
	if code == "" {
		return nil, nil
	}
	t, err := territory.Get(ctx, s.db, kind, code)
	if civiscope.ErrorCode(err) == civiscope.ENOTFOUND {
		s.log.Warn("territory points to an unknown parent", "kind", kind, "code", code)
		return nil, nil
	}
	return t, err
}

func (s *Site) bracketLabel(lang Lang, b territory.Bracket) string {
	if b.Min == 0 {
		return b.Label(string(lang)) // "moins de …", "toutes tailles"
	}
	if b.Max == 0 {
		return s.rd.cat.T(lang, "bracket.above", FormatInt(lang, b.Min))
	}
	return s.rd.cat.T(lang, "bracket.between", FormatInt(lang, b.Min), FormatInt(lang, b.Max-1))
}

// territoriesView is the territory finder and the register's overview.
type territoriesView struct {
	Q       string
	Kind    string
	Kinds   []territory.Kind
	Results []territory.Match
	Counts  map[territory.Kind]int
	Regions territory.Page
}

func (s *Site) territories(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	kind := r.URL.Query().Get("type")
	v := territoriesView{Q: q, Kind: kind, Kinds: territory.Kinds}
	var opt territory.FindOptions
	if kind != "" {
		k := territory.Kind(kind)
		if !k.Valid() {
			s.rd.Error(w, r, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("type", "unknown_value", civiscope.Params{"value": kind}, "unknown territory type %s", kind)}))
			return
		}
		opt.Kinds = []territory.Kind{k}
	}
	if q != "" {
		opt.Limit = 30
		res, err := s.index.Find(q, opt)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		v.Results = res
	} else {
		v.Counts = map[territory.Kind]int{}
		for _, k := range territory.Kinds {
			n, err := territory.Count(ctx, s.db, k)
			if err != nil {
				s.rd.Error(w, r, err)
				return
			}
			v.Counts[k] = n
		}
		var err error
		if v.Regions, err = territory.List(ctx, s.db, territory.Region, 30, 0); err != nil {
			s.rd.Error(w, r, err)
			return
		}
	}
	s.rd.RenderNav(w, r, http.StatusOK, "territories", "territories", v)
}
