package api

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/integrations"
	"github.com/diaspora-investor/marketplace/app/limits"
	"github.com/diaspora-investor/marketplace/domain"
)

// HeaderAPIKey carries an app's API key (security scheme apiKeyAuth).
const HeaderAPIKey = "X-API-Key"

const (
	localAPIKey          = "api_key"
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

// authenticateKey makes the key's user the request's user, within the key's scopes, and counts
// the request against the key's quota.
func (s *server) authenticateKey(c *fiber.Ctx, key string) error {
	if c.Get(fiber.HeaderAuthorization) != "" {
		return &apiError{status: fiber.StatusUnauthorized, slug: "unauthorized", detailKey: "two_credentials",
			authenticate: apiKeyRealm + `, error="invalid_request"`}
	}
	k, user, err := s.integrations.Authenticate(c.UserContext(), key)
	switch {
	case errors.Is(err, integrations.ErrKeyInvalid):
		return keyUnauthorized("api_key_invalid")
	case errors.Is(err, integrations.ErrKeyRevoked):
		return keyUnauthorized("api_key_revoked")
	case errors.Is(err, integrations.ErrKeyExpired):
		return keyUnauthorized("api_key_expired")
	case err != nil:
		return err
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
	return s.withQuota(c, limits.Limit{Name: quotaBucketKey, Max: s.cfg.APIKeyQuota, Window: s.cfg.QuotaWindow}, k.ID)
}

func isAccountPath(path string) bool {
	return path == "/v1/me" || strings.HasPrefix(path, "/v1/me/")
}

// withQuota counts the request against a quota and runs the rest of the chain. A 304 earned
// by a validator the server issued gives its count back: revalidating costs the client
// nothing, so apps are encouraged to do it. `If-None-Match: *` or a made-up tag earns nothing.
func (s *server) withQuota(c *fiber.Ctx, l limits.Limit, key string) error {
	if l.Max <= 0 || l.Window <= 0 {
		return c.Next()
	}
	if err := s.hitQuota(c, l, key); err != nil {
		return err
	}
	err := c.Next()
	free, _ := c.Locals(localFreeRevalidation).(bool)
	if err == nil && free && c.Response().StatusCode() == fiber.StatusNotModified {
		if err := s.limits.RefundQuota(c.UserContext(), l, key); err != nil {
			return err
		}
		if n, convErr := strconv.Atoi(string(c.Response().Header.Peek("RateLimit-Remaining"))); convErr == nil {
			c.Set("RateLimit-Remaining", strconv.Itoa(min(n+1, l.Max)))
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

type apiKeyInput struct {
	Name          string   `json:"name"`
	Scopes        []string `json:"scopes"`
	ExpiresInDays *int     `json:"expires_in_days"`
}

// createAPIKey: POST /v1/me/api-keys. The key is in this answer only.
func (s *server) createAPIKey(c *fiber.Ctx) error {
	user, in, err := writeOf[apiKeyInput](s, c)
	if err != nil {
		return err
	}
	k, key, err := s.integrations.CreateKey(c.UserContext(), user, integrations.KeyRequest(in))
	if err != nil {
		return writeError(err, "api_key")
	}
	c.Status(fiber.StatusCreated)
	c.Set(fiber.HeaderLocation, s.link("/v1/me/api-keys/"+k.ID))
	return s.sendKeys(c, newAPIKeyJSON{apiKeyJSON: apiKeyView(k, time.Now()), Key: key})
}

// listAPIKeys: GET /v1/me/api-keys.
func (s *server) listAPIKeys(c *fiber.Ctx) error {
	keys, err := readAs(c, requireUser, s.integrations.Keys)
	if err != nil {
		return err
	}
	now := time.Now()
	items := mapped(keys, func(k *domain.APIKey) apiKeyJSON { return apiKeyView(k, now) })
	return s.sendKeys(c, listBody[apiKeyJSON]{Items: items})
}

// getAPIKey: GET /v1/me/api-keys/{id}.
func (s *server) getAPIKey(c *fiber.Ctx) error {
	k, err := readAs(c, requireUser, func(ctx context.Context, user *domain.User) (*domain.APIKey, error) {
		return s.integrations.Key(ctx, user, c.Params("id"))
	})
	if err != nil {
		return writeError(err, "api_key")
	}
	return s.sendKeys(c, apiKeyView(k, time.Now()))
}

// sendKeys answers with keys, which no cache keeps.
func (s *server) sendKeys(c *fiber.Ctx, body any) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
	return s.sendJSON(c, body)
}

// revokeAPIKey: DELETE /v1/me/api-keys/{id}.
func (s *server) revokeAPIKey(c *fiber.Ctx) error {
	return writeAs(c, "api_key", s.writer, func(ctx context.Context, user *domain.User) error {
		return s.integrations.Revoke(ctx, user, c.Params("id"))
	})
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
	return s.withQuota(c, limits.Limit{Name: quotaBucketAnonymous, Max: s.cfg.AnonymousQuota, Window: s.cfg.QuotaWindow}, s.clientIP(c))
}
