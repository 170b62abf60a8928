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
	key := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
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
