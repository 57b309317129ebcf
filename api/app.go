// Package api is the HTTP layer: the Fiber app, its routes, handlers and middleware. A handler
// parses the request, calls one use case of an app package, and renders the domain values it
// gets as the JSON of openapi.yaml; every error becomes an RFC 9457 problem in the reader's
// language (errors.go maps the use cases' errors).
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus"

	marketplace "github.com/diaspora-investor/marketplace"
	"github.com/diaspora-investor/marketplace/app/accounts"
	"github.com/diaspora-investor/marketplace/app/agencies"
	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/app/contacts"
	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/app/guides"
	"github.com/diaspora-investor/marketplace/app/integrations"
	"github.com/diaspora-investor/marketplace/app/interests"
	"github.com/diaspora-investor/marketplace/app/limits"
	"github.com/diaspora-investor/marketplace/app/matching"
	"github.com/diaspora-investor/marketplace/internal/clientip"
	"github.com/diaspora-investor/marketplace/repository"
)

// Config holds what the HTTP layer needs from the environment.
type Config struct {
	BodyLimit      int           // bytes
	ReadTimeout    time.Duration // whole request, headers and body
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	RequestTimeout time.Duration // a handler's database work
	CORSOrigins    string        // comma-separated, "*" for any
	CacheMaxAge    time.Duration // Cache-Control max-age of public catalogue reads
	// JWTSecret signs access tokens (HMAC-SHA256); at least 32 bytes.
	JWTSecret []byte
	// TrustedProxies are the addresses of load balancers whose X-Forwarded-For is believed
	// (for rate limits per client address); empty: the peer address is the client.
	TrustedProxies []string
	// Cache, when set, serves public catalogue reads from memory (see Cache); nil: every read
	// goes to the database.
	Cache *Cache
	// Collectors are more of the process's metrics, served at /metrics beside the API's (the
	// web site's page cache).
	Collectors []prometheus.Collector
	// Quotas of /v1 requests per QuotaWindow: per API key, and per client address for anonymous
	// reads of the catalogue (0: no quota). A 304 is not counted.
	APIKeyQuota    int
	AnonymousQuota int
	QuotaWindow    time.Duration
	// PublicURL (PUBLIC_URL, checked by ParsePublicURL) is the one source of absolute links:
	// feeds, Link, Location, problem types, the served document's servers. Scheme, host and an
	// optional path prefix, no trailing slash. Empty: links are relative.
	PublicURL string
	// ShowExamples makes illustrative items public (labelled as examples); otherwise only their
	// editors see them (SHOW_EXAMPLES).
	ShowExamples bool
	// RecheckAfterMonths is the age of as_of past which an item is flagged for its agency to
	// check it again against its sources.
	RecheckAfterMonths int
}

// headerLimit bounds the request line and headers together, in bytes.
const headerLimit = 16 << 10

// DefaultConfig are the settings used when the environment says nothing.
func DefaultConfig() Config {
	return Config{
		BodyLimit:          1 << 20,
		RecheckAfterMonths: 12,
		ReadTimeout:        10 * time.Second,
		WriteTimeout:       30 * time.Second,
		IdleTimeout:        120 * time.Second,
		RequestTimeout:     10 * time.Second,
		CORSOrigins:        "*",
		CacheMaxAge:        60 * time.Second,
		APIKeyQuota:        1200,
		AnonymousQuota:     300,
		QuotaWindow:        time.Minute,
	}
}

// infrastructure is what the HTTP layer itself needs of the database: pruning the rate limits'
// expired windows (app/limits counts them), a ping for readiness, and the read replica's state
// (nil without one) for reading one's own writes.
type infrastructure interface {
	PruneRateLimits(ctx context.Context, before time.Time) error
	Ping(ctx context.Context) error
	Replica() *repository.Replica
}

type server struct {
	cfg     Config
	store   infrastructure
	langs   *Languages
	log     *slog.Logger
	metrics *metrics
	ready   readiness
	tokens  tokens
	// searchLangs are the languages a search is parsed in: every interface language, and
	// "simple" for content in languages without a stemmer (kea is searched as Portuguese: 00032).
	searchLangs []string
	trusted     clientip.Proxies // proxies whose X-Forwarded-For is believed
	document    []byte           // openapi.yaml as served (see servedDocument)
	// The use cases (the application layer), shared with every other interface.
	agencies     *agencies.Service
	interests    *interests.Service
	integrations *integrations.Service
	accounts     *accounts.Service
	limits       *limits.Counters
	catalogue    *catalogue.Service
	matching     *matching.Service
	editorial    *editorial.Service
	guides       *guides.Service
	contacts     *contacts.Service
}

// New builds the app over the store.
func New(cfg Config, store *repository.Store, langs *Languages, log *slog.Logger) *fiber.App {
	store.Public(cfg.ShowExamples)
	s := &server{cfg: cfg, store: store, langs: langs, log: log, metrics: newMetrics(),
		tokens:       tokens{key: cfg.JWTSecret, now: time.Now},
		searchLangs:  append(slices.Clone(langs.Codes()), "simple"),
		trusted:      clientip.Parse(cfg.TrustedProxies),
		document:     servedDocument(marketplace.OpenAPIDocument, cfg.PublicURL),
		agencies:     agencies.New(store),
		interests:    interests.New(store),
		integrations: integrations.New(store),
		guides:       guides.New(store),
		contacts:     contacts.New(store),
		ready: readiness{check: func(ctx context.Context) (bool, error) {
			return repository.MigrationsApplied(ctx, store.DB().DB)
		}}}
	s.accounts = accounts.New(store, s.supportedLanguage)
	s.limits = limits.New(store, cfg.JWTSecret)
	s.catalogue = catalogue.New(store, store, s.searchLangs)
	s.matching = matching.New(store, s.catalogue)
	s.editorial = editorial.New(store, editorial.Languages{Match: s.supportedLanguage, Codes: s.langs.codes})
	if cfg.Cache != nil {
		s.metrics.registerCache(cfg.Cache)
	}
	s.metrics.registry.MustRegister(cfg.Collectors...)
	if r := store.Replica(); r != nil {
		s.metrics.registerReplica(r)
	}
	app := fiber.New(fiber.Config{
		AppName:               "diaspora-marketplace",
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           cfg.ReadTimeout,
		WriteTimeout:          cfg.WriteTimeout,
		IdleTimeout:           cfg.IdleTimeout,
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		// Room for a bearer token beside a browser's usual headers; more is a 431.
		ReadBufferSize: headerLimit,
		StrictRouting:  true,
		CaseSensitive:  true,
		JSONEncoder:    json.Marshal,
		JSONDecoder:    json.Unmarshal,
		// X-Forwarded-Host and -Proto (the Atom feed's links) are believed from the trusted
		// proxies only: anyone else could otherwise put their host in a cached feed.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
	})
	s.middleware(app)
	s.routes(app)
	return app
}

// middleware runs, in this order, before every route: the request's id and metrics, panics
// caught, language negotiation, the document's limits, CORS, the query check, the caller's
// identity, read-your-writes, compression, the cache and conditional requests.
func (s *server) middleware(app *fiber.App) {
	cfg := s.cfg
	app.Use(s.requestContext)
	app.Use(s.observe)
	app.Use(recover.New())
	app.Use(s.negotiate)
	app.Use(s.declaredLimits)
	app.Use(cors.New(cors.Config{
		AllowOrigins: cfg.CORSOrigins,
		AllowMethods: "GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS",
		AllowHeaders: "Accept, Accept-Language, Authorization, Content-Type, If-None-Match, If-Match, Idempotency-Key, X-Request-ID, X-API-Key",
		ExposeHeaders: "Content-Disposition, Content-Language, ETag, Idempotent-Replayed, Link, Location, Retry-After, " +
			"RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, WWW-Authenticate, X-Request-ID",
		MaxAge: 600,
	}))
	// Before the cache and the quotas: a misspelt parameter or a NUL never reaches either.
	app.Use(s.checkQuery(queryRoutes()))
	app.Use(s.authenticate)
	app.Use(s.readYourWrites)
	app.Use(compress.New())
	app.Use(s.cacheReads)
	app.Use(conditional)
}

// json encodes a response body; HTML-escaping is off because the bodies are JSON for programs,
// and names such as "Banco & Cia" should read as written.
func (s *server) json(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// sendJSON writes a 200 JSON body.
func (s *server) sendJSON(c *fiber.Ctx, v any) error {
	body, err := s.json(v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}
