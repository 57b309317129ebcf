package contract

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	accessToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1In0.c2ln"
	realm       = `Bearer realm="diaspora-marketplace"`
)

func tokens() map[string]any {
	return map[string]any{
		"access_token":  accessToken,
		"refresh_token": "3q2-7wAbC9xYz_0123456789abcdefGHIJKLmnopQRS",
		"token_type":    "Bearer",
		"expires_in":    900,
	}
}

func me() map[string]any {
	return map[string]any{
		"id":           "6e0c2a4f-1b7d-4c3e-9a58-0d1f2e3c4b5a",
		"email":        "ana.lopes@example.com",
		"display_name": "Ana Lopes",
		"lang":         "fr",
		"role":         map[string]any{"code": "investor", "label": "Investor"},
		"created_at":   "2026-04-02T10:15:00Z",
		"updated_at":   "2026-04-02T10:15:00Z",
	}
}

func emptyProfile() map[string]any {
	return map[string]any{
		"display_name": "", "origin_country": nil, "residence_country": nil, "languages": []any{},
		"sectors": []any{}, "regions": []any{}, "ticket_min": nil, "ticket_max": nil,
		"investor_type": nil, "legal_form": nil, "updated_at": nil,
	}
}

func fullProfile() map[string]any {
	return map[string]any{
		"display_name":      "Ana Lopes",
		"origin_country":    "CV",
		"residence_country": "PT",
		"languages":         []any{"pt", "kea"},
		"sectors":           []any{map[string]any{"code": "tourism", "label": "Tourism"}},
		"regions":           []any{map[string]any{"code": "sal", "name": "Sal"}},
		"ticket_min":        map[string]any{"amount": "20000.00", "currency": "EUR"},
		"ticket_max":        nil,
		"investor_type":     map[string]any{"code": "diaspora", "label": "Diaspora (emigrant) investor"},
		"legal_form":        map[string]any{"code": "company", "label": "Company"},
		"updated_at":        "2026-04-03T08:00:00Z",
	}
}

func withField(o map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range o {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<delete>" {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// privateHeader returns the headers of a successful /v1/me or /v1/auth answer with a body.
func privateHeader() http.Header {
	return http.Header{
		"Content-Type":     {"application/json"},
		"Content-Language": {"en"},
		"Vary":             {"Accept-Language"},
		"X-Request-Id":     {"req-1"},
		"Cache-Control":    {"no-store"},
	}
}

// readHeader is privateHeader with the ETag of a read.
func readHeader() http.Header {
	return with(privateHeader(), "Etag", `W/"1a2b-120"`)
}

func noContentHeader() http.Header {
	return http.Header{"X-Request-Id": {"req-1"}, "Cache-Control": {"no-store"}, "Vary": {"Accept-Language"}}
}

func rateLimited(h http.Header, limit, remaining, reset string) http.Header {
	return with(h, "RateLimit-Limit", limit, "RateLimit-Remaining", remaining, "RateLimit-Reset", reset)
}

func unauthorizedHeader(challenge string) http.Header {
	return with(problemHeader(), "Www-Authenticate", challenge)
}

func tooManyHeader() http.Header {
	return rateLimited(with(problemHeader(), "Retry-After", "540"), "10", "0", "540")
}

func auth() http.Header { return http.Header{"Authorization": {"Bearer " + accessToken}} }

func jsonBody() http.Header { return http.Header{"Content-Type": {"application/json"}} }

func authJSON() http.Header {
	return http.Header{"Authorization": {"Bearer " + accessToken}, "Content-Type": {"application/json; charset=utf-8"}}
}

func withErrors(p map[string]any, errs ...map[string]any) map[string]any {
	list := make([]any, len(errs))
	for i, e := range errs {
		list[i] = e
	}
	p["errors"] = list
	return p
}

func fieldError(name, in, code string) map[string]any {
	return map[string]any{"name": name, "in": in, "code": code, "detail": "d"}
}

func TestAccountResponsesAccepted(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	saved := map[string]any{"saved_at": "2026-04-05T18:20:00Z", "opportunity": opportunity()}
	savedPage := list(saved)
	savedPage["next_cursor"] = "c2F2ZWQ"
	cases := []responseCase{
		// Authentication.
		{name: "register", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(),
			reqBody: `{"email":"ana.lopes@example.com","password":"morabeza-na-diaspora","display_name":"Ana Lopes","lang":"pt-BR"}`,
			status:  201, header: rateLimited(with(privateHeader(), "Location", "/v1/me"), "20", "19", "3600"), body: me()},
		{name: "register without optional fields or rate-limit headers", method: http.MethodPost, target: "/v1/auth/register",
			reqHdr: jsonBody(), reqBody: `{"email":"a@example.cv","password":"0123456789"}`,
			status: 201, header: with(privateHeader(), "Location", "/v1/me"), body: withField(me(), "lang", nil, "display_name", "")},
		{name: "register: invalid fields", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(),
			reqBody: `{"email":"nope","password":"short","role":"admin"}`, status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-body", 400, "/v1/auth/register"),
				fieldError("email", "body", "invalid_email"), fieldError("password", "body", "password_too_short"),
				fieldError("role", "body", "unknown_field"))},
		{name: "register: malformed JSON, no errors", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(),
			reqBody: `{"email":`, status: 400, header: problemHeader(), body: problem("/problems/malformed-json", 400, "/v1/auth/register")},
		{name: "register: malformed lang parameter", method: http.MethodPost, target: "/v1/auth/register?lang=!!", reqHdr: jsonBody(),
			reqBody: `{}`, status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-parameters", 400, "/v1/auth/register"), fieldError("lang", "query", "invalid_language"))},
		{name: "login: lang given twice", method: http.MethodPost, target: "/v1/auth/login?lang=pt&lang=en", reqHdr: jsonBody(),
			reqBody: `{}`, status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-parameters", 400, "/v1/auth/login"), fieldError("lang", "query", "repeated_parameter"))},
		{name: "register: e-mail taken", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(),
			reqBody: `{"email":"ANA.LOPES@example.com","password":"morabeza-na-diaspora"}`, status: 409, header: problemHeader(),
			body: problem("/problems/conflict", 409, "/v1/auth/register")},
		{name: "register: not JSON", method: http.MethodPost, target: "/v1/auth/register",
			reqHdr: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, reqBody: "email=a",
			status: 415, header: problemHeader(), body: problem("/problems/unsupported-media-type", 415, "/v1/auth/register")},
		{name: "register: too large", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(), reqBody: `{}`,
			status: 413, header: problemHeader(), body: problem("/problems/payload-too-large", 413, "/v1/auth/register")},
		{name: "register: too many", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(), reqBody: `{}`,
			status: 429, header: tooManyHeader(), body: problem("/problems/too-many-requests", 429, "/v1/auth/register")},
		{name: "login", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(),
			reqBody: `{"email":"ana.lopes@example.com","password":"morabeza-na-diaspora"}`,
			status:  200, header: rateLimited(privateHeader(), "10", "10", "900"), body: tokens()},
		{name: "login with a stale token attached", method: http.MethodPost, target: "/v1/auth/login",
			reqHdr:  http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer expired.token.here"}},
			reqBody: `{"email":"ana.lopes@example.com","password":"morabeza-na-diaspora"}`,
			status:  200, header: rateLimited(privateHeader(), "10", "10", "900"), body: tokens()},
		{name: "login: wrong password", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(),
			reqBody: `{"email":"ana.lopes@example.com","password":"wrong"}`, status: 401, header: unauthorizedHeader(realm),
			body: problem("/problems/unauthorized", 401, "/v1/auth/login")},
		{name: "login: too many failures", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(),
			reqBody: `{"email":"ana.lopes@example.com","password":"wrong"}`, status: 429, header: tooManyHeader(),
			body: problem("/problems/too-many-requests", 429, "/v1/auth/login")},
		{name: "login: missing password", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(),
			reqBody: `{"email":"ana.lopes@example.com"}`, status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-body", 400, "/v1/auth/login"), fieldError("password", "body", "required"))},
		{name: "refresh", method: http.MethodPost, target: "/v1/auth/refresh", reqHdr: jsonBody(),
			reqBody: `{"refresh_token":"3q2-7wAbC9xYz_0123456789abcdefGHIJKLmnopQRS"}`, status: 200, header: privateHeader(), body: tokens()},
		{name: "refresh: reused token", method: http.MethodPost, target: "/v1/auth/refresh", reqHdr: jsonBody(),
			reqBody: `{"refresh_token":"used"}`, status: 401, header: unauthorizedHeader(realm + `, error="invalid_token"`),
			body: problem("/problems/unauthorized", 401, "/v1/auth/refresh")},
		{name: "logout", method: http.MethodPost, target: "/v1/auth/logout", reqHdr: jsonBody(),
			reqBody: `{"refresh_token":"unknown-is-fine"}`, status: 204, header: noContentHeader()},

		// The account.
		{name: "me", target: "/v1/me", reqHdr: auth(), status: 200, header: readHeader(), body: me()},
		{name: "me with its lang outside Content-Language", target: "/v1/me?lang=pt", reqHdr: auth(), status: 200,
			header: with(readHeader(), "Content-Language", "pt"), body: me()},
		{name: "HEAD me", method: http.MethodHead, target: "/v1/me", reqHdr: auth(), status: 200, header: readHeader()},
		{name: "me not modified", target: "/v1/me",
			reqHdr: http.Header{"Authorization": {"Bearer " + accessToken}, "If-None-Match": {`W/"1a2b-120"`}},
			status: 304, header: http.Header{"Etag": {`W/"1a2b-120"`}, "Cache-Control": {"no-store"}, "Vary": {"Accept-Language"}, "X-Request-Id": {"r"}}},
		{name: "me without a token", target: "/v1/me", status: 401, header: unauthorizedHeader(realm),
			body: problem("/problems/unauthorized", 401, "/v1/me")},
		{name: "me with an expired token", target: "/v1/me", reqHdr: auth(), status: 401,
			header: unauthorizedHeader(realm + `, error="invalid_token"`), body: problem("/problems/unauthorized", 401, "/v1/me")},
		{name: "patch me", method: http.MethodPatch, target: "/v1/me", reqHdr: authJSON(), reqBody: `{"display_name":"Ana","lang":null}`,
			status: 200, header: rateLimited(privateHeader(), "120", "119", "60"), body: withField(me(), "lang", nil)},
		{name: "patch me: role refused", method: http.MethodPatch, target: "/v1/me", reqHdr: authJSON(), reqBody: `{"role":"admin"}`,
			status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-body", 400, "/v1/me"), fieldError("role", "body", "unknown_field"))},
		{name: "delete me", method: http.MethodDelete, target: "/v1/me", reqHdr: auth(), status: 204,
			header: rateLimited(noContentHeader(), "120", "118", "59")},
		{name: "change password", method: http.MethodPost, target: "/v1/me/password", reqHdr: authJSON(),
			reqBody: `{"current_password":"morabeza-na-diaspora","new_password":"another long passphrase"}`, status: 204, header: noContentHeader()},
		{name: "change password: wrong current", method: http.MethodPost, target: "/v1/me/password", reqHdr: authJSON(),
			reqBody: `{"current_password":"x","new_password":"another long passphrase"}`, status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-body", 400, "/v1/me/password"), fieldError("current_password", "body", "wrong_password"))},
		{name: "export", target: "/v1/me/export", reqHdr: auth(), status: 200,
			header: with(readHeader(), "Content-Disposition", `attachment; filename="diaspora-marketplace-export.json"`),
			body: map[string]any{"exported_at": "2026-05-01T12:00:00Z", "user": me(), "profile": fullProfile(),
				"saved":    []any{map[string]any{"opportunity_id": "3f6c", "saved_at": "2026-04-05T18:20:00Z"}},
				"sessions": []any{map[string]any{"created_at": "2026-04-02T10:16:00Z", "expires_at": "2026-05-02T10:16:00Z", "revoked_at": nil}},
				"api_keys": []any{}, "interests": []any{}, "memberships": []any{}}},
		{name: "profile before the first PUT", target: "/v1/me/profile", reqHdr: auth(), status: 200, header: readHeader(), body: emptyProfile()},
		{name: "profile", target: "/v1/me/profile", reqHdr: auth(), status: 200, header: readHeader(), body: fullProfile()},
		{name: "put profile", method: http.MethodPut, target: "/v1/me/profile", reqHdr: authJSON(),
			reqBody: `{"origin_country":"cv","residence_country":"PT","languages":["pt","kea"],"sectors":["tourism"],` +
				`"regions":["sal"],"ticket_min":{"amount":"20000","currency":"eur"},"ticket_max":null,"investor_type":"diaspora","legal_form":"company"}`,
			status: 200, header: privateHeader(), body: fullProfile()},
		{name: "put profile: invalid fields", method: http.MethodPut, target: "/v1/me/profile", reqHdr: authJSON(),
			reqBody: `{"sectors":["mining"]}`, status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-body", 400, "/v1/me/profile"),
				fieldError("sectors", "body", "unknown_code"), fieldError("ticket_max", "body", "currency_mismatch"))},
		{name: "saved", target: "/v1/me/saved?limit=1", reqHdr: auth(), status: 200, body: savedPage,
			header: with(readHeader(), "Content-Language", "pt", "Link", `</v1/me/saved?limit=1&cursor=c2F2ZWQ>; rel="next"`)},
		{name: "save", method: http.MethodPut, target: "/v1/me/saved/cv-sal-eco-lodge", reqHdr: auth(), status: 204, header: noContentHeader()},
		{name: "save an unpublished opportunity", method: http.MethodPut, target: "/v1/me/saved/3f6c", reqHdr: auth(), status: 404,
			header: problemHeader(), body: problem("/problems/not-found", 404, "/v1/me/saved/3f6c")},
		{name: "unsave", method: http.MethodDelete, target: "/v1/me/saved/3f6c", reqHdr: auth(), status: 204, header: noContentHeader()},
		{name: "writes: too many", method: http.MethodPut, target: "/v1/me/saved/3f6c", reqHdr: auth(), status: 429,
			header: tooManyHeader(), body: problem("/problems/too-many-requests", 429, "/v1/me/saved/3f6c")},

		// The catalogue with a token.
		{name: "catalogue read signed in", target: "/v1/opportunities", reqHdr: auth(), status: 200,
			header: with(catalogueHeader("pt"), "Cache-Control", "private, max-age=60"), body: list(opportunity())},
		{name: "catalogue read with an invalid token", target: "/v1/sectors", reqHdr: auth(), status: 401,
			header: unauthorizedHeader(realm + `, error="invalid_token"`), body: problem("/problems/unauthorized", 401, "/v1/sectors")},
		{name: "catalogue 304 signed in", target: "/v1/sectors",
			reqHdr: http.Header{"Authorization": {"Bearer " + accessToken}, "If-None-Match": {`"a"`}}, status: 304,
			header: http.Header{"Etag": {`"a"`}, "Cache-Control": {"private, max-age=60"}, "Vary": {"Accept-Language"}, "X-Request-Id": {"r"}}},
		{name: "405 lists the methods of /v1/me", method: http.MethodPost, target: "/v1/me", status: 405,
			header: with(problemHeader(), "Allow", "GET, HEAD, PATCH, DELETE"), body: problem("/problems/method-not-allowed", 405, "/v1/me")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.check(t, v); err != nil {
				t.Errorf("valid response rejected:\n%v", err)
			}
		})
	}
}

func TestAccountResponsesRejected(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	login := func(body map[string]any, want string) responseCase {
		return responseCase{method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(),
			reqBody: `{"email":"a@example.cv","password":"p"}`, status: 200, header: rateLimited(privateHeader(), "10", "10", "900"),
			body: body, want: want}
	}
	getMe := func(body map[string]any, want string) responseCase {
		return responseCase{target: "/v1/me", reqHdr: auth(), status: 200, header: readHeader(), body: body, want: want}
	}
	getProfile := func(body map[string]any, want string) responseCase {
		return responseCase{target: "/v1/me/profile", reqHdr: auth(), status: 200, header: readHeader(), body: body, want: want}
	}
	named := func(name string, c responseCase) responseCase { c.name = name; return c }
	cases := []responseCase{
		// Tokens.
		named("tokens: token_type in lower case", login(withField(tokens(), "token_type", "bearer"), "token_type")),
		named("tokens: no refresh_token", login(withField(tokens(), "refresh_token", "<delete>"), "refresh_token")),
		named("tokens: expires_in as a string", login(withField(tokens(), "expires_in", "900"), "expires_in")),
		named("tokens: access_token not a JWT", login(withField(tokens(), "access_token", "opaque"), "access_token")),
		named("tokens: an extra field", login(withField(tokens(), "scope", "all"), "scope")),
		{name: "tokens: cacheable", method: http.MethodPost, target: "/v1/auth/refresh", reqHdr: jsonBody(),
			reqBody: `{"refresh_token":"t"}`, status: 200, header: with(privateHeader(), "Cache-Control", "private, max-age=60"),
			body: tokens(), want: "Cache-Control"},
		{name: "login without rate-limit headers", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(),
			reqBody: `{"email":"a@example.cv","password":"p"}`, status: 200, header: privateHeader(), body: tokens(), want: "RateLimit-Limit"},

		// Me.
		named("me: unknown role", getMe(withField(me(), "role", map[string]any{"code": "superuser", "label": "S"}), "role")),
		named("me: lang left out", getMe(withField(me(), "lang", "<delete>"), "lang")),
		named("me: password hash shown", getMe(withField(me(), "password_hash", "$argon2id$"), "password_hash")),
		named("me: email not an address", getMe(withField(me(), "email", "ana"), "email")),
		named("me: display_name too long", getMe(withField(me(), "display_name", strings.Repeat("a", 101)), "display_name")),
		{name: "me: cacheable", target: "/v1/me", reqHdr: auth(), status: 200,
			header: with(readHeader(), "Cache-Control", "private, max-age=60"), body: me(), want: "Cache-Control"},
		{name: "me: answered without a token", target: "/v1/me", status: 200, header: readHeader(), body: me(), want: "must be 401"},
		{name: "me: answered to a Basic credential", target: "/v1/me", reqHdr: http.Header{"Authorization": {"Basic YTpi"}},
			status: 200, header: readHeader(), body: me(), want: "not a bearer token"},
		{name: "register: 201 without Location", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(),
			reqBody: `{"email":"a@example.cv","password":"0123456789"}`, status: 201, header: privateHeader(), body: me(), want: "Location"},
		{name: "register: 200 instead of 201", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(),
			reqBody: `{"email":"a@example.cv","password":"0123456789"}`, status: 200, header: privateHeader(), body: me(),
			want: "status 200 is not documented"},

		// Profile.
		named("profile: unknown investor type", getProfile(withField(fullProfile(), "investor_type",
			map[string]any{"code": "expat", "label": "Expat"}), "investor_type")),
		named("profile: unknown sector", getProfile(withField(fullProfile(), "sectors",
			[]any{map[string]any{"code": "mining", "label": "Mining"}}), "sectors")),
		named("profile: updated_at left out", getProfile(withField(fullProfile(), "updated_at", "<delete>"), "updated_at")),
		named("profile: amount as a number", getProfile(withField(fullProfile(), "ticket_min",
			map[string]any{"amount": 20000, "currency": "EUR"}), "ticket_min")),
		named("profile: lower-case country", getProfile(withField(fullProfile(), "origin_country", "cv"), "origin_country")),
		named("profile: legal form as a bare code", getProfile(withField(fullProfile(), "legal_form", "company"), "legal_form")),
		named("profile: languages null", getProfile(withField(emptyProfile(), "languages", nil), "languages")),

		// Request bodies answered with success.
		{name: "patch me: role accepted", method: http.MethodPatch, target: "/v1/me", reqHdr: authJSON(), reqBody: `{"role":"admin"}`,
			status: 200, header: privateHeader(), body: me(), want: "400 /problems/invalid-body"},
		{name: "patch me: display_name null accepted", method: http.MethodPatch, target: "/v1/me", reqHdr: authJSON(),
			reqBody: `{"display_name":null}`, status: 200, header: privateHeader(), body: me(), want: "display_name"},
		{name: "register: short password accepted", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(),
			reqBody: `{"email":"a@example.cv","password":"short"}`, status: 201, header: with(privateHeader(), "Location", "/v1/me"),
			body: me(), want: "password"},
		{name: "register: form body accepted", method: http.MethodPost, target: "/v1/auth/register",
			reqHdr: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, reqBody: "email=a&password=0123456789",
			status: 201, header: with(privateHeader(), "Location", "/v1/me"), body: me(), want: "must be 415"},
		{name: "register: no Content-Type accepted", method: http.MethodPost, target: "/v1/auth/register",
			reqBody: `{"email":"a@example.cv","password":"0123456789"}`,
			status:  201, header: with(privateHeader(), "Location", "/v1/me"), body: me(), want: "without Content-Type"},
		{name: "register: malformed JSON accepted", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(),
			reqBody: `{"email":`, status: 201, header: with(privateHeader(), "Location", "/v1/me"), body: me(), want: "malformed-json"},
		{name: "put profile: 14 sectors accepted", method: http.MethodPut, target: "/v1/me/profile", reqHdr: authJSON(),
			reqBody: `{"sectors":["tourism","tourism","tourism","tourism","tourism","tourism","tourism","tourism","tourism","tourism","tourism","tourism","tourism","tourism"]}`,
			status:  200, header: privateHeader(), body: fullProfile(), want: "sectors"},
		{name: "put profile: ticket as a number accepted", method: http.MethodPut, target: "/v1/me/profile", reqHdr: authJSON(),
			reqBody: `{"ticket_min":20000}`, status: 200, header: privateHeader(), body: fullProfile(), want: "ticket_min"},
		{name: "logout: empty body accepted", method: http.MethodPost, target: "/v1/auth/logout", reqHdr: jsonBody(),
			reqBody: `{}`, status: 204, header: noContentHeader(), want: "refresh_token"},

		// Refusals of a body.
		{name: "415 for JSON", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(), reqBody: `{}`, status: 415,
			header: problemHeader(), body: problem("/problems/unsupported-media-type", 415, "/v1/auth/login"), want: "accepts"},
		{name: "malformed-json for well-formed JSON", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(),
			reqBody: `{"email":1}`, status: 400, header: problemHeader(), body: problem("/problems/malformed-json", 400, "/v1/auth/login"),
			want: "well-formed JSON"},
		{name: "invalid-body without errors", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(), reqBody: `{}`,
			status: 400, header: problemHeader(), body: problem("/problems/invalid-body", 400, "/v1/auth/login"), want: "errors"},
		{name: "invalid-body with a query error", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(), reqBody: `{}`,
			status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-body", 400, "/v1/auth/login"), fieldError("email", "query", "required")), want: "in"},
		{name: "an undocumented field code", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(), reqBody: `{}`,
			status: 400, header: problemHeader(),
			body: withErrors(problem("/problems/invalid-body", 400, "/v1/auth/register"), fieldError("password", "body", "weak_password")),
			want: "code"},
		{name: "422 for a validation failure", method: http.MethodPost, target: "/v1/auth/register", reqHdr: jsonBody(), reqBody: `{}`,
			status: 422, header: problemHeader(), body: problem("/problems/invalid-body", 422, "/v1/auth/register"),
			want: "status 422 is not documented"},

		// 401.
		{name: "401 without WWW-Authenticate", target: "/v1/me", status: 401, header: problemHeader(),
			body: problem("/problems/unauthorized", 401, "/v1/me"), want: "WWW-Authenticate"},
		{name: "401 with a Basic challenge", target: "/v1/me", status: 401, header: unauthorizedHeader(`Basic realm="x"`),
			body: problem("/problems/unauthorized", 401, "/v1/me"), want: "WWW-Authenticate"},
		{name: "401 to a token without error code", target: "/v1/me", reqHdr: auth(), status: 401, header: unauthorizedHeader(realm),
			body: problem("/problems/unauthorized", 401, "/v1/me"), want: "invalid_token"},
		{name: "401 without a token but with an error code", target: "/v1/me/profile", status: 401,
			header: unauthorizedHeader(realm + `, error="invalid_token"`), body: problem("/problems/unauthorized", 401, "/v1/me/profile"),
			want: "no error code"},
		{name: "401 with a wrong problem type", target: "/v1/me", status: 401, header: unauthorizedHeader(realm),
			body: problem("/problems/forbidden", 401, "/v1/me"), want: "type"},
		{name: "catalogue 401 without a token", target: "/v1/sectors", status: 401, header: unauthorizedHeader(realm),
			body: problem("/problems/unauthorized", 401, "/v1/sectors"), want: "needs no token"},
		{name: "401 on register", method: http.MethodPost, target: "/v1/auth/register", reqHdr: auth(), reqBody: `{}`, status: 401,
			header: unauthorizedHeader(realm + `, error="invalid_token"`), body: problem("/problems/unauthorized", 401, "/v1/auth/register"),
			want: "status 401 is not documented"},

		// 429.
		{name: "429 without RateLimit-Remaining", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(), reqBody: `{}`,
			status: 429, header: with(tooManyHeader(), "RateLimit-Remaining", ""),
			body: problem("/problems/too-many-requests", 429, "/v1/auth/login"), want: "RateLimit-Remaining"},
		{name: "429 with budget left", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(), reqBody: `{}`,
			status: 429, header: with(tooManyHeader(), "RateLimit-Remaining", "3"),
			body: problem("/problems/too-many-requests", 429, "/v1/auth/login"), want: "0 remaining"},
		{name: "429 with Retry-After as a date", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(), reqBody: `{}`,
			status: 429, header: with(tooManyHeader(), "Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"),
			body: problem("/problems/too-many-requests", 429, "/v1/auth/login"), want: "Retry-After"},
		{name: "429 without Retry-After", method: http.MethodDelete, target: "/v1/me", reqHdr: auth(),
			status: 429, header: with(tooManyHeader(), "Retry-After", ""),
			body: problem("/problems/too-many-requests", 429, "/v1/me"), want: "Retry-After"},
		{name: "remaining above the limit", method: http.MethodPost, target: "/v1/auth/login", reqHdr: jsonBody(),
			reqBody: `{"email":"a@example.cv","password":"p"}`, status: 200, header: rateLimited(privateHeader(), "10", "11", "900"),
			body: tokens(), want: "more than RateLimit-Limit"},

		// 204, export, saved.
		{name: "204 with a body", method: http.MethodDelete, target: "/v1/me", reqHdr: auth(), status: 204,
			header: noContentHeader(), body: map[string]any{"deleted": true}, want: "no content"},
		{name: "204 without no-store", method: http.MethodPost, target: "/v1/auth/logout", reqHdr: jsonBody(),
			reqBody: `{"refresh_token":"t"}`, status: 204, header: with(noContentHeader(), "Cache-Control", ""), want: "Cache-Control"},
		{name: "export without Content-Disposition", target: "/v1/me/export", reqHdr: auth(), status: 200, header: readHeader(),
			body: map[string]any{"exported_at": "2026-05-01T12:00:00Z", "user": me(), "profile": fullProfile(), "saved": []any{}, "sessions": []any{}, "api_keys": []any{}, "interests": []any{}, "memberships": []any{}},
			want: "Content-Disposition"},
		{name: "export session without revoked_at", target: "/v1/me/export", reqHdr: auth(), status: 200,
			header: with(readHeader(), "Content-Disposition", `attachment; filename="diaspora-marketplace-export.json"`),
			body: map[string]any{"exported_at": "2026-05-01T12:00:00Z", "user": me(), "profile": fullProfile(), "saved": []any{},
				"sessions": []any{map[string]any{"created_at": "2026-04-02T10:16:00Z", "expires_at": "2026-05-02T10:16:00Z"}},
				"api_keys": []any{}, "interests": []any{}, "memberships": []any{}},
			want: "revoked_at"},
		{name: "saved item without saved_at", target: "/v1/me/saved", reqHdr: auth(), status: 200, header: with(readHeader(), "Content-Language", "pt"),
			body: list(map[string]any{"opportunity": opportunity()}), want: "saved_at"},
		{name: "saved item with a detail opportunity", target: "/v1/me/saved", reqHdr: auth(), status: 200,
			header: with(readHeader(), "Content-Language", "pt"),
			body:   list(map[string]any{"saved_at": "2026-04-05T18:20:00Z", "opportunity": opportunityDetail()}), want: "description"},
		{name: "saved list in a language Content-Language misses", target: "/v1/me/saved", reqHdr: auth(), status: 200,
			header: readHeader(), body: list(map[string]any{"saved_at": "2026-04-05T18:20:00Z", "opportunity": opportunity()}),
			want: "Content-Language"},
		{name: "profile answered 404", target: "/v1/me/profile", reqHdr: auth(), status: 404,
			header: problemHeader(), body: problem("/problems/not-found", 404, "/v1/me/profile"), want: "status 404 is not documented"},

		// The catalogue with and without a token.
		{name: "catalogue read signed in, public", target: "/v1/opportunities", reqHdr: auth(), status: 200,
			header: catalogueHeader("pt"), body: list(opportunity()), want: "private"},
		{name: "catalogue read anonymous, private", target: "/v1/opportunities", status: 200,
			header: with(catalogueHeader("pt"), "Cache-Control", "private, max-age=60"), body: list(opportunity()), want: "public"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.check(t, v)
			if err == nil {
				t.Fatalf("invalid response accepted (want an error about %q)", c.want)
			}
			var mismatch *MismatchError
			if !errors.As(err, &mismatch) || len(mismatch.Problems) == 0 {
				t.Fatalf("error is %T, want a *MismatchError with problems: %v", err, err)
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.want)) {
				t.Errorf("error does not mention %q:\n%v", c.want, err)
			}
			if testing.Verbose() {
				t.Log(err)
			}
		})
	}
}

// TestRequestBodyIsReadWithoutConsumingIt checks the three ways a request body reaches the
// check: through GetBody (http.NewRequest), through a Body that is still unread (and must stay
// readable), and not at all when someone read it before (then it is not judged).
func TestRequestBodyIsReadWithoutConsumingIt(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	hdr := rateLimited(privateHeader(), "120", "119", "60")
	body, _ := mustJSONString(me())
	const refused = `{"role":"admin"}`

	// GetBody, with Body already drained (as after a real round trip).
	req, err := http.NewRequest(http.MethodPatch, "/v1/me", strings.NewReader(refused))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Content-Type", "application/json")
	_, _ = io.ReadAll(req.Body)
	if err := v.CheckResponse(req, 200, hdr, []byte(body)); err == nil || !strings.Contains(err.Error(), "role") {
		t.Errorf("GetBody: a 200 to a body with role was not reported: %v", err)
	}

	// An unread Body: judged, and left readable.
	req = httptest.NewRequest(http.MethodPatch, "/v1/me", strings.NewReader(refused))
	req.Header = authJSON()
	if err := v.CheckResponse(req, 200, hdr, []byte(body)); err == nil {
		t.Error("Body: a 200 to a body with role was not reported")
	}
	if b, _ := io.ReadAll(req.Body); string(b) != refused {
		t.Errorf("the request body after the check is %q, want %q", b, refused)
	}

	// A Body someone already read: unknown, so not judged.
	req = httptest.NewRequest(http.MethodPatch, "/v1/me", strings.NewReader(refused))
	req.Header = authJSON()
	_, _ = io.ReadAll(req.Body)
	if err := v.CheckResponse(req, 200, hdr, []byte(body)); err != nil {
		t.Errorf("a consumed body was judged: %v", err)
	}
}

// TestSecurityOf checks how the security of each family of operations is read.
func TestSecurityOf(t *testing.T) {
	d, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	for route, want := range map[string]authMode{
		"GET /v1/opportunities":                authOptional,
		"GET /v1/me":                           authRequired,
		"DELETE /v1/me/saved/{opportunity_id}": authRequired,
		"POST /v1/auth/refresh":                authNone,
		"GET /healthz":                         authNone,
	} {
		method, path, _ := strings.Cut(route, " ")
		var got authMode = -1
		for _, p := range d.paths {
			if p.template == path {
				got = securityOf(operationOf(p.item, method))
			}
		}
		if got != want {
			t.Errorf("%s: security is %v, want %v", route, got, want)
		}
	}
}

func mustJSONString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
