package catalogue_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/app/catalogue"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

var langs = []string{"en"}

func newService(t *testing.T) (*catalogue.Service, *repository.Store) {
	t.Helper()
	db, _ := testdb.New(t)
	store := repository.New(db)
	store.Public(false)
	return catalogue.New(store, store, []string{"pt", "en", "fr", "simple"}), store
}

// codes lists the rules an error says are broken, as name:code.
func codes(err error) []string {
	var invalid *domain.Invalid
	if !errors.As(err, &invalid) {
		return nil
	}
	var out []string
	for _, f := range invalid.Fields {
		out = append(out, f.Name+":"+f.Code)
	}
	return out
}

func TestFilter(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		query catalogue.ListQuery
		want  domain.ListFilter // checked fields: Country, Sectors, Region, Type, amounts, Currency, Query, Limit, IncludeClosed
		codes []string
	}{
		{name: "defaults", query: catalogue.ListQuery{Kind: domain.KindOpportunity},
			want: domain.ListFilter{Currency: "EUR", Limit: domain.DefaultLimit}},
		{name: "every filter", query: catalogue.ListQuery{Kind: domain.KindOpportunity, Country: "cv",
			Sectors: []string{"tourism", "tourism", "ict"}, Region: "sal", Type: "equity", InvestorType: "diaspora",
			MinAmount: "1000", MaxAmount: "50000.5", Currency: "usd", Search: "  praia ", IncludeClosed: "true", Limit: "5"},
			want: domain.ListFilter{Country: "CV", Sectors: []string{"tourism", "ict"}, Region: "sal", Type: "equity",
				InvestorType: "diaspora", MinAmount: "1000.00", MaxAmount: "50000.50", Currency: "USD", Query: "praia",
				IncludeClosed: true, Limit: 5}},
		{name: "path country", query: catalogue.ListQuery{Kind: domain.KindIncentive, PathCountry: "CV", Country: "cv", Type: "tax"},
			want: domain.ListFilter{Country: "CV", Type: "tax", Currency: "EUR", Limit: domain.DefaultLimit}},
		{name: "path and another country", query: catalogue.ListQuery{Kind: domain.KindIncentive, PathCountry: "CV", Country: "SN"},
			codes: []string{"country:unknown_country"}},
		{name: "unknown country", query: catalogue.ListQuery{Kind: domain.KindOpportunity, Country: "ZZ"},
			codes: []string{"country:unknown_country"}},
		{name: "every refusal in order", query: catalogue.ListQuery{Kind: domain.KindOpportunity, Sectors: []string{"nope"},
			Region: "Not A Code", Type: "tax", InvestorType: "alien", MinAmount: "x", MaxAmount: "-1", Currency: "ZZZ",
			Facets: []string{"colour"}, IncludeClosed: "yes", Limit: "1000", Cursor: "garbage"},
			codes: []string{"sector:unknown_code", "region:unknown_region", "type:unknown_code", "investor_type:unknown_code",
				"min_amount:invalid_amount", "max_amount:invalid_amount", "currency:invalid_currency", "facets:invalid_facets",
				"include_closed:invalid_boolean", "limit:invalid_limit"}},
		{name: "range upside down", query: catalogue.ListQuery{Kind: domain.KindProgramme, MinAmount: "10", MaxAmount: "9"},
			codes: []string{"min_amount:min_greater_than_max"}},
		{name: "include_closed is for opportunities", query: catalogue.ListQuery{Kind: domain.KindProgramme, IncludeClosed: "yes"},
			want: domain.ListFilter{Currency: "EUR", Limit: domain.DefaultLimit}},
		{name: "search with NUL", query: catalogue.ListQuery{Kind: domain.KindOpportunity, Search: "a\x00b"},
			codes: []string{"q:invalid_encoding"}},
		{name: "search too long", query: catalogue.ListQuery{Kind: domain.KindOpportunity, Search: strings.Repeat("é", domain.MaxQueryLen+1)},
			codes: []string{"q:search_too_long"}},
		{name: "bad cursor alone", query: catalogue.ListQuery{Kind: domain.KindOpportunity, Cursor: "garbage"},
			codes: []string{"cursor:invalid_cursor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := s.Filter(ctx, tt.query)
			if got := codes(err); !slices.Equal(got, tt.codes) {
				t.Fatalf("refusals: got %v, want %v", got, tt.codes)
			}
			if err != nil && tt.codes == nil {
				t.Fatal(err)
			}
			if tt.codes != nil {
				return
			}
			got := domain.ListFilter{Country: f.Country, Sectors: f.Sectors, Region: f.Region, Type: f.Type,
				InvestorType: f.InvestorType, MinAmount: f.MinAmount, MaxAmount: f.MaxAmount, Currency: f.Currency,
				Query: f.Query, Limit: f.Limit, IncludeClosed: f.IncludeClosed}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("filter: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFilterCursorBelongsToItsList(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := context.Background()
	q := catalogue.ListQuery{Kind: domain.KindOpportunity, Country: "CV", Limit: "1"}
	f, err := s.Filter(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Opportunities(ctx, f)
	if err != nil || page.Next == nil {
		t.Fatalf("first page: next %v, %v", page, err)
	}
	q.Cursor = page.Next.Encode()
	if _, err := s.Filter(ctx, q); err != nil {
		t.Errorf("the list's own cursor: %v", err)
	}
	q.Type = "equity"
	if _, err := s.Filter(ctx, q); !slices.Equal(codes(err), []string{"cursor:invalid_cursor"}) {
		t.Errorf("another list's cursor: got %v, want cursor:invalid_cursor", err)
	}
}

func TestReads(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := context.Background()
	if d, err := s.Country(ctx, "cv", langs); err != nil || d.Code != "CV" || len(d.Regions) == 0 {
		t.Errorf("Country(cv): %v, %v", d, err)
	}
	for _, code := range []string{"ZZ", "C", "cv1"} {
		if _, err := s.Country(ctx, code, langs); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("Country(%q): got %v, want not found", code, err)
		}
		if _, err := s.Regions(ctx, code); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("Regions(%q): got %v, want not found", code, err)
		}
	}
	for _, ref := range []string{"", "no such", "zzz-missing"} {
		if _, err := s.Opportunity(ctx, ref, langs); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("Opportunity(%q): got %v, want not found", ref, err)
		}
	}
	if rates, err := s.DisplayRates(ctx, ""); rates != nil || err != nil {
		t.Errorf("DisplayRates(\"\"): %v, %v", rates, err)
	}
	if rates, err := s.DisplayRates(ctx, "USD"); err != nil || rates["USD"].PerEUR == "" {
		t.Errorf("DisplayRates(USD): %v, %v", rates, err)
	}
	if _, err := s.DisplayRates(ctx, "KRW"); !slices.Equal(codes(err), []string{"currency:invalid_currency"}) {
		t.Errorf("DisplayRates(KRW): got %v, want currency:invalid_currency", err)
	}
}

func TestPutRate(t *testing.T) {
	t.Parallel()
	s, store := newService(t)
	ctx := context.Background()
	admin, err := store.CreateUser(ctx, "admin@example.org", "h", "Admin", nil)
	if err != nil {
		t.Fatal(err)
	}
	admin.Role = "admin" // what the use case decides on; the store records who wrote
	investor := &domain.User{ID: admin.ID, Role: "investor"}
	today := time.Now().UTC().Format(time.DateOnly)
	tests := []struct {
		name     string
		user     *domain.User
		currency string
		in       catalogue.RateInput
		want     error
		codes    []string
	}{
		{name: "recorded", user: admin, currency: "jpy", in: catalogue.RateInput{PerEUR: "180.5", AsOf: today, Source: " ECB "}},
		{name: "investors may not", user: investor, currency: "USD", want: domain.ErrRatesAdminOnly},
		{name: "anonymous may not", currency: "USD", want: domain.ErrRatesAdminOnly},
		{name: "no such currency", user: admin, currency: "ABC", want: domain.ErrNotFound},
		{name: "testing code", user: admin, currency: "XTS", want: domain.ErrNotFound},
		{name: "euro fixed", user: admin, currency: "EUR", in: catalogue.RateInput{PerEUR: "1", AsOf: today, Source: "x"},
			codes: []string{"per_eur:euro_rate_fixed"}},
		{name: "every refusal", user: admin, currency: "USD", in: catalogue.RateInput{PerEUR: "-1", AsOf: "1800-01-01"},
			codes: []string{"per_eur:invalid_rate", "as_of:invalid_date", "source:required"}},
		{name: "future and long", user: admin, currency: "USD", in: catalogue.RateInput{PerEUR: "1.1", AsOf: "2999-01-01",
			Source: string(make([]rune, catalogue.MaxRateSource+1))},
			codes: []string{"as_of:date_in_future", "source:too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.PutRate(ctx, tt.user, tt.currency, tt.in)
			if got := codes(err); !slices.Equal(got, tt.codes) {
				t.Fatalf("refusals: got %v, want %v", got, tt.codes)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.want == nil && tt.codes == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got.Currency != "JPY" || got.PerEUR != "180.5" || got.Source != "ECB" {
					t.Errorf("recorded %+v", got)
				}
			}
		})
	}
}

func TestDirectory(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		query catalogue.DirectoryQuery
		codes []string
	}{
		{name: "defaults", query: catalogue.DirectoryQuery{}},
		{name: "country and type", query: catalogue.DirectoryQuery{Country: "cv", Type: "investment_promotion_agency"}},
		{name: "every refusal", query: catalogue.DirectoryQuery{Country: "ZZ", Type: "club", Status: "gone", Limit: "0", Cursor: "x"},
			codes: []string{"limit:invalid_limit", "type:unknown_code", "country:unknown_country", "status:unknown_code", "cursor:invalid_cursor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.DirectoryFilter(ctx, tt.query)
			if got := codes(err); !slices.Equal(got, tt.codes) {
				t.Errorf("refusals: got %v, want %v", got, tt.codes)
			}
		})
	}

	// Pages follow each other without repeats, by name.
	f, err := s.DirectoryFilter(ctx, catalogue.DirectoryQuery{Limit: "2"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for pages := 0; ; pages++ {
		orgs, next, err := s.Directory(ctx, nil, f)
		if err != nil || pages > 100 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, o := range orgs {
			if seen[o.ID] || !o.Verified {
				t.Fatalf("page %d: %s repeated or unverified", pages, o.ID)
			}
			seen[o.ID] = true
		}
		if next == nil {
			break
		}
		if f, err = s.DirectoryFilter(ctx, catalogue.DirectoryQuery{Limit: "2", Cursor: next.Encode()}); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) < 3 {
		t.Errorf("the directory lists %d organizations, want the seed's", len(seen))
	}

	pending, err := s.DirectoryFilter(ctx, catalogue.DirectoryQuery{Status: "pending"})
	if err != nil || !pending.Pending {
		t.Fatalf("status=pending: %+v, %v", pending, err)
	}
	var denied domain.Denied
	if _, _, err := s.Directory(ctx, &domain.User{Role: "investor"}, pending); !errors.As(err, &denied) || denied.Decision != domain.AdminOnly {
		t.Errorf("pending for an investor: got %v, want admin only", err)
	}
	if _, _, err := s.Directory(ctx, &domain.User{Role: "admin"}, pending); err != nil {
		t.Errorf("pending for an administrator: %v", err)
	}
}
