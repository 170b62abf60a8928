package survey_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/civiscope/civiscope/survey"
	"github.com/civiscope/civiscope/survey/questionnaire"
)

func percentiles(b *testing.B, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	if len(d) == 0 {
		return
	}
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkSavePage measures one durable page save of the 2026
// questionnaire: token check, row lock, relevance and constraints on the
// whole form, JSON write, commit.
func BenchmarkSavePage(b *testing.B) {
	ctx := context.Background()
	year := 2090 + time.Now().Nanosecond()%9
	f := questionnaire.Barometre2026()
	f.Version = fmt.Sprintf("bench%d", time.Now().UnixNano())
	if _, err := survey.ImportForm(ctx, db, f); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM survey_edition WHERE year = $1`, year); err != nil {
		b.Fatal(err)
	}
	if _, err := survey.CreateEdition(ctx, db, survey.NewEdition{Year: year, Title: "bench", OpensOn: now, ClosesOn: now.AddDate(1, 0, 0), FormID: f.ID, Version: f.Version}); err != nil {
		b.Fatal(err)
	}
	if _, err := survey.DrawFrame(ctx, db, year, []survey.FrameRule{{Kind: "region"}}); err != nil {
		b.Fatal(err)
	}
	inv, err := survey.IssueInvitations(ctx, db, year, survey.IssueOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := survey.SetStatus(ctx, db, year, survey.Open); err != nil {
		b.Fatal(err)
	}
	tok := inv[0].Token
	s, err := survey.Start(ctx, db, tok, now)
	if err != nil {
		b.Fatal(err)
	}
	v := s.Response.PageVersion(s.Form.Pages()[0])
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := page(v, map[string]string{"fonction": "dgs", "elu_delegue": "oui", "strategie": "oui", "annee_strategie": fmt.Sprint(2000 + i%20)})
		t0 := time.Now()
		s, err := survey.SavePage(ctx, db, tok, 0, in, now)
		d = append(d, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		v = s.Response.PageVersion(s.Form.Pages()[0])
	}
	percentiles(b, d)
}
