package web

import (
	"context"
	"net/url"
	"sort"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/directory/territory"
)

// peerMatrix says which peers use which tool: one row per collectivité
// that uses at least one of the tools its peers use most (the chosen
// collectivité first), one column per tool; each cell links to the
// collectivité's adoptions and their evidence. Sorted from the URL
// (?tri=population|nom|TOOL-SLUG), so it works without script.
type peerMatrix struct {
	Tools    []matrixTool
	Rows     []matrixRow
	Sort     string
	ByPop    string // the sort links
	ByName   string
	Adopting int // peers with at least one of these tools
	Peers    int // every peer
}

type matrixTool struct {
	directory.ToolUse
	SortURL string
	Sorted  bool
}

type matrixRow struct {
	T     territory.Territory
	Self  bool
	Cells []matrixCell
}

type matrixCell struct {
	Status directory.AdoptionStatus // "" when the tool is not used
	URL    string                   // the collectivité's adoptions, with evidence
	Tool   string
}

// maxMatrixTools bounds the columns: the table must fit a screen.
const maxMatrixTools = 8

func (s *Site) peerMatrix(ctx context.Context, path string, q url.Values, self *territory.Territory, peers []territory.Territory, tools []directory.ToolUse) (peerMatrix, error) {
	m := peerMatrix{Sort: q.Get("tri"), Peers: len(peers)}
	tools = tools[:min(len(tools), maxMatrixTools)]
	link := func(v string) string { return withParam(path, q, "tri", v) + "#peer-matrix" }
	m.ByPop, m.ByName = link(""), link("nom")
	valid := m.Sort == "" || m.Sort == "population" || m.Sort == "nom"
	for _, t := range tools {
		m.Tools = append(m.Tools, matrixTool{ToolUse: t, SortURL: link(t.Tool.Slug), Sorted: m.Sort == t.Tool.Slug})
		valid = valid || m.Sort == t.Tool.Slug
	}
	if !valid {
		return m, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("tri", "peer_sort", nil, "sort by population, nom, or the slug of a tool of the table")})
	}
	all := append([]territory.Territory{*self}, peers...)
	ids := make([]int64, len(all))
	for i, t := range all {
		ids[i] = t.ID
	}
	toolIDs := make([]int64, len(tools))
	col := map[int64]int{}
	for i, t := range tools {
		toolIDs[i] = t.Tool.ID
		col[t.Tool.ID] = i
	}
	uses, err := directory.UsesOf(ctx, s.db, ids, toolIDs)
	if err != nil {
		return m, err
	}
	cells := map[int64][]matrixCell{}
	for _, u := range uses {
		c := cells[u.TerritoryID]
		if c == nil {
			c = make([]matrixCell, len(tools))
			cells[u.TerritoryID] = c
		}
		// A current adoption wins over an ended one of the same tool.
		if cur := c[col[u.ToolID]].Status; cur == "" || cur == directory.StatusEnded {
			c[col[u.ToolID]].Status = u.Status
		}
	}
	for i, t := range all {
		c, ok := cells[t.ID]
		if !ok && i > 0 {
			continue
		}
		if c == nil {
			c = make([]matrixCell, len(tools))
		}
		for j := range c {
			c[j].Tool = tools[j].Tool.Name
			if c[j].Status != "" {
				c[j].URL = territoryPath(t.Kind, t.Code) + "#tools"
			}
		}
		m.Rows = append(m.Rows, matrixRow{T: t, Self: i == 0, Cells: c})
		if i > 0 {
			m.Adopting++
		}
	}
	rest := m.Rows[1:]
	sort.SliceStable(rest, func(i, j int) bool {
		a, b := rest[i].T, rest[j].T
		switch m.Sort {
		case "", "population":
			return pop(a) > pop(b)
		case "nom":
			return a.Name < b.Name
		}
		ua, ub := rest[i].uses(m.Sort, m.Tools), rest[j].uses(m.Sort, m.Tools)
		if ua != ub {
			return ua
		}
		return pop(a) > pop(b)
	})
	return m, nil
}

// uses reports whether the row's collectivité uses the tool now.
func (r matrixRow) uses(slug string, tools []matrixTool) bool {
	for i, t := range tools {
		if t.Tool.Slug == slug {
			return r.Cells[i].Status != "" && r.Cells[i].Status != directory.StatusEnded
		}
	}
	return false
}

func pop(t territory.Territory) int {
	if t.Population == nil {
		return -1
	}
	return *t.Population
}
