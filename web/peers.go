package web

import (
	"net/http"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// peersView is "Collectivités like mine": a name box, then either a choice
// among homonyms or the chosen collectivité's peers.
type peersView struct {
	Q       string
	Choices []territory.Match
	T       *territory.Territory
	Peers   territory.Page
	Pager   Pager
	Bracket string
	// PeerTools ranks what all the peers use, not only this page's.
	PeerTools []directory.ToolUse
	Matrix    peerMatrix
	Map       mapView
}

const peersPerPage = 50

// peers is served from the page cache: peers, their tools and the map
// change only with the directory's revisions, like a territory page.
func (s *Site) peers(w http.ResponseWriter, r *http.Request) {
	s.cachedPage(w, r, "peers", "peers", func() (any, error) { return s.peersData(r) })
}

func (s *Site) peersData(r *http.Request) (any, error) {
	ctx := r.Context()
	query := r.URL.Query()
	v := peersView{Q: strings.TrimSpace(query.Get("nom"))}
	code := strings.ToUpper(strings.TrimSpace(query.Get("code")))
	if code == "" && v.Q != "" {
		matches, err := s.index.Find(v.Q, territory.FindOptions{Kinds: []territory.Kind{territory.Commune}, Limit: 10})
		if err != nil {
			return nil, err
		}
		// One obvious answer goes straight to the peers; homonyms ask.
		switch {
		case len(matches) == 1:
			code = matches[0].Code
		case len(matches) > 1 && matches[0].Rank == territory.Exact && matches[1].Rank != territory.Exact:
			code = matches[0].Code
		default:
			v.Choices = matches
		}
	}
	if code == "" {
		return v, nil
	}
	kind := territory.Commune
	if k := territory.Kind(query.Get("type")); k != "" {
		if !k.Valid() {
			return nil, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("type", "unknown_value", civiscope.Params{"value": string(k)}, "unknown territory type")})
		}
		kind = k
	}
	t, err := territory.Get(ctx, s.db, kind, code)
	if err != nil {
		return nil, err
	}
	pager, err := ParsePager(r.URL.Path, query, peersPerPage)
	if err != nil {
		return nil, err
	}
	peers, b := s.index.Peers(t, pager.PerPage, pager.Offset())
	pager.Total = peers.Total
	if pager.Beyond() {
		return nil, civiscope.Errorf(civiscope.ENOTFOUND, "page %d is past the last page (%d)", pager.Page, pager.Pages())
	}
	all, _ := s.index.Peers(t, maxPeers, 0)
	if v.PeerTools, err = directory.ToolsUsedBy(ctx, s.db, ids(all.Items), 20); err != nil {
		return nil, err
	}
	if v.Matrix, err = s.peerMatrix(ctx, r.URL.Path, query, t, all.Items, v.PeerTools); err != nil {
		return nil, err
	}
	v.Map = s.peerMap(RequestLang(r), "peer-map-svg", v.Matrix)
	v.T, v.Peers, v.Pager = t, peers, pager
	v.Bracket = s.bracketLabel(RequestLang(r), b)
	return v, nil
}
