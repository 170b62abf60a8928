package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/questionnaire"
)

// serverProcess is the real civiscope binary serving on a free port.
type serverProcess struct {
	cmd  *exec.Cmd
	base string
}

func startServer(t *testing.T, bin string) *serverProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+db.Config().ConnString(), "LISTEN_ADDR=127.0.0.1:0", "LOG_LEVEL=warn")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		re := regexp.MustCompile(`http://\S+`)
		for sc.Scan() {
			if u := re.FindString(sc.Text()); u != "" {
				found <- u
			}
		}
	}()
	select {
	case u := <-found:
		return &serverProcess{cmd: cmd, base: u}
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the server printed no address within 90 s")
	}
	return nil
}

// kill ends the process with SIGKILL: no graceful shutdown, no flush.
func (s *serverProcess) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
}

// TestSurveyAnswersSurviveKill saves the questionnaire page by page against
// the real binary, killing it with SIGKILL after each acknowledged save and
// starting it again: every acknowledged answer must still be there.
func TestSurveyAnswersSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "civiscope")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	f := questionnaire.Barometre2026()
	f.Version = "fault" + time.Now().Format("150405.000000000")
	if _, err := survey.ImportForm(ctx, db, f); err != nil {
		t.Fatal(err)
	}
	year := 2070
	if _, err := survey.CreateEdition(ctx, db, survey.NewEdition{Year: year, Title: "Baromètre panne", OpensOn: time.Now().AddDate(0, -1, 0),
		ClosesOn: time.Now().AddDate(0, 1, 0), FormID: f.ID, Version: f.Version}); err != nil {
		t.Fatal(err)
	}
	if _, err := survey.ImportFrameCSV(ctx, db, year, strings.NewReader("kind,code\ncommune,33063\n")); err != nil {
		t.Fatal(err)
	}
	inv, err := survey.IssueInvitations(ctx, db, year, survey.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := survey.SetStatus(ctx, db, year, survey.Open); err != nil {
		t.Fatal(err)
	}
	path := "/barometre/repondre/" + inv[0].Token
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}

	pages := []struct {
		n    string
		form url.Values
	}{
		{"1", url.Values{"f:fonction": {"numerique"}, "f:elu_delegue": {"oui"}, "f:strategie": {"oui"}, "f:annee_strategie": {"2022"}}},
		{"2", url.Values{"f:utilise_outils": {"oui"}}},
		{"3", url.Values{"rows": {"1"}, "f:outils.0.outil": {"consul"}, "f:outils.0.outil_usages": {"petition"}, "f:outils.0.outil_evaluation": {"externe"}, "f:outils.0.outil_evaluation_resultat": {"Rapport publié"}}},
		{"4", url.Values{"f:opendata": {"en_cours"}}},
		{"5", url.Values{"f:budget_participation": {"25000"}, "f:etp": {"1,5"}}},
		{"6", url.Values{"f:leviers": {"elus equipe"}}},
	}
	for _, p := range pages {
		srv := startServer(t, bin)
		p.form.Set("version", "0") // each page is saved once: it has no earlier version
		p.form.Set("action", "enregistrer")
		resp, err := client.PostForm(srv.base+path+"/etape/"+p.n, p.form)
		if err != nil {
			srv.kill(t)
			t.Fatalf("page %s: %v", p.n, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			srv.kill(t)
			t.Fatalf("page %s not acknowledged: %d", p.n, resp.StatusCode)
		}
		// Acknowledged: kill at once, before anything else can happen.
		srv.kill(t)

		// The next process sees it.
		srv = startServer(t, bin)
		resp, err = client.Get(srv.base + path + "/etape/" + p.n)
		if err != nil {
			srv.kill(t)
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.kill(t)
		m := regexp.MustCompile(`name="version" value="(\d+)"`).FindSubmatch(b)
		if m == nil || string(m[1]) != "1" {
			t.Fatalf("page %s after restart (want page version 1): %d\n%s", p.n, resp.StatusCode, b)
		}
	}

	s, err := survey.Start(ctx, db, inv[0].Token, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	a := s.Response.Answers
	for k, want := range map[string]string{"fonction": "numerique", "annee_strategie": "2022", "utilise_outils": "oui", "opendata": "en_cours",
		"budget_participation": "25000", "etp": "1.5", "leviers": "elus equipe"} {
		if got := a.Values[k].Value; got != want {
			t.Errorf("%s = %q after kills, want %q", k, got, want)
		}
	}
	if rows := a.Repeats["outils"]; len(rows) != 1 || rows[0]["outil"].Value != "consul" || rows[0]["outil_evaluation_resultat"].Value != "Rapport publié" {
		t.Errorf("repeat after kills = %+v", rows)
	}
	if s.Response.Version != 7 {
		t.Errorf("version = %d, want 7 (six acknowledged saves)", s.Response.Version)
	}
}
