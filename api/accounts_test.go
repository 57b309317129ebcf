package api_test

import (
	"encoding/base64"
	"io"
	"sync"

	"github.com/diaspora-investor/marketplace/api"

	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// send makes a request with a JSON body (a string is sent as is).
func (a *testAPI) send(method, target string, body any, header ...string) response {
	a.t.Helper()
	var raw string
	switch b := body.(type) {
	case nil:
	case string:
		raw = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		raw = string(j)
	}
	req := httptest.NewRequest(method, target, strings.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return a.exchange(req)
}

type account struct {
	email, password, access, refresh string
}

func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// signUp registers and logs in a new investor.
func (a *testAPI) signUp(email string) account {
	a.t.Helper()
	acc := account{email: email, password: "correct horse battery " + email}
	r := a.send(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": acc.password, "display_name": "Ana"})
	expect(a.t, r, http.StatusCreated)
	if r.header.Get("Location") != "/v1/me" {
		a.t.Errorf("Location %q", r.header.Get("Location"))
	}
	acc.access, acc.refresh = a.login(email, acc.password)
	return acc
}

func (a *testAPI) login(email, password string) (access, refresh string) {
	a.t.Helper()
	r := a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password})
	expect(a.t, r, http.StatusOK)
	tok := r.json(a.t)
	if tok["token_type"] != "Bearer" || tok["expires_in"].(float64) < 60 {
		a.t.Errorf("tokens %v", tok)
	}
	return tok["access_token"].(string), tok["refresh_token"].(string)
}

func TestRegisterRules(t *testing.T) {
	a := newAPI(t)
	a.signUp("ana@example.org")
	cases := []struct {
		body  any
		field string
		code  string
	}{
		{map[string]any{"email": "ANA@Example.org", "password": "another long passphrase"}, "", "conflict"},
		{map[string]any{"email": "not-an-email", "password": "another long passphrase"}, "email", "invalid_email"},
		{map[string]any{"password": "another long passphrase"}, "email", "required"},
		{map[string]any{"email": "b@example.org", "password": "short"}, "password", "password_too_short"},
		{map[string]any{"email": "b@example.org", "password": strings.Repeat("x1", 65)}, "password", "password_too_long"},
		{map[string]any{"email": "b@example.org", "password": "1234567890"}, "password", "password_common"},
		{map[string]any{"email": "b@example.org", "password": "qwertyuiop"}, "password", "password_common"},
		{map[string]any{"email": "longname@example.org", "password": "LongName@Example.org"}, "password", "password_is_email"},
		{map[string]any{"email": "b@example.org", "password": "another long passphrase", "role": "admin"}, "role", "unknown_field"},
		{map[string]any{"email": "b@example.org", "password": "another long passphrase", "id": "x"}, "id", "unknown_field"},
		{map[string]any{"email": 5, "password": "another long passphrase"}, "email", "invalid_type"},
		{map[string]any{"email": "b@example.org", "password": "another long passphrase", "lang": "!!"}, "lang", "invalid_language"},
		{map[string]any{"email": "b@example.org", "password": "another long passphrase", "display_name": strings.Repeat("n", 101)}, "display_name", "too_long"},
		{map[string]any{"email": "Élodie@example.org", "password": "another long passphrase"}, "email", "invalid_email"},
	}
	for _, c := range cases {
		r := a.send(http.MethodPost, "/v1/auth/register", c.body, "Accept-Language", "fr")
		if c.code == "conflict" {
			problemOf(t, r, http.StatusConflict, "/problems/conflict")
			continue
		}
		p := problemOf(t, r, http.StatusBadRequest, "/problems/invalid-body")
		if got := fieldErrors(p)[c.field]; got != c.code {
			t.Errorf("%v: errors %v, want %s=%s", c.body, p["errors"], c.field, c.code)
		}
	}
	for _, bad := range []struct {
		body, contentType string
		status            int
		typ               string
	}{
		{`{"email": "x@example.org",`, "application/json", 400, "/problems/malformed-json"},
		{``, "application/json", 400, "/problems/malformed-json"},
		{`{"email":"x@example.org","password":"another long passphrase"} {}`, "application/json", 400, "/problems/malformed-json"},
		{`[1,2]`, "application/json", 400, "/problems/invalid-body"},
		{`email=x`, "application/x-www-form-urlencoded", 415, "/problems/unsupported-media-type"},
	} {
		req := httptest.NewRequest(http.MethodPost, "/v1/auth/register", strings.NewReader(bad.body))
		req.Header.Set("Content-Type", bad.contentType)
		resp, err := a.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		body := string(b)
		if resp.StatusCode != bad.status || !strings.Contains(body, bad.typ) {
			t.Errorf("%q as %s: %d %s", bad.body, bad.contentType, resp.StatusCode, body)
		}
	}
	var n int
	if err := a.db.Get(&n, `SELECT count(*) FROM users`); err != nil || n != 1 {
		t.Errorf("%d users after refused registrations (%v)", n, err)
	}
	var hash string
	if err := a.db.Get(&hash, `SELECT password_hash FROM users`); err != nil || !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, "correct horse") {
		t.Errorf("password stored as %q", hash)
	}
}

func TestRefreshRotatesAndReuseRevokesTheFamily(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("rui@example.org")
	r := a.send(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": acc.refresh})
	expect(t, r, http.StatusOK)
	second := r.json(t)["refresh_token"].(string)
	if second == acc.refresh {
		t.Fatal("refresh token not rotated")
	}
	// The first token again: refused, and its whole family with it.
	problemOf(t, a.send(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": acc.refresh}), 401, "/problems/unauthorized")
	problemOf(t, a.send(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": second}), 401, "/problems/unauthorized")
	// Logout revokes; unknown tokens are fine to log out.
	_, refresh := a.login(acc.email, acc.password)
	expect(t, a.send(http.MethodPost, "/v1/auth/logout", map[string]any{"refresh_token": refresh}), http.StatusNoContent)
	problemOf(t, a.send(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": refresh}), 401, "/problems/unauthorized")
	expect(t, a.send(http.MethodPost, "/v1/auth/logout", map[string]any{"refresh_token": "nothing"}), http.StatusNoContent)
	problemOf(t, a.send(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": "forged"}), 401, "/problems/unauthorized")
	var stored int
	if err := a.db.Get(&stored, `SELECT count(*) FROM refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'`, refresh[:16]); err != nil || stored != 0 {
		t.Errorf("a refresh token is stored in clear (%v)", err)
	}
}

// forge signs claims with a method and key of the attacker's choice.
func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestForgedTokensAreRefused(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("eva@example.org")
	var id string
	if err := a.db.Get(&id, `SELECT id FROM users WHERE email = 'eva@example.org'`); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	good := jwt.MapClaims{"iss": "diaspora-marketplace", "aud": "diaspora-marketplace-api", "sub": id,
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": "x"}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for key, val := range good {
			c[key] = val
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	parts := strings.Split(acc.access, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), id, "00000000-0000-4000-8000-000000000000", 1))) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	forged := map[string]string{
		"alg none":          none,
		"HS512 same key":    forge(t, jwt.SigningMethodHS512, testSecret, good),
		"wrong key":         forge(t, jwt.SigningMethodHS256, []byte("another-secret-of-at-least-32-bytes!!"), good),
		"tampered payload":  tampered,
		"expired":           forge(t, jwt.SigningMethodHS256, testSecret, with("exp", now.Add(-time.Minute).Unix())),
		"no expiry":         forge(t, jwt.SigningMethodHS256, testSecret, with("exp", nil)),
		"wrong issuer":      forge(t, jwt.SigningMethodHS256, testSecret, with("iss", "someone-else")),
		"wrong audience":    forge(t, jwt.SigningMethodHS256, testSecret, with("aud", "another-api")),
		"issued in future":  forge(t, jwt.SigningMethodHS256, testSecret, with("iat", now.Add(time.Hour).Unix())),
		"unknown user":      forge(t, jwt.SigningMethodHS256, testSecret, with("sub", "00000000-0000-4000-8000-000000000000")),
		"subject not an id": forge(t, jwt.SigningMethodHS256, testSecret, with("sub", "' OR 1=1 --")),
		"garbage":           "not.a.jwt",
		"refresh as access": acc.refresh,
		"empty":             "",
	}
	for name, token := range forged {
		for _, target := range []string{"/v1/me", "/v1/countries"} {
			r := a.get(target, "Authorization", "Bearer "+token)
			problemOf(t, r, http.StatusUnauthorized, "/problems/unauthorized")
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: WWW-Authenticate %q", name, r.header.Get("WWW-Authenticate"))
			}
		}
	}
	if r := a.get("/v1/me", "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("eva:x"))); r.status != 401 {
		t.Errorf("Basic auth: %d", r.status)
	}
	problemOf(t, a.get("/v1/me"), http.StatusUnauthorized, "/problems/unauthorized")
	// The genuine token works, and HS256 signed by us with the same claims is the control.
	expect(t, a.get("/v1/me", bearer(acc.access)...), http.StatusOK)
	expect(t, a.get("/v1/me", bearer(forge(t, jwt.SigningMethodHS256, testSecret, good))...), http.StatusOK)
}

func TestMeProfileAndLanguage(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("lia@example.org")
	me := a.get("/v1/me", bearer(acc.access)...)
	expect(t, me, http.StatusOK)
	if m := me.json(t); m["email"] != "lia@example.org" || m["role"].(map[string]any)["code"] != "investor" || me.header.Get("Cache-Control") != "no-store" {
		t.Errorf("me %s, Cache-Control %q", me.body, me.header.Get("Cache-Control"))
	}
	// Role and ids cannot be written.
	for _, body := range []string{`{"role": "admin"}`, `{"id": "00000000-0000-4000-8000-000000000000"}`, `{"email": "x@example.org"}`} {
		problemOf(t, a.send(http.MethodPatch, "/v1/me", body, bearer(acc.access)...), 400, "/problems/invalid-body")
	}
	r := a.send(http.MethodPatch, "/v1/me", map[string]any{"display_name": "Lia", "lang": "fr-CA"}, bearer(acc.access)...)
	expect(t, r, http.StatusOK)
	if m := r.json(t); m["lang"] != "fr" || m["display_name"] != "Lia" || m["role"].(map[string]any)["code"] != "investor" {
		t.Errorf("patched %s", r.body)
	}
	// The user's language applies when nothing else is asked…
	d := a.get("/v1/opportunities/cv-sal-hospitality-training-school", bearer(acc.access)...)
	if d.json(t)["lang"] != "fr" || !strings.HasPrefix(d.header.Get("Cache-Control"), "private") {
		t.Errorf("signed-in read in %v, Cache-Control %q", d.json(t)["lang"], d.header.Get("Cache-Control"))
	}
	problemOf(t, a.get("/v1/opportunities/nope", bearer(acc.access)...), 404, "/problems/not-found")
	if p := a.get("/v1/opportunities/nope", bearer(acc.access)...).json(t); !strings.Contains(p["title"].(string), "rouv") {
		t.Errorf("problem not in the user's French: %v", p["title"])
	}
	// …but lang and Accept-Language come first.
	if got := a.get("/v1/opportunities/cv-sal-hospitality-training-school?lang=en", bearer(acc.access)...).json(t)["lang"]; got != "en" {
		t.Errorf("lang=en gave %v", got)
	}
	if got := a.get("/v1/opportunities/cv-sal-hospitality-training-school", append(bearer(acc.access), "Accept-Language", "pt")...).json(t)["lang"]; got != "pt" {
		t.Errorf("Accept-Language pt gave %v", got)
	}
	expect(t, a.send(http.MethodPatch, "/v1/me", `{"lang": null}`, bearer(acc.access)...), http.StatusOK)

	empty := a.get("/v1/me/profile", bearer(acc.access)...).json(t)
	if empty["origin_country"] != nil || len(empty["sectors"].([]any)) != 0 {
		t.Errorf("new profile %v", empty)
	}
	profile := map[string]any{"display_name": "Lia Monteiro", "origin_country": "cv", "residence_country": "FR",
		"languages": []string{"pt", "fr", "kea"}, "sectors": []string{"tourism", "blue_economy"}, "regions": []string{"sal", "sao_vicente"},
		"ticket_min": map[string]string{"amount": "50000", "currency": "EUR"}, "ticket_max": map[string]string{"amount": "750000.00", "currency": "EUR"},
		"investor_type": "diaspora", "legal_form": "individual"}
	r = a.send(http.MethodPut, "/v1/me/profile", profile, append(bearer(acc.access), "Accept-Language", "pt")...)
	expect(t, r, http.StatusOK)
	p := r.json(t)
	if p["origin_country"] != "CV" || p["ticket_min"].(map[string]any)["amount"] != "50000.00" || len(p["regions"].([]any)) != 2 ||
		p["sectors"].([]any)[0].(map[string]any)["label"] != "Turismo" || p["display_name"] != "Lia Monteiro" {
		t.Errorf("profile %s", r.body)
	}
	bad := []struct {
		change map[string]any
		field  string
		code   string
	}{
		{map[string]any{"origin_country": "ZZ"}, "origin_country", "unknown_country"},
		{map[string]any{"residence_country": "XX"}, "residence_country", "unknown_country"},
		{map[string]any{"sectors": []string{"mining"}}, "sectors", "unknown_code"},
		{map[string]any{"regions": []string{"luzon"}}, "regions", "unknown_region"},
		{map[string]any{"languages": []string{"!!"}}, "languages", "invalid_language"},
		{map[string]any{"investor_type": "alien"}, "investor_type", "unknown_code"},
		{map[string]any{"legal_form": "trust"}, "legal_form", "unknown_code"},
		{map[string]any{"ticket_min": map[string]string{"amount": "-1", "currency": "EUR"}}, "ticket_min", "invalid_amount"},
		{map[string]any{"ticket_min": map[string]string{"amount": "1", "currency": "XYZ"}}, "ticket_min", "invalid_currency"},
		{map[string]any{"ticket_min": map[string]string{"amount": "900000", "currency": "EUR"}}, "ticket_min", "min_greater_than_max"},
		{map[string]any{"ticket_max": map[string]string{"amount": "900000", "currency": "CVE"}}, "ticket_max", "currency_mismatch"},
		{map[string]any{"ticket_min": map[string]any{"amount": 5, "currency": "EUR"}}, "ticket_min.amount", "invalid_type"},
		{map[string]any{"user_id": "someone"}, "user_id", "unknown_field"},
		{map[string]any{"DISPLAY_NAME": "x"}, "DISPLAY_NAME", "unknown_field"},
		{map[string]any{"languages": []string{"x-klingon"}}, "languages", "invalid_language"},
		{map[string]any{"languages": []string{"qaa"}}, "languages", "invalid_language"},
		{map[string]any{"languages": []string{"en-ZZ"}}, "languages", "invalid_language"},
		{map[string]any{"regions": make([]string, 140000)}, "regions", "too_long"},
	}
	for _, b := range bad {
		body := map[string]any{}
		for k, v := range profile {
			body[k] = v
		}
		for k, v := range b.change {
			body[k] = v
		}
		pr := problemOf(t, a.send(http.MethodPut, "/v1/me/profile", body, bearer(acc.access)...), 400, "/problems/invalid-body")
		if got := fieldErrors(pr)[b.field]; got != b.code {
			t.Errorf("%v: errors %v, want %s=%s", b.change, pr["errors"], b.field, b.code)
		}
	}
	// A refused PUT changes nothing.
	if after := a.get("/v1/me/profile", bearer(acc.access)...).json(t); after["ticket_min"].(map[string]any)["amount"] != "50000.00" {
		t.Errorf("a refused PUT changed the profile: %v", after)
	}
}

func TestSavedOpportunitiesAndOtherUsers(t *testing.T) {
	a := newAPI(t)
	ana := a.signUp("ana@example.org")
	bea := a.signUp("bea@example.org")
	items := a.get("/v1/opportunities?limit=5").items(t)
	for _, it := range items {
		expect(t, a.send(http.MethodPut, "/v1/me/saved/"+it["id"].(string), nil, bearer(ana.access)...), http.StatusNoContent)
	}
	expect(t, a.send(http.MethodPut, "/v1/me/saved/"+items[0]["slug"].(string), nil, bearer(ana.access)...), http.StatusNoContent) // again: idempotent
	var draft string
	if err := a.db.Get(&draft, `SELECT slug FROM opportunities WHERE status <> 'published' LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	problemOf(t, a.send(http.MethodPut, "/v1/me/saved/"+draft, nil, bearer(ana.access)...), 404, "/problems/not-found")
	problemOf(t, a.send(http.MethodPut, "/v1/me/saved/no-such-thing", nil, bearer(ana.access)...), 404, "/problems/not-found")

	// Paged and localized, newest saved first.
	var walked []string
	target := "/v1/me/saved?limit=2&lang=fr"
	for target != "" {
		r := a.get(target, bearer(ana.access)...)
		expect(t, r, http.StatusOK)
		for _, s := range r.items(t) {
			o := s["opportunity"].(map[string]any)
			if o["lang"] != "fr" {
				t.Errorf("saved item in %v", o["lang"])
			}
			walked = append(walked, o["id"].(string))
		}
		next, _ := r.json(t)["next_cursor"].(string)
		target = ""
		if next != "" {
			target = "/v1/me/saved?limit=2&lang=fr&cursor=" + next
			// Another user cannot use Ana's cursor.
			problemOf(t, a.get(target, bearer(bea.access)...), 400, "/problems/invalid-parameters")
		}
	}
	if len(walked) != len(items) || walked[len(walked)-1] != items[0]["id"] {
		t.Errorf("walked %v", walked)
	}
	// Bea sees none of them, and her deletes touch only her list.
	if n := len(a.get("/v1/me/saved", bearer(bea.access)...).items(t)); n != 0 {
		t.Errorf("Bea sees %d of Ana's saved items", n)
	}
	expect(t, a.send(http.MethodDelete, "/v1/me/saved/"+items[1]["id"].(string), nil, bearer(bea.access)...), http.StatusNoContent)
	if n := len(a.walkSaved(ana.access)); n != len(items) {
		t.Errorf("Bea's delete removed Ana's bookmark: %d left", n)
	}
	expect(t, a.send(http.MethodDelete, "/v1/me/saved/"+items[1]["id"].(string), nil, bearer(ana.access)...), http.StatusNoContent)
	expect(t, a.send(http.MethodDelete, "/v1/me/saved/"+items[1]["id"].(string), nil, bearer(ana.access)...), http.StatusNoContent)
	if n := len(a.walkSaved(ana.access)); n != len(items)-1 {
		t.Errorf("%d left after unsaving one of %d", n, len(items))
	}
	// Without a token, nothing.
	problemOf(t, a.send(http.MethodPut, "/v1/me/saved/"+items[0]["id"].(string), nil), 401, "/problems/unauthorized")
}

func (a *testAPI) walkSaved(token string) []any {
	r := a.get("/v1/me/saved?limit=100", bearer(token)...)
	expect(a.t, r, http.StatusOK)
	return r.json(a.t)["items"].([]any)
}

func TestPasswordChangeExportAndErasure(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("zeca@example.org")
	expect(t, a.send(http.MethodPut, "/v1/me/saved/cv-sal-hospitality-training-school", nil, bearer(acc.access)...), http.StatusNoContent)
	expect(t, a.send(http.MethodPut, "/v1/me/profile", map[string]any{"origin_country": "CV", "investor_type": "diaspora"}, bearer(acc.access)...), http.StatusOK)

	p := problemOf(t, a.send(http.MethodPost, "/v1/me/password", map[string]any{"current_password": "wrong one entirely", "new_password": "a brand new passphrase"}, bearer(acc.access)...), 400, "/problems/invalid-body")
	if fieldErrors(p)["current_password"] != "wrong_password" {
		t.Errorf("errors %v", p["errors"])
	}
	// Tokens issued in the very same second as the change are refused too.
	expect(t, a.send(http.MethodPost, "/v1/me/password", map[string]any{"current_password": acc.password, "new_password": "a brand new passphrase"}, bearer(acc.access)...), http.StatusNoContent)
	problemOf(t, a.get("/v1/me", bearer(acc.access)...), 401, "/problems/unauthorized")
	problemOf(t, a.send(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": acc.refresh}), 401, "/problems/unauthorized")
	problemOf(t, a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": acc.email, "password": acc.password}), 401, "/problems/unauthorized")
	access, refresh := a.login(acc.email, "a brand new passphrase")

	export := a.get("/v1/me/export", bearer(access)...)
	expect(t, export, http.StatusOK)
	e := export.json(t)
	if e["user"].(map[string]any)["email"] != acc.email || len(e["saved"].([]any)) != 1 ||
		e["profile"].(map[string]any)["origin_country"] != "CV" || len(e["sessions"].([]any)) < 2 ||
		!strings.Contains(export.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export %s", export.body)
	}
	if strings.Contains(string(export.body), "argon2") || strings.Contains(string(export.body), "password") {
		t.Error("the export shows the password hash")
	}

	expect(t, a.send(http.MethodDelete, "/v1/me", nil, bearer(access)...), http.StatusNoContent)
	problemOf(t, a.get("/v1/me", bearer(access)...), 401, "/problems/unauthorized")
	problemOf(t, a.send(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": refresh}), 401, "/problems/unauthorized")
	for table, where := range map[string]string{"users": "true", "investor_profiles": "true", "saved_opportunities": "true",
		"refresh_tokens": "true", "rate_limits": "bucket LIKE 'write-user:%' OR bucket LIKE 'login-account:%'"} {
		var n int
		if err := a.db.Get(&n, `SELECT count(*) FROM `+table+` WHERE `+where); err != nil || n != 0 {
			t.Errorf("%s keeps %d rows of the account after erasure (%v)", table, n, err)
		}
	}
	// The e-mail is free again.
	a.signUp("zeca@example.org")
}

func TestFailedLoginsMeetATooManyRequests(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("rita@example.org")
	var limited response
	for i := 1; i <= 40; i++ {
		r := a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": acc.email, "password": fmt.Sprintf("wrong guess %d!", i)})
		if r.status == http.StatusTooManyRequests {
			limited = r
			break
		}
		problemOf(t, r, http.StatusUnauthorized, "/problems/unauthorized")
		if r.header.Get("RateLimit-Limit") == "" {
			t.Errorf("attempt %d: no rate-limit headers", i)
		}
	}
	if limited.status != http.StatusTooManyRequests {
		t.Fatal("40 wrong passwords never met a 429")
	}
	problemOf(t, limited, http.StatusTooManyRequests, "/problems/too-many-requests")
	if limited.header.Get("Retry-After") == "" || limited.header.Get("RateLimit-Remaining") != "0" {
		t.Errorf("429 headers %v", limited.header)
	}
	// Even the right password waits now: guessing cannot go on.
	problemOf(t, a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": acc.email, "password": acc.password}), 429, "/problems/too-many-requests")
	// Another account from the same address is still served.
	a.signUp("sofia@example.org")
}

func TestUnknownEmailAndWrongPasswordLookAlike(t *testing.T) {
	a := newAPI(t)
	a.signUp("joao@example.org")
	unknown := a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": "nobody@example.org", "password": "whatever long one"})
	wrong := a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": "joao@example.org", "password": "whatever long one"})
	pu, pw := problemOf(t, unknown, 401, "/problems/unauthorized"), problemOf(t, wrong, 401, "/problems/unauthorized")
	if pu["detail"] != pw["detail"] || pu["title"] != pw["title"] {
		t.Errorf("unknown e-mail and wrong password answer differently: %v / %v", pu, pw)
	}
}

func TestBodyEdgesAndAuthScope(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("vera@example.org")
	// A null where a value is due is a type error, not a silent "".
	p := problemOf(t, a.send(http.MethodPatch, "/v1/me", `{"display_name": null}`, bearer(acc.access)...), 400, "/problems/invalid-body")
	if fieldErrors(p)["display_name"] != "invalid_type" {
		t.Errorf("errors %v", p["errors"])
	}
	expect(t, a.send(http.MethodPatch, "/v1/me", `{"lang": null}`, bearer(acc.access)...), http.StatusOK)
	many := make([]string, 14)
	for i := range many {
		many[i] = "tourism"
	}
	p = problemOf(t, a.send(http.MethodPut, "/v1/me/profile", map[string]any{"sectors": many}, bearer(acc.access)...), 400, "/problems/invalid-body")
	if fieldErrors(p)["sectors"] != "too_long" {
		t.Errorf("errors %v", p["errors"])
	}
	req := httptest.NewRequest(http.MethodPatch, "/v1/me", strings.NewReader(`{"display_name":"x"}`))
	req.Header.Set("Content-Type", "application/merge-patch+json")
	req.Header.Set("Authorization", "Bearer "+acc.access)
	if resp, err := a.app.Test(req, -1); err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("merge-patch: %v %v", resp.StatusCode, err)
	}
	// A stale access token sent along does not stop a refresh, a login or a health check.
	stale := append([]string{}, bearer("expired.or.broken")...)
	expect(t, a.send(http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": acc.refresh}, stale...), http.StatusOK)
	expect(t, a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": acc.email, "password": acc.password}, stale...), http.StatusOK)
	expect(t, a.get("/healthz", stale...), http.StatusOK)
	// Wrong credentials say so, in the reader's language.
	p = problemOf(t, a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": acc.email, "password": "not the password"}, "Accept-Language", "pt"), 401, "/problems/unauthorized")
	if !strings.Contains(p["detail"].(string), "palavra-passe") {
		t.Errorf("detail %v", p["detail"])
	}
}

func TestConcurrentGuessesMeetTheLimit(t *testing.T) {
	a := newAPI(t)
	acc := a.signUp("nuno@example.org")
	statuses := make(chan int, 30)
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodPost, "/v1/auth/login",
				strings.NewReader(fmt.Sprintf(`{"email":"nuno@example.org","password":"wrong guess %d"}`, i)))
			req.Header.Set("Content-Type", "application/json")
			resp, err := a.app.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	checked := 0
	for s := range statuses {
		if s == http.StatusUnauthorized {
			checked++
		}
	}
	if checked > 10 {
		t.Errorf("%d of 30 concurrent guesses were checked; the limit is 10", checked)
	}
	// The right password now waits too.
	problemOf(t, a.send(http.MethodPost, "/v1/auth/login", map[string]any{"email": acc.email, "password": acc.password}), 429, "/problems/too-many-requests")
	// Hostile e-mails are refused, not 500s: a NUL is bad input, named; a long one no account.
	p := problemOf(t, a.send(http.MethodPost, "/v1/auth/login", `{"email":"a\u0000b@example.org","password":"whatever long one"}`), 400, "/problems/invalid-body")
	if fieldErrors(p)["email"] != "invalid_character" {
		t.Errorf("errors %v", p["errors"])
	}
	problemOf(t, a.send(http.MethodPost, "/v1/auth/login", `{"email":"`+strings.Repeat("x", 5000)+`@example.org","password":"whatever long one"}`), 401, "/problems/unauthorized")
}

func TestForwardedForCountsOnlyBehindTrustedProxies(t *testing.T) {
	a := newAPI(t)
	cfg := api.DefaultConfig()
	cfg.TrustedProxies = []string{"0.0.0.0"} // app.Test's peer address: the load balancer
	a.app = newApp(t, a.db, cfg)
	// The client is the last hop the balancer saw; what the client wrote before it does not
	// make it a new client.
	for i := 1; i <= 21; i++ {
		r := a.send(http.MethodPost, "/v1/auth/register", map[string]any{"email": fmt.Sprintf("p%d@example.org", i), "password": "another long passphrase"},
			"X-Forwarded-For", fmt.Sprintf("invented-%d, 203.0.113.7", i))
		if i <= 20 {
			expect(t, r, http.StatusCreated)
		} else {
			problemOf(t, r, http.StatusTooManyRequests, "/problems/too-many-requests")
		}
	}
	// Another client behind the same balancer has its own budget.
	expect(t, a.send(http.MethodPost, "/v1/auth/register", map[string]any{"email": "q@example.org", "password": "another long passphrase"},
		"X-Forwarded-For", "198.51.100.9"), http.StatusCreated)
}
