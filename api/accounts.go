package api

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/accounts"
	"github.com/diaspora-investor/marketplace/app/limits"
	"github.com/diaspora-investor/marketplace/domain"
)

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

// sendPrivate answers about the signed-in user with body, which v has rendered (so that every
// language of its text is known).
func (s *server) sendPrivate(c *fiber.Ctx, v *view, body any) error {
	s.private(c, v)
	return s.sendJSON(c, body)
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

func (s *server) register(c *fiber.Ctx) error {
	if err := s.hit(c, limits.RegistrationsPerIP, s.clientIP(c)); err != nil {
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
	user, err := s.accounts.Register(c.UserContext(), accounts.Registration(in))
	if err != nil {
		return writeError(err, "")
	}
	c.Status(fiber.StatusCreated)
	c.Set(fiber.HeaderLocation, s.link("/v1/me"))
	v := s.newView(prefsWith(requestPrefs(c), user.Lang))
	return s.sendPrivate(c, v, v.me(user))
}

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
	user, refreshToken, err := s.accounts.Login(c.UserContext(), accounts.Credentials(in), s.guard(c))
	if err != nil {
		return writeError(err, "")
	}
	return s.issueTokens(c, user, refreshToken)
}

// issueTokens answers with a new access token beside the session's refresh token.
func (s *server) issueTokens(c *fiber.Ctx, user *domain.User, refreshToken string) error {
	access, err := s.tokens.access(user)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentLanguage, s.langs.Interface(requestPrefs(c)))
	return s.sendJSON(c, tokensJSON{AccessToken: access, RefreshToken: refreshToken, TokenType: "Bearer",
		ExpiresIn: int(accessTTL.Seconds())})
}

type refreshInput struct {
	RefreshToken string `json:"refresh_token"`
}

func (s *server) refresh(c *fiber.Ctx) error {
	if err := s.hit(c, limits.RefreshesPerIP, s.clientIP(c)); err != nil {
		return err
	}
	var in refreshInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	user, next, err := s.accounts.Refresh(c.UserContext(), in.RefreshToken)
	if err != nil {
		return writeError(err, "")
	}
	return s.issueTokens(c, user, next)
}

func (s *server) logout(c *fiber.Ctx) error {
	var in refreshInput
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	if err := s.accounts.Logout(c.UserContext(), in.RefreshToken); err != nil {
		return writeError(err, "")
	}
	return sendNoContent(c)
}

func (s *server) getMe(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	return s.sendPrivate(c, v, v.me(user))
}

// writer returns the signed-in user of a write, counting it against their write budget.
func (s *server) writer(c *fiber.Ctx) (*domain.User, error) {
	user, err := requireUser(c)
	if err != nil {
		return nil, err
	}
	return user, s.hit(c, limits.WritesPerUser, user.ID)
}

// meInput is a PATCH of /v1/me: lang is kept raw, so that null (clear it) differs from absent.
type meInput struct {
	DisplayName *string         `json:"display_name"`
	Lang        json.RawMessage `json:"lang"`
}

func (in meInput) change() accounts.MeChange {
	out := accounts.MeChange{DisplayName: in.DisplayName, SetLang: in.Lang != nil}
	if in.Lang != nil && string(in.Lang) != "null" {
		var tag string
		if json.Unmarshal(in.Lang, &tag) != nil {
			out.LangNotString = true
		} else {
			out.Lang = &tag
		}
	}
	return out
}

func (s *server) patchMe(c *fiber.Ctx) error {
	user, in, err := writeOf[meInput](s, c, "lang")
	if err != nil {
		return err
	}
	updated, err := s.accounts.ChangeMe(c.UserContext(), user, in.change())
	if err != nil {
		return writeError(err, "")
	}
	prefs, _ := s.langs.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), deref(updated.Lang))
	v := s.newView(prefs)
	return s.sendPrivate(c, v, v.me(updated))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

type passwordInput struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

func (s *server) changePassword(c *fiber.Ctx) error {
	user, in, err := writeOf[passwordInput](s, c)
	if err != nil {
		return err
	}
	if err := s.accounts.ChangePassword(c.UserContext(), user, accounts.PasswordChange(in), s.guard(c)); err != nil {
		return writeError(err, "")
	}
	return sendNoContent(c)
}

func (s *server) deleteMe(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	// The counters keyed by the account go too.
	buckets := []string{s.limits.Bucket(limits.WritesPerUser, user.ID), s.limits.Bucket(limits.FailedLoginsPerAccount, strings.ToLower(user.Email))}
	if err := s.accounts.Erase(c.UserContext(), user, buckets); err != nil {
		return err
	}
	return sendNoContent(c)
}
