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

func (s *Site) peers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	query := r.URL.Query()
	v := peersView{Q: strings.TrimSpace(query.Get("nom"))}
	code := strings.ToUpper(strings.TrimSpace(query.Get("code")))
	if code == "" && v.Q != "" {
		matches, err := s.index.Find(v.Q, territory.FindOptions{Kinds: []territory.Kind{territory.Commune}, Limit: 10})
		if err != nil {
			s.rd.Error(w, r, err)
			return
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
	if code != "" {
		kind := territory.Commune
		if k := territory.Kind(query.Get("type")); k != "" {
			if !k.Valid() {
				s.rd.Error(w, r, civiscope.Invalid([]civiscope.FieldError{{Field: "type", Message: "unknown territory type"}}))
				return
			}
			kind = k
		}
		t, err := territory.Get(ctx, s.db, kind, code)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		pager, err := ParsePager(r.URL.Path, query, peersPerPage)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		peers, b := s.index.Peers(t, pager.PerPage, pager.Offset())
		pager.Total = peers.Total
		if pager.Beyond() {
			s.rd.NotFound(w, r)
			return
		}
		all, _ := s.index.Peers(t, maxPeers, 0)
		if v.PeerTools, err = directory.ToolsUsedBy(ctx, s.db, ids(all.Items), 20); err != nil {
			s.rd.Error(w, r, err)
			return
		}
		if v.Matrix, err = s.peerMatrix(ctx, r.URL.Path, query, t, all.Items, v.PeerTools); err != nil {
			s.rd.Error(w, r, err)
			return
		}
		v.Map = s.peerMap(RequestLang(r), "peer-map-svg", v.Matrix)
		v.T, v.Peers, v.Pager = t, peers, pager
		v.Bracket = s.bracketLabel(RequestLang(r), b)
	}
	s.rd.RenderNav(w, r, http.StatusOK, "peers", "peers", v)
}
