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
