package web

import (
	"errors"
	"reflect"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

// mergeInvalid joins two checks: the site's eligibility form (the plan's rules, then the jobs
// the form reads itself) and the console's fields (the form's, then the use case's).
func TestMergeInvalid(t *testing.T) {
	invalid := func(names ...string) *domain.Invalid {
		var v domain.Invalid
		for _, n := range names {
			v.Add(n, "required", nil)
		}
		return &v
	}
	other := errors.New("down")
	names := func(err error) []string {
		var v *domain.Invalid
		if !errors.As(err, &v) {
			return nil
		}
		var out []string
		for _, f := range v.Fields {
			out = append(out, f.Name)
		}
		return out
	}
	for _, tc := range []struct {
		name          string
		first, second error
		want          error    // when no broken rule is expected
		fields        []string // the broken rules expected, in order
	}{
		{name: "both passed"},
		{name: "first only", first: invalid("a"), fields: []string{"a"}},
		{name: "second only", second: invalid("b"), fields: []string{"b"}},
		{name: "both", first: invalid("a"), second: invalid("b", "c"), fields: []string{"a", "b", "c"}},
		{name: "first failed", first: other, second: invalid("b"), want: other},
		{name: "second failed", first: invalid("a"), second: other, want: other},
		{name: "failed alone", second: other, want: other},
	} {
		got := mergeInvalid(tc.first, tc.second)
		if tc.fields != nil {
			if !reflect.DeepEqual(names(got), tc.fields) {
				t.Errorf("%s: got %v, want the fields %v", tc.name, got, tc.fields)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	// The first check's list is not changed by the join.
	first := &domain.Invalid{Fields: make([]domain.FieldError, 1, 4)}
	first.Fields[0].Name = "a"
	_ = mergeInvalid(first, invalid("b"))
	if len(first.Fields) != 1 || first.Fields[:2][1].Name != "" {
		t.Errorf("the first list was written to: %v", first.Fields[:2])
	}
}
