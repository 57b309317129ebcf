package web

// This file is the one place where the site meets the code below it. It satisfies the
// capabilities of ports.go with a thin adapter over repository.Store and the domain rules that
// the API's handlers call today. Once the application layer (app/accounts, app/catalogue,
// app/matching, app/interests) is merged, this adapter is replaced by those use cases: the
// pages do not change. Until then, what the API's handlers do between parsing and the store
// (the login limits and their counter names, the token shapes, the input checks) is repeated
// here, marked "as api/…", so that both interfaces keep the same rules and counters.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"golang.org/x/text/language"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// Wiring builds the site's capabilities over the store. secret is JWT_SECRET: it keys the
// rate-limit counters (the same names as the API's, so that both count together) and signs the
// site's access cookie (its own audience: a cookie is never an API bearer token).
func Wiring(store *repository.Store, secret []byte, searchLangs []string) Deps {
	a := &adapter{store: store, secret: secret, searchLangs: searchLangs, now: time.Now}
	return Deps{Catalogue: a, Eligibility: a, Accounts: a, Interests: a, Console: NewConsoleServices(store)}
}

type adapter struct {
	store       *repository.Store
	secret      []byte
	searchLangs []string
	now         func() time.Time
}

func mapErr(err error) error {
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, domain.ErrConflict):
		return ErrConflict
	}
	return err
}

// --- Catalogue (as api/catalogue.go) ---

func (a *adapter) Countries(ctx context.Context, langs []string) ([]domain.Country, error) {
	return a.store.Countries(ctx, langs)
}

func (a *adapter) Country(ctx context.Context, code string, langs []string) (*CountryInfo, error) {
	d, err := a.store.Country(ctx, code, langs)
	if err != nil {
		return nil, mapErr(err)
	}
	return &CountryInfo{Country: d.Country, Facts: d.Facts, Regions: d.Regions, Organizations: d.Organizations}, nil
}

func (a *adapter) withSearch(f domain.ListFilter) domain.ListFilter {
	f.SearchLangs = a.searchLangs
	return f
}

func (a *adapter) Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error) {
	return a.store.Opportunities(ctx, a.withSearch(f))
}

func (a *adapter) Incentives(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Incentive], error) {
	return a.store.Incentives(ctx, a.withSearch(f))
}

func (a *adapter) Programmes(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Programme], error) {
	return a.store.Programmes(ctx, a.withSearch(f))
}

func (a *adapter) Opportunity(ctx context.Context, id string, langs []string) (*domain.Opportunity, error) {
	o, err := a.store.Opportunity(ctx, id, langs)
	return o, mapErr(err)
}

func (a *adapter) Incentive(ctx context.Context, id string, langs []string) (*domain.Incentive, error) {
	it, err := a.store.Incentive(ctx, id, langs)
	return it, mapErr(err)
}

func (a *adapter) Programme(ctx context.Context, id string, langs []string) (*domain.Programme, error) {
	p, err := a.store.Programme(ctx, id, langs)
	return p, mapErr(err)
}

func (a *adapter) Rates(ctx context.Context) (domain.Rates, error) { return a.store.Rates(ctx) }

// --- Eligibility (as api/matching.go checkEligibility) ---

const maxMatchedOpportunities = 20

func (a *adapter) Check(ctx context.Context, sit domain.Situation, langs []string) (*EligibilityResult, error) {
	rates, err := a.store.Rates(ctx)
	if err != nil {
		return nil, err
	}
	candidates, err := a.store.EligibilityCandidates(ctx, sit.Country, langs)
	if err != nil {
		return nil, err
	}
	regions, err := a.store.Regions(ctx, sit.Country)
	if err != nil {
		return nil, err
	}
	out := &EligibilityResult{Regions: map[string]string{}, Rates: rates}
	for _, r := range regions {
		out.Regions[r.Code] = r.Name
	}
	f := domain.ListFilter{Country: sit.Country, Sectors: sit.Sectors, InvestorType: sit.InvestorType,
		Langs: langs, Limit: maxMatchedOpportunities, Currency: "EUR"}
	if len(sit.Regions) > 0 {
		f.Region = sit.Regions[0]
	}
	if sit.AmountLow != nil {
		f.MinAmount, f.MaxAmount, f.Currency = sit.AmountLow.Amount, sit.AmountLow.Amount, sit.AmountLow.Currency
	}
	page, err := a.store.Opportunities(ctx, f)
	if err != nil {
		return nil, err
	}
	out.Opportunities = page.Items
	out.Eligible, out.NotEligible, out.Undetermined = domain.AssessAll(candidates, sit, rates)
	return out, nil
}

// --- Accounts (as api/accounts.go, api/auth.go, api/ratelimit.go, api/profile.go) ---

// Token settings, as api/auth.go's; the audience is the site's own.
const (
	tokenIssuer  = "diaspora-marketplace"
	siteAudience = "diaspora-marketplace-web"
	accessTTL    = 15 * time.Minute
	refreshTTL   = 30 * 24 * time.Hour
)

type limit struct {
	name   string
	max    int
	window time.Duration
}

// The API's limits and counter names (api/ratelimit.go): a person signing in on the site and
// through an app spends one budget.
var (
	failedLoginsPerAccount = limit{"login-account", 10, 15 * time.Minute}
	failedLoginsPerIP      = limit{"login-ip", 50, 15 * time.Minute}
	registrationsPerIP     = limit{"register-ip", 20, time.Hour}
	refreshesPerIP         = limit{"refresh-ip", 120, time.Minute}
	writesPerUser          = limit{"write-user", 120, time.Minute}
)

func (a *adapter) bucket(l limit, key string) string {
	mac := hmac.New(sha256.New, a.secret)
	mac.Write([]byte(l.name + "\x00" + strings.ToLower(key)))
	return l.name + ":" + hex.EncodeToString(mac.Sum(nil))
}

func (a *adapter) hit(ctx context.Context, l limit, key string) error {
	count, reset, err := a.store.HitRateLimit(ctx, a.bucket(l, key), l.window)
	if err != nil {
		return err
	}
	if count > l.max {
		return &RateLimited{RetryAfter: time.Until(reset)}
	}
	return nil
}

const maxDisplayName = 100

func (a *adapter) Register(ctx context.Context, client string, in Registration) (*domain.User, error) {
	if err := a.hit(ctx, registrationsPerIP, client); err != nil {
		return nil, err
	}
	var v FieldErrors
	email := domain.NormalizeEmail(in.Email)
	switch {
	case in.Email == "":
		v.Add("email", "required", nil)
	case email == "":
		v.Add("email", "invalid_email", nil)
	}
	if in.Password == "" {
		v.Add("password", "required", nil)
	} else if err := domain.CheckPassword(in.Password, email); err != nil {
		v.Add("password", err.Error(), map[string]any{"Min": domain.MinPasswordLen, "Max": domain.MaxPasswordLen})
	}
	if utf8.RuneCountInString(in.DisplayName) > maxDisplayName {
		v.Add("display_name", "too_long", map[string]any{"Max": maxDisplayName})
	} else if strings.ContainsAny(in.DisplayName, "\x00\r\n") {
		v.Add("display_name", "invalid_encoding", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := domain.HashPassword(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	var lang *string
	if in.Lang != "" {
		lang = &in.Lang
	}
	u, err := a.store.CreateUser(ctx, email, hash, strings.TrimSpace(in.DisplayName), lang)
	return u, mapErr(err)
}

func (a *adapter) SignIn(ctx context.Context, client, email, password string) (*Session, error) {
	// Every attempt is counted before the password is checked; a success gives its count back.
	account := strings.ToLower(domain.NormalizeEmail(email))
	if err := a.hit(ctx, failedLoginsPerIP, client); err != nil {
		return nil, err
	}
	if account != "" {
		if err := a.hit(ctx, failedLoginsPerAccount, account); err != nil {
			return nil, err
		}
	}
	var user *domain.User
	if account != "" {
		u, err := a.store.UserByEmail(ctx, account)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, err
		}
		user = u
	}
	ok := false
	if user == nil {
		if err := domain.VerifyNothing(ctx, password); err != nil {
			return nil, err
		}
	} else {
		var err error
		if ok, err = domain.VerifyPassword(ctx, password, user.PasswordHash); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	if err := a.store.RefundRateLimit(ctx, a.bucket(failedLoginsPerAccount, account), failedLoginsPerAccount.window); err != nil {
		return nil, err
	}
	if err := a.store.RefundRateLimit(ctx, a.bucket(failedLoginsPerIP, client), failedLoginsPerIP.window); err != nil {
		return nil, err
	}
	token, hash, err := newRefreshToken()
	if err != nil {
		return nil, err
	}
	if err := a.store.CreateRefreshToken(ctx, user.ID, "", hash, a.now().Add(refreshTTL)); err != nil {
		return nil, err
	}
	return &Session{User: user, RefreshToken: token}, nil
}

func (a *adapter) Resume(ctx context.Context, client, refreshToken string) (*Session, error) {
	if err := a.hit(ctx, refreshesPerIP, client); err != nil {
		return nil, err
	}
	next, nextHash, err := newRefreshToken()
	if err != nil {
		return nil, err
	}
	user, err := a.store.RotateRefreshToken(ctx, hashToken(refreshToken), nextHash, a.now().Add(refreshTTL))
	if errors.Is(err, domain.ErrTokenInvalid) || errors.Is(err, domain.ErrTokenReused) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	return &Session{User: user, RefreshToken: next}, nil
}

func (a *adapter) SignOut(ctx context.Context, refreshToken string) error {
	return a.store.RevokeRefreshFamily(ctx, hashToken(refreshToken))
}

func (a *adapter) User(ctx context.Context, id string) (*domain.User, error) {
	u, err := a.store.UserByID(ctx, id)
	return u, mapErr(err)
}

type claims struct {
	jwt.RegisteredClaims
	Version int `json:"ver"`
}

func (a *adapter) AccessToken(u *domain.User) (string, error) {
	now := a.now()
	c := claims{RegisteredClaims: jwt.RegisteredClaims{Issuer: tokenIssuer, Subject: u.ID,
		Audience: jwt.ClaimStrings{siteAudience}, ExpiresAt: jwt.NewNumericDate(now.Add(accessTTL)),
		IssuedAt: jwt.NewNumericDate(now), ID: uuid.NewString()}, Version: u.TokenVersion}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.secret)
}

func (a *adapter) ParseAccess(token string) (string, int, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return a.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(siteAudience), jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second), jwt.WithTimeFunc(a.now))
	if err != nil || c.Subject == "" {
		return "", 0, ErrBadCredentials
	}
	return c.Subject, c.Version, nil
}

func newRefreshToken() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func (a *adapter) Profile(ctx context.Context, userID string) (*domain.Profile, error) {
	return a.store.Profile(ctx, userID)
}

// PutProfile checks the form as api/profile.go's putProfile checks its body, then replaces the
// profile.
func (a *adapter) PutProfile(ctx context.Context, u *domain.User, in ProfileForm) error {
	if err := a.hit(ctx, writesPerUser, u.ID); err != nil {
		return err
	}
	current, err := a.store.Profile(ctx, u.ID)
	if err != nil {
		return err
	}
	var v FieldErrors
	out := domain.ProfileRecord{DisplayName: strings.TrimSpace(in.DisplayName), Languages: current.Languages}
	if utf8.RuneCountInString(in.DisplayName) > maxDisplayName {
		v.Add("display_name", "too_long", map[string]any{"Max": maxDisplayName})
	} else if strings.ContainsAny(in.DisplayName, "\x00\r\n") {
		v.Add("display_name", "invalid_encoding", nil)
	}
	if c := strings.ToUpper(in.OriginCountry); c != "" {
		if ok, err := a.store.CountryExists(ctx, c); err != nil {
			return err
		} else if ok {
			out.OriginCountry = &c
		} else {
			v.Add("origin_country", "unknown_country", map[string]any{"Value": domain.Truncate(c)})
		}
	}
	if c := strings.ToUpper(in.ResidenceCountry); c != "" {
		if region, err := language.ParseRegion(c); err == nil && region.IsCountry() && region.String() == c {
			out.ResidenceCountry = &c
		} else {
			v.Add("residence_country", "unknown_country", map[string]any{"Value": domain.Truncate(c)})
		}
	}
	for _, sector := range in.Sectors {
		if !domain.Sectors.Has(sector) {
			v.Add("sectors", "unknown_code", map[string]any{"Value": domain.Truncate(sector), "Allowed": strings.Join(domain.Sectors.Codes, ", ")})
			break
		}
		if !slices.Contains(out.Sectors, sector) {
			out.Sectors = append(out.Sectors, sector)
		}
	}
	for _, r := range in.Regions {
		if !slices.Contains(out.Regions, r) {
			out.Regions = append(out.Regions, r)
		}
	}
	if len(out.Regions) > 20 {
		v.Add("regions", "too_long", map[string]any{"Max": 20})
	} else if len(out.Regions) > 0 {
		// Regions of interest are regions of the origin country.
		if out.OriginCountry == nil {
			v.Add("regions", "unknown_region", map[string]any{"Value": domain.Truncate(out.Regions[0])})
		} else if unknown, err := a.store.UnknownRegions(ctx, *out.OriginCountry, out.Regions); err != nil {
			return err
		} else if len(unknown) > 0 {
			v.Add("regions", "unknown_region", map[string]any{"Value": domain.Truncate(unknown[0])})
		}
	}
	if t := in.InvestorType; t != "" {
		if domain.InvestorTypes.Has(t) {
			out.InvestorType = &t
		} else {
			v.Add("investor_type", "unknown_code", map[string]any{"Value": domain.Truncate(t), "Allowed": strings.Join(domain.InvestorTypes.Codes, ", ")})
		}
	}
	if f := in.LegalForm; f != "" {
		if domain.LegalForms.Has(f) {
			out.LegalForm = &f
		} else {
			v.Add("legal_form", "unknown_code", map[string]any{"Value": domain.Truncate(f), "Allowed": strings.Join(domain.LegalForms.Codes, ", ")})
		}
	}
	if in.TicketMin != "" || in.TicketMax != "" {
		rates, err := a.store.Rates(ctx)
		if err != nil {
			return err
		}
		cur := strings.ToUpper(in.TicketCurrency)
		if _, ok := rates[cur]; !ok {
			v.Add("ticket_currency", "invalid_currency", map[string]any{"Value": domain.Truncate(cur)})
		}
		var lo, hi string
		for _, f := range []struct {
			name, value string
			into        *string
		}{{"ticket_min", in.TicketMin, &lo}, {"ticket_max", in.TicketMax, &hi}} {
			if f.value == "" {
				continue
			}
			amount, err := domain.ParseAmount(f.value)
			if err != nil {
				v.Add(f.name, "invalid_amount", nil)
				continue
			}
			*f.into = amount
		}
		if lo != "" && hi != "" {
			x, _ := new(big.Rat).SetString(lo)
			y, _ := new(big.Rat).SetString(hi)
			if y.Cmp(x) < 0 {
				v.Add("ticket_min", "min_greater_than_max", nil)
			}
		}
		if lo != "" {
			out.TicketMin = &lo
		}
		if hi != "" {
			out.TicketMax = &hi
		}
		out.TicketCurrency = &cur
	}
	if err := v.Err(); err != nil {
		return err
	}
	return a.store.PutProfile(ctx, u.ID, out)
}

func (a *adapter) Saved(ctx context.Context, userID string, f domain.ListFilter) (*domain.Page[domain.SavedOpportunity], error) {
	f.Owner = userID
	return a.store.SavedOpportunities(ctx, userID, f)
}

func (a *adapter) SavedIDs(ctx context.Context, userID string) (map[string]bool, error) {
	list, err := a.store.SavedIDs(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(list))
	for _, b := range list {
		out[b.ID] = true
	}
	return out, nil
}

func (a *adapter) Save(ctx context.Context, userID, opportunity string) error {
	if err := a.hit(ctx, writesPerUser, userID); err != nil {
		return err
	}
	return mapErr(a.store.SaveOpportunity(ctx, userID, opportunity))
}

func (a *adapter) Unsave(ctx context.Context, userID, opportunity string) error {
	if err := a.hit(ctx, writesPerUser, userID); err != nil {
		return err
	}
	return mapErr(a.store.UnsaveOpportunity(ctx, userID, opportunity))
}

// exportData mirrors the API's export (GET /v1/me/export) in its main parts.
type exportData struct {
	ExportedAt time.Time                 `json:"exported_at"`
	Account    map[string]any            `json:"account"`
	Profile    *domain.Profile           `json:"profile"`
	Saved      []map[string]any          `json:"saved"`
	Sessions   []domain.Session          `json:"sessions"`
	Interests  []domain.Interest         `json:"interests"`
	Member     []domain.MembershipRecord `json:"memberships"`
}

func (a *adapter) Export(ctx context.Context, userID string, langs []string) (any, error) {
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return nil, mapErr(err)
	}
	profile, err := a.store.Profile(ctx, userID)
	if err != nil {
		return nil, err
	}
	saved, err := a.store.SavedIDs(ctx, userID)
	if err != nil {
		return nil, err
	}
	sessions, err := a.store.Sessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	interests, err := a.store.AllInterests(ctx, userID, langs)
	if err != nil {
		return nil, err
	}
	memberships, err := a.store.Memberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := exportData{ExportedAt: a.now().UTC(), Profile: profile, Sessions: sessions, Interests: interests, Member: memberships,
		Account: map[string]any{"id": u.ID, "email": u.Email, "display_name": u.DisplayName, "lang": u.Lang,
			"role": u.Role, "created_at": u.CreatedAt.UTC()}}
	for _, b := range saved {
		out.Saved = append(out.Saved, map[string]any{"opportunity_id": b.ID, "saved_at": b.SavedAt.UTC()})
	}
	return out, nil
}

func (a *adapter) Erase(ctx context.Context, u *domain.User) error {
	if err := a.store.DeleteUser(ctx, u.ID); err != nil {
		return err
	}
	return a.store.DeleteRateLimits(ctx, []string{a.bucket(writesPerUser, u.ID),
		a.bucket(failedLoginsPerAccount, strings.ToLower(u.Email))})
}

// --- Interests (as api/interests.go sendInterest) ---

const maxInterestMessage = 5000

func (a *adapter) Send(ctx context.Context, userID, opportunity string, in InterestRequest, langs []string) (*domain.Interest, error) {
	if err := a.hit(ctx, writesPerUser, userID); err != nil {
		return nil, err
	}
	var v FieldErrors
	msg := strings.TrimSpace(in.Message)
	switch n := utf8.RuneCountInString(msg); {
	case !utf8.ValidString(msg) || strings.ContainsRune(msg, 0):
		v.Add("message", "invalid_encoding", nil)
	case n > maxInterestMessage:
		v.Add("message", "too_long", map[string]any{"Max": maxInterestMessage})
	case n == 0:
		v.Add("message", "required", nil)
	}
	out := repository.InterestInput{Message: msg, Amount: in.Amount}
	for _, f := range in.Share {
		if !slices.Contains(domain.ShareableFields, f) {
			v.Add("share", "unknown_code", map[string]any{"Value": domain.Truncate(f), "Allowed": strings.Join(domain.ShareableFields, ", ")})
			break
		}
		if !slices.Contains(out.Share, f) {
			out.Share = append(out.Share, f)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	it, _, err := a.store.SendInterest(ctx, userID, opportunity, out, langs)
	return it, mapErr(err)
}

func (a *adapter) Mine(ctx context.Context, userID string, langs []string) ([]domain.Interest, error) {
	return a.store.AllInterests(ctx, userID, langs)
}
