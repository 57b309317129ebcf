// Package web is the people's interface of the marketplace: server-rendered HTML pages in the
// languages of locales/, mounted on the API's Fiber app. It holds the shared layout, templates,
// embedded assets, cookie sessions and CSRF protection (for the investors' site now, and the
// agencies' console later), and no SQL or business rule: the pages call the capabilities of
// ports.go, wired in wiring.go.
package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/clientip"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are the capabilities the pages use.
type Deps struct {
	Catalogue   Catalogue
	Eligibility Eligibility
	Accounts    Accounts
	Interests   Interests
	// Console is the agencies' console's (console_wiring.go); nil: no console.
	Console *ConsoleServices
	Sitemap Sitemap
}

// Options are the site's settings.
type Options struct {
	// PublicURL is the service's public address (PUBLIC_URL): canonical links, Open Graph and the
	// sitemap are absolute under it; empty: they are relative.
	PublicURL string
	// DefaultLang is the language of a visitor who asks for none.
	DefaultLang string
	// Secret keys the CSRF tokens (JWT_SECRET).
	Secret []byte
	// TrustedProxies are load balancers whose X-Forwarded-For names the client (rate limits).
	TrustedProxies []string
	// InsecureCookies drops the Secure attribute, for tests over plain HTTP only.
	InsecureCookies bool
	// CacheMaxAge is how long anonymous pages may be kept by caches.
	CacheMaxAge time.Duration
	// Pages, when set, keeps anonymous public pages in memory (see PageCache); nil: every
	// page is rendered.
	Pages *PageCache
	Log   *slog.Logger
}

// Site renders the pages.
type Site struct {
	deps    Deps
	opts    Options
	texts   *texts
	pages   map[string]*template.Template
	assets  map[string]asset
	trusted clientip.Proxies
	log     *slog.Logger
	// renewals shares a just-renewed session between two tabs that renew it at once.
	renewals *renewals
}

type asset struct {
	body        []byte
	contentType string
	version     string
}

// Mount adds the site's routes to app: / (redirecting to the visitor's language), /{lang}/…,
// /assets/…, /sitemap.xml and /robots.txt. The API's routes are untouched.
func Mount(app *fiber.App, deps Deps, opts Options) (*Site, error) {
	if opts.DefaultLang == "" {
		opts.DefaultLang = "en"
	}
	if opts.CacheMaxAge == 0 {
		opts.CacheMaxAge = time.Minute
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if len(opts.Secret) == 0 {
		return nil, errors.New("web: a secret is needed for CSRF tokens")
	}
	t, err := loadTexts(opts.DefaultLang)
	if err != nil {
		return nil, err
	}
	s := &Site{deps: deps, opts: opts, texts: t, log: opts.Log, trusted: clientip.Parse(opts.TrustedProxies),
		renewals: newRenewals()}
	if err := s.loadAssets(); err != nil {
		return nil, err
	}
	if err := s.loadTemplates(); err != nil {
		return nil, err
	}
	if err := s.loadConsoleTemplates(); err != nil {
		return nil, err
	}
	s.routes(app)
	return s, nil
}

func (s *Site) loadAssets() error {
	s.assets = map[string]asset{}
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct := "application/octet-stream"
		switch {
		case strings.HasSuffix(p, ".css"):
			ct = "text/css; charset=utf-8"
		case strings.HasSuffix(p, ".svg"):
			ct = "image/svg+xml"
		}
		s.assets[strings.TrimPrefix(p, "static/")] = asset{body: body, contentType: ct, version: hex.EncodeToString(sum[:6])}
		return nil
	})
}

func (s *Site) loadTemplates() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", n, err)
		}
		s.pages[base] = t
	}
	return nil
}

// Cookies. The session is two cookies: a short-lived signed access value naming the user, and
// the refresh token of a family shared with the API's (rotated when the access value expires).
const (
	cookieAccess  = "dim_access"
	cookieRefresh = "dim_refresh"
	cookieCSRF    = "dim_csrf"
	cookieLang    = "dim_lang"
	localUser     = "web_user"
)

func (s *Site) routes(app *fiber.App) {
	app.Get("/", s.headers, s.root)
	app.Get("/robots.txt", s.headers, s.robots)
	app.Get("/sitemap.xml", s.headers, s.sitemapIndex)
	app.Get("/sitemaps/:name", s.headers, s.sitemapPart)
	app.Get("/assets/:file", s.headers, s.asset)
	for _, lang := range s.texts.codes {
		app.Get("/"+lang, func(c *fiber.Ctx) error { return c.Redirect("/"+lang+"/", fiber.StatusMovedPermanently) })
		g := app.Group("/"+lang, s.headers, s.cached, s.session)
		s.investorRoutes(g)
		// The agencies' console (issue 15) adds its routes to the same group (/{lang}/console/…):
		// the same security headers, cookie session and CSRF check; its pages are private
		// (render never lets a signed-in page be stored) and open with a session only.
		s.consoleRoutes(g)
		g.All("/*", s.notFound)
	}
}

// investorRoutes are the pages of the investors' site, under /{lang}.
func (s *Site) investorRoutes(g fiber.Router) {
	g.Get("/", s.home)
	g.Get("/language", s.switchLanguage)
	g.Get("/search", s.search)
	g.Get("/countries/:code", s.country)
	g.Get("/countries/:code/:kind", s.list)
	g.Get("/opportunities/:id", s.opportunity)
	g.Get("/incentives/:id", s.incentive)
	g.Get("/programmes/:id", s.programme)
	g.Get("/eligibility", s.eligibility)
	g.Get("/signup", s.signupForm)
	g.Post("/signup", s.csrf, s.signup)
	g.Get("/signin", s.signinForm)
	g.Post("/signin", s.csrf, s.signin)
	g.Post("/signout", s.csrf, s.signout)
	g.Get("/account", s.account)
	g.Get("/account/profile", s.profileForm)
	g.Post("/account/profile", s.csrf, s.saveProfile)
	g.Get("/account/saved", s.saved)
	g.Get("/account/interests", s.interests)
	g.Get("/account/export", s.export)
	g.Get("/account/erase", s.eraseForm)
	g.Post("/account/erase", s.csrf, s.erase)
	g.Post("/opportunities/:id/save", s.csrf, s.save(true))
	g.Post("/opportunities/:id/unsave", s.csrf, s.save(false))
	g.Get("/opportunities/:id/interest", s.interestForm)
	g.Post("/opportunities/:id/interest", s.csrf, s.sendInterest)
}

// pageLang is the language of the URL (/pt/…).
func pageLang(c *fiber.Ctx) string {
	p := c.Path()
	if len(p) >= 3 && p[0] == '/' {
		if i := strings.IndexByte(p[1:], '/'); i > 0 {
			return p[1 : 1+i]
		}
	}
	return ""
}

// root sends a visitor to their language: the one they chose before (cookie), else their
// browser's (Accept-Language), else the default.
func (s *Site) root(c *fiber.Ctx) error {
	lang := s.texts.negotiate(c.Cookies(cookieLang), c.Get(fiber.HeaderAcceptLanguage))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Vary(fiber.HeaderCookie)
	return c.Redirect("/"+lang+"/", fiber.StatusSeeOther)
}

// switchLanguage remembers a choice of language and goes to the same page in it.
func (s *Site) switchLanguage(c *fiber.Ctx) error {
	to := c.Query("to")
	if !s.texts.supported(to) {
		return s.notFound(c)
	}
	next := c.Query("next")
	lang := pageLang(c)
	if !strings.HasPrefix(next, "/"+lang+"/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		next = "/" + lang + "/"
	}
	next = "/" + to + strings.TrimPrefix(next, "/"+lang)
	c.Cookie(&fiber.Cookie{Name: cookieLang, Value: to, Path: "/", MaxAge: 365 * 24 * 3600, Secure: !s.opts.InsecureCookies,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	return seeOther(c, next)
}

func (s *Site) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.SendString("User-agent: *\nDisallow: /v1/\nDisallow: /*/account\nSitemap: " + s.absolute("/sitemap.xml") + "\n")
}

func (s *Site) asset(c *fiber.Ctx) error {
	a, ok := s.assets[c.Params("file")]
	if !ok {
		return s.notFound(c)
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	c.Set("X-Content-Type-Options", "nosniff")
	if c.Query("v") == a.version {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	return c.Send(a.body)
}

// assetURL is an asset's address with its content hash, cacheable for ever.
func (s *Site) assetURL(name string) string {
	return "/assets/" + name + "?v=" + s.assets[name].version
}

// headers sets the security headers of every page.
func (s *Site) headers(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "+
		"base-uri 'none'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	c.Vary(fiber.HeaderCookie)
	return c.Next()
}

// session reads the visitor's session cookies: a valid access value names the user; an expired
// one is renewed from the refresh token (rotated, as the API's refresh does). A cookie that
// names nobody any more is cleared.
func (s *Site) session(c *fiber.Ctx) error {
	access, refresh := c.Cookies(cookieAccess), c.Cookies(cookieRefresh)
	if access == "" && refresh == "" {
		return c.Next()
	}
	ctx := c.UserContext()
	if access != "" {
		if id, version, err := s.deps.Accounts.ParseAccess(access); err == nil {
			u, err := s.deps.Accounts.TokenUser(ctx, id, version)
			switch {
			case err == nil:
				c.Locals(localUser, u)
				return c.Next()
			case !errors.Is(err, ErrBadCredentials):
				return s.fail(c, err)
			}
		}
	}
	if refresh != "" && len(refresh) <= 100 {
		client := s.clientIP(c)
		sess, err := s.renewals.resume(refresh, c.Cookies(cookieCSRF), time.Now(), func() (*Session, error) {
			return s.deps.Accounts.Resume(ctx, client, refresh)
		})
		switch {
		case err == nil:
			if err := s.startSession(c, sess); err != nil {
				return s.fail(c, err)
			}
			c.Locals(localUser, sess.User)
			return c.Next()
		case errors.Is(err, ErrBadCredentials):
		default:
			var rl *RateLimited
			if errors.As(err, &rl) {
				return s.tooMany(c, rl)
			}
			return s.fail(c, err)
		}
	}
	s.endSession(c)
	return c.Next()
}

func (s *Site) cookie(name, value string, maxAge int) *fiber.Cookie {
	return &fiber.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, Secure: !s.opts.InsecureCookies,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode}
}

func (s *Site) startSession(c *fiber.Ctx, sess *Session) error {
	access, err := s.deps.Accounts.AccessToken(sess.User)
	if err != nil {
		return err
	}
	c.Cookie(s.cookie(cookieAccess, access, int(accessTTL.Seconds())))
	c.Cookie(s.cookie(cookieRefresh, sess.RefreshToken, int(refreshTTL.Seconds())))
	return nil
}

func (s *Site) endSession(c *fiber.Ctx) {
	for _, name := range []string{cookieAccess, cookieRefresh} {
		ck := s.cookie(name, "", -1)
		ck.Expires = time.Unix(0, 0)
		c.Cookie(ck)
	}
}

func currentUser(c *fiber.Ctx) *domain.User {
	u, _ := c.Locals(localUser).(*domain.User)
	return u
}

// csrfToken is the token the forms carry: an HMAC of the visitor's CSRF cookie, which is set
// here when missing.
func (s *Site) csrfToken(c *fiber.Ctx) string {
	v := c.Cookies(cookieCSRF)
	if len(v) != 43 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		v = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(s.cookie(cookieCSRF, v, 0))
		c.Request().Header.SetCookie(cookieCSRF, v)
	}
	return s.csrfFor(v)
}

func (s *Site) csrfFor(cookie string) string {
	mac := hmac.New(sha256.New, s.opts.Secret)
	mac.Write([]byte("csrf\x00" + cookie))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// csrf refuses a form posted without the token of the visitor's CSRF cookie, or from another
// site.
func (s *Site) csrf(c *fiber.Ctx) error {
	cookie := c.Cookies(cookieCSRF)
	sent := c.FormValue("csrf")
	ok := len(cookie) == 43 && hmac.Equal([]byte(sent), []byte(s.csrfFor(cookie)))
	if site := c.Get("Sec-Fetch-Site"); site == "cross-site" {
		ok = false
	}
	if !ok {
		c.Status(fiber.StatusForbidden)
		return s.render(c, "error", s.newPage(c, "web.error.csrf.title"), map[string]any{"Message": "web.error.csrf.detail"})
	}
	return c.Next()
}

// clientIP is the address a request comes from, as every interface counts it (internal/clientip).
func (s *Site) clientIP(c *fiber.Ctx) string {
	return s.trusted.Of(c.Context().RemoteIP(), c.Get(fiber.HeaderXForwardedFor))
}

// absolute is a path under PUBLIC_URL (or the path itself without one).
func (s *Site) absolute(path string) string { return s.opts.PublicURL + path }

// page is what every template gets.
type page struct {
	site      *Site
	Lang      string
	Dir       string
	TitleID   string
	Title     string
	Path      string // without the language: "/countries/CV"
	Query     string // the query string, for alternates of filtered pages
	User      *domain.User
	CSRFToken string
	Canonical string
	NoIndex   bool
	Feed      string
	Data      map[string]any
	Errors    []fieldMessage
}

type fieldMessage struct {
	Field, Message string
}

func (s *Site) newPage(c *fiber.Ctx, titleID string) *page {
	lang := pageLang(c)
	p := &page{site: s, Lang: lang, Dir: "ltr", TitleID: titleID, User: currentUser(c),
		Path: strings.TrimPrefix(c.Path(), "/"+lang)}
	if p.Path == "" {
		p.Path = "/"
	}
	p.Title = s.texts.msg(lang, titleID, nil)
	if p.User != nil {
		p.CSRFToken = s.csrfToken(c) // the sign-out form is on every page
	}
	p.Canonical = s.absolute("/" + lang + p.Path)
	return p
}

// T is a message of the page's language.
func (p *page) T(id string) string { return p.site.texts.msg(p.Lang, id, nil) }

// TD is a message with placeholders, given as name, value pairs.
func (p *page) TD(id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return p.site.texts.msg(p.Lang, id, data)
}

// N is a message with a number, in the language's plural form.
func (p *page) N(id string, n int) string { return p.site.texts.count(p.Lang, id, n) }

// Label is the label of a code of a set (sector, incentive_type…).
func (p *page) Label(set string, code string) string {
	cs, ok := codeSets[set]
	if !ok {
		return code
	}
	return p.site.texts.label(p.Lang, cs, code)
}

// LangName is a language's name in itself ("Português").
func (p *page) LangName(code string) string { return p.site.texts.msg(code, "web.language.self", nil) }

// Langs are the site's languages.
func (p *page) Langs() []string { return p.site.texts.codes }

// Asset is an asset's versioned address.
func (p *page) Asset(name string) string { return p.site.assetURL(name) }

// Alternate is this page's address in another language.
func (p *page) Alternate(lang string) string {
	u := p.site.absolute("/" + lang + p.Path)
	if p.Query != "" {
		u += "?" + p.Query
	}
	return u
}

// XDefault is the address for readers of other languages: the root, which negotiates.
func (p *page) XDefault() string { return p.site.absolute("/") }

// SwitchTo is the link that switches the language (and remembers the choice).
func (p *page) SwitchTo(lang string) string {
	next := "/" + p.Lang + p.Path
	if p.Query != "" {
		next += "?" + p.Query
	}
	return "/" + p.Lang + "/language?to=" + url.QueryEscape(lang) + "&next=" + url.QueryEscape(next)
}

// FieldError is the message of one field, if any.
func (p *page) FieldError(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// render writes a page. Anonymous pages without forms are public (cacheable); everything else
// is private and never stored.
func (s *Site) render(c *fiber.Ctx, name string, p *page, data map[string]any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	p.Data = data
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return s.fail(c, err)
	}
	setsCookie := false
	c.Response().Header.VisitAllCookie(func(_, _ []byte) { setsCookie = true })
	if p.User != nil || p.CSRFToken != "" || setsCookie || c.Response().StatusCode() >= 400 {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderContentLanguage, p.Lang)
		return c.Send(neutralizeBidi(buf.Bytes()))
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age="+strconv.Itoa(int(s.opts.CacheMaxAge.Seconds())))
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, p.Lang)
	body := neutralizeBidi(buf.Bytes())
	s.keep(c, p.Lang, body)
	return c.Send(body)
}

// neutralizeBidi shows bidirectional controls (overrides, embeddings, isolates, marks) as
// visible code points: text that would reorder what a page says never reaches it raw. The
// templates hold none, so only data can carry them.
func neutralizeBidi(b []byte) []byte {
	if !bytes.ContainsAny(b, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c") {
		return b
	}
	var out bytes.Buffer
	for _, r := range string(b) {
		switch r {
		case '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c':
			fmt.Fprintf(&out, "[U+%04X]", r)
		default:
			out.WriteRune(r)
		}
	}
	return out.Bytes()
}

func (s *Site) notFound(c *fiber.Ctx) error {
	c.Status(fiber.StatusNotFound)
	if pageLang(c) == "" || !s.texts.supported(pageLang(c)) {
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		return c.SendString("Not found")
	}
	p := s.newPage(c, "web.error.not_found.title")
	p.NoIndex = true
	return s.render(c, "error", p, map[string]any{"Message": "web.error.not_found.detail"})
}

func (s *Site) tooMany(c *fiber.Ctx, rl *RateLimited) error {
	seconds := int(rl.RetryAfter.Seconds()) + 1
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(seconds))
	c.Status(fiber.StatusTooManyRequests)
	p := s.newPage(c, "web.error.too_many.title")
	p.NoIndex = true
	return s.render(c, "error", p, map[string]any{"Message": "web.error.too_many.detail", "Seconds": seconds})
}

// formPage is a page of the visitor's own affairs with a form: never indexed, with its CSRF
// token.
func (s *Site) formPage(c *fiber.Ctx, titleID string) *page {
	p := s.newPage(c, titleID)
	p.NoIndex = true
	p.CSRFToken = s.csrfToken(c)
	return p
}

// seeOther sends the visitor on to another page after a form (303), never from a cache.
func seeOther(c *fiber.Ctx, to string) error {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Redirect(to, fiber.StatusSeeOther)
}

// readFailed answers a read that failed: what does not exist is the not-found page, anything
// else the error page.
func (s *Site) readFailed(c *fiber.Ctx, err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return s.notFound(c)
	}
	return s.fail(c, err)
}

// fail answers an unexpected error with a page (and the log line that says what it was).
func (s *Site) fail(c *fiber.Ctx, err error) error {
	s.log.ErrorContext(c.UserContext(), "page failed", "method", c.Method(), "path", c.Path(), "error", err.Error())
	c.Status(fiber.StatusInternalServerError)
	if _, ok := s.pages["error"]; !ok || pageLang(c) == "" {
		return c.SendString("Internal error")
	}
	p := s.newPage(c, "web.error.internal.title")
	p.NoIndex = true
	var buf bytes.Buffer
	p.Data = map[string]any{"Message": "web.error.internal.detail"}
	if e := s.pages["error"].Execute(&buf, p); e != nil {
		return c.SendString("Internal error")
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

// codeSets are the code sets templates name.
var codeSets = map[string]domain.CodeSet{
	"sector": domain.Sectors, "incentive_type": domain.IncentiveTypes, "programme_type": domain.ProgrammeTypes,
	"instrument": domain.Instruments, "investor_type": domain.InvestorTypes, "benefit_kind": domain.BenefitKinds,
	"tax": domain.Taxes, "fact_metric": domain.FactMetrics, "interest_status": domain.InterestStatuses,
	"organization_type": domain.OrgTypes, "legal_form": domain.LegalForms, "region_kind": domain.RegionKinds,
}
