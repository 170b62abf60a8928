package reports

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/postgres"
)

// Observation is one tool's life: Years from launch to its end (Event) or
// to today (censored: still alive, or fate unknown).
type Observation struct {
	Years int
	Event bool
}

// Step is one point of a Kaplan–Meier curve: the share of tools still alive
// Years after launch, with the numbers it rests on.
type Step struct {
	Years    int     `json:"years"`
	Survival float64 `json:"survival"` // 0..1
	AtRisk   int     `json:"at_risk"`  // tools still observed at the start of the year
	Events   int     `json:"events"`   // tools that ended at Years
	Censored int     `json:"censored"` // tools whose observation stops at Years
}

// KaplanMeier estimates the survival curve of obs. The curve starts at
// (0, 1) and has a step at every time where something ended or stopped
// being observed; a tool censored at t counts as at risk at t, the usual
// convention.
func KaplanMeier(obs []Observation) []Step {
	byT := map[int]*Step{}
	for _, o := range obs {
		t := max(o.Years, 0)
		if byT[t] == nil {
			byT[t] = &Step{Years: t}
		}
		if o.Event {
			byT[t].Events++
		} else {
			byT[t].Censored++
		}
	}
	times := make([]int, 0, len(byT))
	for t := range byT {
		times = append(times, t)
	}
	sort.Ints(times)
	out := []Step{{Years: 0, Survival: 1, AtRisk: len(obs)}}
	atRisk, s := len(obs), 1.0
	for _, t := range times {
		st := byT[t]
		if atRisk > 0 {
			s *= 1 - float64(st.Events)/float64(atRisk)
		}
		st.Survival, st.AtRisk = s, atRisk
		if t == 0 {
			out[0] = *st
		} else {
			out = append(out, *st)
		}
		atRisk -= st.Events + st.Censored
	}
	return out
}

// Cohort is the survival curve of the tools launched in a span of years.
type Cohort struct {
	Label string `json:"label"` // "2010–2014"
	From  int    `json:"from"`  // launch years, inclusive
	To    int    `json:"to"`
	Tools int    `json:"tools"`
	Ended int    `json:"ended"`
	Curve []Step `json:"curve"`
}

// Survival is the survival of tools by launch cohort.
type Survival struct {
	Width int `json:"cohort_years"`
	// Excluded counts the tools left out: launch year unknown, or defunct
	// without a date.
	Excluded int       `json:"excluded"`
	Cohorts  []Cohort  `json:"cohorts"`
	AsOf     time.Time `json:"as_of"`
}

// ToolSurvival builds Kaplan–Meier curves of tools by launch cohort of
// width years, from the directory's lifecycle data: a tool launched in its
// founded year ends when its lifecycle became "defunct" and is censored in
// the current year otherwise. Dormant tools count as alive: dormancy is not
// an end. (The crawler's liveness history will refine end dates when it
// lands; today only lifecycle_since is used.)
func ToolSurvival(ctx context.Context, db postgres.Querier, width int, now time.Time) (*Survival, error) {
	if width < 1 || width > 50 {
		return nil, civiscope.Invalid([]civiscope.FieldError{civiscope.Field("cohort", "between", civiscope.Params{"min": 1, "max": 50}, "must be a number of years between 1 and 50")})
	}
	rows, err := db.Query(ctx, `SELECT founded_year, lifecycle, extract(year FROM lifecycle_since)::int FROM tool`)
	if err != nil {
		return nil, fmt.Errorf("read tool lifecycles: %w", err)
	}
	defer rows.Close()
	sv := &Survival{Width: width, AsOf: now}
	groups := map[int][]Observation{}
	for rows.Next() {
		var founded, ended *int
		var lifecycle string
		if err := rows.Scan(&founded, &lifecycle, &ended); err != nil {
			return nil, fmt.Errorf("read tool lifecycles: %w", err)
		}
		if founded == nil || (lifecycle == "defunct" && ended == nil) {
			sv.Excluded++
			continue
		}
		o := Observation{Years: now.Year() - *founded}
		if lifecycle == "defunct" {
			o = Observation{Years: *ended - *founded, Event: true}
		}
		start := *founded - ((*founded)%width+width)%width
		groups[start] = append(groups[start], o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read tool lifecycles: %w", err)
	}
	starts := make([]int, 0, len(groups))
	for s := range groups {
		starts = append(starts, s)
	}
	sort.Ints(starts)
	for _, s := range starts {
		obs := groups[s]
		c := Cohort{From: s, To: s + width - 1, Tools: len(obs), Curve: KaplanMeier(obs)}
		c.Label = fmt.Sprintf("%d–%d", c.From, c.To)
		if width == 1 {
			c.Label = fmt.Sprint(s)
		}
		for _, o := range obs {
			if o.Event {
				c.Ended++
			}
		}
		sv.Cohorts = append(sv.Cohorts, c)
	}
	return sv, nil
}
