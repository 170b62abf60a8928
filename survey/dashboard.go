package survey

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope/directory/territory"
	"github.com/civiscope/civiscope/postgres"
)

// Rate is the participation of one group of the sampling frame.
type Rate struct {
	Dimension string // "kind", "population" or "region"
	Group     string // kind, bracket code or région code
	Label     string // for display
	Frame     int    // members of the frame in the group
	Invited   int    // with an invitation
	Started   int    // who opened and saved at least once (started or submitted)
	Submitted int
}

// ResponseRate is Submitted / Frame, 0 for an empty group.
func (r Rate) ResponseRate() float64 {
	if r.Frame == 0 {
		return 0
	}
	return float64(r.Submitted) / float64(r.Frame)
}

// ResponseRates measures participation against the sampling frame, by
// kind of collectivité, population band and région, for the admin
// dashboard. The frame is the denominator: a collectivité never invited
// still counts as not answering. Population groups are the bands of the
// one scheme (territory.Bracket values such as "commune-20000-49999",
// each kind banded among its own kind), so that rates line up with the
// barometer's tables and the reports; "unknown" when the census has no
// figure.
func ResponseRates(ctx context.Context, db postgres.Querier, year int) ([]Rate, error) {
	e, err := GetEdition(ctx, db, year)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `
		SELECT t.kind, t.population, coalesce(t.region_code, ''), coalesce(r.name, ''),
			count(*), count(i.status),
			count(*) FILTER (WHERE i.status IN ('started', 'submitted')), count(*) FILTER (WHERE i.status = 'submitted')
		FROM survey_frame f JOIN territory t ON t.id = f.territory_id
		LEFT JOIN survey_invitation i ON i.edition_id = f.edition_id AND i.territory_id = f.territory_id
		LEFT JOIN territory r ON r.kind = 'region' AND r.code = t.region_code
		WHERE f.edition_id = $1
		GROUP BY 1, 2, 3, 4`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("response rates %d: %w", year, err)
	}
	acc := map[[2]string]*Rate{}
	var order [][2]string
	add := func(dim, grp, label string, n Rate) {
		k := [2]string{dim, grp}
		r, ok := acc[k]
		if !ok {
			r = &Rate{Dimension: dim, Group: grp, Label: label}
			acc[k] = r
			order = append(order, k)
		}
		r.Frame += n.Frame
		r.Invited += n.Invited
		r.Started += n.Started
		r.Submitted += n.Submitted
	}
	var kind, region, regionName string
	var pop *int
	var n Rate
	_, err = pgx.ForEachRow(rows, []any{&kind, &pop, &region, &regionName, &n.Frame, &n.Invited, &n.Started, &n.Submitted}, func() error {
		k := territory.Kind(kind)
		add("kind", kind, groupLabel("kind", kind), n)
		if pop == nil {
			add("population", "unknown", "population non renseignée", n)
		} else {
			b := territory.BracketOf(k, *pop)
			add("population", b.Value(), b.KindLabel("fr"), n)
		}
		if regionName == "" {
			regionName = groupLabel("region", region)
		}
		add("region", region, regionName, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("response rates %d: %w", year, err)
	}
	out := make([]Rate, len(order))
	for i, k := range order {
		out[i] = *acc[k]
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Dimension != b.Dimension {
			return dimOrder(a.Dimension) < dimOrder(b.Dimension)
		}
		return groupOrder(a) < groupOrder(b)
	})
	return out, nil
}

func dimOrder(d string) int {
	return map[string]int{"kind": 0, "population": 1, "region": 2}[d]
}

// groupOrder sorts kinds and bands in the scheme's order (communes first,
// smallest band first, unknown last) and régions by code.
func groupOrder(r Rate) string {
	switch r.Dimension {
	case "kind":
		return fmt.Sprintf("%02d", slices.Index(territory.Kinds, territory.Kind(r.Group)))
	case "population":
		i := slices.IndexFunc(territory.AllBrackets(), func(b territory.Bracket) bool { return b.Value() == r.Group })
		if i < 0 {
			i = 99
		}
		return fmt.Sprintf("%02d", i)
	}
	return r.Group
}

func groupLabel(dim, grp string) string {
	switch dim + ":" + grp {
	case "kind:commune":
		return "Communes"
	case "kind:epci":
		return "EPCI"
	case "kind:ept":
		return "Établissements publics territoriaux"
	case "kind:departement":
		return "Départements"
	case "kind:region":
		return "Régions"
	case "region:":
		return "sans région (collectivités d'outre-mer, régions elles-mêmes)"
	}
	return grp
}

// GroupLabel names a group of ResponseRates in lang ("fr" or "en"); label
// is the group's French label, which is also a région's name.
func GroupLabel(dim, group, label, lang string) string {
	if dim == "population" {
		if b, ok := territory.ParseBracket(group); ok {
			return b.KindLabel(lang)
		}
	}
	if lang != "en" {
		return label
	}
	switch dim + ":" + group {
	case "kind:commune":
		return "Municipalities"
	case "kind:epci":
		return "EPCI"
	case "kind:ept":
		return "Territorial public bodies (EPT)"
	case "kind:departement":
		return "Départements"
	case "kind:region":
		return "Regions"
	case "population:unknown":
		return "population unknown"
	case "region:":
		return "no région (overseas collectivités, régions themselves)"
	}
	return label
}
