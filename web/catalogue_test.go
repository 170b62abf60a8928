package web

import (
	"io/fs"
	pathpkg "path"
	"regexp"
	"testing"
)

// Every literal message key in the site's templates is in the catalogue,
// in both languages (NewCatalogue refuses half translations).
func TestTemplatesUseKnownMessages(t *testing.T) {
	cat, err := NewCatalogue(messages(), directoryMessages(), websiteMessages())
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`\.(?:T|Plural) "([a-z0-9_.]+)"`)
	n := 0
	err = fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if dir := pathpkg.Dir(path); dir != "templates" && dir != "templates/pages" && dir != "templates/partials" {
			return nil // other areas' pages (survey, reports) bring their own messages
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			n++
			if !cat.Has(m[1]) {
				t.Errorf("%s uses %q, which the catalogue lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d keys found; is the pattern right?", n)
	}
}

// Every count said with Plural, in any template, has its singular form
// in the site's whole catalogue.
func TestPluralMessagesHaveTheirSingular(t *testing.T) {
	rd, err := NewRenderer(nil)
	if err != nil {
		t.Fatal(err)
	}
	plural := regexp.MustCompile(`\.Plural "([a-z0-9_.-]+)"`)
	n := 0
	err = fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		for _, m := range plural.FindAllStringSubmatch(string(b), -1) {
			n++
			if !rd.Catalogue().Has(m[1]) || !rd.Catalogue().Has(m[1]+".one") {
				t.Errorf("%s says %q by count, but the catalogue lacks it or its singular %q", path, m[1], m[1]+".one")
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 15 {
		t.Errorf("only %d counts found; is the pattern right?", n)
	}
}

// Plural picks the singular as each language does: 0 and 1 in French,
// 1 only in English.
func TestPluralFollowsTheLanguage(t *testing.T) {
	cat, err := NewCatalogue([]Message{{"n.tools", "%d outils", "%d tools"}, {"n.tools.one", "%d outil", "%d tool"}, {"n.plain", "%d fois", "%d times"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang Lang
		key  string
		n    int
		want string
	}{
		{FR, "n.tools", 0, "0 outil"}, {FR, "n.tools", 1, "1 outil"}, {FR, "n.tools", 2, "2 outils"},
		{EN, "n.tools", 0, "0 tools"}, {EN, "n.tools", 1, "1 tool"}, {EN, "n.tools", 12, "12 tools"},
		{FR, "n.plain", 1, "1 fois"}, // no singular form: the message itself
	} {
		if got := cat.Plural(c.lang, c.key, c.n, c.n); got != c.want {
			t.Errorf("Plural(%s, %s, %d) = %q, want %q", c.lang, c.key, c.n, got, c.want)
		}
	}
}
