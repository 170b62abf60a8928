package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/civiscope/civiscope/crawler/detect"
	"github.com/civiscope/civiscope/crawler/fetch"
	"github.com/civiscope/civiscope/outbound"
)

func TestConfirmDecidimVersion(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api" || r.Method != "POST" || r.Header.Get("Content-Type") != "application/json" {
			http.NotFound(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(b), "decidim { version }") {
			http.Error(w, "bad query", 400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":{"decidim":{"version":"0.28.1"}}}`)
	}))
	defer s.Close()
	f := fetch.New(fetch.Config{Timeout: time.Second, Outbound: outbound.New(outbound.AllowLoopback())}, nil)
	d := detect.Detection{Platform: "Decidim", Confidence: 75}
	ok, err := Confirm(context.Background(), f, s.URL+"/processes/x", &d)
	if err != nil || !ok || d.Version != "0.28.1" || d.Confidence != 100 || d.Matches[len(d.Matches)-1].Kind != "probe" {
		t.Fatalf("confirm: %v %v %+v", ok, err, d)
	}
	other := detect.Detection{Platform: "Loomio"}
	if ok, err := Confirm(context.Background(), f, s.URL, &other); ok || err != nil {
		t.Errorf("no probe for Loomio: %v %v", ok, err)
	}
	notDecidim := httptest.NewServer(http.NotFoundHandler())
	defer notDecidim.Close()
	d = detect.Detection{Platform: "Decidim", Confidence: 75}
	if ok, err := Confirm(context.Background(), f, notDecidim.URL, &d); ok || err != nil || d.Confidence != 75 {
		t.Errorf("unconfirmed: %v %v %+v", ok, err, d)
	}
}
