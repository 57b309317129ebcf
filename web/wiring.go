package web

// This file is the one place where the site meets the code below it. It satisfies the
// capabilities of ports.go with a thin adapter over the use cases the JSON API calls too:
// app/catalogue, app/matching, app/accounts and app/interests. What stays in the HTTP layer of
// both interfaces (the rate limits and their counter names, the access token's shape) is
// repeated here, marked "as api/…", so that the site and the API count together and keep the
// same rules.

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/diaspora-investor/marketplace/app/accounts"
	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/app/interests"
	"github.com/diaspora-investor/marketplace/app/limits"
	"github.com/diaspora-investor/marketplace/app/matching"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// Wiring builds the site's capabilities over the store. secret is JWT_SECRET: it keys the
// rate-limit counters (the same names as the API's, so that both count together) and signs the
// site's access cookie (its own audience: a cookie is never an API bearer token).
func Wiring(store *repository.Store, secret []byte, searchLangs []string) Deps {
	a := &adapter{store: store, secret: secret, searchLangs: searchLangs, now: time.Now, interests: interests.New(store)}
	a.catalogue = catalogue.New(store, store, searchLangs)
	a.matching = matching.New(store, a.catalogue)
	a.limits = limits.New(store, secret)
	// The site signs people up in the language of the page, one of the locale files: it is
	// the interface language itself.
	a.accounts = accounts.New(store, func(tag string) (string, bool) { return tag, tag != "" })
	return Deps{Catalogue: a, Eligibility: a, Accounts: a, Interests: a, Console: NewConsoleServices(store),
		Sitemap: catalogue.NewSitemap(store)}
}

type adapter struct {
	store       *repository.Store
	accounts    *accounts.Service
	catalogue   *catalogue.Service
	matching    *matching.Service
	interests   *interests.Service
	limits      *limits.Counters
	secret      []byte
	searchLangs []string
	now         func() time.Time
}

// mapErr turns the refused credentials into the one error the pages show for them; the other
// errors (a *domain.Invalid, domain.ErrNotFound…) reach the pages as the use cases give them.
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, domain.ErrInvalidCredentials), errors.Is(err, domain.ErrTokenInvalid), errors.Is(err, domain.ErrTokenReused):
		return ErrBadCredentials
	}
	return err
}

// --- Catalogue (app/catalogue) and eligibility (app/matching) ---

func (a *adapter) Countries(ctx context.Context, langs []string) ([]domain.Country, error) {
	return a.catalogue.Countries(ctx, langs)
}

func (a *adapter) Country(ctx context.Context, code string, langs []string) (*CountryInfo, error) {
	d, err := a.catalogue.Country(ctx, code, langs)
	if err != nil {
		return nil, mapErr(err)
	}
	return &CountryInfo{Country: d.Country, Facts: d.Facts, Regions: d.Regions, Organizations: d.Organizations}, nil
}

func (a *adapter) PublisherVerified(ctx context.Context, item *domain.Content) (bool, error) {
	return a.catalogue.PublisherVerified(ctx, item)
}

func (a *adapter) Filter(ctx context.Context, q ListQuery) (domain.ListFilter, error) {
	f, err := a.catalogue.Filter(ctx, catalogue.ListQuery{Kind: q.Kind, PathCountry: q.Country, Sectors: q.Sectors,
		Region: q.Region, Type: q.Type, InvestorType: q.InvestorType, MinAmount: q.MinAmount, MaxAmount: q.MaxAmount,
		Currency: q.Currency, Search: q.Search, Facets: q.Facets, IncludeClosed: q.IncludeClosed, Limit: q.Limit,
		Cursor: q.Cursor, Langs: q.Langs})
	return f, mapErr(err)
}

func (a *adapter) Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error) {
	return a.catalogue.Opportunities(ctx, a.withSearch(f))
}

func (a *adapter) Incentives(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Incentive], error) {
	return a.catalogue.Incentives(ctx, a.withSearch(f))
}

func (a *adapter) Programmes(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Programme], error) {
	return a.catalogue.Programmes(ctx, a.withSearch(f))
}

// withSearch parses a search in every language, as Filter does (the site's own filters, such
// as its search page, are built without Filter).
func (a *adapter) withSearch(f domain.ListFilter) domain.ListFilter {
	if f.SearchLangs == nil {
		f.SearchLangs = a.searchLangs
	}
	return f
}

func (a *adapter) Opportunity(ctx context.Context, id string, langs []string) (*domain.Opportunity, error) {
	o, err := a.catalogue.Opportunity(ctx, id, langs)
	return o, mapErr(err)
}

func (a *adapter) Incentive(ctx context.Context, id string, langs []string) (*domain.Incentive, error) {
	it, err := a.catalogue.Incentive(ctx, id, langs)
	return it, mapErr(err)
}

func (a *adapter) Programme(ctx context.Context, id string, langs []string) (*domain.Programme, error) {
	p, err := a.catalogue.Programme(ctx, id, langs)
	return p, mapErr(err)
}

// Rates reads the rates in use (app/catalogue has no use case that returns them all as one
// map; DisplayRates checks a currency first).
func (a *adapter) Rates(ctx context.Context) (domain.Rates, error) { return a.store.Rates(ctx) }

func (a *adapter) Check(ctx context.Context, in Plan, langs []string) (*EligibilityResult, error) {
	opt := func(s string) *string { return optPtr(strings.TrimSpace(s)) }
	plan := matching.Plan{Country: in.Country, InvestorType: opt(in.InvestorType), ResidenceCountry: opt(in.ResidenceCountry),
		Sector: opt(in.Sector), Region: opt(in.Region)}
	if amount := strings.TrimSpace(in.Amount); amount != "" {
		plan.Amount = &domain.Money{Amount: amount, Currency: in.Currency}
	}
	// The form's jobs are text: a number that is none is reported with the plan's own errors.
	var jobsErr domain.Invalid
	if jobs := strings.TrimSpace(in.Jobs); jobs != "" {
		n, err := strconv.Atoi(jobs)
		if err != nil || len(jobs) > 9 {
			jobsErr.Add("jobs", "invalid_count", nil)
		} else {
			plan.Jobs = &n
		}
	}
	e, err := a.matching.Check(ctx, plan, langs)
	if err = mergeInvalid(mapErr(err), jobsErr.Err()); err != nil {
		return nil, err
	}
	return &EligibilityResult{Situation: e.Situation, Eligible: e.Eligible, NotEligible: e.NotEligible,
		Undetermined: e.Undetermined, Opportunities: e.Opportunities, Regions: e.Regions, Rates: e.Rates}, nil
}

// --- Accounts (app/accounts; the rate limits as api/ratelimit.go and api/auth.go) ---

// Token settings of the site's access cookie, as api/auth.go's with the site's own audience.
const (
	tokenIssuer  = "diaspora-marketplace"
	siteAudience = "diaspora-marketplace-web"
	accessTTL    = 15 * time.Minute
	refreshTTL   = accounts.RefreshTTL
)

// hit counts an event in the counters the API counts in (app/limits): a person signing in on
// the site and through an app spends one budget.
func (a *adapter) hit(ctx context.Context, l limits.Limit, key string) error {
	n, err := a.limits.Hit(ctx, l, key)
	if err != nil {
		return err
	}
	return tooMany(n)
}

// tooMany is a count past its limit as the site's pages show it.
func tooMany(n limits.Count) error {
	if n.Over() {
		return &RateLimited{RetryAfter: time.Until(n.Reset)}
	}
	return nil
}

func (a *adapter) Register(ctx context.Context, client string, in Registration) (*domain.User, error) {
	if err := a.hit(ctx, limits.RegistrationsPerIP, client); err != nil {
		return nil, err
	}
	reg := accounts.Registration{Email: in.Email, Password: in.Password, DisplayName: in.DisplayName}
	if in.Lang != "" {
		reg.Lang = &in.Lang
	}
	u, err := a.accounts.Register(ctx, reg)
	return u, mapErr(err)
}

func (a *adapter) SignIn(ctx context.Context, client, email, password string) (*Session, error) {
	u, token, err := a.accounts.Login(ctx, accounts.Credentials{Email: email, Password: password}, a.limits.LoginGuard(client, tooMany))
	if err != nil {
		return nil, mapErr(err)
	}
	return &Session{User: u, RefreshToken: token}, nil
}

func (a *adapter) Resume(ctx context.Context, client, refreshToken string) (*Session, error) {
	if err := a.hit(ctx, limits.RefreshesPerIP, client); err != nil {
		return nil, err
	}
	u, next, err := a.accounts.Refresh(ctx, refreshToken)
	if err != nil {
		return nil, mapErr(err)
	}
	return &Session{User: u, RefreshToken: next}, nil
}

func (a *adapter) SignOut(ctx context.Context, refreshToken string) error {
	return mapErr(a.accounts.Logout(ctx, refreshToken))
}

func (a *adapter) TokenUser(ctx context.Context, id string, version int) (*domain.User, error) {
	u, err := a.accounts.TokenUser(ctx, id, version)
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

func (a *adapter) Profile(ctx context.Context, userID string) (*domain.Profile, error) {
	return a.accounts.Profile(ctx, &domain.User{ID: userID})
}

// PutProfile replaces the profile through app/accounts (the languages the form does not show
// are kept).
func (a *adapter) PutProfile(ctx context.Context, u *domain.User, in ProfileForm) error {
	if err := a.hit(ctx, limits.WritesPerUser, u.ID); err != nil {
		return err
	}
	current, err := a.accounts.Profile(ctx, u)
	if err != nil {
		return err
	}
	change := domain.ProfileChange{DisplayName: &in.DisplayName, OriginCountry: optPtr(strings.ToUpper(in.OriginCountry)),
		ResidenceCountry: optPtr(strings.ToUpper(in.ResidenceCountry)), Languages: current.Languages, Sectors: in.Sectors,
		Regions: in.Regions, InvestorType: optPtr(in.InvestorType), LegalForm: optPtr(in.LegalForm)}
	cur := strings.ToUpper(in.TicketCurrency)
	if in.TicketMin != "" {
		change.TicketMin = &domain.Money{Amount: in.TicketMin, Currency: cur}
	}
	if in.TicketMax != "" {
		change.TicketMax = &domain.Money{Amount: in.TicketMax, Currency: cur}
	}
	return mapErr(a.accounts.PutProfile(ctx, u, change))
}

func (a *adapter) Saved(ctx context.Context, userID string, f domain.ListFilter) (*domain.Page[domain.SavedOpportunity], error) {
	f.Owner = userID
	return a.accounts.Saved(ctx, &domain.User{ID: userID}, f)
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
	if err := a.hit(ctx, limits.WritesPerUser, userID); err != nil {
		return err
	}
	return mapErr(a.accounts.Save(ctx, &domain.User{ID: userID}, opportunity))
}

func (a *adapter) Unsave(ctx context.Context, userID, opportunity string) error {
	if err := a.hit(ctx, limits.WritesPerUser, userID); err != nil {
		return err
	}
	return mapErr(a.accounts.Unsave(ctx, &domain.User{ID: userID}, opportunity))
}

func (a *adapter) Export(ctx context.Context, userID string, langs []string) (*domain.AccountExport, error) {
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return nil, mapErr(err)
	}
	return a.accounts.Export(ctx, u, langs)
}

func (a *adapter) Erase(ctx context.Context, u *domain.User) error {
	return a.accounts.Erase(ctx, u, []string{a.limits.Bucket(limits.WritesPerUser, u.ID),
		a.limits.Bucket(limits.FailedLoginsPerAccount, strings.ToLower(u.Email))})
}

// --- Interests (app/interests) ---

func (a *adapter) Send(ctx context.Context, userID, opportunity string, in InterestRequest, langs []string) (*domain.Interest, error) {
	if err := a.hit(ctx, limits.WritesPerUser, userID); err != nil {
		return nil, err
	}
	it, _, err := a.interests.Send(ctx, &domain.User{ID: userID}, opportunity,
		interests.Expression{Message: in.Message, Amount: in.Amount, Share: in.Share}, langs)
	return it, mapErr(err)
}

func (a *adapter) Mine(ctx context.Context, userID string, langs []string) ([]domain.Interest, error) {
	list, _, err := a.interests.Page(ctx, a.interests.Mine(&domain.User{ID: userID}), interests.Page{Limit: domain.MaxLimit, Langs: langs})
	return list, err
}
