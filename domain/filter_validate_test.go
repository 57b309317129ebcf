package domain_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

func fieldCodes(v *domain.Invalid) []string {
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Name+":"+f.Code)
	}
	return out
}

func TestFilterValidators(t *testing.T) {
	tests := []struct {
		name  string
		check func(v *domain.Invalid) any
		want  any
		codes []string
	}{
		{"amount normalized", func(v *domain.Invalid) any { return v.FilterAmount("a", "1500") }, "1500.00", nil},
		{"no amount", func(v *domain.Invalid) any { return v.FilterAmount("a", "") }, "", nil},
		{"bad amount", func(v *domain.Invalid) any { return v.FilterAmount("a", "1e5") }, "", []string{"a:invalid_amount"}},
		{"range", func(v *domain.Invalid) any { v.FilterRange("min", "10.00", "9.99"); return nil }, nil, []string{"min:min_greater_than_max"}},
		{"open range", func(v *domain.Invalid) any { v.FilterRange("min", "10.00", ""); return nil }, nil, nil},
		{"default limit", func(v *domain.Invalid) any { return v.FilterLimit("limit", "") }, domain.DefaultLimit, nil},
		{"limit", func(v *domain.Invalid) any { return v.FilterLimit("limit", "100") }, 100, nil},
		{"limit too big", func(v *domain.Invalid) any { return v.FilterLimit("limit", "101") }, domain.DefaultLimit, []string{"limit:invalid_limit"}},
		{"true", func(v *domain.Invalid) any { return v.FilterBool("b", "true") }, true, nil},
		{"not a boolean", func(v *domain.Invalid) any { return v.FilterBool("b", "1") }, false, []string{"b:invalid_boolean"}},
		{"search trimmed", func(v *domain.Invalid) any { return v.SearchText("q", " praia ") }, "praia", nil},
		{"search too long", func(v *domain.Invalid) any { return v.SearchText("q", strings.Repeat("ã", domain.MaxQueryLen+1)) }, "", []string{"q:search_too_long"}},
		{"search not UTF-8", func(v *domain.Invalid) any { return v.SearchText("q", "\xff") }, "", []string{"q:invalid_encoding"}},
		{"codes without repeats", func(v *domain.Invalid) any {
			return v.FilterCodes("sector", []string{"ict", "ict", "oil"}, domain.Sectors)
		},
			[]string{"ict"}, []string{"sector:unknown_code"}},
		{"facets", func(v *domain.Invalid) any { return v.FilterFacets("facets", []string{"type", "sector", "type"}) },
			[]string{"type", "sector"}, nil},
		{"unknown facets once", func(v *domain.Invalid) any { return v.FilterFacets("facets", []string{"x", "y"}) },
			[]string(nil), []string{"facets:invalid_facets"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v domain.Invalid
			got := tt.check(&v)
			if !equal(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			if codes := fieldCodes(&v); !slices.Equal(codes, tt.codes) {
				t.Errorf("refusals: got %v, want %v", codes, tt.codes)
			}
		})
	}
}

func equal(a, b any) bool {
	as, aok := a.([]string)
	bs, bok := b.([]string)
	if aok && bok {
		return slices.Equal(as, bs)
	}
	return a == b
}

func TestShapes(t *testing.T) {
	for _, tt := range []struct {
		s                   string
		country, code, item bool
	}{
		{"CV", true, false, true},
		{"cv", false, true, true},
		{"santo_antao", false, true, false},
		{"a-slug-1", false, false, true},
		{"", false, false, false},
	} {
		if got := domain.IsCountryCode(tt.s); got != tt.country {
			t.Errorf("IsCountryCode(%q) = %v", tt.s, got)
		}
		if got := domain.IsCodeShape(tt.s); got != tt.code {
			t.Errorf("IsCodeShape(%q) = %v", tt.s, got)
		}
		if got := domain.IsItemRef(tt.s); got != tt.item {
			t.Errorf("IsItemRef(%q) = %v", tt.s, got)
		}
	}
	for in, want := range map[string]string{"pt": "PT", "US": "US", "EU": "", "ZZ": "", "usa": ""} {
		got, ok := domain.CountryOfTheWorld(in)
		if (want != "") != ok || (ok && got != want) {
			t.Errorf("CountryOfTheWorld(%q) = %q, %v", in, got, ok)
		}
	}
	for in, want := range map[string]string{"usd": "USD", "EUR": "EUR", "XXX": "", "XTS": "", "ABC": "", "us": ""} {
		if got := domain.RateCurrency(in); got != want {
			t.Errorf("RateCurrency(%q) = %q, want %q", in, got, want)
		}
	}
}
