package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/repository"
)

// configError names the variable that is wrong and the form it must take.
type configError struct {
	name, problem, want string
}

func (e configError) Error() string {
	return fmt.Sprintf("configuration: %s %s; expected %s", e.name, e.problem, e.want)
}

// badVar is a variable that is set to something unusable.
func badVar(name, want string) error {
	return configError{name: name, problem: fmt.Sprintf("is %q", os.Getenv(name)), want: want}
}

// dbConfig is what every command that touches the database needs.
type dbConfig struct {
	url              string
	maxConns         int
	statementTimeout time.Duration
}

const databaseURLForm = "postgres://user:password@host:5432/database?sslmode=disable (`make run` starts a private PostgreSQL and sets it)"

func loadDBConfig() (dbConfig, error) {
	c := dbConfig{url: os.Getenv("DATABASE_URL"), statementTimeout: 5 * time.Second}
	if c.url == "" {
		return c, configError{name: "DATABASE_URL", problem: "is not set", want: databaseURLForm}
	}
	if u, err := url.Parse(c.url); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" && u.Query().Get("host") == "" {
		// Not echoed: the URL holds a password.
		return c, configError{name: "DATABASE_URL", problem: "is not a postgres:// URL", want: databaseURLForm}
	}
	var err error
	if c.maxConns, err = strconv.Atoi(env("DB_MAX_CONNS", "20")); err != nil || c.maxConns < 1 {
		return c, badVar("DB_MAX_CONNS", "a positive whole number of connections, such as 20")
	}
	if v := os.Getenv("STATEMENT_TIMEOUT"); v != "" {
		if c.statementTimeout, err = time.ParseDuration(v); err != nil || c.statementTimeout < 0 {
			return c, badVar("STATEMENT_TIMEOUT", "a Go duration such as 5s or 1500ms")
		}
	}
	return c, nil
}

// openDB connects with the environment's settings; the caller closes it.
func openDB(ctx context.Context, c dbConfig) (*sqlx.DB, error) {
	return repository.Open(ctx, c.url, repository.PoolOptions{MaxOpen: c.maxConns, StatementTimeout: c.statementTimeout})
}

// serveConfig is the server's configuration.
type serveConfig struct {
	db            dbConfig
	host, port    string
	defaultLang   string
	seedOnStart   bool
	adminEmail    string
	adminPassword string
	cacheBytes    int64
	cacheTTL      time.Duration
	pprofAddr     string // empty: no profiling endpoint
	replica       replicaConfig
	logLevel      slog.Level
	http          api.Config
}

func loadServeConfig() (serveConfig, error) {
	c := serveConfig{
		host:        env("HOST", "127.0.0.1"),
		port:        env("PORT", "8080"),
		defaultLang: env("DEFAULT_LANG", "en"),
		http:        api.DefaultConfig(),
	}
	var err error
	if c.db, err = loadDBConfig(); err != nil {
		return c, err
	}
	if err := c.logLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		return c, badVar("LOG_LEVEL", "debug, info, warn or error")
	}
	switch env("SEED_ON_START", "true") {
	case "true":
		c.seedOnStart = true
	case "false":
	default:
		return c, badVar("SEED_ON_START", "true or false")
	}
	// Illustrative listings are hidden from the public unless asked for (a demo).
	switch env("SHOW_EXAMPLES", "false") {
	case "true":
		c.http.ShowExamples = true
	case "false":
	default:
		return c, badVar("SHOW_EXAMPLES", "true or false")
	}
	cacheMB, err := strconv.Atoi(env("CACHE_MAX_MB", "32"))
	if err != nil || cacheMB < 0 {
		return c, badVar("CACHE_MAX_MB", "a whole number of megabytes, such as 32 (0 turns the cache off)")
	}
	c.cacheBytes = int64(cacheMB) << 20
	if c.cacheTTL, err = time.ParseDuration(env("CACHE_TTL", "5m")); err != nil || c.cacheTTL <= 0 {
		return c, badVar("CACHE_TTL", "a positive Go duration such as 5m")
	}
	if c.pprofAddr = os.Getenv("PPROF_ADDR"); c.pprofAddr != "" {
		host, _, err := net.SplitHostPort(c.pprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return c, badVar("PPROF_ADDR", "a loopback address with a port, such as 127.0.0.1:6060")
		}
	}
	if v := os.Getenv("CORS_ORIGINS"); v != "" {
		c.http.CORSOrigins = v
	}
	if v := os.Getenv("TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			c.http.TrustedProxies = append(c.http.TrustedProxies, strings.TrimSpace(p))
		}
	}
	c.adminEmail, c.adminPassword = os.Getenv("ADMIN_EMAIL"), os.Getenv("ADMIN_PASSWORD")
	if (c.adminEmail == "") != (c.adminPassword == "") {
		missing := "ADMIN_PASSWORD"
		if c.adminEmail == "" {
			missing = "ADMIN_EMAIL"
		}
		return c, configError{name: missing, problem: "is not set", want: "ADMIN_EMAIL and ADMIN_PASSWORD both set, or neither (or use `marketplace admin create EMAIL`)"}
	}
	if secret := os.Getenv("JWT_SECRET"); secret != "" {
		// The secret itself is never printed.
		if err := api.CheckSecret(secret); err != nil {
			return c, fmt.Errorf("configuration: %w", err)
		}
		c.http.JWTSecret = []byte(secret)
	}
	if p, err := strconv.Atoi(c.port); err != nil || p < 0 || p > 65535 {
		return c, badVar("PORT", "a TCP port number, such as 8080")
	}
	for name, dst := range map[string]*int{"API_KEY_QUOTA": &c.http.APIKeyQuota, "ANONYMOUS_QUOTA": &c.http.AnonymousQuota} {
		if v := os.Getenv(name); v != "" {
			if *dst, err = strconv.Atoi(v); err != nil || *dst < 0 {
				return c, badVar(name, "a whole number of requests a minute (0: no quota)")
			}
		}
	}
	if c.http.PublicURL, err = publicURL(os.Getenv("PUBLIC_URL")); err != nil {
		return c, err
	}
	if c.replica, err = loadReplicaConfig(); err != nil {
		return c, err
	}
	return c, nil
}

// publicURL checks PUBLIC_URL: an absolute http(s) URL, with no query or fragment; a trailing
// slash is dropped, so that paths can be appended.
func publicURL(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	u, err := api.ParsePublicURL(v)
	if err != nil {
		return "", badVar("PUBLIC_URL", "the address clients reach the API at, such as https://api.example.org or https://example.org/marketplace (no query)")
	}
	return u, nil
}

func env(name, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return fallback
}
