package xlsform

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/civiscope/civiscope"
)

// MaxFileSize bounds the workbook accepted; a questionnaire is a few
// dozen kilobytes.
const MaxFileSize = 5 << 20

// surveyColumns are the columns the survey sheet may have; "::lang"
// variants of the translatable ones are accepted for any language.
func surveyColumns() []string {
	return []string{"type", "name", "label", "hint", "required", "relevant", "constraint",
		"constraint_message", "choice_filter", "default", "concept", "required_message", "appearance"}
}

func translatable(col string) bool {
	return col == "label" || col == "hint" || col == "constraint_message" || col == "required_message"
}

// Read parses and checks an XLSForm workbook. On any problem it returns an
// EINVALID *civiscope.Error listing them all, and no form.
func Read(r io.Reader) (*Form, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read questionnaire: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, civiscope.Errorf(civiscope.ETOOLARGE, "the questionnaire file is larger than %d MB", MaxFileSize>>20)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		return nil, civiscope.Errorf(civiscope.EINVALID, "the file is not a readable .xlsx workbook (%v)", err)
	}
	defer wb.Close()
	var ps problems
	f := &Form{Choices: map[string][]Choice{}}
	readSettings(wb, f, &ps)
	readChoices(wb, f, &ps)
	readSurvey(wb, f, &ps)
	if len(ps) == 0 {
		f.check(&ps)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return f, nil
}

// sheet is a worksheet's rows with its header mapped to column indexes.
type sheet struct {
	name   string
	header map[string]int
	order  []string
	rows   [][]string
}

func openSheet(wb *excelize.File, name string, required bool, ps *problems) *sheet {
	idx, err := wb.GetSheetIndex(name)
	if err != nil || idx < 0 {
		if required {
			ps.add(name, 0, "", "the workbook has no sheet named %q (it has %s)", name, strings.Join(wb.GetSheetList(), ", "))
		}
		return nil
	}
	rows, ok := readRows(wb, name, ps)
	if !ok {
		return nil
	}
	s := &sheet{name: name, header: map[string]int{}}
	if len(rows) == 0 {
		ps.add(name, 0, "", "the sheet is empty; its first row must name the columns")
		return nil
	}
	for i, h := range rows[0] {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		// "label::French (fr)" is the pyxform spelling of a language; keep the code.
		if k, lang, ok := strings.Cut(h, "::"); ok {
			if o := strings.LastIndex(lang, "("); o >= 0 && strings.HasSuffix(lang, ")") {
				lang = lang[o+1 : len(lang)-1]
			}
			h = strings.TrimSpace(k) + "::" + strings.TrimSpace(lang)
		}
		if prev, dup := s.header[h]; dup {
			ps.add(name, 1, h, "the column %q appears twice (columns %s and %s)", h, colName(prev), colName(i))
			continue
		}
		s.header[h] = i
		s.order = append(s.order, h)
	}
	s.rows = rows[1:]
	return s
}

// Bounds on a sheet: a questionnaire has a few hundred rows and a few
// dozen columns; a crafted file with a cell at XFD1048576 must not cost a
// million rows of memory.
const (
	maxRows    = 5000
	maxColumns = 100
)

// readRows streams a sheet's rows, refusing sheets beyond the bounds.
func readRows(wb *excelize.File, name string, ps *problems) ([][]string, bool) {
	it, err := wb.Rows(name)
	if err != nil {
		ps.add(name, 0, "", "cannot read the sheet: %v", err)
		return nil, false
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if len(rows) == maxRows {
			ps.add(name, maxRows+1, "", "the sheet has more than %d rows; a questionnaire needs far fewer (is there a stray cell far below?)", maxRows)
			return nil, false
		}
		cols, err := it.Columns()
		if err != nil {
			ps.add(name, len(rows)+1, "", "cannot read the row: %v", err)
			return nil, false
		}
		if len(cols) > maxColumns {
			// Trailing empty cells are harmless; data beyond the bound is not.
			for _, c := range cols[maxColumns:] {
				if strings.TrimSpace(c) != "" {
					ps.add(name, len(rows)+1, colName(maxColumns), "the row has values beyond column %s; at most %d columns are read", colName(maxColumns-1), maxColumns)
					return nil, false
				}
			}
			cols = cols[:maxColumns]
		}
		rows = append(rows, cols)
	}
	if err := it.Error(); err != nil {
		ps.add(name, 0, "", "cannot read the sheet: %v", err)
		return nil, false
	}
	return rows, true
}

func colName(i int) string {
	n, _ := excelize.ColumnNumberToName(i + 1)
	return n
}

func (s *sheet) get(row []string, col string) string {
	i, ok := s.header[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// text reads a translatable column: "label" alone is the default language.
func (s *sheet) text(row []string, col, defLang string) Text {
	t := Text{}
	for _, h := range s.order {
		if h == col {
			if v := s.get(row, h); v != "" {
				t[defLang] = v
			}
		} else if lang, ok := strings.CutPrefix(h, col+"::"); ok {
			if v := s.get(row, h); v != "" {
				t[lang] = v
			}
		}
	}
	if len(t) == 0 {
		return nil
	}
	return t
}

func empty(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func readSettings(wb *excelize.File, f *Form, ps *problems) {
	s := openSheet(wb, "settings", true, ps)
	if s == nil {
		return
	}
	for _, col := range []string{"form_id", "version"} {
		if _, ok := s.header[col]; !ok {
			ps.add("settings", 1, col, "the column %q is required", col)
		}
	}
	if len(s.rows) == 0 {
		ps.add("settings", 2, "", "the settings sheet needs one row of values under its header")
		return
	}
	row := s.rows[0]
	f.ID = s.get(row, "form_id")
	f.Title = s.get(row, "form_title")
	f.Version = s.get(row, "version")
	f.DefaultLanguage = s.get(row, "default_language")
	if f.DefaultLanguage == "" {
		f.DefaultLanguage = "fr"
	}
	f.Languages = []string{f.DefaultLanguage}
}

func readChoices(wb *excelize.File, f *Form, ps *problems) {
	s := openSheet(wb, "choices", true, ps)
	if s == nil {
		return
	}
	for _, col := range []string{"list_name", "name"} {
		if _, ok := s.header[col]; !ok {
			ps.add("choices", 1, col, "the column %q is required", col)
			return
		}
	}
	for _, h := range s.order {
		base, lang, _ := strings.Cut(h, "::")
		switch {
		case base == "label" && lang != "":
			f.addLanguage(lang)
		case h == "list_name" || h == "name" || h == "label":
		default:
			f.ChoiceColumns = append(f.ChoiceColumns, h)
		}
	}
	for i, row := range s.rows {
		n := i + 2
		if empty(row) {
			continue
		}
		list, name := s.get(row, "list_name"), s.get(row, "name")
		c := Choice{Name: name, Label: s.text(row, "label", f.DefaultLanguage)}
		switch {
		case list == "":
			ps.add("choices", n, "list_name", "list_name is empty")
			continue
		case name == "":
			ps.add("choices", n, "name", "name is empty")
			continue
		case strings.ContainsAny(name, " \t"):
			ps.add("choices", n, "name", "%q contains a space; choice names are stored space-separated in multiple answers", name)
			continue
		case f.Choice(list, name) != nil:
			ps.add("choices", n, "name", "the choice %q appears twice in the list %q", name, list)
			continue
		case c.Label[f.DefaultLanguage] == "":
			ps.add("choices", n, "label::"+f.DefaultLanguage, "the choice %q has no label in the default language", name)
		}
		for _, col := range f.ChoiceColumns {
			if v := s.get(row, col); v != "" {
				if c.Extra == nil {
					c.Extra = map[string]string{}
				}
				c.Extra[col] = v
			}
		}
		if _, ok := f.Choices[list]; !ok {
			f.Lists = append(f.Lists, list)
		}
		f.Choices[list] = append(f.Choices[list], c)
	}
}

func (f *Form) addLanguage(lang string) {
	if !contains(f.Languages, lang) {
		f.Languages = append(f.Languages, lang)
	}
}

func readSurvey(wb *excelize.File, f *Form, ps *problems) {
	s := openSheet(wb, "survey", true, ps)
	if s == nil {
		return
	}
	for _, col := range []string{"type", "name"} {
		if _, ok := s.header[col]; !ok {
			ps.add("survey", 1, col, "the column %q is required", col)
			return
		}
	}
	for _, h := range s.order {
		base, lang, hasLang := strings.Cut(h, "::")
		if !contains(surveyColumns(), base) || (hasLang && !translatable(base)) {
			ps.add("survey", 1, h, "unknown column %q; known columns are %s (label, hint and constraint_message take ::fr, ::en…)", h, strings.Join(surveyColumns(), ", "))
			continue
		}
		if hasLang {
			f.addLanguage(lang)
		}
	}
	type open struct {
		q     *Question
		begin string
	}
	var stack []open
	add := func(q *Question) {
		if len(stack) == 0 {
			f.Questions = append(f.Questions, q)
		} else {
			p := stack[len(stack)-1].q
			p.Children = append(p.Children, q)
		}
	}
	for i, row := range s.rows {
		n := i + 2
		if empty(row) {
			continue
		}
		typ := strings.Join(strings.Fields(s.get(row, "type")), " ")
		q := &Question{
			Name:              s.get(row, "name"),
			Label:             s.text(row, "label", f.DefaultLanguage),
			Hint:              s.text(row, "hint", f.DefaultLanguage),
			Required:          s.get(row, "required"),
			Relevant:          s.get(row, "relevant"),
			Constraint:        s.get(row, "constraint"),
			ConstraintMessage: s.text(row, "constraint_message", f.DefaultLanguage),
			ChoiceFilter:      s.get(row, "choice_filter"),
			Default:           s.get(row, "default"),
			Concept:           s.get(row, "concept"),
			Row:               n,
		}
		switch t := strings.ToLower(strings.ReplaceAll(typ, "_", " ")); t {
		case "begin group", "begin repeat":
			q.Type = Group
			if t == "begin repeat" {
				q.Type = Repeat
			}
			add(q)
			stack = append(stack, open{q, t})
		case "end group", "end repeat":
			if len(stack) == 0 {
				ps.add("survey", n, "type", "%q closes nothing: there is no open group or repeat", typ)
				continue
			}
			top := stack[len(stack)-1]
			if want := "end" + strings.TrimPrefix(top.begin, "begin"); t != want {
				ps.add("survey", n, "type", "%q found, but the %s %q opened on row %d must be closed first with %q", typ, top.q.Type, top.q.Name, top.q.Row, want)
				continue
			}
			stack = stack[:len(stack)-1]
		default:
			head, list, _ := strings.Cut(typ, " ")
			q.Type = Type(head)
			switch q.Type {
			case SelectOne, SelectMultiple:
				if list == "" {
					ps.add("survey", n, "type", "%s needs a choice list: \"%s LIST_NAME\"", head, head)
				}
				q.List = list
			case Integer, Decimal, TextType, Date, Note:
				if list != "" {
					ps.add("survey", n, "type", "unknown type %q", typ)
				}
			case "":
				ps.add("survey", n, "type", "the type is empty on a row that has other values")
			default:
				ps.add("survey", n, "type", "unknown type %q; supported: select_one, select_multiple, integer, decimal, text, date, note, begin/end group, begin/end repeat", typ)
			}
			add(q)
		}
	}
	for _, o := range stack {
		ps.add("survey", o.q.Row, "type", "the %s %q is never closed with \"end %s\"", o.q.Type, o.q.Name, o.q.Type)
	}
}
