package detect

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// municipalPage builds a page the size of a real town homepage (~120 KB):
// menus, news, inline scripts and one participation link.
func municipalPage() []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Mairie d'Exemple</title>
<meta name="description" content="Site officiel"><meta property="og:title" content="Mairie">
<script src="/wp-includes/js/jquery/jquery.min.js"></script><link rel="stylesheet" href="/wp-content/themes/ville/style.css"></head><body><nav><ul>`)
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, `<li class="menu-item"><a href="/rubrique-%d/page-%d">Démarches et services %d</a></li>`, i/10, i, i)
	}
	b.WriteString(`</ul></nav><main>`)
	for i := 0; i < 120; i++ {
		fmt.Fprintf(&b, `<article class="actualite"><h2>Actualité %d</h2><p>La commune informe les habitants que les travaux de voirie rue %d se poursuivent. `+
			`Réunion publique en mairie, salle du conseil, à 18 h 30. <a href="/actualites/%d">Lire la suite</a></p></article>`, i, i, i)
	}
	b.WriteString(`<a href="https://participez.exemple.fr/">Budget participatif</a></main><script>var _paq = window._paq || []; _paq.push(['trackPageView']);</script></body></html>`)
	return []byte(b.String())
}

func benchPages(b *testing.B) [][]byte {
	files, _ := filepath.Glob("testdata/*.html")
	var pages [][]byte
	for _, f := range files {
		p, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, p)
	}
	return append(pages, municipalPage())
}

// BenchmarkFingerprintPage parses and fingerprints one page per iteration
// (the fixtures and a 120 KB town homepage, in turn) and reports pages per
// second on one core.
func BenchmarkFingerprintPage(b *testing.B) {
	rs, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	pages := benchPages(b)
	var bytes int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := pages[i%len(pages)]
		bytes += int64(len(p))
		rs.Detect(Page{URL: "https://www.exemple.fr/", Body: p})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
	b.SetBytes(bytes / int64(b.N))
}

// BenchmarkFingerprintTownHomepage is the worst realistic case: a large
// page with no platform on it, where every rule runs to the end.
func BenchmarkFingerprintTownHomepage(b *testing.B) {
	rs, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	p := municipalPage()
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rs.Detect(Page{URL: "https://www.exemple.fr/", Body: p})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
