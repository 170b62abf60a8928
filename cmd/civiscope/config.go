package main

import (
	"log/slog"
	"strings"

	"github.com/civiscope/civiscope/account"
	"github.com/civiscope/civiscope/api"
)

// Config is read once from the environment in main and passed down.
type Config struct {
	DatabaseURL string // DATABASE_URL
	ListenAddr  string // LISTEN_ADDR
	PublicURL   string // PUBLIC_URL, used in links and the crawler's User-Agent
	MeiliURL    string // MEILI_URL: Meilisearch instead of PostgreSQL search
	MeiliAPIKey string // MEILI_API_KEY
	LogLevel    slog.Level
	API         api.Config         // API_* variables: rate limits, body limit, cursor key
	SMTP        account.SMTPConfig // SMTP_ADDR, SMTP_FROM, SMTP_USERNAME, SMTP_PASSWORD
	// CrawlSchedule (CRAWL_SCHEDULE=on) lets serve crawl real sites on a
	// schedule; off by default so that `make run` and tests contact no one.
	CrawlSchedule bool
	// CrawlLoopback (CRAWL_ALLOW_LOOPBACK=true) lets the crawler and claim
	// checks reach this machine, to crawl a local copy of a site; every
	// other non-public address stays refused.
	CrawlLoopback bool
}

// DefaultDatabaseURL is the project-local cluster that `make run` starts.
const DefaultDatabaseURL = "postgres://civiscope@127.0.0.1:55432/civiscope?sslmode=disable"

// LoadConfig reads the configuration through getenv.
func LoadConfig(getenv func(string) string) Config {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		ListenAddr:  getenv("LISTEN_ADDR"),
		PublicURL:   getenv("PUBLIC_URL"),
		MeiliURL:    getenv("MEILI_URL"),
		MeiliAPIKey: getenv("MEILI_API_KEY"),
		API:         api.LoadConfig(getenv),
		SMTP:        account.LoadSMTPConfig(getenv),
	}
	switch strings.ToLower(getenv("CRAWL_SCHEDULE")) {
	case "on", "1", "true", "yes":
		c.CrawlSchedule = true
	}
	c.CrawlLoopback = getenv("CRAWL_ALLOW_LOOPBACK") == "true"
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	if c.ListenAddr == "" {
		c.ListenAddr = "localhost:8080"
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.ListenAddr
	}
	switch strings.ToLower(getenv("LOG_LEVEL")) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		c.LogLevel = slog.LevelInfo
	}
	return c
}
