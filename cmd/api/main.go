// Command api serves the Diaspora Investor Marketplace API.
//
//	api [serve]        migrate, seed an empty database, and serve (the default)
//	api migrate up     apply pending migrations
//	api migrate down   roll back the last migration
//	api seed           load the seed content (idempotent)
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel(os.Getenv("LOG_LEVEL"))}))
	if err := run(log, os.Args[1:]); err != nil {
		log.Error("exit", "error", err)
		os.Exit(1)
	}
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

func run(log *slog.Logger, args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	db, err := repository.Open(ctx, cfg.databaseURL, repository.PoolOptions{MaxOpen: cfg.maxConns, StatementTimeout: cfg.statementTimeout})
	if err != nil {
		return err
	}
	defer db.Close()

	command := "serve"
	if len(args) > 0 {
		command = args[0]
	}
	switch command {
	case "serve":
		return serve(ctx, log, cfg, db)
	case "migrate":
		if len(args) > 1 && args[1] == "down" {
			return repository.MigrateDown(ctx, db.DB)
		}
		return repository.Migrate(ctx, db.DB)
	case "seed":
		if err := repository.Migrate(ctx, db.DB); err != nil {
			return err
		}
		return loadSeed(ctx, log, db)
	default:
		return fmt.Errorf("unknown command %q (want serve, migrate [up|down] or seed)", command)
	}
}

type config struct {
	databaseURL      string
	host, port       string
	maxConns         int
	statementTimeout time.Duration
	defaultLang      string
	seedOnStart      bool
	adminEmail       string
	adminPassword    string
	cacheBytes       int64
	cacheTTL         time.Duration
	pprofAddr        string // empty: no profiling endpoint
	http             api.Config
}

func loadConfig() (config, error) {
	c := config{
		databaseURL:      os.Getenv("DATABASE_URL"),
		host:             env("HOST", "127.0.0.1"),
		port:             env("PORT", "8080"),
		defaultLang:      env("DEFAULT_LANG", "en"),
		seedOnStart:      env("SEED_ON_START", "true") == "true",
		statementTimeout: 5 * time.Second,
		http:             api.DefaultConfig(),
	}
	c.http.ShowExamples = env("SHOW_EXAMPLES", "false") == "true"
	if c.databaseURL == "" {
		return c, errors.New("DATABASE_URL is not set (`make run` starts a private PostgreSQL and sets it)")
	}
	var err error
	if c.maxConns, err = strconv.Atoi(env("DB_MAX_CONNS", "20")); err != nil || c.maxConns < 1 {
		return c, errors.New("DB_MAX_CONNS must be a positive whole number")
	}
	if v := os.Getenv("STATEMENT_TIMEOUT"); v != "" {
		if c.statementTimeout, err = time.ParseDuration(v); err != nil {
			return c, fmt.Errorf("STATEMENT_TIMEOUT: %w", err)
		}
	}
	cacheMB, err := strconv.Atoi(env("CACHE_MAX_MB", "32"))
	if err != nil || cacheMB < 0 {
		return c, errors.New("CACHE_MAX_MB must be a whole number of megabytes (0 turns the cache off)")
	}
	c.cacheBytes = int64(cacheMB) << 20
	if c.cacheTTL, err = time.ParseDuration(env("CACHE_TTL", "5m")); err != nil || c.cacheTTL <= 0 {
		return c, errors.New("CACHE_TTL must be a positive duration such as 5m")
	}
	if c.pprofAddr = os.Getenv("PPROF_ADDR"); c.pprofAddr != "" {
		host, _, err := net.SplitHostPort(c.pprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return c, errors.New("PPROF_ADDR must be a loopback address with a port, such as 127.0.0.1:6060")
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
		return c, errors.New("set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither")
	}
	if secret := os.Getenv("JWT_SECRET"); secret != "" {
		if len(secret) < 32 {
			return c, errors.New("JWT_SECRET must be at least 32 bytes")
		}
		c.http.JWTSecret = []byte(secret)
	}
	if _, err := strconv.Atoi(c.port); err != nil {
		return c, errors.New("PORT must be a number")
	}
	for name, dst := range map[string]*int{"API_KEY_QUOTA": &c.http.APIKeyQuota, "ANONYMOUS_QUOTA": &c.http.AnonymousQuota} {
		if v := os.Getenv(name); v != "" {
			if *dst, err = strconv.Atoi(v); err != nil || *dst < 0 {
				return c, fmt.Errorf("%s must be a whole number of requests a minute (0: no quota)", name)
			}
		}
	}
	return c, nil
}

func env(name, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return fallback
}

func loadSeed(ctx context.Context, log *slog.Logger, db *sqlx.DB) error {
	content, err := seed.Load()
	if err != nil {
		return err
	}
	if err := repository.New(db).LoadSeed(ctx, content); err != nil {
		return err
	}
	log.Info("seed content loaded", "countries", len(content.Countries))
	return nil
}

// ensureAdmin makes the account of ADMIN_EMAIL an administrator (creating it with
// ADMIN_PASSWORD the first time); running it again changes nothing.
func ensureAdmin(ctx context.Context, log *slog.Logger, cfg config, store *repository.Store) error {
	if cfg.adminEmail == "" {
		return nil
	}
	if err := api.EnsureAdmin(ctx, store, cfg.adminEmail, cfg.adminPassword); err != nil {
		return err
	}
	log.Info("administrator account ready", "email", cfg.adminEmail)
	return nil
}

func serve(ctx context.Context, log *slog.Logger, cfg config, db *sqlx.DB) error {
	if err := repository.Migrate(ctx, db.DB); err != nil {
		return err
	}
	store := repository.New(db)
	defer store.Close()
	if cfg.seedOnStart {
		has, err := store.HasCatalogue(ctx)
		if err != nil {
			return err
		}
		if !has {
			if err := loadSeed(ctx, log, db); err != nil {
				return err
			}
		}
	}
	if err := ensureAdmin(ctx, log, cfg, store); err != nil {
		return err
	}
	if cfg.http.JWTSecret == nil {
		// Development: tokens die with the process, and instances would not accept each
		// other's. Production sets JWT_SECRET.
		cfg.http.JWTSecret = make([]byte, 32)
		if _, err := rand.Read(cfg.http.JWTSecret); err != nil {
			return err
		}
		log.Warn("JWT_SECRET is not set: signing tokens with a random key; set it in production")
	}
	langs, err := api.LoadLanguages(cfg.defaultLang)
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit on the heap keeps a full cache from doubling the process's memory
		// (the collector's default lets the heap grow to twice what is live).
		debug.SetMemoryLimit(cfg.cacheBytes + 32<<20)
	}
	if cfg.cacheBytes > 0 {
		// Filled and served only while the watcher hears the database's change notices.
		cache := api.NewCache(cfg.cacheBytes, cfg.cacheTTL)
		watcher := repository.WatchCatalogue(cfg.databaseURL, cache, log)
		defer watcher.Close()
		cfg.http.Cache = cache
	}
	app := api.New(cfg.http, store, langs, log)
	if cfg.pprofAddr != "" {
		stop, err := servePprof(cfg.pprofAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}

	addr := net.JoinHostPort(cfg.host, cfg.port)
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", "http://"+listener.Addr().String(), "docs", "http://"+listener.Addr().String()+"/docs", "languages", langs.Codes())
	errs := make(chan error, 1)
	go func() { errs <- app.Listener(listener) }()
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	if err := app.ShutdownWithTimeout(20 * time.Second); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// servePprof serves Go's profiles (net/http/pprof) on a loopback address of their own, apart
// from the API's routes, for profiling under load (`make bench` with BENCH_PROFILE).
func servePprof(addr string, log *slog.Logger) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("PPROF_ADDR: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	log.Info("profiling", "addr", "http://"+l.Addr().String()+"/debug/pprof/")
	return func() { _ = srv.Close() }, nil
}
