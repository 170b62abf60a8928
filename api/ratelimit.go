package api

import (
	"math"
	"time"

	"github.com/civiscope/civiscope/server"
)

// limits holds one token bucket per client: per IP for anonymous requests,
// per token for authenticated ones.
type limits struct {
	ip, token *server.Limiter
}

func newLimits(cfg Config) *limits {
	return &limits{
		ip:    server.NewLimiter(cfg.IPRate, cfg.IPBurst, cfg.LimiterIdle),
		token: server.NewLimiter(cfg.TokenRate, cfg.TokenBurst, cfg.LimiterIdle),
	}
}

// retryAfter is the Retry-After value: whole seconds, at least 1.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
