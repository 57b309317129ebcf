package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func (s *server) json(method, path string, body any, token string) reply {
	s.t.Helper()
	var r *strings.Reader
	header := map[string]string{}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		r = strings.NewReader(string(b))
		header["Content-Type"] = "application/json"
	}
	if token != "" {
		header["Authorization"] = "Bearer " + token
	}
	if r == nil {
		return s.do(method, path, nil, header)
	}
	return s.do(method, path, r, header)
}

func TestServerAccountsWalk(t *testing.T) {
	s, _, _ := startServer(t)
	must := func(r reply, status int) map[string]any {
		t.Helper()
		if r.status != status {
			t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
		}
		if len(r.body) == 0 {
			return nil
		}
		return r.object(t)
	}
	const email, password = "investor@example.org", "morabeza em Mindelo 2026"
	must(s.json(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": password, "lang": "pt"}, ""), http.StatusCreated)
	tok := must(s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password}, ""), http.StatusOK)
	access, refresh := tok["access_token"].(string), tok["refresh_token"].(string)

	// Refresh rotates; the old token then fails, and so does the new one of its family.
	next := must(s.json(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": refresh}, ""), http.StatusOK)
	must(s.json(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": refresh}, ""), http.StatusUnauthorized)
	must(s.json(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": next["refresh_token"]}, ""), http.StatusUnauthorized)

	profile := must(s.json(http.MethodPut, "/v1/me/profile", map[string]any{"origin_country": "CV", "residence_country": "PT",
		"sectors": []string{"tourism"}, "regions": []string{"boa_vista"}, "investor_type": "diaspora",
		"ticket_min": map[string]string{"amount": "100000", "currency": "EUR"}, "ticket_max": map[string]string{"amount": "750000", "currency": "EUR"}}, access), http.StatusOK)
	if profile["sectors"].([]any)[0].(map[string]any)["label"] != "Turismo" {
		t.Errorf("profile not in the user's Portuguese: %v", profile)
	}
	first := must(s.do(http.MethodGet, "/v1/countries/CV/opportunities?limit=1", nil, nil), http.StatusOK)["items"].([]any)[0].(map[string]any)
	id := first["id"].(string)
	must(s.json(http.MethodPut, "/v1/me/saved/"+id, nil, access), http.StatusNoContent)
	saved := must(s.json(http.MethodGet, "/v1/me/saved", nil, access), http.StatusOK)["items"].([]any)
	if len(saved) != 1 || saved[0].(map[string]any)["opportunity"].(map[string]any)["lang"] != "pt" {
		t.Errorf("saved %v", saved)
	}

	// Another investor can neither see nor change any of it.
	must(s.json(http.MethodPost, "/v1/auth/register", map[string]any{"email": "other@example.org", "password": "another long passphrase"}, ""), http.StatusCreated)
	other := must(s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": "other@example.org", "password": "another long passphrase"}, ""), http.StatusOK)["access_token"].(string)
	if n := len(must(s.json(http.MethodGet, "/v1/me/saved", nil, other), http.StatusOK)["items"].([]any)); n != 0 {
		t.Errorf("the other investor sees %d saved items", n)
	}
	if p := must(s.json(http.MethodGet, "/v1/me/profile", nil, other), http.StatusOK); p["origin_country"] != nil {
		t.Errorf("the other investor sees a profile: %v", p)
	}
	must(s.json(http.MethodDelete, "/v1/me/saved/"+id, nil, other), http.StatusNoContent)

	must(s.json(http.MethodDelete, "/v1/me/saved/"+id, nil, access), http.StatusNoContent)
	if n := len(must(s.json(http.MethodGet, "/v1/me/saved", nil, access), http.StatusOK)["items"].([]any)); n != 0 {
		t.Errorf("%d saved after unsaving", n)
	}
	must(s.json(http.MethodPut, "/v1/me/saved/"+id, nil, access), http.StatusNoContent)
	export := must(s.json(http.MethodGet, "/v1/me/export", nil, access), http.StatusOK)
	if export["user"].(map[string]any)["email"] != email || len(export["saved"].([]any)) != 1 {
		t.Errorf("export %v", export)
	}
	must(s.json(http.MethodDelete, "/v1/me", nil, access), http.StatusNoContent)
	must(s.json(http.MethodGet, "/v1/me", nil, access), http.StatusUnauthorized)
	must(s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password}, ""), http.StatusUnauthorized)

	// Forged tokens are refused.
	for _, forged := range []string{"x.y.z", strings.Replace(other, "e", "f", 3), access + "x"} {
		must(s.json(http.MethodGet, "/v1/me", nil, forged), http.StatusUnauthorized)
	}

	// 40 wrong passwords in a row meet a 429 with Retry-After.
	for i := 1; i <= 40; i++ {
		r := s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": "other@example.org", "password": fmt.Sprintf("guess number %d", i)}, "")
		if r.status == http.StatusTooManyRequests {
			if r.header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			return
		}
		if r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d %s", i, r.status, r.body)
		}
	}
	t.Error("40 wrong passwords never met a 429")
}
