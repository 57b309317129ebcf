package web

import (
	"context"
	"errors"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// The pages need these capabilities, described by what they give, in domain types. They hold no
// HTTP and no SQL: wiring.go satisfies them over the code that exists, and the application layer
// (app/…) will satisfy them once it exists, without a change to the pages.

// Catalogue reads the public catalogue: published items only, in the reader's languages.
type Catalogue interface {
	Countries(ctx context.Context, langs []string) ([]domain.Country, error)
	// Filter checks a list's filter form, as the API checks its query: every invalid field at
	// once (*domain.Invalid), the cursor last.
	Filter(ctx context.Context, q ListQuery) (domain.ListFilter, error)
	// Country answers domain.ErrNotFound for a code that is not in the catalogue.
	Country(ctx context.Context, code string, langs []string) (*CountryInfo, error)
	// PublisherVerified says whether the agency that published an item is one of its country's
	// verified organizations.
	PublisherVerified(ctx context.Context, item *domain.Content) (bool, error)
	Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error)
	Incentives(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Incentive], error)
	Programmes(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Programme], error)
	// The details answer domain.ErrNotFound for an item that is not published.
	Opportunity(ctx context.Context, idOrSlug string, langs []string) (*domain.Opportunity, error)
	Incentive(ctx context.Context, idOrSlug string, langs []string) (*domain.Incentive, error)
	Programme(ctx context.Context, idOrSlug string, langs []string) (*domain.Programme, error)
	// Rates are the exchange rates in use, by currency.
	Rates(ctx context.Context) (domain.Rates, error)
}

// Sitemap reads the site map in parts of bounded size (app/catalogue.Sitemap).
type Sitemap interface {
	// Parts lists the parts that hold at least one public item.
	Parts(ctx context.Context) ([]domain.SitemapPart, error)
	// Part lists the slugs of one part; domain.ErrNotFound for an unknown or empty part.
	Part(ctx context.Context, kind, prefix string) ([]string, error)
}

// ListQuery is a list's filter form, as sent.
type ListQuery struct {
	Kind                                             domain.Kind
	Country                                          string // the country of the page
	Sectors                                          []string
	Region, Type, InvestorType, MinAmount, MaxAmount string
	Currency, Search, IncludeClosed, Cursor, Limit   string
	Langs                                            []string
	Facets                                           []string
}

// CountryInfo is a country page's content: the country, its sourced facts, regions and agencies.
type CountryInfo struct {
	domain.Country
	Facts         []domain.Fact
	Regions       []domain.Region
	Organizations []domain.Organization
}

// Eligibility answers which incentives and programmes of a country apply to a situation, and
// which published opportunities fit it.
type Eligibility interface {
	// Check answers *domain.Invalid, named as the form's fields, for an invalid plan.
	Check(ctx context.Context, plan Plan, langs []string) (*EligibilityResult, error)
}

// Plan is the eligibility form as sent; empty fields are "not said".
type Plan struct {
	Country, InvestorType, ResidenceCountry, Sector, Region, Amount, Currency, Jobs string
}

// EligibilityResult is an eligibility answer.
type EligibilityResult struct {
	Situation                           domain.Situation
	Eligible, NotEligible, Undetermined []domain.Assessment
	Opportunities                       []domain.Opportunity
	Regions                             map[string]string // region code → name, for explanations
	Rates                               domain.Rates
}

// Session is a signed-in browser: its user and the refresh token that keeps it (a refresh-token
// family shared with the API's).
type Session struct {
	User         *domain.User
	RefreshToken string
}

// Accounts signs people up and in, and keeps what the site holds about them.
type Accounts interface {
	// Register makes an investor account; a *domain.Invalid for invalid input,
	// domain.ErrConflict when the address is taken, a *RateLimited past the registrations'
	// limit.
	Register(ctx context.Context, client string, in Registration) (*domain.User, error)
	// SignIn checks the password under the API's login limits and opens a session (a new
	// refresh-token family); ErrBadCredentials, *RateLimited.
	SignIn(ctx context.Context, client, email, password string) (*Session, error)
	// Resume rotates a session's refresh token; ErrBadCredentials when it is unknown, expired,
	// revoked or reused.
	Resume(ctx context.Context, client, refreshToken string) (*Session, error)
	SignOut(ctx context.Context, refreshToken string) error
	// TokenUser reads the account an access cookie names, if the cookie is of the account's
	// current token version; ErrBadCredentials once erased or re-keyed.
	TokenUser(ctx context.Context, id string, version int) (*domain.User, error)
	// AccessToken and ParseAccess make and check the short-lived signed value naming the user
	// between two refreshes.
	AccessToken(u *domain.User) (string, error)
	ParseAccess(token string) (userID string, version int, err error)

	Profile(ctx context.Context, userID string) (*domain.Profile, error)
	// PutProfile replaces the profile with the form's (the languages it does not show are
	// kept); a *domain.Invalid for invalid input.
	PutProfile(ctx context.Context, user *domain.User, in ProfileForm) error
	Saved(ctx context.Context, userID string, f domain.ListFilter) (*domain.Page[domain.SavedOpportunity], error)
	SavedIDs(ctx context.Context, userID string) (map[string]bool, error)
	Save(ctx context.Context, userID, opportunity string) error
	Unsave(ctx context.Context, userID, opportunity string) error
	// Export is everything held about the user, as the API's export gives it.
	Export(ctx context.Context, userID string, langs []string) (*domain.AccountExport, error)
	Erase(ctx context.Context, user *domain.User) error
}

// ProfileForm is what the profile form sends; empty strings are "not said".
type ProfileForm struct {
	DisplayName, OriginCountry, ResidenceCountry, InvestorType, LegalForm string
	Sectors, Regions                                                      []string
	TicketMin, TicketMax, TicketCurrency                                  string
}

// Registration is what the sign-up form sends.
type Registration struct {
	Email, Password, DisplayName, Lang string
}

// Interests sends expressions of interest and lists the investor's own.
type Interests interface {
	// Send answers *domain.Invalid, domain.ErrNotFound (no such published opportunity) or
	// domain.ErrConflict (an open one exists).
	Send(ctx context.Context, userID, opportunity string, in InterestRequest, langs []string) (*domain.Interest, error)
	Mine(ctx context.Context, userID string, langs []string) ([]domain.Interest, error)
}

// InterestRequest is what the interest form sends.
type InterestRequest struct {
	Message string
	Amount  *domain.Money
	Share   []string
}

// ErrBadCredentials stands for every refused credential (a wrong password, an expired or
// reused token), so that the pages never say which; the other errors the capabilities answer
// are the domain's own (domain.ErrNotFound, domain.ErrConflict…).
var ErrBadCredentials = errors.New("bad credentials")

// RateLimited says that a limit is spent until RetryAfter has passed.
type RateLimited struct{ RetryAfter time.Duration }

func (r *RateLimited) Error() string { return "rate limited" }
