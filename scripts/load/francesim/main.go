// Command francesim serves a simulated France for the scale benchmark
// (scripts/load/france.sh): SITES town websites, each on its own loopback
// address 127.1.b.c, and the participation platforms some of them link to,
// each on its own address 127.200.b.c. Everything about a site comes from
// the seed: its robots.txt, latency, page size, whether it is dead,
// redirects, loops, is slow or sends an enormous page, and whether it
// links to a Decidim, CONSUL, Cap Collectif or Go Vocal instance (from its
// homepage, or from a participation page one link further). Sites without
// a platform may carry traps: news about a participatory budget, a link to
// a vendor's own site. It writes the manifest of what it planted
// (index,url,platform,instance) for the benchmark to score recall and false
// findings.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

type site struct {
	dead, disallowAll, noRobots, redirect, loop, slow, huge, trap bool
	latency                                                       time.Duration
	size                                                          int
	platform                                                      string // "" for none
	deep                                                          bool   // linked from /participation, not the homepage
}

var platforms = []string{"Decidim", "Decidim", "Decidim", "Decidim", "CONSUL Democracy", "CONSUL Democracy",
	"Cap Collectif", "Cap Collectif", "Cap Collectif", "Go Vocal", "Go Vocal"}

func plan(seed uint64, i int, slowFactor float64) site {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	s := site{latency: time.Duration(5+r.IntN(35)) * time.Millisecond, size: 5 + r.IntN(55)}
	x := r.Float64()
	switch {
	case x < 0.03:
		s.dead = true
	case x < 0.05:
		s.disallowAll = true
	case x < 0.09:
		s.redirect = true
	case x < 0.095:
		s.loop = true
	case x < 0.10:
		s.huge = true
	}
	s.noRobots = r.Float64() < 0.05
	if r.Float64() < 0.04 {
		s.slow = true
		s.latency = time.Duration(float64(300+r.IntN(1200))*slowFactor) * time.Millisecond
	}
	if !s.dead && !s.disallowAll && !s.loop && !s.huge && r.Float64() < 0.07 {
		s.platform = platforms[r.IntN(len(platforms))]
		s.deep = r.Float64() < 0.4
	} else if r.Float64() < 0.15 {
		s.trap = true
	}
	return s
}

// addr is the loopback address of the n-th host of a block.
func addr(block, n int) string { return fmt.Sprintf("127.%d.%d.%d", block, n/254+1, n%254+1) }

// index reads back a host's block and number.
func index(host string) (block, n int, ok bool) {
	ip := net.ParseIP(host).To4()
	if ip == nil || ip[0] != 127 || ip[2] == 0 || ip[3] == 0 {
		return 0, 0, false
	}
	return int(ip[1]), (int(ip[2])-1)*254 + int(ip[3]) - 1, true
}

const filler = `<p>La commune informe les habitants des travaux, des horaires de la mairie et des démarches en ligne.</p>`

func main() {
	n := flag.Int("sites", 18900, "town websites")
	seed := flag.Uint64("seed", 2026, "seed of every site's properties")
	port := flag.Int("port", 18700, "port on every loopback address")
	deadPort := flag.Int("dead-port", 18701, "port nobody listens on: dead sites' URLs use it")
	slowFactor := flag.Float64("slow-factor", 1, "multiplies slow sites' latency (300–1500 ms)")
	manifest := flag.String("manifest", "", "write the planted sites here (CSV)")
	flag.Parse()
	if *n > 254*254 {
		log.Fatal("at most 64,516 sites")
	}
	sites := make([]site, *n)
	instOf := map[int]int{} // instance number → site
	siteInst := make([]int, *n)
	for i := range sites {
		sites[i] = plan(*seed, i, *slowFactor)
		siteInst[i] = -1
		if sites[i].platform != "" {
			siteInst[i] = len(instOf)
			instOf[len(instOf)] = i
		}
	}
	if *manifest != "" {
		f, err := os.Create(*manifest)
		if err != nil {
			log.Fatal(err)
		}
		w := bufio.NewWriter(f)
		fmt.Fprintln(w, "index,url,platform,instance")
		for i, s := range sites {
			p := *port
			if s.dead {
				p = *deadPort
			}
			inst := ""
			if s.platform != "" {
				inst = fmt.Sprintf("http://%s:%d/", addr(200, siteInst[i]), *port)
			}
			fmt.Fprintf(w, "%d,http://%s:%d/,%s,%s\n", i, addr(1, i), p, s.platform, inst)
		}
		if err := w.Flush(); err != nil {
			log.Fatal(err)
		}
		f.Close()
	}
	base := func(b, n int) string { return fmt.Sprintf("http://%s:%d", addr(b, n), *port) }

	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.Host)
		block, i, ok := index(host)
		switch {
		case ok && block == 200:
			si, found := instOf[i]
			if !found {
				http.NotFound(w, r)
				return
			}
			servePlatform(w, r, sites[si].platform)
		case ok && block == 1 && i < len(sites):
			serveTown(w, r, sites[i], i, siteInst[i], base)
		default:
			http.NotFound(w, r)
		}
	})
	// One listener for every loopback address: a wildcard bind, and
	// anything that does not come from this machine is turned away.
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ra, _, _ := net.SplitHostPort(r.RemoteAddr); !net.ParseIP(ra).IsLoopback() {
			http.Error(w, "loopback only", http.StatusForbidden)
			return
		}
		h(w, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	log.Printf("francesim: %d sites on 127.1.x.y:%d, %d platform instances on 127.200.x.y", len(sites), *port, len(instOf))
	log.Fatal(srv.Serve(ln))
}

func serveTown(w http.ResponseWriter, r *http.Request, s site, i, inst int, base func(int, int) string) {
	if r.URL.Path == "/robots.txt" {
		switch {
		case s.noRobots:
			http.NotFound(w, r)
		case s.disallowAll:
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
		default:
			fmt.Fprint(w, "User-agent: *\nDisallow: /prive/\n")
		}
		return
	}
	time.Sleep(s.latency)
	switch {
	case s.loop && r.URL.Path == "/":
		http.Redirect(w, r, "/boucle", http.StatusFound)
		return
	case s.loop && r.URL.Path == "/boucle":
		http.Redirect(w, r, "/", http.StatusFound)
		return
	case s.redirect && r.URL.Path == "/":
		http.Redirect(w, r, "/accueil/", http.StatusMovedPermanently)
		return
	case s.huge:
		// An enormous page: 16 MB of nested markup, well past any cap.
		w.Header().Set("Content-Type", "text/html")
		chunk := strings.Repeat("<div>", 4096)
		for range 16 << 20 / len(chunk) {
			if _, err := fmt.Fprint(w, chunk); err != nil {
				return
			}
		}
		return
	}
	home := r.URL.Path == "/" || (s.redirect && r.URL.Path == "/accueil/")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Commune %d</title></head><body><nav><a href="/">Accueil</a> <a href="/mairie">Mairie</a> <a href="/prive/agents">Agents</a>`, i)
	inst2 := ""
	if inst >= 0 {
		inst2 = base(200, inst) + "/"
	}
	switch {
	case home && s.platform != "" && !s.deep:
		fmt.Fprintf(w, ` <a href="%s">Je participe</a>`, inst2)
	case home && s.platform != "" && s.deep:
		fmt.Fprint(w, ` <a href="/participation">Démocratie participative</a>`)
	case r.URL.Path == "/participation" && s.platform != "":
		fmt.Fprintf(w, ` <a href="%s">Plateforme de participation citoyenne</a>`, inst2)
	case home && s.trap:
		// A participation page of the town's own, with no platform.
		fmt.Fprint(w, ` <a href="/participation">Participation citoyenne</a>`)
	case r.URL.Path == "/participation" && !s.trap:
		http.NotFound(w, r)
		return
	}
	fmt.Fprint(w, `</nav><main>`)
	if home && s.trap {
		fmt.Fprint(w, `<article><h2>Budget participatif : les résultats</h2><a href="/actualites/budget-participatif">Lire</a> <a href="https://decidim.org/">Decidim</a></article>`)
	}
	for range s.size {
		fmt.Fprint(w, strings.Repeat(filler, 9))
	}
	fmt.Fprint(w, `</main></body></html>`)
}

// servePlatform answers with the markers each platform's public sources
// show (crawler/detect/rules/civic-platforms.json cites them).
func servePlatform(w http.ResponseWriter, r *http.Request, platform string) {
	if r.URL.Path == "/robots.txt" {
		fmt.Fprint(w, "User-agent: *\nDisallow: /admin/\n")
		return
	}
	time.Sleep(20 * time.Millisecond)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch platform {
	case "Decidim":
		fmt.Fprint(w, `<!DOCTYPE html><html><head><script src="/decidim-packs/js/decidim_core-1.js"></script></head><body><a href="/processes">Processus</a><footer><a rel="decidim noopener" href="https://decidim.org/">Decidim</a></footer></body></html>`)
	case "CONSUL Democracy":
		http.SetCookie(w, &http.Cookie{Name: "_consul_session", Value: strconv.Itoa(int(time.Now().Unix()))})
		fmt.Fprint(w, `<!DOCTYPE html><html data-current-user-id=""><head><title>Participez</title></head><body><a href="/debates">Débats</a><div class="subfooter">Mentions</div></body></html>`)
	case "Cap Collectif":
		fmt.Fprint(w, `<!DOCTYPE html><html><head><script>window._capco_featureFlags = {};</script></head><body><div class="capco-powered">Propulsé</div></body></html>`)
	case "Go Vocal":
		fmt.Fprint(w, `<!DOCTYPE html><html><head><link rel="preload" href="/fonts/larsseit-regular.woff2" as="font"><script>window.myCallbackFunc = function() {};</script></head><body><div class="app-loading-container"><div class="app-loading-spinner"></div></div></body></html>`)
	}
}
