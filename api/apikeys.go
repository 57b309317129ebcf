package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// HeaderAPIKey carries an app's API key (security scheme apiKeyAuth).
const HeaderAPIKey = "X-API-Key"

const (
	localAPIKey          = "api_key"
	defaultKeyLifetime   = 90  // days
	maxKeyLifetime       = 365 // days
	maxAPIKeyName        = 100
	apiKeySecretBytes    = 32
	apiKeyVisiblePrefix  = 8 // characters of the secret shown in lists, after domain.APIKeyPrefix
	apiKeyRealm          = `ApiKey realm="` + tokenIssuer + `"`
	scopeCatalogueRead   = "catalogue:read"
	quotaBucketAnonymous = "quota-ip"
	quotaBucketKey       = "quota-key"
)

// keyScopes says which scope an API key needs for each route of /v1/me that takes one. A route
// not listed (password, e-mail, export, erasure, the keys themselves) needs the user's own
// sign-in: a key is refused there whatever its scopes.
var keyScopes = map[string]string{
	"GET /v1/me":                          "profile:read",
	"GET /v1/me/profile":                  "profile:read",
	"PUT /v1/me/profile":                  "profile:write",
	"GET /v1/me/saved":                    "saved:read",
	"PUT /v1/me/saved/:opportunity_id":    "saved:write",
	"DELETE /v1/me/saved/:opportunity_id": "saved:write",
	"GET /v1/me/recommendations":          "profile:read", // derived from the profile
}

// currentKey is the API key of the request, or nil.
func currentKey(c *fiber.Ctx) *domain.APIKey {
	k, _ := c.Locals(localAPIKey).(*domain.APIKey)
	return k
}

// checkKeyScope refuses a request made with an API key that lacks the scope of its route.
func checkKeyScope(c *fiber.Ctx, scope string) error {
	key := currentKey(c)
	if key == nil {
		return nil
	}
	if scope == "" || !key.HasScope(scope) {
		if scope == "" {
			return &apiError{status: fiber.StatusForbidden, slug: "insufficient-scope", detailKey: "key_not_allowed"}
		}
		return problem(fiber.StatusForbidden, "insufficient-scope", map[string]any{"Scope": scope})
	}
	return nil
}

func keyUnauthorized(detailKey string) *apiError {
	return &apiError{status: fiber.StatusUnauthorized, slug: "unauthorized", detailKey: detailKey,
		authenticate: apiKeyRealm + `, error="invalid_token"`}
}

func hashAPIKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// authenticateKey makes the key's user the request's user, within the key's scopes, and counts
// the request against the key's quota.
func (s *server) authenticateKey(c *fiber.Ctx, key string) error {
	if c.Get(fiber.HeaderAuthorization) != "" {
		return &apiError{status: fiber.StatusUnauthorized, slug: "unauthorized", detailKey: "two_credentials",
			authenticate: apiKeyRealm + `, error="invalid_request"`}
	}
	if !strings.HasPrefix(key, domain.APIKeyPrefix) || len(key) > 100 {
		return keyUnauthorized("api_key_invalid")
	}
	k, user, err := s.store.APIKeyByHash(c.UserContext(), hashAPIKey(key))
	switch {
	case errors.Is(err, repository.ErrNotFound):
		return keyUnauthorized("api_key_invalid")
	case err != nil:
		return err
	case k.RevokedAt != nil:
		return keyUnauthorized("api_key_revoked")
	case !k.ExpiresAt.After(time.Now()):
		return keyUnauthorized("api_key_expired")
	}
	c.Locals(localUser, user)
	c.Locals(localAPIKey, k)
	if user.Lang != nil {
		if prefs, err := s.langs.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), *user.Lang); err == nil {
			c.Locals(localPrefs, prefs)
		}
	}
	if !isAccountPath(c.Path()) {
		// Every public route (the catalogue, the change feed) is a catalogue read.
		if err := checkKeyScope(c, scopeCatalogueRead); err != nil {
			return err
		}
	}
	return s.withQuota(c, rateLimit{quotaBucketKey, s.cfg.APIKeyQuota, s.cfg.QuotaWindow}, k.ID)
}

func isAccountPath(path string) bool {
	return path == "/v1/me" || strings.HasPrefix(path, "/v1/me/")
}

// withQuota counts the request against a quota and runs the rest of the chain. A 304 earned
// by a validator the server issued gives its count back: revalidating costs the client
// nothing, so apps are encouraged to do it. `If-None-Match: *` or a made-up tag earns nothing.
func (s *server) withQuota(c *fiber.Ctx, l rateLimit, key string) error {
	if l.max <= 0 || l.window <= 0 {
		return c.Next()
	}
	if err := s.hit(c, l, key); err != nil {
		return err
	}
	err := c.Next()
	free, _ := c.Locals(localFreeRevalidation).(bool)
	if err == nil && free && c.Response().StatusCode() == fiber.StatusNotModified {
		if err := s.store.RefundRateLimit(c.UserContext(), s.bucket(l, key), l.window); err != nil {
			return err
		}
		if n, convErr := strconv.Atoi(string(c.Response().Header.Peek("RateLimit-Remaining"))); convErr == nil {
			c.Set("RateLimit-Remaining", strconv.Itoa(min(n+1, l.max)))
		}
	}
	return err
}

type apiKeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Status     string     `json:"status"`
}

type newAPIKeyJSON struct {
	apiKeyJSON
	Key string `json:"key"`
}

func apiKeyView(k *domain.APIKey, now time.Time) apiKeyJSON {
	out := apiKeyJSON{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes,
		CreatedAt: k.CreatedAt.UTC(), ExpiresAt: k.ExpiresAt.UTC(), Status: "active"}
	if k.LastUsedAt != nil {
		t := k.LastUsedAt.UTC()
		out.LastUsedAt = &t
	}
	switch {
	case k.RevokedAt != nil:
		t := k.RevokedAt.UTC()
		out.RevokedAt = &t
		out.Status = "revoked"
	case !k.ExpiresAt.After(now):
		out.Status = "expired"
	}
	return out
}

func (s *server) createAPIKey(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	var in struct {
		Name          string   `json:"name"`
		Scopes        []string `json:"scopes"`
		ExpiresInDays *int     `json:"expires_in_days"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	var v invalid
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		v.add("name", "body", "required", nil)
	case utf8.RuneCountInString(in.Name) > maxAPIKeyName:
		v.add("name", "body", "too_long", map[string]any{"Max": maxAPIKeyName})
	case strings.ContainsAny(name, "\x00\r\n"):
		v.add("name", "body", "invalid_encoding", nil)
	}
	var scopes []string
	if len(in.Scopes) == 0 {
		v.add("scopes", "body", "required", nil)
	}
	for _, sc := range in.Scopes {
		if !domain.Scopes.Has(sc) {
			v.add("scopes", "body", "unknown_code", map[string]any{"Value": truncate(sc), "Allowed": strings.Join(domain.Scopes.Codes, ", ")})
		} else if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	days := defaultKeyLifetime
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
		if days < 1 || days > maxKeyLifetime {
			v.add("expires_in_days", "body", "out_of_range", map[string]any{"Min": 1, "Max": maxKeyLifetime})
		}
	}
	if err := v.err("invalid-body"); err != nil {
		return err
	}
	secret := make([]byte, apiKeySecretBytes)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	encoded := base64.RawURLEncoding.EncodeToString(secret)
	key := domain.APIKeyPrefix + encoded
	k, err := s.store.CreateAPIKey(c.UserContext(), user.ID, repository.APIKeyInput{
		Name: name, Hash: hashAPIKey(key), Prefix: domain.APIKeyPrefix + encoded[:apiKeyVisiblePrefix],
		Scopes: scopes, ExpiresAt: time.Now().Add(time.Duration(days) * 24 * time.Hour),
	})
	if errors.Is(err, repository.ErrTooMany) {
		return problem(fiber.StatusConflict, "too-many-keys", map[string]any{"Max": repository.MaxAPIKeys})
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	c.Set(fiber.HeaderLocation, s.link("/v1/me/api-keys/"+k.ID))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
	return s.sendJSON(c, newAPIKeyJSON{apiKeyJSON: apiKeyView(k, time.Now()), Key: key})
}

func (s *server) listAPIKeys(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	keys, err := s.store.APIKeys(c.UserContext(), user.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	items := make([]apiKeyJSON, len(keys))
	for i, k := range keys {
		items[i] = apiKeyView(k, now)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
	return s.sendJSON(c, listBody[apiKeyJSON]{Items: items})
}

func (s *server) getAPIKey(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	keys, err := s.store.APIKeys(c.UserContext(), user.ID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.ID == c.Params("id") {
			c.Set(fiber.HeaderCacheControl, "no-store")
			c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
			return s.sendJSON(c, apiKeyView(k, time.Now()))
		}
	}
	return notFound("api_key")
}

func (s *server) revokeAPIKey(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	id := c.Params("id")
	if domain.IsID(id) {
		err = s.store.RevokeAPIKey(c.UserContext(), user.ID, id)
	} else {
		err = repository.ErrNotFound
	}
	if errors.Is(err, repository.ErrNotFound) {
		return notFound("api_key")
	}
	if err != nil {
		return err
	}
	return sendNoContent(c)
}

// anonymousQuota counts an anonymous read of the catalogue against its address's quota, lower
// than a key's: apps are asked to take a key, and anyone may still browse.
func (s *server) anonymousQuota(c *fiber.Ctx) error {
	// Eligibility is a read asked with a body, and the costliest public one: it counts too.
	read := c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead ||
		(c.Method() == fiber.MethodPost && c.Path() == "/v1/eligibility")
	if isAccountPath(c.Path()) || !read {
		return c.Next()
	}
	return s.withQuota(c, rateLimit{quotaBucketAnonymous, s.cfg.AnonymousQuota, s.cfg.QuotaWindow}, s.clientIP(c))
}
