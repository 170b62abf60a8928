package expr

import (
	"strings"
	"testing"
)

type mapEnv struct {
	refs   map[string]Value
	self   Value
	fields map[string]Value
}

func (m mapEnv) Ref(n string) Value {
	if v, ok := m.refs[n]; ok {
		return v
	}
	return Text("")
}
func (m mapEnv) Self() Value          { return m.self }
func (m mapEnv) Field(n string) Value { return m.fields[n] }

func TestEval(t *testing.T) {
	env := mapEnv{
		refs: map[string]Value{
			"age": Number(42), "kind": Text("commune"), "tools": Text("decidim autre"),
			"nom": Text("Lyon"), "vide": Text(""), "n": Text("12"), "date": Text("2026-03-01"),
		},
		self:   Number(7),
		fields: map[string]Value{"kind": Text("commune")},
	}
	cases := []struct{ src, want string }{
		{"1 + 2 * 3", "7"},
		{"(1 + 2) * 3", "9"},
		{"10 div 4", "2.5"},
		{"10 mod 4", "2"},
		{"7 - 2 - 1", "4"},
		{"-3 + 5", "2"},
		{"${age} >= 18 and ${kind} = 'commune'", "true"},
		{"${age} < 18 or not(${kind} = 'epci')", "true"},
		{"1 = 1 or 1 = 2 and 1 = 2", "true"}, // and binds tighter than or
		{"selected(${tools}, 'autre')", "true"},
		{"selected(${tools}, 'consul')", "false"},
		{"count-selected(${tools})", "2"},
		{"string-length(${nom})", "4"},
		{"string-length('é')", "1"},
		{"if(${age} > 40, 'old', 'young')", "old"},
		{"coalesce(${vide}, ${nom})", "Lyon"},
		{". > 5 and . <= 10", "true"},
		{"${n} = 12", "true"},    // text compared to a number converts
		{"${vide} = ''", "true"}, // unanswered is empty text
		{"${vide} + 1", "NaN"},
		{"${date} >= '2026-01-01'", "true"},
		{"kind = 'commune'", "true"},
		{"1 div 0", "Infinity"},
		{"true() != false()", "true"},
		{"${count-x} = ''", "true"},
		{"3 > 2 = true()", "true"},
	}
	for _, c := range cases {
		e, err := Parse(c.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.src, err)
			continue
		}
		if got := e.Eval(env).String(); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ src, col, msg string }{
		{"", "column 1", "ends where a value was expected"},
		{"1 +", "column 4", "ends where a value was expected"},
		{"(1 + 2", "column 7", "expected ')' to close the '(' at column 1"},
		{"${age", "column 1", "not closed"},
		{"${1x} = 2", "column 1", "not a valid question name"},
		{"foo(1)", "column 1", "unknown function foo()"},
		{"selected(${a})", "column 1", "selected() takes 2 argument(s), got 1"},
		{"1 ! 2", "column 3", "'!' must be followed by '='"},
		{"'abc", "column 1", "not closed"},
		{"1 2", "column 3", "unexpected \"2\" after a complete expression"},
		{"and 1", "column 1", "needs a value on its left"},
		{"1 # 2", "column 3", "unexpected character '#'"},
		{"1.2.3", "column 1", "not a number"},
		{strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100), "column", "nested more than 64 levels"},
		{strings.Repeat("-", 100) + "1", "column", "nested more than 64 levels"},
		{strings.Repeat("a", MaxLength+1), "column 1", "at most 4096"},
	}
	for _, c := range cases {
		_, err := Parse(c.src)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %q", c.src, c.msg)
			continue
		}
		if !strings.Contains(err.Error(), c.col) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Parse(%q) = %q, want %s and %q", c.src, err, c.col, c.msg)
		}
	}
}

func TestRefs(t *testing.T) {
	e := MustParse("${b} > 1 and selected(${a}, 'x') or ${b} = . and kind = 'c'")
	if got := strings.Join(e.Refs(), ","); got != "a,b" {
		t.Errorf("Refs = %s", got)
	}
	if got := strings.Join(e.Fields(), ","); got != "kind" {
		t.Errorf("Fields = %s", got)
	}
	if !e.UsesDot() || MustParse("1").UsesDot() {
		t.Error("UsesDot wrong")
	}
}

// FuzzParse checks that no input makes the parser or evaluator panic or
// hang, and that anything that parses evaluates.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1 + 2 * 3", "${a} >= 18 and not(${b} = 'x')", "selected(${t}, 'a')",
		"if(. > 3, coalesce(${a}, 'z'), string-length(${b}))", "count-selected(${m}) mod 2 div 1",
		"((((1))))", "-(-1)", "${a-b.c_d}", "kind != 'x' or '' <= \"y\""} {
		f.Add(s)
	}
	env := mapEnv{refs: map[string]Value{"a": Text("1 2"), "b": Number(3)}, self: Text("x")}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse(%q) returned %T, want *Error", src, err)
			}
			return
		}
		_ = e.Eval(env).String()
		_ = e.Refs()
	})
}

// BenchmarkEval evaluates a typical relevance expression.
func BenchmarkEval(b *testing.B) {
	e := MustParse("selected(${tools}, 'autre') and ${age} >= 18 or count-selected(${tools}) > 3")
	env := mapEnv{refs: map[string]Value{"age": Number(42), "tools": Text("decidim autre")}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !e.Bool(env) {
			b.Fatal("false")
		}
	}
}
