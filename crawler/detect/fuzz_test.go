package detect

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzDetect feeds arbitrary bytes, URLs and cookies to the extractor and
// every rule: no panic, confidences within 0–100, evidence short and valid
// UTF-8.
func FuzzDetect(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.html")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "https://participez.exemple.fr/processes/x", "decidim-consent=1")
	}
	f.Add([]byte("<a rel=decidim><script src=/decidim-packs/\xff\xfe>"), "http://[::1", "=;;=")
	rs, err := Embedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, url, cookie string) {
		ds := rs.Detect(Page{URL: url, Header: map[string][]string{"Set-Cookie": {cookie}, "X-Powered-By": {cookie}}, Body: body})
		for _, d := range ds {
			if d.Confidence < 0 || d.Confidence > 100 {
				t.Fatalf("confidence %d", d.Confidence)
			}
			for _, m := range d.Matches {
				if !utf8.ValidString(m.Evidence) || len(m.Evidence) > maxEvidence+len("…") {
					t.Fatalf("evidence %q", m.Evidence)
				}
			}
		}
	})
}

// FuzzExtract checks that link extraction survives any input.
func FuzzExtract(f *testing.F) {
	f.Add([]byte(`<article><a href="https://decidim.org">x</a></article><iframe src="https://widget.make.org/">`))
	f.Add([]byte("<a href=\x00>\xc3"))
	f.Fuzz(func(t *testing.T, body []byte) {
		d := Extract(body)
		if len(d.Links) > maxLinks {
			t.Fatalf("%d links", len(d.Links))
		}
	})
}
