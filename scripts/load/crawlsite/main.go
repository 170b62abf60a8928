// Command crawlsite serves a synthetic town website for the crawl
// throughput benchmark: a homepage linking to sections, each linking to
// pages the size of real municipal pages (about 20 KB), a robots.txt with
// one disallowed branch, and an optional per-page latency that stands for
// the network. Both crawlers of scripts/load/crawl.sh read it.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18600", "listen address (loopback only)")
	sections := flag.Int("sections", 40, "sections linked from the homepage")
	perSection := flag.Int("pages", 50, "pages per section")
	latency := flag.Duration("latency", 5*time.Millisecond, "delay before each answer")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.0.0.1:") && !strings.HasPrefix(*addr, "localhost:") {
		log.Fatal("crawlsite listens on loopback only")
	}
	filler := strings.Repeat(`<p class="texte">La commune informe les habitants des travaux de voirie, des horaires de la mairie et des démarches en ligne. Réunion publique salle du conseil à 18 h 30.</p>`, 100)
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /prive/\n")
	})
	page := func(w http.ResponseWriter, title string, links []string) {
		time.Sleep(*latency)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>%s</title>
<script src="/js/site.js"></script></head><body><nav><a href="/">Accueil</a> <a href="/prive/admin">Espace agents</a></nav><main><h1>%s</h1>`, title, title)
		for _, l := range links {
			fmt.Fprintf(w, `<a href="%s">%s</a> `, l, l)
		}
		fmt.Fprint(w, filler, `</main></body></html>`)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		links := make([]string, *sections)
		for i := range links {
			links[i] = fmt.Sprintf("/rubrique/%d", i)
		}
		page(w, "Mairie de Bancville", links)
	})
	mux.HandleFunc("/rubrique/", func(w http.ResponseWriter, r *http.Request) {
		s, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/rubrique/"))
		if err != nil || s < 0 || s >= *sections {
			http.NotFound(w, r)
			return
		}
		links := make([]string, *perSection)
		for i := range links {
			links[i] = fmt.Sprintf("/page/%d/%d", s, i)
		}
		page(w, fmt.Sprintf("Rubrique %d", s), links)
	})
	mux.HandleFunc("/page/", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Page "+strings.TrimPrefix(r.URL.Path, "/page/"), []string{"/"})
	})
	mux.HandleFunc("/prive/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("robots.txt ignored: %s fetched %s", r.UserAgent(), r.URL.Path)
		http.Error(w, "interdit", http.StatusForbidden)
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
