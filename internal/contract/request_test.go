package contract

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCheckRequest: the judge of generated traffic accepts what the document allows and refuses
// the rest, naming what is wrong.
func TestCheckRequest(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	body := func(method, target, json string) *http.Request {
		r := httptest.NewRequest(method, target, strings.NewReader(json))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/v1/opportunities?lang=zz&country=cv&fields=title,summary", nil),
		httptest.NewRequest(http.MethodGet, "/v1/incentives?fields=name,type&q=", nil),
		body(http.MethodPost, "/v1/auth/login", `{"email":"ana@example.org","password":"x"}`),
		body(http.MethodPost, "/v1/eligibility", `{"country":"CV","amount":{"amount":"750000","currency":"EUR"}}`),
	} {
		if err := v.CheckRequest(r); err != nil {
			t.Errorf("%s %s: %v", r.Method, r.URL, err)
		}
	}
	for _, c := range []struct {
		r    *http.Request
		want string
	}{
		{httptest.NewRequest(http.MethodGet, "/v1/opportunities?lang=!!", nil), "lang"},
		{httptest.NewRequest(http.MethodGet, "/v1/opportunities?lang=", nil), "lang"},
		{httptest.NewRequest(http.MethodGet, "/v1/opportunities?country=", nil), "country"},
		{httptest.NewRequest(http.MethodGet, "/v1/incentives?fields=title", nil), "fields"},
		{body(http.MethodPost, "/v1/auth/login", `{"email":"","password":"x"}`), "email"},
		{body(http.MethodPost, "/v1/eligibility", `{"country":"","amount":{"amount":"","currency":"EUR"}}`), "amount"},
		{body(http.MethodPatch, "/v1/organizations/x", `{"acronym":"","website":"not a url"}`), "website"},
	} {
		err := v.CheckRequest(c.r)
		var re *RequestError
		if !errors.As(err, &re) {
			t.Errorf("%s %s: want a RequestError, got %v", c.r.Method, c.r.URL, err)
			continue
		}
		if !strings.Contains(strings.Join(re.Problems, "\n"), c.want) {
			t.Errorf("%s %s: the findings do not name %s: %v", c.r.Method, c.r.URL, c.want, re.Problems)
		}
	}
	if err := v.CheckRequest(httptest.NewRequest(http.MethodGet, "/v1/nowhere", nil)); err == nil {
		t.Error("a path the document does not have was allowed")
	}
}
