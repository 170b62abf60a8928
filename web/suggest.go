package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory/territory"
)

// suggestions answers the as-you-type box with up to 8 names, each with its
// département so homonyms can be told apart ("Saint-Denis 93"), a form the
// name lookup understands when the form is submitted.
func (s *Site) suggestions(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var opt territory.FindOptions
	opt.Limit = 8
	if k := territory.Kind(r.URL.Query().Get("type")); k != "" {
		if !k.Valid() {
			writeJSONError(w, civiscope.Errorf(civiscope.EINVALID, "unknown territory type"))
			return
		}
		opt.Kinds = []territory.Kind{k}
	}
	out := []string{}
	if len([]rune(q)) >= 2 {
		matches, err := s.index.Find(q, opt)
		if err != nil {
			writeJSONError(w, err)
			return
		}
		for _, m := range matches {
			name := m.Name
			if m.Kind == territory.Commune && m.Departement != "" {
				name += " " + m.Departement
			}
			out = append(out, name)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_ = json.NewEncoder(w).Encode(out)
}

func writeJSONError(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(statusOf(err))
	_ = json.NewEncoder(w).Encode(map[string]string{"error": civiscope.ErrorMessage(err)})
}
