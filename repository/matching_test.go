package repository_test

import (
	"context"
	"math"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

func TestRatesInUseAreTheLatestOfEachCurrency(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	rates, err := s.Rates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r := rates["CVE"]; r.PerEUR != "110.265" || r.AsOf.Format(time.DateOnly) != "1999-01-01" || r.Source == "" {
		t.Errorf("CVE %+v", r)
	}
	if r := rates["EUR"]; r.PerEUR != "1" {
		t.Errorf("EUR %+v", r)
	}
	var currencies int
	if err := s.DB().Get(&currencies, `SELECT count(DISTINCT currency) FROM exchange_rates`); err != nil {
		t.Fatal(err)
	}
	if len(rates) != currencies {
		t.Errorf("%d rates in use, %d currencies have rates", len(rates), currencies)
	}

	admin, err := s.CreateUser(ctx, "rates@example.org", "h", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	usd := rates["USD"]
	put := func(r domain.Rate) domain.Rate {
		t.Helper()
		got, err := s.PutRate(ctx, r, admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// An older date is kept, but the latest stays in use.
	if got := put(domain.Rate{Currency: "USD", PerEUR: "1.05", AsOf: day("2020-01-02"), Source: "ECB"}); got.PerEUR != usd.PerEUR || !got.AsOf.Equal(usd.AsOf) {
		t.Errorf("after an older rate: %+v, want %+v", got, usd)
	}
	// A newer one replaces it; the same date again replaces that row.
	newer := usd.AsOf.AddDate(0, 0, 1)
	put(domain.Rate{Currency: "USD", PerEUR: "1.2", AsOf: newer, Source: "ECB"})
	if got := put(domain.Rate{Currency: "USD", PerEUR: "1.25", AsOf: newer, Source: "ECB, corrected"}); got.PerEUR != "1.25" || got.Source != "ECB, corrected" {
		t.Errorf("same date again: %+v", got)
	}
	var rows int
	if err := s.DB().Get(&rows, `SELECT count(*) FROM exchange_rates WHERE currency = 'USD' AND as_of = $1`, newer); err != nil || rows != 1 {
		t.Errorf("%d rows for one date, %v", rows, err)
	}
	// A currency the catalogue did not know is added, and convertible at once.
	if got := put(domain.Rate{Currency: "NOK", PerEUR: "11.7", AsOf: day("2026-11-20"), Source: "Norges Bank"}); got.PerEUR != "11.7" {
		t.Errorf("NOK %+v", got)
	}
	if ok, err := s.CurrencyConvertible(ctx, "NOK"); err != nil || !ok {
		t.Errorf("NOK convertible %v, %v", ok, err)
	}
	rates, err = s.Rates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rates["USD"].PerEUR != "1.25" || rates["NOK"].PerEUR != "11.7" {
		t.Errorf("in use: USD %+v, NOK %+v", rates["USD"], rates["NOK"])
	}

	// Who recorded a rate is kept, and forgotten when the account is erased.
	recordedBy := func() *string {
		var by *string
		if err := s.DB().Get(&by, `SELECT recorded_by::text FROM exchange_rates WHERE currency = 'NOK'`); err != nil {
			t.Fatal(err)
		}
		return by
	}
	if by := recordedBy(); by == nil || *by != admin.ID {
		t.Errorf("recorded_by %v, want %s", by, admin.ID)
	}
	if err := s.DeleteUser(ctx, admin.ID); err != nil {
		t.Fatal(err)
	}
	if by := recordedBy(); by != nil {
		t.Errorf("recorded_by %s after erasure", *by)
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestEligibilityCandidatesAreThePublishedItemsOfTheCountry(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// One incentive of Cabo Verde goes back to draft: it must not be assessed.
	if _, err := s.DB().Exec(`UPDATE incentives SET status = 'draft', published_at = NULL
		WHERE slug = 'cv-diaspora-bonds'`); err != nil {
		t.Fatal(err)
	}
	if err := repository.RefreshReadModel(ctx, s.DB(), domain.KindIncentive); err != nil {
		t.Fatal(err)
	}
	got, err := s.EligibilityCandidates(ctx, "CV", []string{"fr", "en"})
	if err != nil {
		t.Fatal(err)
	}
	want := sqlIDs(t, s.DB(), `SELECT id::text FROM incentives WHERE country_code = 'CV' AND status = 'published'
		UNION ALL SELECT id::text FROM programmes WHERE country_code = 'CV' AND status = 'published'`)
	ids := make([]string, len(got))
	for i, c := range got {
		ids[i] = c.ID
	}
	slices.Sort(ids)
	if !slices.Equal(ids, want) {
		t.Fatalf("candidates %v, want the published items %v", ids, want)
	}
	// Incentives first, then programmes.
	if i := slices.IndexFunc(got, func(c domain.Candidate) bool { return c.Kind == domain.KindProgramme }); i < 1 ||
		slices.ContainsFunc(got[i:], func(c domain.Candidate) bool { return c.Kind != domain.KindProgramme }) {
		t.Errorf("not incentives then programmes: first programme at %d", i)
	}

	bySlug := func(table, slug string) domain.Candidate {
		t.Helper()
		var id string
		if err := s.DB().Get(&id, `SELECT id::text FROM `+table+` WHERE slug = $1`, slug); err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(got, func(c domain.Candidate) bool { return c.ID == id })
		if i < 0 {
			t.Fatalf("%s is no candidate", slug)
		}
		return got[i]
	}
	// The conditions come from the columns and the sector and region rows.
	emigrant := bySlug("incentives", "cv-emigrant-investor-dividend-exemption")
	if e := emigrant.Eligibility; !slices.Equal(e.InvestorTypes, []string{"diaspora"}) || e.ResidenceAbroad == nil || !*e.ResidenceAbroad ||
		emigrant.ValidFrom == nil || emigrant.ValidFrom.Format(time.DateOnly) != "2020-03-03" || emigrant.ValidUntil != nil {
		t.Errorf("emigrant statute %+v", emigrant)
	}
	if emigrant.Lang != "fr" && emigrant.Lang != "en" || emigrant.Name == "" {
		t.Errorf("emigrant statute named %q in %s, want fr or en", emigrant.Name, emigrant.Lang)
	}
	zdti := bySlug("incentives", "cv-zdti-tourism-zones")
	var regions []string
	for _, r := range zdti.Eligibility.Regions {
		if r.Name == "" {
			t.Errorf("region %s without a name", r.Code)
		}
		regions = append(regions, r.Code)
	}
	if !slices.Equal(zdti.Eligibility.Sectors, []string{"tourism"}) || !slices.Contains(regions, "boa_vista") || slices.Contains(regions, "fogo") {
		t.Errorf("ZDTI sectors %v regions %v", zdti.Eligibility.Sectors, regions)
	}
	guarantee := bySlug("programmes", "cv-pro-garante-guarantee")
	if m := guarantee.Eligibility.MaxInvestment; guarantee.Kind != domain.KindProgramme || guarantee.Type != "guarantee" ||
		m == nil || *m != (domain.Money{Amount: "40000000.00", Currency: "CVE"}) {
		t.Errorf("Pró-Garante %+v", guarantee)
	}

	// Another country's items are not Cabo Verde's.
	other, err := s.EligibilityCandidates(ctx, "SN", []string{"en"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range other {
		if slices.Contains(ids, c.ID) {
			t.Errorf("%s is a candidate of both CV and SN", c.ID)
		}
	}
}

// TestRecommendScoresAsDocumented recomputes every score from the opportunity itself, with the
// weights of domain.RankWeights, and checks the order, the filters and the reasons.
func TestRecommendScoresAsDocumented(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// A tourism opportunity on Boa Vista only for foreign investors: never for a diaspora profile.
	if _, err := s.DB().Exec(`UPDATE opportunities SET investor_types = '{foreign}'
		WHERE slug = 'cv-boa-vista-hotel-laundry-supply'`); err != nil {
		t.Fatal(err)
	}
	rates, err := s.Rates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := repository.RecommendInput{Country: "CV", InvestorType: "diaspora", Sectors: []string{"tourism", "renewable_energy"},
		Regions: []string{"boa_vista", "sal"}, TicketMin: &domain.Money{Amount: "100000.00", Currency: "EUR"},
		TicketMax: &domain.Money{Amount: "27000000.00", Currency: "CVE"}, Langs: []string{"en"}, Limit: 100}
	got, err := s.Recommend(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no recommendation")
	}
	want := sqlIDs(t, s.DB(), `SELECT o.id::text FROM opportunities o WHERE o.status = 'published' AND o.country_code = 'CV'
		AND (o.investor_types = '{}' OR 'diaspora' = ANY(o.investor_types))
		AND o.id IN (SELECT opportunity_id FROM opportunity_sectors WHERE sector_code IN ('tourism', 'renewable_energy'))`)
	ids := make([]string, len(got))
	for i, r := range got {
		ids[i] = r.Opportunity.ID
	}
	slices.Sort(ids)
	if !slices.Equal(ids, want) {
		t.Errorf("recommended %v, want %v", ids, want)
	}

	eur := func(m *domain.Money) *big.Rat { return rates.InEUR(*m) }
	low, high := eur(in.TicketMin), eur(in.TicketMax)
	w := domain.RankWeights
	for i, r := range got {
		o := r.Opportunity
		region := 0.5
		if o.Region != nil {
			region = 0
			if slices.Contains(in.Regions, o.Region.Code) {
				region = 1
			}
		}
		ticket := 0.5
		if o.MinInvestment != nil || o.MaxInvestment != nil {
			ticket = 1
			if o.MinInvestment != nil && eur(o.MinInvestment).Cmp(high) > 0 || o.MaxInvestment != nil && eur(o.MaxInvestment).Cmp(low) < 0 {
				ticket = 0
			}
		}
		age := time.Since(*o.PublishedAt).Hours() / 24 // recommendations are published
		fresh := math.Pow(0.5, math.Max(age, 0)/w.FreshnessHalfLifeDays)
		score := w.Sector + w.Region*region + w.Ticket*ticket + w.Freshness*fresh
		if math.Abs(score-r.Score) > 1e-6 {
			t.Errorf("%s: score %v, want %v (region %v, ticket %v, freshness %v)", o.Slug, r.Score, score, region, ticket, fresh)
		}
		var reasons []string
		reasons = append(reasons, "sector")
		if region == 1 {
			reasons = append(reasons, "region")
		}
		if ticket == 1 {
			reasons = append(reasons, "ticket")
		}
		if fresh >= 0.5 {
			reasons = append(reasons, "fresh")
		}
		if !slices.Equal(r.Reasons, reasons) {
			t.Errorf("%s: reasons %v, want %v", o.Slug, r.Reasons, reasons)
		}
		if i > 0 {
			prev := got[i-1]
			if r.Score > prev.Score || r.Score == prev.Score && o.PublishedAt.After(*prev.Opportunity.PublishedAt) {
				t.Errorf("#%d %s (%v) ranked after %s (%v)", i, o.Slug, r.Score, prev.Opportunity.Slug, prev.Score)
			}
		}
		if o.Lang != "en" {
			t.Errorf("%s in %s, want en", o.Slug, o.Lang)
		}
	}

	// No sector followed and no origin country: every published opportunity may come, up to the limit.
	some, err := s.Recommend(ctx, repository.RecommendInput{Langs: []string{"pt"}, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(some) != 3 {
		t.Errorf("%d recommendations for an empty profile, want the limit 3", len(some))
	}
	for _, r := range some {
		if math.Abs(r.Score-(w.Sector+w.Region+w.Ticket)*0.5-w.Freshness*math.Pow(0.5, time.Since(*r.Opportunity.PublishedAt).Hours()/24/w.FreshnessHalfLifeDays)) > 1e-6 {
			t.Errorf("%s: score %v for an empty profile", r.Opportunity.Slug, r.Score)
		}
	}
}
