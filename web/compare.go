package web

import (
	"net/http"
	"strings"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// MaxCompared is how many tools fit side by side.
const MaxCompared = 4

type compareView struct {
	All    []directory.Tool // for the pickers
	Picked []string         // slugs, padded to MaxCompared for the form
	Tools  []comparedTool
	TooFew bool
	Names  string
	// SizeRows are the adopters by kind and size band, one row per band
	// that at least one of the tools has.
	SizeRows []sizeRow
}

type sizeRow struct {
	Label  string // the kind and band, such as "communes de 10 000 à 19 999 hab."
	Counts []int
}

type comparedTool struct {
	*directory.Tool
	BySize  map[string]int // territory.Bracket value → collectivités
	Sources []directory.CategoryCount
}

func (s *Site) compare(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var slugs []string
	seen := map[string]bool{}
	for _, v := range r.URL.Query()["outil"] {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		slugs = append(slugs, v)
	}
	if len(slugs) > MaxCompared {
		s.rd.Error(w, r, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("outil", "compare_max", civiscope.Params{"max": MaxCompared}, "compare at most %d tools", MaxCompared)}))
		return
	}
	all, err := directory.ListTools(ctx, s.db, directory.ToolFilter{Limit: directory.MaxPageSize})
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	v := compareView{All: all.Tools}
	var names []string
	for _, slug := range slugs {
		t, err := directory.GetTool(ctx, s.db, slug)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		by, err := directory.AdoptersBySize(ctx, s.db, t.ID)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		src, err := directory.EvidenceSources(ctx, s.db, t.ID)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		v.Tools = append(v.Tools, comparedTool{Tool: t, BySize: by, Sources: src})
		names = append(names, t.Name)
	}
	lang := string(RequestLang(r))
	var keys, labels []string
	for _, b := range territory.AllBrackets() {
		keys, labels = append(keys, b.Value()), append(labels, b.KindLabel(lang))
	}
	for _, k := range territory.Kinds {
		keys = append(keys, string(k)+"-unknown")
		labels = append(labels, s.rd.cat.T(RequestLang(r), "compare.size.unknown", s.rd.cat.T(RequestLang(r), "kinds."+string(k))))
	}
	for i, key := range keys {
		row := sizeRow{Label: labels[i]}
		any := false
		for _, t := range v.Tools {
			n := t.BySize[key]
			any = any || n > 0
			row.Counts = append(row.Counts, n)
		}
		if any {
			v.SizeRows = append(v.SizeRows, row)
		}
	}
	v.Names = strings.Join(names, ", ")
	v.TooFew = len(slugs) == 1
	v.Picked = append(slugs, make([]string, MaxCompared-len(slugs))...)
	s.rd.RenderNav(w, r, http.StatusOK, "compare", "compare", v)
}
