package expr

import (
	"fmt"
	"sort"
	"strconv"
)

// Expr is a parsed expression, safe to evaluate many times concurrently.
type Expr struct {
	src  string
	root node
}

// String returns the source the expression was parsed from.
func (e *Expr) String() string { return e.src }

type node interface{}

type (
	numLit  struct{ v float64 }
	strLit  struct{ v string }
	refNode struct{ name string }
	dotNode struct{}
	// fieldNode is a bare name: a column of the choices sheet, only
	// meaningful in choice_filter.
	fieldNode struct{ name string }
	unary     struct{ x node }
	binary    struct {
		op   string
		x, y node
	}
	call struct {
		fn   string
		args []node
	}
)

// arity is the number of arguments each function takes (min, max).
func arity(fn string) ([2]int, bool) {
	a, ok := map[string][2]int{
		"selected":       {2, 2},
		"count-selected": {1, 1},
		"string-length":  {1, 1},
		"if":             {3, 3},
		"coalesce":       {2, 2},
		"not":            {1, 1},
		"true":           {0, 0},
		"false":          {0, 0},
	}[fn]
	return a, ok
}

// Functions lists the functions the language knows, for error messages
// and documentation.
func Functions() []string {
	return []string{"coalesce()", "count-selected()", "false()", "if()", "not()", "selected()", "string-length()", "true()"}
}

// Parse reads an expression. Errors are *Error with the column at fault.
func Parse(src string) (*Expr, error) {
	if len(src) > MaxLength {
		return nil, &Error{1, fmt.Sprintf("the expression is %d bytes long; at most %d are allowed", len(src), MaxLength)}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{t.col, fmt.Sprintf("unexpected %s after a complete expression", describe(t))}
	}
	return &Expr{src: src, root: n}, nil
}

// MustParse is Parse for expressions written in Go source; it panics on error.
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic(fmt.Sprintf("expr.MustParse(%q): %v", src, err))
	}
	return e
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tString:
		return fmt.Sprintf("text '%s'", t.text)
	case tRef:
		return "${" + t.text + "}"
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tName && t.text == w
}

func (p *parser) isOp(ops ...string) bool {
	t := p.peek()
	if t.kind != tOp {
		return false
	}
	for _, o := range ops {
		if t.text == o {
			return true
		}
	}
	return false
}

func (p *parser) or(d int) (node, error) {
	if d > maxDepth {
		return nil, &Error{p.peek().col, fmt.Sprintf("the expression is nested more than %d levels deep", maxDepth)}
	}
	x, err := p.and(d)
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.next()
		y, err := p.and(d)
		if err != nil {
			return nil, err
		}
		x = binary{"or", x, y}
	}
	return x, nil
}

func (p *parser) and(d int) (node, error) {
	x, err := p.equality(d)
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.next()
		y, err := p.equality(d)
		if err != nil {
			return nil, err
		}
		x = binary{"and", x, y}
	}
	return x, nil
}

func (p *parser) equality(d int) (node, error) {
	x, err := p.relational(d)
	if err != nil {
		return nil, err
	}
	for p.isOp("=", "!=") {
		op := p.next().text
		y, err := p.relational(d)
		if err != nil {
			return nil, err
		}
		x = binary{op, x, y}
	}
	return x, nil
}

func (p *parser) relational(d int) (node, error) {
	x, err := p.additive(d)
	if err != nil {
		return nil, err
	}
	for p.isOp("<", "<=", ">", ">=") {
		op := p.next().text
		y, err := p.additive(d)
		if err != nil {
			return nil, err
		}
		x = binary{op, x, y}
	}
	return x, nil
}

func (p *parser) additive(d int) (node, error) {
	x, err := p.multiplicative(d)
	if err != nil {
		return nil, err
	}
	for p.isOp("+", "-") {
		op := p.next().text
		y, err := p.multiplicative(d)
		if err != nil {
			return nil, err
		}
		x = binary{op, x, y}
	}
	return x, nil
}

func (p *parser) multiplicative(d int) (node, error) {
	x, err := p.unary(d)
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isWord("div") || p.isWord("mod") {
		op := p.next().text
		y, err := p.unary(d)
		if err != nil {
			return nil, err
		}
		x = binary{op, x, y}
	}
	return x, nil
}

func (p *parser) unary(d int) (node, error) {
	if p.isOp("-") {
		t := p.next()
		if d > maxDepth {
			return nil, &Error{t.col, fmt.Sprintf("the expression is nested more than %d levels deep", maxDepth)}
		}
		x, err := p.unary(d + 1)
		if err != nil {
			return nil, err
		}
		return unary{x}, nil
	}
	return p.primary(d)
}

func (p *parser) primary(d int) (node, error) {
	t := p.next()
	switch t.kind {
	case tNumber:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, &Error{t.col, fmt.Sprintf("%q is not a number", t.text)}
		}
		return numLit{v}, nil
	case tString:
		return strLit{t.text}, nil
	case tRef:
		return refNode{t.text}, nil
	case tDot:
		return dotNode{}, nil
	case tLParen:
		x, err := p.or(d + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, &Error{c.col, fmt.Sprintf("expected ')' to close the '(' at column %d, found %s", t.col, describe(c))}
		}
		return x, nil
	case tName:
		if p.peek().kind != tLParen {
			switch t.text {
			case "and", "or", "div", "mod":
				return nil, &Error{t.col, fmt.Sprintf("operator %q needs a value on its left", t.text)}
			}
			return fieldNode{t.text}, nil
		}
		lp := p.next()
		ar, ok := arity(t.text)
		if !ok {
			return nil, &Error{t.col, fmt.Sprintf("unknown function %s(); known functions are %v", t.text, Functions())}
		}
		var args []node
		if p.peek().kind != tRParen {
			for {
				a, err := p.or(d + 1)
				if err != nil {
					return nil, err
				}
				args = append(args, a)
				if p.peek().kind != tComma {
					break
				}
				p.next()
			}
		}
		if c := p.next(); c.kind != tRParen {
			return nil, &Error{c.col, fmt.Sprintf("expected ',' or ')' in the call to %s() opened at column %d, found %s", t.text, lp.col, describe(c))}
		}
		if len(args) < ar[0] || len(args) > ar[1] {
			return nil, &Error{t.col, fmt.Sprintf("%s() takes %d argument(s), got %d", t.text, ar[0], len(args))}
		}
		return call{t.text, args}, nil
	case tEOF:
		return nil, &Error{t.col, "the expression ends where a value was expected"}
	}
	return nil, &Error{t.col, fmt.Sprintf("expected a value, found %s", describe(t))}
}

// Refs returns the question names the expression refers to with ${…}, sorted
// and without duplicates.
func (e *Expr) Refs() []string {
	return e.collect(func(n node) (string, bool) { r, ok := n.(refNode); return r.name, ok })
}

// Fields returns the bare names (choice columns) the expression uses.
func (e *Expr) Fields() []string {
	return e.collect(func(n node) (string, bool) { f, ok := n.(fieldNode); return f.name, ok })
}

// UsesDot reports whether the expression refers to the current answer.
func (e *Expr) UsesDot() bool {
	found := false
	walk(e.root, func(n node) {
		if _, ok := n.(dotNode); ok {
			found = true
		}
	})
	return found
}

func (e *Expr) collect(pick func(node) (string, bool)) []string {
	seen := map[string]bool{}
	walk(e.root, func(n node) {
		if s, ok := pick(n); ok {
			seen[s] = true
		}
	})
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func walk(n node, f func(node)) {
	f(n)
	switch n := n.(type) {
	case unary:
		walk(n.x, f)
	case binary:
		walk(n.x, f)
		walk(n.y, f)
	case call:
		for _, a := range n.args {
			walk(a, f)
		}
	}
}
