package reports

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/directory"
	"github.com/civiscope/civiscope/postgres"
)

// Dimension is what a breakdown of adoptions groups by.
type Dimension string

const (
	ByYear        Dimension = "year"
	ByCategory    Dimension = "category"
	ByRegion      Dimension = "region"
	ByDepartement Dimension = "departement"
	ByKind        Dimension = "kind"
	ByBracket     Dimension = "bracket"
	ByKindBracket Dimension = "kind-bracket"
)

// Dimensions lists the breakdowns with their titles.
func Dimensions() []directory.Option {
	return []directory.Option{
		{Value: string(ByYear), Label: directory.Label{FR: "Adoptions par année", EN: "Adoptions per year"}},
		{Value: string(ByCategory), Label: directory.Label{FR: "Adoptions par catégorie", EN: "Adoptions by category"}},
		{Value: string(ByRegion), Label: directory.Label{FR: "Adoptions par région", EN: "Adoptions by région"}},
		{Value: string(ByDepartement), Label: directory.Label{FR: "Adoptions par département", EN: "Adoptions by département"}},
		{Value: string(ByKind), Label: directory.Label{FR: "Adoptions par type d'adoptant", EN: "Adoptions by kind of adopter"}},
		{Value: string(ByBracket), Label: directory.Label{FR: "Adoptions par taille de population", EN: "Adoptions by population bracket"}},
		{Value: string(ByKindBracket), Label: directory.Label{FR: "Adoptions par type et taille", EN: "Adoptions by kind and population bracket"}},
	}
}

// ParseDimension checks a dimension name from a URL or a command line.
func ParseDimension(s string) (Dimension, error) {
	for _, d := range Dimensions() {
		if d.Value == s {
			return Dimension(s), nil
		}
	}
	names := make([]string, 0, 7)
	for _, d := range Dimensions() {
		names = append(names, d.Value)
	}
	return "", civiscope.Ruled(civiscope.ENOTFOUND, "no_breakdown", civiscope.Params{"value": s}, "no adoption breakdown %q; there are: %s", s, strings.Join(names, ", "))
}

// Count is one row of a breakdown.
type Count struct {
	Key   string          `json:"key"` // year, slug, INSEE code, kind or "kind/bracket"; "" for unknown
	Label directory.Label `json:"label"`
	N     int             `json:"n"`
}

// Breakdown is a count of adoptions grouped by one dimension.
type Breakdown struct {
	Dimension Dimension `json:"dimension"`
	Filter    Filter    `json:"filter"`
	AsOf      time.Time `json:"as_of"`
	Total     int       `json:"total"`
	Rows      []Count   `json:"rows"`
}

// columns of each dimension in the report views.
func (d Dimension) columns() []string {
	switch d {
	case ByYear:
		return []string{"year"}
	case ByCategory:
		return []string{"category"}
	case ByRegion:
		return []string{"region"}
	case ByDepartement:
		return []string{"departement"}
	case ByKind:
		return []string{"adopter_kind"}
	case ByBracket:
		return []string{"bracket"}
	case ByKindBracket:
		return []string{"adopter_kind", "bracket"}
	}
	return nil
}

// view picks the smallest materialised view holding every needed column.
func view(needed []string) (table, count string) {
	has := func(cols string) bool {
		for _, c := range needed {
			if !strings.Contains(" "+cols+" ", " "+c+" ") {
				return false
			}
		}
		return true
	}
	// Smallest first.
	switch {
	case has("year end_year status category"):
		return "report_adoption_year", "sum(n)"
	case has("tool_id category"):
		return "report_adoption_share", "sum(n)"
	case has("year category adopter_kind bracket region"):
		return "report_adoption_region", "sum(n)"
	case has("year category adopter_kind bracket departement region"):
		return "report_adoption_place", "sum(n)"
	case has("year end_year status tool_id category"):
		return "report_adoption_time", "sum(n)"
	}
	return "report_adoption", "count(*)"
}

// where turns a filter into SQL conditions and the columns they need. The
// tool slug is resolved first: an unknown tool is ENOTFOUND, not an empty
// chart.
func where(ctx context.Context, db postgres.Querier, f Filter) (conds []string, cols []string, args []any, err error) {
	if err := f.Validate(); err != nil {
		return nil, nil, nil, err
	}
	add := func(col, op string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf("%s %s $%d", col, op, len(args)))
		cols = append(cols, col)
	}
	if f.YearFrom != 0 {
		add("year", ">=", f.YearFrom)
	}
	if f.YearTo != 0 {
		add("year", "<=", f.YearTo)
		add("year", "<>", 0)
	}
	if f.Category != "" {
		add("category", "=", f.Category)
	}
	if f.Tool != "" {
		var id int64
		err := db.QueryRow(ctx, `SELECT id FROM tool WHERE slug = $1`, f.Tool).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil, nil, civiscope.Ruled(civiscope.ENOTFOUND, "no_tool", civiscope.Params{"value": f.Tool}, "no tool %q in the directory", f.Tool)
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("look up tool: %w", err)
		}
		add("tool_id", "=", id)
	}
	if f.Region != "" {
		add("region", "=", f.Region)
	}
	if f.Departement != "" {
		add("departement", "=", f.Departement)
	}
	if f.Kind != "" {
		add("adopter_kind", "=", f.Kind)
	}
	if f.Bracket != 0 {
		add("bracket", "=", f.Bracket)
	}
	return conds, cols, args, nil
}

// Adoptions counts adoptions grouped by d under f.
func Adoptions(ctx context.Context, db postgres.Querier, d Dimension, f Filter) (*Breakdown, error) {
	groupCols := d.columns()
	if groupCols == nil {
		_, err := ParseDimension(string(d))
		return nil, err
	}
	conds, cols, args, err := where(ctx, db, f)
	if err != nil {
		return nil, err
	}
	table, count := view(append(cols, groupCols...))
	q := fmt.Sprintf(`SELECT %s, %s FROM %s`, strings.Join(groupCols, ", "), count, table)
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += fmt.Sprintf(" GROUP BY %s ORDER BY %s", strings.Join(groupCols, ", "), strings.Join(groupCols, ", "))
	// Names are read before the counts: while rows are open they hold the
	// connection, and a second query would need another one from the pool,
	// which a flood of these requests would never free (issue 18).
	labels, err := labeller(ctx, db, d)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("count adoptions by %s: %w", d, err)
	}
	b := &Breakdown{Dimension: d, Filter: f, Rows: []Count{}}
	for rows.Next() {
		var c Count
		var n int64
		switch d {
		case ByYear, ByBracket:
			var k int16
			err = rows.Scan(&k, &n)
			c.Key = strconv.Itoa(int(k))
		case ByKindBracket:
			var kind string
			var br int16
			err = rows.Scan(&kind, &br, &n)
			c.Key = kind + "/" + strconv.Itoa(int(br))
		default:
			err = rows.Scan(&c.Key, &n)
		}
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read adoption counts: %w", err)
		}
		if (d == ByYear || d == ByBracket) && c.Key == "0" {
			c.Key = ""
		}
		c.N = int(n)
		c.Label = labels(c.Key)
		b.Total += c.N
		b.Rows = append(b.Rows, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read adoption counts: %w", err)
	}
	if d == ByYear && len(b.Rows) > 0 && b.Rows[0].Key == "" {
		// "Year unknown" goes last, after the series.
		b.Rows = append(b.Rows[1:], b.Rows[0])
	}
	if b.AsOf, err = AsOf(ctx, db); err != nil {
		return nil, err
	}
	return b, nil
}

var unknownLabel = directory.Label{FR: "inconnu", EN: "unknown"}

// labeller returns the display name of each key of dimension d.
func labeller(ctx context.Context, db postgres.Querier, d Dimension) (func(string) directory.Label, error) {
	names := map[string]directory.Label{}
	switch d {
	case ByCategory:
		for _, c := range directory.Categories() {
			names[c.Slug] = c.Label
		}
	case ByKind, ByKindBracket:
		for _, k := range AdopterKinds() {
			names[k.Value] = k.Label
		}
		for _, b := range Brackets() {
			names["/"+strconv.Itoa(b.ID)] = b.Band
		}
	case ByBracket:
		for _, b := range Brackets()[1:] {
			names[strconv.Itoa(b.ID)] = b.Label
		}
	case ByRegion, ByDepartement:
		kind := "region"
		if d == ByDepartement {
			kind = "departement"
		}
		rows, err := db.Query(ctx, `SELECT code, name FROM territory WHERE kind = $1`, kind)
		if err != nil {
			return nil, fmt.Errorf("read %s names: %w", kind, err)
		}
		for rows.Next() {
			var code, name string
			if err := rows.Scan(&code, &name); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read %s names: %w", kind, err)
			}
			names[code] = directory.Label{FR: name, EN: name}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read %s names: %w", kind, err)
		}
	}
	return func(key string) directory.Label {
		if key == "" {
			if d == ByYear {
				return directory.Label{FR: "année inconnue", EN: "year unknown"}
			}
			return unknownLabel
		}
		if d == ByYear {
			return directory.Label{FR: key, EN: key}
		}
		if d == ByKindBracket {
			kind, br, _ := strings.Cut(key, "/")
			k, b := names[kind], names["/"+br]
			return directory.Label{FR: k.FR + ", " + b.FR, EN: k.EN + ", " + b.EN}
		}
		if l, ok := names[key]; ok {
			return l
		}
		return directory.Label{FR: key, EN: key}
	}, nil
}

// Share is one tool's part of the adoptions of its category.
type Share struct {
	Category string          `json:"category"`
	Label    directory.Label `json:"category_label"`
	Tool     string          `json:"tool"`
	ToolName string          `json:"tool_name"`
	N        int             `json:"n"`
	Total    int             `json:"category_total"` // the n every percentage is of
	Percent  float64         `json:"percent"`
}

// ToolShares returns each tool's share of the adoptions within its
// category, largest first within each category in taxonomy order; top > 0
// keeps the top tools of each category (the category total still counts
// them all). Without filters other than the category, it reads the ranked
// view; otherwise it computes the shares under the filter.
func ToolShares(ctx context.Context, db postgres.Querier, f Filter, top int) ([]Share, time.Time, error) {
	conds, cols, args, err := where(ctx, db, f)
	if err != nil {
		return nil, time.Time{}, err
	}
	var q string
	if len(cols) == 0 || (len(cols) == 1 && cols[0] == "category") {
		q = `SELECT r.category, t.slug, t.name, r.n, r.total FROM report_tool_share r JOIN tool t ON t.id = r.tool_id WHERE true`
		for _, c := range conds {
			q += " AND r." + c
		}
		if top > 0 {
			args = append(args, top)
			q += fmt.Sprintf(" AND r.rank <= $%d", len(args))
		}
	} else {
		table, count := view(append(cols, "tool_id", "category"))
		q = fmt.Sprintf(`SELECT r.category, t.slug, t.name, %s, 0 FROM %s r JOIN tool t ON t.id = r.tool_id WHERE r.category <> ''`, count, table)
		for _, c := range conds {
			q += " AND r." + c
		}
		q += " GROUP BY r.category, t.slug, t.name"
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("tool shares: %w", err)
	}
	var out []Share
	totals := map[string]int{}
	for rows.Next() {
		var s Share
		var n, total int64
		if err := rows.Scan(&s.Category, &s.Tool, &s.ToolName, &n, &total); err != nil {
			rows.Close()
			return nil, time.Time{}, fmt.Errorf("tool shares: %w", err)
		}
		s.N, s.Total = int(n), int(total)
		if total == 0 {
			totals[s.Category] += s.N
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("tool shares: %w", err)
	}
	pos := map[string]int{}
	labels := map[string]directory.Category{}
	for i, c := range directory.Categories() {
		pos[c.Slug] = i
		labels[c.Slug] = c
	}
	for i := range out {
		if out[i].Total == 0 {
			out[i].Total = totals[out[i].Category]
		}
		out[i].Percent = 100 * float64(out[i].N) / float64(out[i].Total)
		out[i].Label = labels[out[i].Category].Label
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Category != b.Category {
			return pos[a.Category] < pos[b.Category]
		}
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Tool < b.Tool
	})
	if top > 0 {
		kept := out[:0]
		seen := map[string]int{}
		for _, s := range out {
			if seen[s.Category] < top {
				kept = append(kept, s)
			}
			seen[s.Category]++
		}
		out = kept
	}
	at, err := AsOf(ctx, db)
	return out, at, err
}

// Flow is what entered and left the field in one year.
type Flow struct {
	Year             int `json:"year"`
	ToolsEntered     int `json:"tools_entered"`     // tools whose first known adoption is this year
	ToolsExited      int `json:"tools_exited"`      // tools recorded defunct since this year
	AdoptionsStarted int `json:"adoptions_started"` // adoptions whose year is this year
	AdoptionsEnded   int `json:"adoptions_ended"`   // adoptions that ended this year
}

// Flows returns entrants and exits per year. A tool enters in the year of
// its first adoption in the directory (under f); it exits in the year its
// lifecycle became "defunct". Only the category filter applies to exits,
// since a tool's end is not tied to a place.
func Flows(ctx context.Context, db postgres.Querier, f Filter) ([]Flow, error) {
	// Year bounds select output years, not adoptions: a tool that entered
	// in 2010 must not count as entering in 2015 when the range starts then.
	g := f
	g.YearFrom, g.YearTo = 0, 0
	if err := f.Validate(); err != nil {
		return nil, err
	}
	conds, cols, args, err := where(ctx, db, g)
	if err != nil {
		return nil, err
	}
	table, count := view(append(cols, "year", "end_year"))
	toolTable, _ := view(append(cols, "tool_id", "year"))
	w := ""
	if len(conds) > 0 {
		w = " AND " + strings.Join(conds, " AND ")
	}
	years := map[int]*Flow{}
	at := func(y int) *Flow {
		if years[y] == nil {
			years[y] = &Flow{Year: y}
		}
		return years[y]
	}
	scan := func(q string, fn func(y, n int)) error {
		rows, err := db.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("flows: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var y, n int64
			if err := rows.Scan(&y, &n); err != nil {
				return fmt.Errorf("flows: %w", err)
			}
			fn(int(y), int(n))
		}
		return rows.Err()
	}
	err = scan(fmt.Sprintf(`SELECT year, %s FROM %s WHERE year > 0%s GROUP BY year`, count, table, w),
		func(y, n int) { at(y).AdoptionsStarted = n })
	if err == nil {
		err = scan(fmt.Sprintf(`SELECT end_year, %s FROM %s WHERE end_year > 0%s GROUP BY end_year`, count, table, w),
			func(y, n int) { at(y).AdoptionsEnded = n })
	}
	if err == nil {
		q := fmt.Sprintf(`SELECT first, count(*) FROM (SELECT tool_id, min(year) AS first FROM %s WHERE year > 0%s GROUP BY tool_id) x GROUP BY first`, toolTable, w)
		if st, _ := view(append(cols, "tool_id", "category")); st == "report_adoption_share" {
			q = fmt.Sprintf(`SELECT first, count(*) FROM (SELECT tool_id, min(first_year) AS first FROM report_adoption_share WHERE first_year > 0%s GROUP BY tool_id) x GROUP BY first`, w)
		}
		err = scan(q, func(y, n int) { at(y).ToolsEntered = n })
	}
	if err != nil {
		return nil, err
	}
	exitArgs := []any{}
	exitQ := `SELECT extract(year FROM lifecycle_since)::int, count(*) FROM tool t WHERE lifecycle = 'defunct' AND lifecycle_since IS NOT NULL`
	if f.Category != "" {
		exitArgs = append(exitArgs, f.Category)
		exitQ += ` AND EXISTS (SELECT 1 FROM tool_category tc WHERE tc.tool_id = t.id AND tc.category = $1)`
	}
	if f.Tool != "" {
		exitArgs = append(exitArgs, f.Tool)
		exitQ += fmt.Sprintf(` AND t.slug = $%d`, len(exitArgs))
	}
	rows, err := db.Query(ctx, exitQ+` GROUP BY 1`, exitArgs...)
	if err != nil {
		return nil, fmt.Errorf("tool exits: %w", err)
	}
	for rows.Next() {
		var y, n int
		if err := rows.Scan(&y, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("tool exits: %w", err)
		}
		at(y).ToolsExited = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tool exits: %w", err)
	}
	out := make([]Flow, 0, len(years))
	for y, fl := range years {
		if (f.YearFrom == 0 || y >= f.YearFrom) && (f.YearTo == 0 || y <= f.YearTo) {
			out = append(out, *fl)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}
