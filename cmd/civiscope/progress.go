package main

import (
	"fmt"
	"time"
)

// progress returns a callback that reports a long job's stages: a line
// redrawn in place on a terminal, a log line per stage elsewhere.
func (a *App) progress(job string) func(stage string, done, total int) {
	last := time.Time{}
	lastStage := ""
	return func(stage string, done, total int) {
		if !a.Interactive {
			if stage != lastStage {
				a.Log.Info(job, "stage", stage, "total", total)
				lastStage = stage
			}
			return
		}
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		pct := 100
		if total > 0 {
			pct = done * 100 / total
		}
		fmt.Fprintf(a.Stderr, "\r%s: %-8s %3d%% (%d/%d)", job, stage, pct, done, total)
		if done >= total {
			fmt.Fprintln(a.Stderr)
		}
	}
}

// etaProgress reports a long crawl: URLs done of those known, the rate,
// and an estimated end at that rate. The total grows as links are found,
// so the end is an estimate of what is known so far.
func (a *App) etaProgress(job string) func(done, total int) {
	start, last := time.Now(), time.Time{}
	first := -1
	return func(done, total int) {
		if first < 0 {
			first = done // a resumed run's earlier work is not this process's rate
		}
		every := 200 * time.Millisecond
		if !a.Interactive {
			every = 30 * time.Second
		}
		if done < total && time.Since(last) < every {
			return
		}
		last = time.Now()
		el := time.Since(start)
		rate := float64(done-first) / el.Seconds()
		eta := "—"
		if rate > 0 && total > done {
			eta = time.Now().Add(time.Duration(float64(total-done)/rate) * time.Second).UTC().Format("2006-01-02 15:04 UTC")
		}
		line := fmt.Sprintf("%s: %d/%d URLs, %.1f/s, estimated end %s", job, done, total, rate, eta)
		if !a.Interactive {
			a.Log.Info(job, "done", done, "total", total, "per_second", fmt.Sprintf("%.1f", rate), "estimated_end", eta)
			return
		}
		fmt.Fprintf(a.Stderr, "\r%-100s", line)
		if done >= total {
			fmt.Fprintln(a.Stderr)
		}
	}
}
