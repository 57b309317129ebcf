package contract

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	marketplace "github.com/diaspora-investor/marketplace"
)

// opportunity returns a valid opportunity as lists show it, in Portuguese.
func opportunity() map[string]any {
	return map[string]any{
		"id":             "3f6c1d2a-9b8e-4c7d-a6f5-1e2d3c4b5a69",
		"slug":           "cv-sal-eco-lodge",
		"country":        "CV",
		"region":         map[string]any{"code": "sal", "name": "Sal"},
		"sectors":        []any{map[string]any{"code": "tourism", "label": "Turismo"}},
		"instrument":     map[string]any{"code": "equity", "label": "Capital próprio"},
		"title":          "Eco-resort solar na ilha do Sal",
		"summary":        "Resort de 40 quartos alimentado a energia solar.",
		"lang":           "pt",
		"langs":          []any{"en", "fr", "pt"},
		"source_lang":    "pt",
		"min_investment": map[string]any{"amount": "50000000.00", "currency": "CVE"},
		"max_investment": nil,
		"jobs":           40,
		"deadline":       "2027-06-30",
		"investor_types": []any{},
		"status":         map[string]any{"code": "published", "label": "Publicado"},
		"illustrative":   false,
		"example":        nil,
		"as_of":          "2026-11-20",
		"closed":         false,
		"organization":   map[string]any{"id": "0b7e9c2e", "name": "Cabo Verde TradeInvest", "acronym": nil},
		"published_at":   "2026-03-01T09:00:00Z",
		"updated_at":     "2026-03-10T15:30:00.123+01:00",
	}
}

// opportunityDetail returns a valid opportunity as GET /v1/opportunities/{id} shows it.
func opportunityDetail() map[string]any {
	o := opportunity()
	o["description"] = "Descrição."
	o["contact"] = map[string]any{"name": nil, "email": "invest@example.cv", "phone": nil, "url": "https://example.cv/"}
	o["incentives"] = []any{map[string]any{
		"id": "7a1b", "name": "Crédito fiscal", "type": map[string]any{"code": "tax", "label": "Fiscal"}, "lang": "pt",
	}}
	o["programmes"] = []any{}
	o["source"] = nil
	o["sources"] = []any{}
	return o
}

func list(items ...any) map[string]any {
	if items == nil {
		items = []any{}
	}
	return map[string]any{"items": items, "next_cursor": nil}
}

func problem(typ string, status int, instance string) map[string]any {
	return map[string]any{
		"type": typ, "title": "Not found", "status": status, "detail": "There is none.",
		"instance": instance, "request_id": "req-1",
	}
}

// catalogueHeader returns the headers of a successful /v1 read.
func catalogueHeader(contentLanguage string) http.Header {
	return http.Header{
		"Content-Type":     {"application/json; charset=utf-8"},
		"Content-Language": {contentLanguage},
		"Vary":             {"Accept-Language"},
		"X-Request-Id":     {"req-1"},
		"Etag":             {`W/"abc123"`},
		"Cache-Control":    {"public, max-age=60"},
	}
}

func problemHeader() http.Header {
	return http.Header{
		"Content-Type":     {"application/problem+json"},
		"Content-Language": {"en"},
		"X-Request-Id":     {"req-1"},
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type responseCase struct {
	name    string
	method  string
	target  string
	reqHdr  http.Header
	reqBody string // the request body, sent as is
	status  int
	header  http.Header
	body    any // marshalled as JSON unless []byte or nil
	want    string
}

func (c responseCase) check(t *testing.T, v *Validator) error {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	var reqBody io.Reader
	if c.reqBody != "" {
		reqBody = strings.NewReader(c.reqBody)
	}
	req := httptest.NewRequest(method, c.target, reqBody)
	for k, vs := range c.reqHdr {
		req.Header[k] = vs
	}
	var body []byte
	switch b := c.body.(type) {
	case nil:
	case []byte:
		body = b
	default:
		body = mustJSON(t, b)
	}
	return v.CheckResponse(req, c.status, c.header, body)
}

func with(h http.Header, kv ...string) http.Header {
	h = h.Clone()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			h.Del(kv[i])
		} else {
			h.Set(kv[i], kv[i+1])
		}
	}
	return h
}

func TestCheckResponseAccepts(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	withFacets := list(opportunity())
	withFacets["next_cursor"] = "b3BhcXVl"
	withFacets["facets"] = map[string]any{"sector": []any{map[string]any{"code": "tourism", "label": "Turismo", "count": 3}}}
	twoLangs := list(opportunity())
	en := opportunity()
	en["lang"], en["title"] = "en", "Solar eco-lodge on Sal island"
	twoLangs["items"] = []any{opportunity(), en}

	cases := []responseCase{
		{name: "opportunity list", target: "/v1/opportunities?sector=tourism,ict&limit=2&lang=pt-BR",
			status: 200, header: catalogueHeader("pt"), body: list(opportunity())},
		{name: "sparse fieldset", target: "/v1/opportunities?fields=title,region",
			status: 200, header: catalogueHeader("pt"), body: list(map[string]any{"id": "x", "title": "Eco-lodge", "region": nil})},
		{name: "list of a country, items in two languages", target: "/v1/countries/cv/opportunities",
			status: 200, header: catalogueHeader("pt, en"), body: twoLangs},
		{name: "next page and facets", target: "/v1/opportunities?limit=1&facets=sector",
			status: 200, body: withFacets,
			header: with(catalogueHeader("pt"), "Link", `</v1/opportunities?limit=1&facets=sector&cursor=b3BhcXVl>; rel="next"`)},
		{name: "a list parameter repeated", target: "/v1/opportunities?sector=tourism&sector=ict&facets=sector&facets=type",
			status: 200, header: catalogueHeader("pt"),
			body: func() map[string]any {
				l := list(opportunity())
				l["facets"] = map[string]any{"sector": []any{}, "type": []any{}}
				return l
			}()},
		{name: "empty list", target: "/v1/incentives?country=CV&type=tax&min_amount=1000&max_amount=5000.50&currency=EUR&q=solar",
			status: 200, header: catalogueHeader("en"), body: list()},
		{name: "opportunity by slug", target: "/v1/opportunities/cv-sal-eco-lodge",
			status: 200, header: catalogueHeader("pt"), body: opportunityDetail()},
		{name: "sectors", target: "/v1/sectors", status: 200, header: catalogueHeader("en"),
			body: list(map[string]any{"code": "tourism", "label": "Tourism"})},
		{name: "Vary sent twice", target: "/v1/sectors", status: 200,
			header: func() http.Header {
				h := catalogueHeader("en")
				h["Vary"] = []string{"Accept-Encoding", "Accept-Language"}
				return h
			}(),
			body: list(map[string]any{"code": "tourism", "label": "Tourism"})},
		{name: "HEAD", method: http.MethodHead, target: "/v1/sectors", status: 200, header: catalogueHeader("en")},
		{name: "HEAD of an unknown route", method: http.MethodHead, target: "/nothing", status: 404, header: problemHeader()},
		{name: "HEAD of a page", method: http.MethodHead, target: "/docs", status: 200,
			header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "X-Request-Id": {"r"}}},
		{name: "not modified", target: "/v1/sectors", reqHdr: http.Header{"If-None-Match": {`"abc123"`}},
			status: 304, header: http.Header{"Etag": {`W/"abc123"`}, "Cache-Control": {"public, max-age=60"},
				"Vary": {"Accept-Language"}, "X-Request-Id": {"req-1"}}},
		{name: "unknown opportunity", target: "/v1/opportunities/nope", status: 404, header: problemHeader(),
			body: problem("/problems/not-found", 404, "/v1/opportunities/nope")},
		{name: "unknown route", target: "/v2/nothing", status: 404, header: problemHeader(),
			body: problem("/problems/not-found", 404, "/v2/nothing")},
		{name: "wrong method", method: http.MethodDelete, target: "/v1/sectors", status: 405,
			header: with(problemHeader(), "Allow", "GET, HEAD"), body: problem("/problems/method-not-allowed", 405, "/v1/sectors")},
		{name: "invalid limit", target: "/v1/opportunities?limit=0", status: 400, header: problemHeader(),
			body: func() map[string]any {
				p := problem("/problems/invalid-parameters", 400, "/v1/opportunities")
				p["errors"] = []any{map[string]any{"name": "limit", "in": "query", "code": "invalid_limit", "detail": "1 to 100."}}
				return p
			}()},
		{name: "too many requests", target: "/v1/sectors", status: 429,
			header: with(problemHeader(), "Retry-After", "30", "RateLimit-Limit", "100", "RateLimit-Remaining", "0", "RateLimit-Reset", "30"),
			body:   problem("/problems/too-many-requests", 429, "/v1/sectors")},
		{name: "timeout", target: "/v1/opportunities", status: 503, header: problemHeader(),
			body: problem("/problems/timeout", 503, "/v1/opportunities")},
		{name: "CORS preflight", method: http.MethodOptions, target: "/v1/opportunities",
			reqHdr: http.Header{"Origin": {"https://portal.example"}, "Access-Control-Request-Method": {"GET"}},
			status: 204, header: http.Header{"Access-Control-Allow-Origin": {"*"}, "X-Request-Id": {"r"},
				"Access-Control-Allow-Methods": {"GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS"}, "Access-Control-Max-Age": {"600"},
				"Vary": {"Access-Control-Request-Method", "Access-Control-Request-Headers", "Origin"}}},
		{name: "CORS preflight of an unknown path", method: http.MethodOptions, target: "/nothing",
			reqHdr: http.Header{"Origin": {"https://portal.example"}, "Access-Control-Request-Method": {"GET"}},
			status: 204, header: http.Header{"X-Request-Id": {"r"}, "Access-Control-Allow-Methods": {"GET"}}},
		{name: "plain OPTIONS", method: http.MethodOptions, target: "/v1/sectors", status: 405,
			header: with(problemHeader(), "Allow", "GET, HEAD"), body: problem("/problems/method-not-allowed", 405, "/v1/sectors")},
		{name: "healthz", target: "/healthz", status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r"}}, body: map[string]any{"status": "ok"}},
		{name: "readyz down", target: "/readyz", status: 503, header: problemHeader(),
			body: problem("/problems/unavailable", 503, "/readyz")},
		{name: "metrics", target: "/metrics", status: 200,
			header: http.Header{"Content-Type": {"text/plain; version=0.0.4; charset=utf-8"}, "X-Request-Id": {"r"}},
			body:   []byte("# HELP up 1\nup 1\n")},
		{name: "openapi.yaml", target: "/openapi.yaml", status: 200,
			header: http.Header{"Content-Type": {"application/yaml"}, "X-Request-Id": {"r"}}, body: marketplace.OpenAPIDocument},
		{name: "docs asset", target: "/docs/swagger-ui-bundle.js", status: 200,
			header: http.Header{"Content-Type": {"text/javascript; charset=utf-8"}, "X-Request-Id": {"r"}}, body: []byte("var x;")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.check(t, v); err != nil {
				t.Errorf("valid response rejected:\n%v", err)
			}
		})
	}
}

func TestCheckResponseRejects(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(o map[string]any)) map[string]any {
		o := opportunity()
		f(o)
		return list(o)
	}
	okList := list(opportunity())
	cases := []responseCase{
		{name: "item without id", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: mutate(func(o map[string]any) { delete(o, "id") }), want: "id"},
		{name: "amount as a number", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: mutate(func(o map[string]any) { o["min_investment"] = map[string]any{"amount": 50000000, "currency": "CVE"} }),
			want: "amount"},
		{name: "amount without two decimals", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: mutate(func(o map[string]any) { o["min_investment"] = map[string]any{"amount": "50000000", "currency": "CVE"} }),
			want: "amount"},
		{name: "sparse fieldset with more than asked", target: "/v1/opportunities?fields=title", status: 200,
			header: catalogueHeader("pt"), body: list(opportunity()), want: "fields"},
		{name: "sparse fieldset without id", target: "/v1/opportunities?fields=title", status: 200,
			header: catalogueHeader("pt"), body: list(map[string]any{"title": "Eco-lodge"}), want: "id"},
		{name: "sparse item without fields=", target: "/v1/incentives", status: 200,
			header: catalogueHeader("pt"), body: list(map[string]any{"id": "x", "name": "Crédito fiscal"}), want: "whole items"},
		{name: "nullable field left out", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: mutate(func(o map[string]any) { delete(o, "max_investment") }), want: "max_investment"},
		{name: "undocumented field", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: mutate(func(o map[string]any) { o["search_document"] = "x" }), want: "search_document"},
		{name: "deadline as a time", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: mutate(func(o map[string]any) { o["deadline"] = "2027-06-30T00:00:00Z" }), want: "deadline"},
		{name: "draft shown", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: mutate(func(o map[string]any) { o["status"] = map[string]any{"code": "draft", "label": "Rascunho"} }), want: "status"},
		{name: "unknown sector code", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: mutate(func(o map[string]any) { o["sectors"] = []any{map[string]any{"code": "mining", "label": "Mining"}} }),
			want: "sectors"},
		{name: "an undocumented rate-limit header", target: "/healthz", status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r"}, "Ratelimit-Limit": {"10"}},
			body:   map[string]any{"status": "ok"}, want: "header RateLimit-Limit was sent, but the 200 response does not document it"},
		{name: "an undocumented ETag", target: "/metrics", status: 200,
			header: http.Header{"Content-Type": {"text/plain"}, "X-Request-Id": {"r"}, "Etag": {`W/"x"`}},
			body:   "# nothing\n", want: "header ETag was sent"},
		{name: "undocumented status", target: "/v1/opportunities", status: 201, header: catalogueHeader("pt"),
			body: okList, want: "status 201 is not documented"},
		{name: "status 406 is not documented", target: "/v1/sectors", status: 406, header: problemHeader(),
			body: problem("/problems/not-found", 406, "/v1/sectors"), want: "status 406 is not documented"},
		{name: "wrong content type", target: "/v1/opportunities", status: 200,
			header: with(catalogueHeader("pt"), "Content-Type", "text/html"), body: okList, want: "Content-Type"},
		{name: "problem as application/json", target: "/v1/opportunities/nope", status: 404,
			header: with(problemHeader(), "Content-Type", "application/json"),
			body:   problem("/problems/not-found", 404, "/v1/opportunities/nope"), want: "Content-Type"},
		{name: "missing X-Request-ID", target: "/v1/opportunities", status: 200,
			header: with(catalogueHeader("pt"), "X-Request-Id", ""), body: okList, want: "X-Request-ID"},
		{name: "missing ETag", target: "/v1/opportunities", status: 200,
			header: with(catalogueHeader("pt"), "Etag", ""), body: okList, want: "ETag"},
		{name: "private cache", target: "/v1/opportunities", status: 200,
			header: with(catalogueHeader("pt"), "Cache-Control", "no-store"), body: okList, want: "cache-control"},
		{name: "Vary without Accept-Language", target: "/v1/opportunities", status: 200,
			header: with(catalogueHeader("pt"), "Vary", "Accept-Encoding"), body: okList, want: "vary"},
		{name: "Content-Language misses a language of the body", target: "/v1/opportunities", status: 200,
			header: catalogueHeader("en"), body: okList, want: "Content-Language"},
		{name: "next_cursor without Link", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: func() map[string]any { l := list(opportunity()); l["next_cursor"] = "abc"; return l }(), want: `rel="next"`},
		{name: "Link without next_cursor", target: "/v1/opportunities", status: 200, body: okList,
			header: with(catalogueHeader("pt"), "Link", `</v1/opportunities?cursor=abc>; rel="next"`), want: `rel="next"`},
		{name: "Link drops the filter", target: "/v1/opportunities?sector=tourism", status: 200,
			body:   func() map[string]any { l := list(opportunity()); l["next_cursor"] = "abc"; return l }(),
			header: with(catalogueHeader("pt"), "Link", `</v1/opportunities?cursor=abc>; rel="next"`), want: "keeps the filter"},
		{name: "more items than limit", target: "/v1/opportunities?limit=1", status: 200, header: catalogueHeader("pt"),
			body: list(opportunity(), opportunity()), want: "more than limit=1"},
		{name: "facets not asked", target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
			body: func() map[string]any { l := list(opportunity()); l["facets"] = map[string]any{}; return l }(), want: "facets"},
		{name: "facets asked, not answered", target: "/v1/opportunities?facets=sector,type", status: 200,
			header: catalogueHeader("pt"), body: okList, want: "facets"},
		{name: "non-paginated list with a cursor", target: "/v1/sectors", status: 200, header: catalogueHeader("en"),
			body: map[string]any{"items": []any{}, "next_cursor": "abc"}, want: "next_cursor"},
		{name: "success for an invalid limit", target: "/v1/opportunities?limit=0", status: 200, header: catalogueHeader("pt"),
			body: okList, want: "must answer 400"},
		{name: "success for an unknown sector", target: "/v1/opportunities?sector=tourism,mining", status: 200,
			header: catalogueHeader("pt"), body: okList, want: "must answer 400"},
		{name: "success for a malformed language", target: "/v1/sectors?lang=!!", status: 200, header: catalogueHeader("en"),
			body: list(), want: "must answer 400"},
		{name: "success for a repeated parameter", target: "/v1/opportunities?limit=5&limit=6", status: 200,
			header: catalogueHeader("pt"), body: okList, want: "given 2 times"},
		{name: "success for an unknown sector, repeated", target: "/v1/opportunities?sector=tourism&sector=mining", status: 200,
			header: catalogueHeader("pt"), body: okList, want: "must answer 400"},
		{name: "unknown route answered", target: "/v1/nothing", status: 200, header: catalogueHeader("pt"),
			body: okList, want: "must be 404"},
		{name: "trailing slash answered", target: "/v1/opportunities/", status: 200, header: catalogueHeader("pt"),
			body: okList, want: "must be 404"},
		{name: "wrong method answered 404", method: http.MethodPost, target: "/v1/sectors", status: 404,
			header: problemHeader(), body: problem("/problems/not-found", 404, "/v1/sectors"), want: "must be 405"},
		{name: "CORS preflight answered 405", method: http.MethodOptions, target: "/v1/sectors",
			reqHdr: http.Header{"Origin": {"https://portal.example"}, "Access-Control-Request-Method": {"GET"}},
			status: 405, header: with(problemHeader(), "Allow", "GET, HEAD"),
			body: problem("/problems/method-not-allowed", 405, "/v1/sectors"), want: "must answer 204"},
		{name: "CORS preflight without Allow-Methods", method: http.MethodOptions, target: "/v1/sectors",
			reqHdr: http.Header{"Origin": {"https://portal.example"}, "Access-Control-Request-Method": {"GET"}},
			status: 204, header: http.Header{"X-Request-Id": {"r"}}, want: "Access-Control-Allow-Methods"},
		{name: "405 without Allow", method: http.MethodPut, target: "/v1/sectors", status: 405, header: problemHeader(),
			body: problem("/problems/method-not-allowed", 405, "/v1/sectors"), want: "Allow"},
		{name: "405 with a wrong Allow", method: http.MethodPut, target: "/v1/sectors", status: 405,
			header: with(problemHeader(), "Allow", "GET, POST"),
			body:   problem("/problems/method-not-allowed", 405, "/v1/sectors"), want: "no POST"},
		{name: "problem of the wrong type", target: "/v1/opportunities/x", status: 404, header: problemHeader(),
			body: problem("/problems/internal", 404, "/v1/opportunities/x"), want: "type"},
		{name: "problem of an unknown type", target: "/v1/opportunities/x", status: 404, header: problemHeader(),
			body: problem("about:blank", 404, "/v1/opportunities/x"), want: "type"},
		{name: "problem status differs", target: "/v1/opportunities/x", status: 404, header: problemHeader(),
			body: problem("/problems/not-found", 400, "/v1/opportunities/x"), want: "status is 400"},
		{name: "problem instance differs", target: "/v1/opportunities/x", status: 404, header: problemHeader(),
			body: problem("/problems/not-found", 404, "/v1/opportunities"), want: "instance"},
		{name: "problem request_id differs", target: "/v1/opportunities/x", status: 404,
			header: with(problemHeader(), "X-Request-Id", "other"),
			body:   problem("/problems/not-found", 404, "/v1/opportunities/x"), want: "request_id"},
		{name: "400 without errors", target: "/v1/opportunities?limit=0", status: 400, header: problemHeader(),
			body: problem("/problems/invalid-parameters", 400, "/v1/opportunities"), want: "errors"},
		{name: "429 without Retry-After", target: "/v1/sectors", status: 429, header: problemHeader(),
			body: problem("/problems/too-many-requests", 429, "/v1/sectors"), want: "Retry-After"},
		{name: "304 without If-None-Match", target: "/v1/sectors", status: 304,
			header: http.Header{"Etag": {`"a"`}, "Cache-Control": {"public, max-age=60"}, "Vary": {"Accept-Language"}, "X-Request-Id": {"r"}},
			want:   "no If-None-Match"},
		{name: "304 for another ETag", target: "/v1/sectors", reqHdr: http.Header{"If-None-Match": {`"old"`}}, status: 304,
			header: http.Header{"Etag": {`"new"`}, "Cache-Control": {"public, max-age=60"}, "Vary": {"Accept-Language"}, "X-Request-Id": {"r"}},
			want:   "matches none"},
		{name: "304 with a body", target: "/v1/sectors", reqHdr: http.Header{"If-None-Match": {`"a"`}}, status: 304,
			header: http.Header{"Etag": {`"a"`}, "Cache-Control": {"public, max-age=60"}, "Vary": {"Accept-Language"}, "X-Request-Id": {"r"}},
			body:   list(), want: "no content"},
		{name: "200 though If-None-Match matches", target: "/v1/sectors", reqHdr: http.Header{"If-None-Match": {`"abc123"`}},
			status: 200, header: catalogueHeader("en"), body: list(), want: "must be 304"},
		{name: "HEAD with a body", method: http.MethodHead, target: "/v1/sectors", status: 200, header: catalogueHeader("en"),
			body: list(), want: "HEAD"},
		{name: "empty body", target: "/v1/sectors", status: 200, header: catalogueHeader("en"), body: []byte{}, want: "empty"},
		{name: "JSON null", target: "/v1/sectors", status: 200, header: catalogueHeader("en"), body: []byte("null"), want: "null"},
		{name: "not JSON", target: "/v1/sectors", status: 200, header: catalogueHeader("en"), body: []byte("{"), want: "not valid JSON"},
		{name: "healthz not ok", target: "/healthz", status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r"}}, body: map[string]any{"status": "up"}, want: "status"},
		{name: "another openapi.yaml", target: "/openapi.yaml", status: 200,
			header: http.Header{"Content-Type": {"application/yaml"}, "X-Request-Id": {"r"}}, body: []byte("openapi: 3.1.0\n"),
			want: "unchanged"},
		{name: "country detail without facts", target: "/v1/countries/CV", status: 200, header: catalogueHeader("pt"),
			body: map[string]any{"code": "CV", "name": "Cabo Verde", "summary": "", "lang": "pt", "langs": []any{"pt"},
				"source_lang": "pt", "currency": "CVE", "counts": map[string]any{"opportunities": 1, "incentives": 0, "programmes": 0},
				"regions": []any{}, "organizations": []any{}},
			want: "facts"},
		{name: "detail without description", target: "/v1/opportunities/x", status: 200, header: catalogueHeader("pt"),
			body: opportunity(), want: "description"},
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

// TestCheckHTTPResponse checks the *http.Response form, and that the body can still be read.
func TestCheckHTTPResponse(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	rec.Header().Set("X-Request-ID", "r")
	rec.WriteHeader(200)
	_, _ = rec.WriteString(`{"status":"ok"}`)
	resp := rec.Result()
	if err := v.CheckHTTPResponse(req, resp); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got["status"] != "ok" {
		t.Errorf("body after the check = %v, %v", got, err)
	}
	if err := v.CheckResponse(nil, 200, nil, nil); err == nil {
		t.Error("CheckResponse(nil request) = nil")
	}
}

// TestNewValidatorIsShared checks that the document is compiled once.
func TestNewValidatorIsShared(t *testing.T) {
	a, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewValidator()
	if a != b {
		t.Error("NewValidator built a second validator")
	}
}

// TestCheckResponseConcurrently checks that one Validator serves parallel tests.
func TestCheckResponseConcurrently(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	// Bodies are marshalled here: check must not call t.Fatal from another goroutine.
	good := responseCase{target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
		body: mustJSON(t, list(opportunity()))}
	bad := responseCase{target: "/v1/opportunities", status: 200, header: catalogueHeader("pt"),
		body: mustJSON(t, list(map[string]any{"slug": "x"}))}
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		go func() { errs <- good.check(t, v) }()
		go func() {
			if bad.check(t, v) == nil {
				errs <- errors.New("an invalid response was accepted")
				return
			}
			errs <- nil
		}()
	}
	for i := 0; i < 40; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
