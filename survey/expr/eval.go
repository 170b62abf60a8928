package expr

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Value is the result of an expression: text, a number or a boolean, as in
// XPath 1.0. An unanswered question is the empty text.
type Value struct {
	kind valueKind
	s    string
	n    float64
	b    bool
}

type valueKind uint8

const (
	kText valueKind = iota
	kNumber
	kBool
)

// Text, Number and Bool build values.
func Text(s string) Value      { return Value{kind: kText, s: s} }
func Number(n float64) Value   { return Value{kind: kNumber, n: n} }
func Bool(b bool) Value        { return Value{kind: kBool, b: b} }
func (v Value) IsNumber() bool { return v.kind == kNumber }

// Env gives an expression the answers it refers to.
type Env interface {
	// Ref returns the answer to question name (${name}); Text("") when it
	// is unanswered.
	Ref(name string) Value
	// Self is the answer being checked ('.').
	Self() Value
	// Field is a column of the choice being filtered (choice_filter).
	Field(name string) Value
}

// Eval computes the expression. It never fails: like XPath, operations on
// values of the wrong kind give NaN or false, which forms treat as "not
// satisfied".
func (e *Expr) Eval(env Env) Value { return eval(e.root, env) }

// Bool evaluates the expression as a condition.
func (e *Expr) Bool(env Env) bool { return e.Eval(env).Bool() }

func eval(n node, env Env) Value {
	switch n := n.(type) {
	case numLit:
		return Number(n.v)
	case strLit:
		return Text(n.v)
	case refNode:
		return env.Ref(n.name)
	case dotNode:
		return env.Self()
	case fieldNode:
		return env.Field(n.name)
	case unary:
		return Number(-eval(n.x, env).Number())
	case binary:
		return evalBinary(n, env)
	case call:
		return evalCall(n, env)
	}
	return Text("")
}

func evalBinary(n binary, env Env) Value {
	switch n.op {
	case "and":
		return Bool(eval(n.x, env).Bool() && eval(n.y, env).Bool())
	case "or":
		return Bool(eval(n.x, env).Bool() || eval(n.y, env).Bool())
	}
	x, y := eval(n.x, env), eval(n.y, env)
	switch n.op {
	case "=":
		return Bool(equal(x, y))
	case "!=":
		return Bool(!equal(x, y))
	case "<", "<=", ">", ">=":
		return Bool(compare(n.op, x, y))
	case "+":
		return Number(x.Number() + y.Number())
	case "-":
		return Number(x.Number() - y.Number())
	case "*":
		return Number(x.Number() * y.Number())
	case "div":
		return Number(x.Number() / y.Number())
	case "mod":
		return Number(math.Mod(x.Number(), y.Number()))
	}
	return Text("")
}

func equal(x, y Value) bool {
	switch {
	case x.kind == kBool || y.kind == kBool:
		return x.Bool() == y.Bool()
	case x.kind == kNumber || y.kind == kNumber:
		return x.Number() == y.Number()
	}
	return x.s == y.s
}

// compare follows XPath (numbers), with one extension: two texts that are
// not numbers compare as text, so ISO dates ('2026-03-01') order correctly.
func compare(op string, x, y Value) bool {
	a, b := x.Number(), y.Number()
	if x.kind == kText && y.kind == kText && math.IsNaN(a) && math.IsNaN(b) && x.s != "" && y.s != "" {
		c := strings.Compare(x.s, y.s)
		a, b = float64(c), 0
	}
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	}
	return a >= b
}

func evalCall(n call, env Env) Value {
	switch n.fn {
	case "true":
		return Bool(true)
	case "false":
		return Bool(false)
	case "not":
		return Bool(!eval(n.args[0], env).Bool())
	case "if":
		if eval(n.args[0], env).Bool() {
			return eval(n.args[1], env)
		}
		return eval(n.args[2], env)
	case "coalesce":
		if v := eval(n.args[0], env); v.String() != "" {
			return v
		}
		return eval(n.args[1], env)
	case "string-length":
		return Number(float64(utf8.RuneCountInString(eval(n.args[0], env).String())))
	case "count-selected":
		return Number(float64(len(strings.Fields(eval(n.args[0], env).String()))))
	case "selected":
		want := strings.TrimSpace(eval(n.args[1], env).String())
		for _, s := range strings.Fields(eval(n.args[0], env).String()) {
			if s == want {
				return Bool(true)
			}
		}
		return Bool(false)
	}
	return Text("")
}

// Bool converts as XPath boolean(): non-empty text, non-zero number.
func (v Value) Bool() bool {
	switch v.kind {
	case kBool:
		return v.b
	case kNumber:
		return v.n != 0 && !math.IsNaN(v.n)
	}
	return v.s != ""
}

// Number converts as XPath number(): NaN for text that is not a number.
func (v Value) Number() float64 {
	switch v.kind {
	case kNumber:
		return v.n
	case kBool:
		if v.b {
			return 1
		}
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
	if err != nil || strings.ContainsAny(v.s, "eEnNxX") { // no exponents, Inf or NaN spelled out
		return math.NaN()
	}
	return f
}

// String converts as XPath string(): whole numbers without decimals.
func (v Value) String() string {
	switch v.kind {
	case kBool:
		if v.b {
			return "true"
		}
		return "false"
	case kNumber:
		switch {
		case math.IsNaN(v.n):
			return "NaN"
		case math.IsInf(v.n, 1):
			return "Infinity"
		case math.IsInf(v.n, -1):
			return "-Infinity"
		}
		return strconv.FormatFloat(v.n, 'f', -1, 64)
	}
	return v.s
}
