package catalogue

import (
	"context"
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
)

// ListQuery is a list of content as a reader asks for it: the values as written, not yet
// checked. Empty fields do not narrow.
type ListQuery struct {
	Kind domain.Kind
	// PathCountry is the country the list is under (/v1/countries/{code}/…), already known to
	// exist, or "" on the global lists; Country is the country= filter.
	PathCountry  string
	Country      string
	Sectors      []string
	Region       string
	Type         string
	InvestorType string
	MinAmount    string
	MaxAmount    string
	Currency     string
	Search       string
	Facets       []string
	// IncludeClosed is "true", "false" or "" (opportunities only).
	IncludeClosed string
	Limit         string
	Cursor        string
	// Langs are the reader's languages, best first.
	Langs []string
}

// Types is the code set of the type filter of each kind.
func Types(kind domain.Kind) domain.CodeSet {
	switch kind {
	case domain.KindIncentive:
		return domain.IncentiveTypes
	case domain.KindProgramme:
		return domain.ProgrammeTypes
	}
	return domain.Instruments
}

// Filter checks a list query and returns the filter it stands for. Every broken rule is
// reported at once (*domain.Invalid, named by parameter); the cursor is checked last, and only
// when the rest holds, since it must belong to exactly this filter.
func (s *Service) Filter(ctx context.Context, q ListQuery) (domain.ListFilter, error) {
	f := domain.ListFilter{Country: q.PathCountry, Langs: q.Langs, SearchLangs: s.searchLangs}
	var v domain.Invalid
	if err := s.filterPlace(ctx, q, &f, &v); err != nil {
		return f, err
	}
	if q.Type != "" && v.Code("type", q.Type, Types(q.Kind)) {
		f.Type = q.Type
	}
	if q.InvestorType != "" && v.Code("investor_type", q.InvestorType, domain.InvestorTypes) {
		f.InvestorType = q.InvestorType
	}
	f.MinAmount, f.MaxAmount = v.FilterAmount("min_amount", q.MinAmount), v.FilterAmount("max_amount", q.MaxAmount)
	v.FilterRange("min_amount", f.MinAmount, f.MaxAmount)
	f.Currency = "EUR"
	if q.Currency != "" {
		cur, err := s.KnownCurrency(ctx, q.Currency)
		if err != nil {
			return f, err
		}
		if cur != "" {
			f.Currency = cur
		} else {
			v.Add("currency", "invalid_currency", map[string]any{"Value": domain.Truncate(q.Currency)})
		}
	}
	f.Query = v.SearchText("q", q.Search)
	f.Facets = v.FilterFacets("facets", q.Facets)
	if q.Kind == domain.KindOpportunity {
		f.IncludeClosed = v.FilterBool("include_closed", q.IncludeClosed)
	}
	f.Limit = v.FilterLimit("limit", q.Limit)
	if err := v.Err(); err != nil {
		return f, err
	}
	if q.Cursor != "" {
		after, err := domain.DecodeCursor(q.Cursor, f.Fingerprint(q.Kind))
		if err != nil {
			v.Add("cursor", "invalid_cursor", nil)
		}
		f.After = after
	}
	return f, v.Err()
}

// filterPlace checks where a list looks: its country, sectors and region.
func (s *Service) filterPlace(ctx context.Context, q ListQuery, f *domain.ListFilter, v *domain.Invalid) error {
	if c := strings.ToUpper(q.Country); c != "" && f.Country != "" && c != f.Country {
		// /v1/countries/CV/opportunities?country=SN cannot be both.
		v.Add("country", "unknown_country", map[string]any{"Value": domain.Truncate(c)})
	} else if f.Country == "" && c != "" {
		code, err := s.KnownCountry(ctx, c)
		if err != nil {
			return err
		}
		if code == "" {
			v.Add("country", "unknown_country", map[string]any{"Value": domain.Truncate(c)})
		}
		f.Country = code
	}
	f.Sectors = v.FilterCodes("sector", q.Sectors, domain.Sectors)
	if q.Region != "" {
		ok, err := s.KnownRegion(ctx, f.Country, q.Region)
		if err != nil {
			return err
		}
		if ok {
			f.Region = q.Region
		} else {
			v.Add("region", "unknown_region", map[string]any{"Value": domain.Truncate(q.Region)})
		}
	}
	return nil
}

// Opportunities reads a page of published opportunities (f from Filter).
func (s *Service) Opportunities(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Opportunity], error) {
	return s.store.Opportunities(ctx, f)
}

// Incentives reads a page of published incentives (f from Filter).
func (s *Service) Incentives(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Incentive], error) {
	return s.store.Incentives(ctx, f)
}

// Programmes reads a page of published programmes (f from Filter).
func (s *Service) Programmes(ctx context.Context, f domain.ListFilter) (*domain.Page[domain.Programme], error) {
	return s.store.Programmes(ctx, f)
}

// Opportunity reads a published opportunity by id or slug, in the first of langs it is
// written in; domain.ErrNotFound when there is none.
func (s *Service) Opportunity(ctx context.Context, ref string, langs []string) (*domain.Opportunity, error) {
	if !domain.IsItemRef(ref) {
		return nil, domain.ErrNotFound
	}
	return s.store.Opportunity(ctx, ref, langs)
}

// Incentive reads a published incentive by id or slug (see Opportunity).
func (s *Service) Incentive(ctx context.Context, ref string, langs []string) (*domain.Incentive, error) {
	if !domain.IsItemRef(ref) {
		return nil, domain.ErrNotFound
	}
	return s.store.Incentive(ctx, ref, langs)
}

// Programme reads a published programme by id or slug (see Opportunity).
func (s *Service) Programme(ctx context.Context, ref string, langs []string) (*domain.Programme, error) {
	if !domain.IsItemRef(ref) {
		return nil, domain.ErrNotFound
	}
	return s.store.Programme(ctx, ref, langs)
}
