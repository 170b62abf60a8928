package crawler

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/civiscope/civiscope"
	"github.com/civiscope/civiscope/crawler/catalogue"
)

func TestHarvestFollowsPagesAndStoresProposalsOnce(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile("catalogue/testdata/vendor-references.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src, err := catalogue.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	w := newWeb(t)
	w.site("editeur.test", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		switch r.URL.RawQuery {
		case "":
			rw.Write([]byte("<ul class=\"clients\"><li><span class=\"nom\">Commune de S\xe8te-Exemple</span><a href=\"https://jeparticipe.sete-exemple.test/\">site</a></li></ul><a href=\"?page=2\">2</a><a href=\"?page=3\">3</a>"))
		case "page=2":
			rw.Write([]byte(`<ul class="clients"><li><span class="nom">Commune B</span><a href="https://b.test/">b</a><span class="annee">2019</span></li></ul><a href="?page=1">1</a>`))
		default:
			http.Error(rw, "boom", 500)
		}
	}))
	st, err := Harvest(ctx, db, w.fetcher(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pages != 2 || st.Failed != 2 || st.Items != 2 || st.New != 2 || len(st.Errors) != 2 {
		// /references and ?page=2 read; ?page=3 and ?page=1 answer 500
		t.Errorf("stats %+v", st)
	}
	var adopter string
	if err := db.QueryRow(ctx, `SELECT mapped->>'adopter' FROM crawl_proposal WHERE source = 'vendor-references' AND key = 'https://jeparticipe.sete-exemple.test/'`).Scan(&adopter); err != nil || adopter != "Commune de Sète-Exemple" {
		t.Errorf("adopter %q %v (Latin-1 page decoded?)", adopter, err)
	}
	st, err = Harvest(ctx, db, w.fetcher(), src, nil)
	if err != nil || st.New != 0 {
		t.Errorf("second harvest added %d: %v", st.New, err)
	}
	if _, err := FindSource("nope"); civiscope.ErrorCode(err) != civiscope.ENOTFOUND {
		t.Errorf("unknown source: %v", err)
	}
}

func TestProposeProfileFromVendorPage(t *testing.T) {
	ctx := context.Background()
	w := newWeb(t)
	w.site("vendeur.test", htmlHandler(map[string]string{
		"/":     `<html><head><meta property="og:title" content="Outil Exemple"><meta name="description" content="Un outil de concertation."></head></html>`,
		"/vide": `<p>rien</p>`,
	}))
	p, added, err := ProposeProfile(ctx, db, w.fetcher(), "https://vendeur.test/")
	if err != nil || !added || p.Name != "Outil Exemple" || p.Description != "Un outil de concertation." {
		t.Fatalf("profile %+v added=%v err=%v", p, added, err)
	}
	if _, added, _ := ProposeProfile(ctx, db, w.fetcher(), "https://vendeur.test/"); added {
		t.Error("same page proposed twice")
	}
	if _, added, err := ProposeProfile(ctx, db, w.fetcher(), "https://vendeur.test/vide"); added || err != nil {
		t.Errorf("empty page: added=%v %v", added, err)
	}
}
