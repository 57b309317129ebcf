package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/app/accounts"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// These tests run the use cases over the real store, on a database of their own.

// interfaceLanguages stands for the HTTP layer's matcher: pt, en and fr, in any case.
func interfaceLanguages(tag string) (string, bool) {
	switch l := strings.ToLower(tag); l {
	case "pt", "en", "fr":
		return l, true
	}
	return "", false
}

func newService(t *testing.T) (*accounts.Service, *repository.Store, *sqlx.DB) {
	t.Helper()
	db, _ := testdb.New(t)
	store := repository.New(db)
	return accounts.New(store, interfaceLanguages), store, db
}

// guard counts attempts in real rate-limit counters of the store, and records the calls.
type guard struct {
	store *repository.Store
	mu    sync.Mutex
	calls []string
}

func (g *guard) record(call string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, call)
}

func (g *guard) Attempt(ctx context.Context, account string) error {
	g.record("attempt " + account)
	_, _, err := g.store.HitRateLimit(ctx, "test:"+account, time.Hour)
	return err
}

func (g *guard) Refunds(account string) []accounts.Counter {
	return []accounts.Counter{{Bucket: "test:" + account, Window: time.Hour}}
}

func (g *guard) Guessing(_ context.Context, account string) error {
	g.record("guessing " + account)
	return nil
}

func (g *guard) Failed(_ context.Context, account string) error {
	g.record("failed " + account)
	return nil
}

// fields lists an Invalid's broken rules as "name:code", or the error itself.
func fields(err error) string {
	if err == nil {
		return ""
	}
	var invalid *domain.Invalid
	if !errors.As(err, &invalid) {
		return err.Error()
	}
	out := make([]string, len(invalid.Fields))
	for i, f := range invalid.Fields {
		out[i] = f.Name + ":" + f.Code
	}
	return strings.Join(out, " ")
}

func ptr[T any](v T) *T { return &v }

const password = "correct horse battery staple"

func register(t *testing.T, s *accounts.Service, email string) *domain.User {
	t.Helper()
	u, err := s.Register(context.Background(), accounts.Registration{Email: email, Password: password, DisplayName: "Ana"})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return u
}

func TestRegister(t *testing.T) {
	t.Parallel()
	s, _, _ := newService(t)
	register(t, s, "taken@example.org")
	tests := []struct {
		name string
		in   accounts.Registration
		want string // "name:code" of each broken rule, or the error
	}{
		{"ok", accounts.Registration{Email: " new@example.org ", Password: password, DisplayName: "  Ana  ", Lang: ptr("FR")}, ""},
		{"nothing", accounts.Registration{}, "email:required password:required"},
		{"not an address", accounts.Registration{Email: "ana", Password: password}, "email:invalid_email"},
		{"short password", accounts.Registration{Email: "a@example.org", Password: "short"}, "password:password_too_short"},
		{"password is the address", accounts.Registration{Email: "anabela.s@example.org", Password: "anabela.s@example.org"}, "password:password_is_email"},
		{"long name", accounts.Registration{Email: "b@example.org", Password: password, DisplayName: strings.Repeat("é", 101)}, "display_name:too_long"},
		{"name of two lines", accounts.Registration{Email: "c@example.org", Password: password, DisplayName: "a\nb"}, "display_name:invalid_encoding"},
		{"unsupported language", accounts.Registration{Email: "d@example.org", Password: password, Lang: ptr("de")}, "lang:invalid_language"},
		{"address taken in another case", accounts.Registration{Email: "TAKEN@example.org", Password: password}, domain.ErrEmailTaken.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.Register(context.Background(), tt.in)
			if got := fields(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if err == nil && (u.Email != "new@example.org" || u.DisplayName != "Ana" || *u.Lang != "fr" || u.Role != "investor") {
				t.Errorf("got %+v", u)
			}
		})
	}
	if _, err := s.Register(context.Background(), accounts.Registration{Email: "Taken@example.org", Password: password}); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("a taken address is a conflict: got %v", err)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	s, store, _ := newService(t)
	user := register(t, s, "Ana@Example.org")
	tests := []struct {
		name     string
		in       accounts.Credentials
		want     string
		attempts string // the guard's calls
	}{
		{"right password, address in another case", accounts.Credentials{Email: "ana@example.ORG", Password: password}, "", "attempt ana@example.org"},
		{"wrong password", accounts.Credentials{Email: "ana@example.org", Password: "wrong password!"}, domain.ErrInvalidCredentials.Error(), "attempt ana@example.org"},
		{"unknown address", accounts.Credentials{Email: "nobody@example.org", Password: password}, domain.ErrInvalidCredentials.Error(), "attempt nobody@example.org"},
		{"not an address", accounts.Credentials{Email: "nobody", Password: password}, domain.ErrInvalidCredentials.Error(), "attempt "},
		{"nothing", accounts.Credentials{}, "email:required password:required", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &guard{store: store}
			u, token, err := s.Login(context.Background(), tt.in, g)
			if got := fields(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if got := strings.Join(g.calls, ", "); got != tt.attempts {
				t.Errorf("guard: got %q, want %q", got, tt.attempts)
			}
			if err == nil && (u.ID != user.ID || token == "") {
				t.Errorf("got %+v, token %q", u, token)
			}
		})
	}
	// Only the failed attempts count: the success gave its attempt back.
	if hits, _, err := store.PeekRateLimit(context.Background(), "test:ana@example.org", time.Hour); err != nil || hits != 1 {
		t.Errorf("failed attempts of the account: got %d (%v), want 1", hits, err)
	}
}

func TestRefreshAndLogout(t *testing.T) {
	t.Parallel()
	s, store, _ := newService(t)
	ctx := context.Background()
	register(t, s, "ana@example.org")
	_, first, err := s.Login(ctx, accounts.Credentials{Email: "ana@example.org", Password: password}, &guard{store: store})
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := s.Refresh(ctx, first)
	if err != nil || second == first {
		t.Fatalf("rotation: %q %v", second, err)
	}
	tests := []struct {
		name  string
		token string
		want  error
		field string
	}{
		{"not a token", "not a token!", nil, "refresh_token:required"},
		{"none", "", nil, "refresh_token:required"},
		{"unknown", strings.Repeat("A", 43), domain.ErrTokenInvalid, ""},
		{"spent: the family is revoked", first, domain.ErrTokenReused, ""},
		{"successor of a reused token", second, domain.ErrTokenInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := s.Refresh(ctx, tt.token)
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.field != "" && fields(err) != tt.field {
				t.Fatalf("got %q, want %q", fields(err), tt.field)
			}
		})
	}
	_, third, _ := s.Login(ctx, accounts.Credentials{Email: "ana@example.org", Password: password}, &guard{store: store})
	if err := s.Logout(ctx, third); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Refresh(ctx, third); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("after logout: got %v", err)
	}
	if err := s.Logout(ctx, strings.Repeat("B", 43)); err != nil {
		t.Errorf("an unknown token logs out quietly: %v", err)
	}
}

func TestChangeMeAndPassword(t *testing.T) {
	t.Parallel()
	s, store, _ := newService(t)
	ctx := context.Background()
	user := register(t, s, "ana@example.org")
	meTests := []struct {
		name string
		in   accounts.MeChange
		want string
		lang string
	}{
		{"name and language", accounts.MeChange{DisplayName: ptr(" Ana Lima "), SetLang: true, Lang: ptr("PT")}, "", "pt"},
		{"language cleared", accounts.MeChange{SetLang: true}, "", ""},
		{"language not a string", accounts.MeChange{SetLang: true, LangNotString: true}, "lang:invalid_type", ""},
		{"bad name and language", accounts.MeChange{DisplayName: ptr("a\x00"), SetLang: true, Lang: ptr("xx")}, "display_name:invalid_encoding lang:invalid_language", ""},
	}
	for _, tt := range meTests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.ChangeMe(ctx, user, tt.in)
			if got := fields(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if err == nil && (u.DisplayName != "Ana Lima" || fmt.Sprint(deref(u.Lang)) != tt.lang) {
				t.Errorf("got %+v", u)
			}
		})
	}
	pwTests := []struct {
		name   string
		in     accounts.PasswordChange
		want   string
		guards string
	}{
		{"nothing", accounts.PasswordChange{}, "current_password:required new_password:required", ""},
		{"wrong current", accounts.PasswordChange{Current: "not the password", New: "another good passphrase"}, "current_password:wrong_password", "guessing ana@example.org, failed ana@example.org"},
		{"same again", accounts.PasswordChange{Current: password, New: password}, "new_password:same_password", "guessing ana@example.org"},
		{"too short", accounts.PasswordChange{Current: password, New: "short"}, "new_password:password_too_short", "guessing ana@example.org"},
		{"ok", accounts.PasswordChange{Current: password, New: "another good passphrase"}, "", "guessing ana@example.org"},
	}
	for _, tt := range pwTests {
		t.Run(tt.name, func(t *testing.T) {
			g := &guard{store: store}
			err := s.ChangePassword(ctx, user, tt.in, g)
			if got := fields(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if got := strings.Join(g.calls, ", "); got != tt.guards {
				t.Errorf("guard: got %q, want %q", got, tt.guards)
			}
		})
	}
	// Tokens issued before the change stop working.
	if _, err := s.TokenUser(ctx, user.ID, user.TokenVersion); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("old token version: got %v", err)
	}
	if u, err := s.TokenUser(ctx, user.ID, user.TokenVersion+1); err != nil || u.ID != user.ID {
		t.Errorf("new token version: %+v %v", u, err)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestPutProfile(t *testing.T) {
	t.Parallel()
	s, _, db := newService(t)
	ctx := context.Background()
	user := register(t, s, "ana@example.org")
	var region string
	if err := db.GetContext(ctx, &region, `SELECT code FROM regions WHERE country_code = 'CV' ORDER BY code LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	eur := func(amount string) *domain.Money { return &domain.Money{Amount: amount, Currency: "eur"} }
	tests := []struct {
		name string
		in   domain.ProfileChange
		want string
	}{
		{"whole profile", domain.ProfileChange{DisplayName: ptr(" Ana "), OriginCountry: ptr("cv"), ResidenceCountry: ptr("pt"),
			Languages: []string{"pt-PT", "kea", "pt-pt"}, Sectors: []string{"tourism", "tourism"}, Regions: []string{region, region},
			TicketMin: eur("1000"), TicketMax: eur("50000.50"), InvestorType: ptr("diaspora"), LegalForm: ptr("individual")}, ""},
		{"empty profile", domain.ProfileChange{}, ""},
		{"unknown countries", domain.ProfileChange{OriginCountry: ptr("FR"), ResidenceCountry: ptr("XX")}, "origin_country:unknown_country residence_country:unknown_country"},
		{"bad lists", domain.ProfileChange{Languages: []string{"x-private"}, Sectors: []string{"spaceflight"}}, "languages:invalid_language sectors:unknown_code"},
		{"too many languages", domain.ProfileChange{Languages: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}, "languages:too_long"},
		{"regions without an origin", domain.ProfileChange{Regions: []string{region}}, "regions:unknown_region"},
		{"region of another country", domain.ProfileChange{OriginCountry: ptr("CV"), Regions: []string{"nowhere"}}, "regions:unknown_region"},
		{"ticket in two currencies", domain.ProfileChange{TicketMin: eur("1"), TicketMax: &domain.Money{Amount: "2", Currency: "USD"}}, "ticket_max:currency_mismatch"},
		{"ticket upside down", domain.ProfileChange{TicketMin: eur("10"), TicketMax: eur("9.99")}, "ticket_min:min_greater_than_max"},
		{"bad amount and currency", domain.ProfileChange{TicketMin: eur("-1"), TicketMax: &domain.Money{Amount: "1", Currency: "ZZZ"}}, "ticket_min:invalid_amount ticket_max:invalid_currency"},
		{"unknown codes", domain.ProfileChange{InvestorType: ptr("alien"), LegalForm: ptr("trust")}, "investor_type:unknown_code legal_form:unknown_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fields(s.PutProfile(ctx, user, tt.in)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	// The first case's profile, as stored: canonical codes, no repeats. The empty profile
	// replaced it, but left the display name as it was.
	if err := s.PutProfile(ctx, user, tests[0].in); err != nil {
		t.Fatal(err)
	}
	p, err := s.Profile(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%s %s %s %v %v %d %s-%s %s %s", p.DisplayName, *p.OriginCountry, *p.ResidenceCountry, p.Languages,
		p.Sectors, len(p.Regions), p.TicketMin.Amount, p.TicketMax.Amount, p.TicketMax.Currency, *p.InvestorType)
	if want := "Ana CV PT [pt-PT kea] [tourism] 1 1000.00-50000.50 EUR diaspora"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSavedExportAndErasure(t *testing.T) {
	t.Parallel()
	s, _, db := newService(t)
	ctx := context.Background()
	user := register(t, s, "ana@example.org")
	var slug string
	if err := db.GetContext(ctx, &slug, `SELECT slug FROM opportunities WHERE status = 'published' ORDER BY slug LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   string
		want error
	}{
		{"published, by slug", slug, nil},
		{"saved twice", slug, nil},
		{"unknown", "no-such-opportunity", domain.NotFound{Resource: "opportunity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Save(ctx, user, tt.id); err != tt.want {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	page, err := s.Saved(ctx, user, domain.ListFilter{Owner: user.ID, Langs: []string{"en"}, Limit: 10})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("saved: %+v %v", page, err)
	}
	x, err := s.Export(ctx, user, []string{"en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Saved) != 1 || x.Saved[0].ID != page.Items[0].Opportunity.ID || x.User.ID != user.ID || x.At.IsZero() {
		t.Errorf("export: %+v", x)
	}
	if err := s.Unsave(ctx, user, slug); err != nil {
		t.Fatal(err)
	}
	if err := s.Erase(ctx, user, []string{"test:ana@example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, user.ID, user.TokenVersion); !errors.Is(err, domain.ErrTokenInvalid) {
		t.Errorf("an erased account's token: got %v", err)
	}
}

// The saved list pages through its cursor, newest first, each bookmark once.
func TestSavedPages(t *testing.T) {
	t.Parallel()
	s, _, db := newService(t)
	ctx := context.Background()
	user := register(t, s, "ana@example.org")
	var slugs []string
	if err := db.SelectContext(ctx, &slugs, `SELECT slug FROM opportunities WHERE status = 'published' ORDER BY slug LIMIT 5`); err != nil || len(slugs) < 5 {
		t.Fatalf("published opportunities: %v %v", slugs, err)
	}
	for _, slug := range slugs {
		if err := s.Save(ctx, user, slug); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		limit int
		pages []int // the size of each page
	}{
		{2, []int{2, 2, 1}},
		{5, []int{5}},
		{4, []int{4, 1}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("limit ", tt.limit), func(t *testing.T) {
			f := domain.ListFilter{Owner: user.ID, Langs: []string{"en"}, Limit: tt.limit}
			var sizes []int
			var seen []time.Time
			for {
				page, err := s.Saved(ctx, user, f)
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(page.Items))
				for _, it := range page.Items {
					seen = append(seen, it.SavedAt)
				}
				if page.Next == nil {
					break
				}
				f.After = page.Next
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tt.pages) {
				t.Errorf("pages of %v, want %v", sizes, tt.pages)
			}
			for i := 1; i < len(seen); i++ {
				if seen[i].After(seen[i-1]) {
					t.Errorf("bookmark %d is newer than the one before it", i)
				}
			}
		})
	}
}
