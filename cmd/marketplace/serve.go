package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/app/accounts"
	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
	"github.com/diaspora-investor/marketplace/web"
)

func serveCommand() command {
	return command{
		name:    "serve",
		summary: "migrate, load the seed into an empty database, and serve the API",
		help: `Applies pending migrations, loads the bundled seed content when the database has no country
yet (SEED_ON_START=false: never), makes the administrator of ADMIN_EMAIL/ADMIN_PASSWORD if set,
and serves the API on HOST:PORT (default 127.0.0.1:8080) until SIGINT or SIGTERM, then finishes
the requests in flight. Logs are JSON lines on standard error.

Environment: DATABASE_URL (required), DATABASE_REPLICA_URL, REPLICA_MAX_LAG, HOST, PORT, PUBLIC_URL, DEFAULT_LANG, SEED_ON_START,
DB_MAX_CONNS, STATEMENT_TIMEOUT, CORS_ORIGINS, LOG_LEVEL, JWT_SECRET, SHOW_EXAMPLES, ADMIN_EMAIL, ADMIN_PASSWORD,
TRUSTED_PROXIES, CACHE_MAX_MB, CACHE_TTL, PPROF_ADDR, API_KEY_QUOTA, ANONYMOUS_QUOTA
(README.md, "Configuration").`,
		run: func(ctx context.Context, a *app, _ any, args []string) error {
			if len(args) > 0 {
				return usagef("serve takes no arguments (got %q)", args[0])
			}
			cfg, err := loadServeConfig()
			if err != nil {
				return err
			}
			log := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
			db, err := openDB(ctx, cfg.db)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := serve(ctx, log, cfg, db); err != nil {
				log.Error("exit", "error", err)
				return err
			}
			return nil
		},
	}
}

func loadSeed(ctx context.Context, log *slog.Logger, db *sqlx.DB) error {
	content, err := seed.Load()
	if err != nil {
		return err
	}
	if err := editorial.New(repository.New(db), editorial.FileLanguages()).LoadSeed(ctx, content); err != nil {
		return err
	}
	log.Info("seed content loaded", "countries", len(content.Countries))
	return nil
}

// ensureAdmin makes the account of ADMIN_EMAIL an administrator (creating it with
// ADMIN_PASSWORD the first time); running it again changes nothing.
func ensureAdmin(ctx context.Context, log *slog.Logger, cfg serveConfig, store *repository.Store) error {
	if cfg.adminEmail == "" {
		return nil
	}
	if err := accounts.New(store, nil).EnsureAdmin(ctx, cfg.adminEmail, cfg.adminPassword); err != nil {
		return err
	}
	log.Info("administrator account ready", "email", cfg.adminEmail)
	return nil
}

func serve(ctx context.Context, log *slog.Logger, cfg serveConfig, db *sqlx.DB) error {
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
	replica, err := startReplica(ctx, log, cfg, store)
	if err != nil {
		return err
	}
	defer replica.close()
	var pages *web.PageCache
	if cfg.cacheBytes > 0 {
		// Filled and served only while the watcher hears the database's change notices (and,
		// with a replica, once it has replayed them). The web site's anonymous pages get a
		// quarter of the budget, under the same notices.
		cache := api.NewCache(cfg.cacheBytes, cfg.cacheTTL)
		pages = web.NewPageCache(cfg.cacheBytes/4, cfg.cacheTTL)
		watcher := repository.WatchCatalogue(cfg.db.url, replica.gate(changeFanout{cache, pages}), log)
		defer watcher.Close()
		cfg.http.Cache = cache
		cfg.http.Collectors = pages.Collectors()
	}
	app := api.New(cfg.http, store, langs, log)
	// The web site for people, on the same app: /, /{lang}/…, /assets/…, /sitemap.xml.
	if _, err := web.Mount(app, web.Wiring(store, cfg.http.JWTSecret, append(slices.Clone(langs.Codes()), "simple")), web.Options{
		PublicURL: cfg.http.PublicURL, DefaultLang: cfg.defaultLang, Secret: cfg.http.JWTSecret,
		TrustedProxies: cfg.http.TrustedProxies, CacheMaxAge: cfg.http.CacheMaxAge, Pages: pages, Log: log,
	}); err != nil {
		return err
	}
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
	log.Info("serving", "addr", "http://"+listener.Addr().String(), "docs", "http://"+listener.Addr().String()+"/docs",
		"languages", langs.Codes(), "version", buildVersion().Version)
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

// changeFanout tells every cache of the process about the database's change notices.
type changeFanout []repository.ChangeHandler

func (f changeFanout) Changed() {
	for _, h := range f {
		h.Changed()
	}
}

func (f changeFanout) Live(live bool) {
	for _, h := range f {
		h.Live(live)
	}
}
