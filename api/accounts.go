package api

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

const maxDisplayName = 100

type tokensJSON struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

type meJSON struct {
	ID          string    `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	Lang        *string   `json:"lang"`
	Role        coded     `json:"role"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func (v *view) me(u *domain.User) meJSON {
	return meJSON{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Lang: u.Lang,
		Role: v.label(domain.Roles, u.Role), CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

// private marks a response about the signed-in user: never stored by a cache.
func (s *server) private(c *fiber.Ctx, v *view) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, strings.Join(v.used, ", "))
}

// sendNoContent answers a write that has nothing to show: 204, and nothing for caches to keep.
func sendNoContent(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStatus(fiber.StatusNoContent)
}

// supportedLanguage checks a preferred language and returns the supported one it stands for.
func (s *server) supportedLanguage(tag string) (string, bool) {
	t, err := parseTag(tag)
	if err != nil {
		return "", false
	}
	code := s.langs.match(t)
	return code, code != ""
}

// checkDisplayName counts the name as sent, then keeps it without surrounding spaces.
func checkDisplayName(v *invalid, name string) string {
	if utf8.RuneCountInString(name) > maxDisplayName {
		v.add("display_name", "body", "too_long", map[string]any{"Max": maxDisplayName})
	} else if strings.ContainsAny(name, "\x00\r\n") {
		v.add("display_name", "body", "invalid_encoding", nil)
	}
	return strings.TrimSpace(name)
}

func (s *server) register(c *fiber.Ctx) error {
	if err := s.hit(c, registrationsPerIP, s.clientIP(c)); err != nil {
		return err
	}
	var in struct {
		Email       string  `json:"email"`
		Password    string  `json:"password"`
		DisplayName string  `json:"display_name"`
		Lang        *string `json:"lang"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	var v invalid
	email := domain.NormalizeEmail(in.Email)
	switch {
	case in.Email == "":
		v.add("email", "body", "required", nil)
	case email == "":
		v.add("email", "body", "invalid_email", nil)
	}
	if in.Password == "" {
		v.add("password", "body", "required", nil)
	} else if err := domain.CheckPassword(in.Password, email); err != nil {
		v.add("password", "body", err.Error(), passwordRuleData)
	}
	name := checkDisplayName(&v, in.DisplayName)
	var lang *string
	if in.Lang != nil {
		if code, ok := s.supportedLanguage(*in.Lang); ok {
			lang = &code
		} else {
			v.add("lang", "body", "invalid_language", nil)
		}
	}
	if err := v.err("invalid-body"); err != nil {
		return err
	}
	hash, err := domain.HashPassword(c.UserContext(), in.Password)
	if err != nil {
		return err
	}
	user, err := s.store.CreateUser(c.UserContext(), email, hash, name, lang)
	if errors.Is(err, repository.ErrConflict) {
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "email_taken"}
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	c.Set(fiber.HeaderLocation, s.link("/v1/me"))
	v2 := s.newView(prefsWith(requestPrefs(c), user.Lang))
	s.private(c, v2)
	return s.sendJSON(c, v2.me(user))
}

var passwordRuleData = map[string]any{"Min": domain.MinPasswordLen, "Max": domain.MaxPasswordLen}

// prefsWith adds a user's language after the request's own preferences.
func prefsWith(prefs []string, lang *string) []string {
	if lang == nil || slices.Contains(prefs, *lang) {
		return prefs
	}
	return append(slices.Clone(prefs), *lang)
}

func (s *server) login(c *fiber.Ctx) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	var v invalid
	if in.Email == "" {
		v.add("email", "body", "required", nil)
	}
	if in.Password == "" {
		v.add("password", "body", "required", nil)
	}
	if err := v.err("invalid-body"); err != nil {
		return err
	}
	ctx := c.UserContext()
	ip := s.clientIP(c)
	// Every attempt is counted before the password is checked, so that concurrent guesses
	// cannot all slip under the limit; a success gives its count back.
	account := strings.ToLower(domain.NormalizeEmail(in.Email))
	if err := s.hit(c, failedLoginsPerIP, ip); err != nil {
		return err
	}
	if account != "" {
		if err := s.hit(c, failedLoginsPerAccount, account); err != nil {
			return err
		}
	}
	var user *domain.User
	if account != "" {
		u, err := s.store.UserByEmail(ctx, account)
		if err != nil && !errors.Is(err, repository.ErrNotFound) {
			return err
		}
		user = u
	}
	ok := false
	if user == nil {
		// As slow as a real check: no hint that the account is unknown.
		if err := domain.VerifyNothing(ctx, in.Password); err != nil {
			return err
		}
	} else {
		var err error
		if ok, err = domain.VerifyPassword(ctx, in.Password, user.PasswordHash); err != nil {
			return err
		}
	}
	if !ok {
		e := unauthorized(false)
		e.detailKey = "invalid_credentials"
		return e
	}
	if err := s.store.RefundRateLimit(ctx, s.bucket(failedLoginsPerAccount, account), failedLoginsPerAccount.window); err != nil {
		return err
	}
	if err := s.store.RefundRateLimit(ctx, s.bucket(failedLoginsPerIP, ip), failedLoginsPerIP.window); err != nil {
		return err
	}
	return s.issueTokens(c, user, "")
}

// issueTokens answers with a new access token and a refresh token of a new family.
func (s *server) issueTokens(c *fiber.Ctx, user *domain.User, refreshToken string) error {
	access, err := s.tokens.access(user)
	if err != nil {
		return err
	}
	if refreshToken == "" {
		token, hash, err := newRefreshToken()
		if err != nil {
			return err
		}
		if err := s.store.CreateRefreshToken(c.UserContext(), user.ID, "", hash, time.Now().Add(refreshTTL)); err != nil {
			return err
		}
		refreshToken = token
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
	return s.sendJSON(c, tokensJSON{AccessToken: access, RefreshToken: refreshToken, TokenType: "Bearer",
		ExpiresIn: int(accessTTL.Seconds())})
}

type refreshInput struct {
	RefreshToken string `json:"refresh_token"`
}

func (in refreshInput) check() error {
	if in.RefreshToken == "" || len(in.RefreshToken) > 200 || !refreshTokenShape.MatchString(in.RefreshToken) {
		var v invalid
		v.add("refresh_token", "body", "required", nil)
		return v.err("invalid-body")
	}
	return nil
}

func (s *server) refresh(c *fiber.Ctx) error {
	if err := s.hit(c, refreshesPerIP, s.clientIP(c)); err != nil {
		return err
	}
	var in refreshInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	next, nextHash, err := newRefreshToken()
	if err != nil {
		return err
	}
	// The user comes back from the rotating transaction: an account erased or re-keyed while
	// this request ran is either seen here (401) or sees this token (and revokes it).
	user, err := s.store.RotateRefreshToken(c.UserContext(), hashRefreshToken(in.RefreshToken), nextHash, time.Now().Add(refreshTTL))
	if errors.Is(err, repository.ErrTokenInvalid) || errors.Is(err, repository.ErrTokenReused) {
		e := unauthorized(true)
		e.detailKey = "invalid_refresh_token"
		return e
	}
	if err != nil {
		return err
	}
	return s.issueTokens(c, user, next)
}

func (s *server) logout(c *fiber.Ctx) error {
	var in refreshInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	if err := s.store.RevokeRefreshFamily(c.UserContext(), hashRefreshToken(in.RefreshToken)); err != nil {
		return err
	}
	return sendNoContent(c)
}

func (s *server) getMe(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	s.private(c, v)
	return s.sendJSON(c, v.me(user))
}

// writer returns the signed-in user of a write, counting it against their write budget.
func (s *server) writer(c *fiber.Ctx) (*domain.User, error) {
	user, err := requireUser(c)
	if err != nil {
		return nil, err
	}
	return user, s.hit(c, writesPerUser, user.ID)
}

func (s *server) patchMe(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	var in struct {
		DisplayName *string         `json:"display_name"`
		Lang        json.RawMessage `json:"lang"`
	}
	if err := decodeBody(c, &in, "lang"); err != nil {
		return err
	}
	var v invalid
	up := repository.UserUpdate{}
	if in.DisplayName != nil {
		name := checkDisplayName(&v, *in.DisplayName)
		up.DisplayName = &name
	}
	if in.Lang != nil {
		up.SetLang = true
		if string(in.Lang) != "null" {
			var tag string
			if json.Unmarshal(in.Lang, &tag) != nil {
				v.add("lang", "body", "invalid_type", map[string]any{"Expected": "string"})
			} else if code, ok := s.supportedLanguage(tag); ok {
				up.Lang = &code
			} else {
				v.add("lang", "body", "invalid_language", nil)
			}
		}
	}
	if err := v.err("invalid-body"); err != nil {
		return err
	}
	updated, err := s.store.UpdateUser(c.UserContext(), user.ID, up)
	if err != nil {
		return err
	}
	prefs, _ := s.langs.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), deref(updated.Lang))
	vw := s.newView(prefs)
	s.private(c, vw)
	return s.sendJSON(c, vw.me(updated))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *server) changePassword(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	var in struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	var v invalid
	if in.CurrentPassword == "" {
		v.add("current_password", "body", "required", nil)
	} else {
		// Guessing the current password with a stolen token is a failed login like any other.
		account := strings.ToLower(user.Email)
		if err := s.peek(c, failedLoginsPerAccount, account); err != nil {
			return err
		}
		ok, err := domain.VerifyPassword(c.UserContext(), in.CurrentPassword, user.PasswordHash)
		if err != nil {
			return err
		}
		if !ok {
			if err := s.hit(c, failedLoginsPerAccount, account); err != nil {
				return err
			}
			v.add("current_password", "body", "wrong_password", nil)
		}
	}
	switch {
	case in.NewPassword == "":
		v.add("new_password", "body", "required", nil)
	case in.NewPassword == in.CurrentPassword:
		v.add("new_password", "body", "same_password", nil)
	default:
		if err := domain.CheckPassword(in.NewPassword, user.Email); err != nil {
			v.add("new_password", "body", err.Error(), passwordRuleData)
		}
	}
	if err := v.err("invalid-body"); err != nil {
		return err
	}
	hash, err := domain.HashPassword(c.UserContext(), in.NewPassword)
	if err != nil {
		return err
	}
	if err := s.store.ChangePassword(c.UserContext(), user.ID, hash); err != nil {
		return err
	}
	return sendNoContent(c)
}

func (s *server) deleteMe(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteUser(c.UserContext(), user.ID); err != nil {
		return err
	}
	// The counters keyed by the account go too.
	if err := s.store.DeleteRateLimits(c.UserContext(), []string{
		s.bucket(writesPerUser, user.ID), s.bucket(failedLoginsPerAccount, strings.ToLower(user.Email))}); err != nil {
		return err
	}
	return sendNoContent(c)
}
