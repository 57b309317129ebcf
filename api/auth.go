package api

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/diaspora-investor/marketplace/app/accounts"
	"github.com/diaspora-investor/marketplace/app/limits"
	"github.com/diaspora-investor/marketplace/domain"
)

// Token settings. The issuer and audience are checked on every token, so that a token made
// for another service with the same key is refused.
const (
	tokenIssuer   = "diaspora-marketplace"
	tokenAudience = "diaspora-marketplace-api"
	accessTTL     = 15 * time.Minute
)

// tokens issues and checks access tokens: JWTs signed with HMAC-SHA256, the only algorithm
// accepted when parsing.
type tokens struct {
	key []byte
	now func() time.Time
}

// claims are an access token's: the registered ones and the user's token version, which a
// password change bumps to void every token issued before it.
type claims struct {
	jwt.RegisteredClaims
	Version int `json:"ver"`
}

func (t tokens) access(user *domain.User) (string, error) {
	now := t.now()
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   user.ID,
			Audience:  jwt.ClaimStrings{tokenAudience},
			ExpiresAt: jwt.NewNumericDate(now.Add(accessTTL)),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        uuid.NewString(),
		},
		Version: user.TokenVersion,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.key)
}

// parse checks a token's signature, algorithm, issuer, audience, expiry and issue time, with
// 30 seconds of leeway for clocks of different instances.
func (t tokens) parse(s string) (*claims, error) {
	var c claims
	_, err := jwt.ParseWithClaims(s, &c, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(tokenAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return nil, err
	}
	if c.IssuedAt == nil || c.Subject == "" {
		return nil, errors.New("token without iat or sub")
	}
	return &c, nil
}

const localUser = "user"

// currentUser is the signed-in user of the request, or nil.
func currentUser(c *fiber.Ctx) *domain.User {
	u, _ := c.Locals(localUser).(*domain.User)
	return u
}

// tokenUser is the user of a valid access token: nil for an anonymous request, and for one made
// with an API key, which acts for its user only where its scopes say (keyScopes) — it never
// sees what only editors and members see.
func tokenUser(c *fiber.Ctx) *domain.User {
	if currentKey(c) != nil {
		return nil
	}
	return currentUser(c)
}

func unauthorized(tokenSent bool) *apiError {
	e := problem(fiber.StatusUnauthorized, "unauthorized", nil)
	e.authenticate = `Bearer realm="` + tokenIssuer + `"`
	if tokenSent {
		e.authenticate += `, error="invalid_token"`
	}
	return e
}

// authenticate reads a bearer token when one is sent. A valid token makes its user the
// request's user (and their preferred language part of the negotiation); an invalid one is a
// 401 on every route, so that a client with a broken token learns it at once.
//
// The auth routes and the operations routes ignore the header: a client that attaches its
// expired access token to every call must still be able to refresh it.
func (s *server) authenticate(c *fiber.Ctx) error {
	header := c.Get(fiber.HeaderAuthorization)
	path := c.Path()
	if !strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v1/auth/") {
		return c.Next()
	}
	if key := c.Get(HeaderAPIKey); key != "" {
		return s.authenticateKey(c, key)
	}
	if header == "" {
		return s.anonymousQuota(c)
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return unauthorized(true)
	}
	claims, err := s.tokens.parse(strings.TrimSpace(token))
	if err != nil {
		return unauthorized(true)
	}
	user, err := s.accounts.TokenUser(c.UserContext(), claims.Subject, claims.Version)
	if errors.Is(err, domain.ErrTokenInvalid) {
		return unauthorized(true) // the account was deleted, or the token is older than a password change
	}
	if err != nil {
		return err
	}
	s.signIn(c, user)
	return c.Next()
}

// signIn makes user the request's user, and their preferred language part of the negotiation.
func (s *server) signIn(c *fiber.Ctx, user *domain.User) {
	c.Locals(localUser, user)
	if user.Lang != nil {
		prefs, err := s.langs.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), *user.Lang)
		if err == nil {
			c.Locals(localPrefs, prefs)
		}
	}
}

// requireUser returns the signed-in user or a 401. A request made with an API key gets the
// key's user only on the routes its scopes open (keyScopes); elsewhere it is a 403.
func requireUser(c *fiber.Ctx) (*domain.User, error) {
	if u := currentUser(c); u != nil {
		if err := checkKeyScope(c, keyScopes[c.Method()+" "+c.Route().Path]); err != nil {
			return nil, err
		}
		return u, nil
	}
	return nil, unauthorized(false)
}

// guard counts a request's password guesses in the rate limits, with their headers: the
// accounts use cases decide when a guess counts.
func (s *server) guard(c *fiber.Ctx) accounts.Guard {
	return s.limits.LoginGuard(s.clientIP(c), func(n limits.Count) error { return s.rateLimitAnswer(c, n) })
}
