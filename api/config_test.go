package api

import (
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	env := map[string]string{
		"API_RATE_IP": "5", "API_BURST_IP": "20", "API_RATE_TOKEN": "fast", "API_CACHE_TTL": "500ms",
		"API_CURSOR_SECRET": "s3cret", "API_TRUST_PROXY": "true", "API_MAX_BODY": "-1",
	}
	c := LoadConfig(func(k string) string { return env[k] })
	if c.IPRate != 5 || c.IPBurst != 20 || c.CacheTTL != 500*time.Millisecond || string(c.CursorSecret) != "s3cret" || !c.TrustProxy {
		t.Errorf("config %+v", c)
	}
	if c.TokenRate != 0 || c.MaxBody != 0 || len(c.Warnings) != 2 {
		t.Errorf("bad values were not replaced by defaults with a warning: %+v", c)
	}
	c.setDefaults()
	if c.TokenRate != defaultTokenRate || c.MaxBody != defaultMaxBody {
		t.Errorf("defaults %+v", c)
	}
	if off := LoadConfig(func(k string) string { return map[string]string{"API_CACHE_TTL": "0"}[k] }); off.CacheTTL != 0 || len(off.Warnings) != 0 {
		t.Errorf("API_CACHE_TTL=0: %+v", off)
	}
	if def := LoadConfig(func(string) string { return "" }); def.CacheTTL != defaultCacheTTL || len(def.Warnings) != 0 {
		t.Errorf("empty environment: %+v", def)
	}
}
