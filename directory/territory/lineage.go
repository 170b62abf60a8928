package territory

// Lineage is what the register says about codes that are not, or not
// only, current communes. Older lists (the 2016 and 2019 service-public.fr
// annuaire) file their records under the codes of their day: a commune
// merged since, a délégué commune, a Lyon arrondissement, or a council's
// seat.
type Lineage struct {
	// Successor maps a code that is not a current commune to the current
	// commune that holds it: former codes of a commune nouvelle, delegated
	// and associated communes, municipal arrondissements.
	Successor map[string]string
	// Merged holds the codes in Successor that were communes of their own
	// (former codes, delegated or associated communes), as opposed to
	// arrondissements, which are parts of a city.
	Merged map[string]bool
	// DepartementSeat and RegionSeat map a chef-lieu commune's code to the
	// départements and régions seated there.
	DepartementSeat map[string][]string
	RegionSeat      map[string][]string
}

// Current returns the current commune a code stands for today, and
// whether that commune was merged into it (false for a current code and
// for an arrondissement).
func (l Lineage) Current(code string) (current string, merged bool) {
	if to, ok := l.Successor[code]; ok {
		return to, l.Merged[code]
	}
	return code, false
}

func lineage(communes []srcCommune, depts, regions []srcArea) Lineage {
	l := Lineage{Successor: map[string]string{}, Merged: map[string]bool{},
		DepartementSeat: map[string][]string{}, RegionSeat: map[string][]string{}}
	current := map[string]bool{}
	for _, c := range communes {
		if c.Type == "commune-actuelle" {
			current[c.Code] = true
		}
	}
	for _, c := range communes {
		switch c.Type {
		case "commune-actuelle":
			for _, old := range c.AnciensCodes {
				if !current[old] {
					l.Successor[old], l.Merged[old] = c.Code, true
				}
			}
		case "commune-deleguee", "commune-associee":
			// A délégué commune often keeps the code of its commune
			// nouvelle; that code stays the commune's own.
			if !current[c.Code] && current[c.ChefLieu] {
				l.Successor[c.Code], l.Merged[c.Code] = c.ChefLieu, true
			}
		case "arrondissement-municipal":
			if !current[c.Code] && current[c.Commune] {
				l.Successor[c.Code] = c.Commune
			}
		}
	}
	for _, d := range depts {
		if d.ChefLieu != "" {
			l.DepartementSeat[d.ChefLieu] = append(l.DepartementSeat[d.ChefLieu], d.Code)
		}
	}
	for _, r := range regions {
		if r.ChefLieu != "" {
			l.RegionSeat[r.ChefLieu] = append(l.RegionSeat[r.ChefLieu], r.Code)
		}
	}
	return l
}
