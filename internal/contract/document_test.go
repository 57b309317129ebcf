package contract

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"

	marketplace "github.com/diaspora-investor/marketplace"
)

// TestDocumentIsValidOpenAPI31 parses openapi.yaml and validates it against the OpenAPI 3.1
// meta-schema.
func TestDocumentIsValidOpenAPI31(t *testing.T) {
	d, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	if got := d.doc.GetVersion(); got != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", got)
	}
	for _, finding := range validateDocument(t, marketplace.OpenAPIDocument) {
		t.Errorf("openapi.yaml is not valid OpenAPI 3.1: %s", finding)
	}
}

// TestDocumentValidationCanFail checks that the meta-schema validation above is not vacuous: a
// broken copy of the document must fail it.
func TestDocumentValidationCanFail(t *testing.T) {
	for name, broken := range map[string]string{
		"bad parameter location": strings.Replace(string(marketplace.OpenAPIDocument), "in: query", "in: body", 1),
		"path without a slash":   strings.Replace(string(marketplace.OpenAPIDocument), "\n  /healthz:", "\n  healthz:", 1),
		"response without description": strings.Replace(string(marketplace.OpenAPIDocument),
			"description: The countries.", "x-description: The countries.", 1),
	} {
		if findings := validateDocument(t, []byte(broken)); len(findings) == 0 {
			t.Errorf("%s: the broken document passed validation", name)
		}
	}
}

// TestSchemasCompile compiles every schema of the components as JSON Schema 2020-12 (the
// meta-schema of OpenAPI 3.1 does not look inside Schema Objects), and checks that a broken schema
// does not compile.
func TestSchemasCompile(t *testing.T) {
	for _, f := range compileSchemas(t, marketplace.OpenAPIDocument) {
		t.Error(f)
	}
	broken := strings.Replace(string(marketplace.OpenAPIDocument), "type: [string, 'null']", "type: [string, nothing]", 1)
	if len(compileSchemas(t, []byte(broken))) == 0 {
		t.Error("a schema with type [string, nothing] compiled")
	}
}

func compileSchemas(t *testing.T, spec []byte) []string {
	t.Helper()
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	sv := schema_validation.NewSchemaValidator()
	var findings []string
	for pair := m.Model.Components.Schemas.First(); pair != nil; pair = pair.Next() {
		if ok, errs := sv.ValidateSchemaBytesWithVersion(pair.Value().Schema(), nil, openAPIVersion); !ok {
			for _, e := range errs {
				findings = append(findings, fmt.Sprintf("schema %s: %s: %s", pair.Key(), e.Message, e.Reason))
			}
		}
	}
	return findings
}

// validateDocument validates an OpenAPI document against the OpenAPI 3.1 meta-schema with the
// library, and returns its findings.
func validateDocument(t *testing.T, spec []byte) []string {
	t.Helper()
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return []string{err.Error()}
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return []string{fmt.Sprint(errs)}
	}
	ok, verrs := v.ValidateDocument()
	if ok {
		return nil
	}
	var findings []string
	for _, e := range verrs {
		findings = append(findings, e.Message+": "+e.Reason)
		for _, f := range e.SchemaValidationErrors {
			findings = append(findings, fmt.Sprintf("  %s (at %s)", f.Reason, f.KeywordLocation))
		}
	}
	return findings
}

// TestRoutes checks the list of operations, which the server's route table is compared with.
func TestRoutes(t *testing.T) {
	routes, err := Routes()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /docs",
		"GET /docs/",
		"GET /docs/{file}",
		"GET /healthz",
		"GET /metrics",
		"GET /openapi.json",
		"GET /openapi.yaml",
		"GET /problems/{slug}",
		"GET /readyz",
		"POST /v1/auth/login",
		"POST /v1/auth/logout",
		"POST /v1/auth/refresh",
		"POST /v1/auth/register",
		"GET /v1/changes",
		"GET /v1/countries",
		"GET /v1/countries/{code}",
		"GET /v1/countries/{code}/contacts",
		"GET /v1/countries/{code}/guides",
		"GET /v1/countries/{code}/incentives",
		"GET /v1/countries/{code}/opportunities",
		"GET /v1/countries/{code}/opportunities.atom",
		"GET /v1/countries/{code}/programmes",
		"GET /v1/countries/{code}/regions",
		"POST /v1/eligibility",
		"GET /v1/exchange-rates",
		"PUT /v1/exchange-rates/{currency}",
		"GET /v1/guides/{id}",
		"GET /v1/incentives",
		"POST /v1/incentives",
		"DELETE /v1/incentives/{id}",
		"GET /v1/incentives/{id}",
		"PATCH /v1/incentives/{id}",
		"POST /v1/incentives/{id}/archive",
		"GET /v1/incentives/{id}/history",
		"POST /v1/incentives/{id}/publish",
		"POST /v1/incentives/{id}/reject",
		"POST /v1/incentives/{id}/submit",
		"DELETE /v1/incentives/{id}/translations/{lang}",
		"PUT /v1/incentives/{id}/translations/{lang}",
		"POST /v1/incentives/{id}/translations/{lang}/reviewed",
		"GET /v1/interests/{id}",
		"PATCH /v1/interests/{id}",
		"DELETE /v1/me",
		"GET /v1/me",
		"PATCH /v1/me",
		"GET /v1/me/api-keys",
		"POST /v1/me/api-keys",
		"DELETE /v1/me/api-keys/{id}",
		"GET /v1/me/api-keys/{id}",
		"GET /v1/me/export",
		"GET /v1/me/interests",
		"GET /v1/me/invitations",
		"POST /v1/me/invitations/{invitation_id}/accept",
		"POST /v1/me/invitations/{invitation_id}/decline",
		"POST /v1/me/password",
		"GET /v1/me/profile",
		"PUT /v1/me/profile",
		"GET /v1/me/recommendations",
		"GET /v1/me/saved",
		"DELETE /v1/me/saved/{opportunity_id}",
		"PUT /v1/me/saved/{opportunity_id}",
		"GET /v1/opportunities",
		"POST /v1/opportunities",
		"DELETE /v1/opportunities/{id}",
		"GET /v1/opportunities/{id}",
		"PATCH /v1/opportunities/{id}",
		"POST /v1/opportunities/{id}/archive",
		"GET /v1/opportunities/{id}/history",
		"POST /v1/opportunities/{id}/interests",
		"POST /v1/opportunities/{id}/publish",
		"POST /v1/opportunities/{id}/reject",
		"POST /v1/opportunities/{id}/submit",
		"DELETE /v1/opportunities/{id}/translations/{lang}",
		"PUT /v1/opportunities/{id}/translations/{lang}",
		"POST /v1/opportunities/{id}/translations/{lang}/reviewed",
		"GET /v1/organizations",
		"POST /v1/organizations",
		"GET /v1/organizations/{id}",
		"PATCH /v1/organizations/{id}",
		"GET /v1/organizations/{id}/content",
		"GET /v1/organizations/{id}/history",
		"GET /v1/organizations/{id}/interests",
		"GET /v1/organizations/{id}/invitations",
		"POST /v1/organizations/{id}/invitations",
		"DELETE /v1/organizations/{id}/invitations/{invitation_id}",
		"GET /v1/organizations/{id}/members",
		"DELETE /v1/organizations/{id}/members/{user_id}",
		"PATCH /v1/organizations/{id}/members/{user_id}",
		"POST /v1/organizations/{id}/unverify",
		"POST /v1/organizations/{id}/verify",
		"GET /v1/programmes",
		"POST /v1/programmes",
		"DELETE /v1/programmes/{id}",
		"GET /v1/programmes/{id}",
		"PATCH /v1/programmes/{id}",
		"POST /v1/programmes/{id}/archive",
		"GET /v1/programmes/{id}/history",
		"POST /v1/programmes/{id}/publish",
		"POST /v1/programmes/{id}/reject",
		"POST /v1/programmes/{id}/submit",
		"DELETE /v1/programmes/{id}/translations/{lang}",
		"PUT /v1/programmes/{id}/translations/{lang}",
		"POST /v1/programmes/{id}/translations/{lang}/reviewed",
		"GET /v1/review-queue",
		"GET /v1/sectors",
	}
	if len(routes) != len(want) {
		t.Errorf("Routes() has %d operations, want %d", len(routes), len(want))
	}
	var got []string
	for _, r := range routes {
		got = append(got, r.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Routes() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// routeKind is the family of an operation, which decides what it must document.
type routeKind int

const (
	kindOperations routeKind = iota // /healthz, /metrics, /docs…: no security, no /v1 conventions
	kindCatalogue                   // /v1 public reads: token optional, public or private caching
	kindAuth                        // /v1/auth/…: no token, no-store
	kindMe                          // /v1/me…: token required, no-store
	kindWorkspace                   // the agencies' and administrators' writes and private reads: token required, never shared caches
)

// catalogueRead matches the public reads: countries (with their guides and contacts), sectors,
// exchange rates, the change log, the three kinds of content, guides and the organizations' directory (the other reads and every write under them are the
// workspace).
var catalogueRead = regexp.MustCompile(`^/v1/(countries(/.*)?|sectors|exchange-rates|changes|(opportunities|incentives|programmes|organizations|guides)(/\{id\})?)$`)

func kindOf(method, template string) routeKind {
	switch {
	case template == "/v1/me" || strings.HasPrefix(template, "/v1/me/"):
		return kindMe
	case strings.HasPrefix(template, "/v1/auth/"):
		return kindAuth
	case template == "/v1/eligibility": // a public read asked with a body
		return kindCatalogue
	case method == "GET" && catalogueRead.MatchString(template):
		return kindCatalogue
	case strings.HasPrefix(template, "/v1/"):
		return kindWorkspace
	}
	return kindOperations
}

// The Cache-Control patterns of the catalogue reads: public or private for 60 seconds (an item's
// editors read it private, no-cache; what is about the reader's organizations is no-store), and
// the editors' view of an item.
var (
	cataloguePatterns = []string{
		"^((public|private), max-age=60(, .+)?|private, no-cache)$",
		"^((public|private), max-age=60(, .+)?|no-store)$",
	}
	editorPattern = "^private, no-cache$"
)

// TestOperationsAreComplete checks what every operation must have: an operationId, a tag, the
// shared error responses; for /v1 the language parameters, declared security, and the headers
// of each family (catalogue reads cacheable, tokens and /v1/me no-store); for a body, JSON only
// with a closed schema and the 400/413/415 that refuse it; and the headers of 201, 204, 401 and
// 429 wherever they are documented.
func TestOperationsAreComplete(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	d := v.d
	ids := map[string]bool{}
	requiredHeader := func(r *v3.Response, name string) *v3.Header {
		if r == nil || r.Headers == nil {
			return nil
		}
		if h := r.Headers.GetOrZero(name); h != nil && h.Required {
			return h
		}
		return nil
	}
	pattern := func(h *v3.Header) string {
		if h == nil || h.Schema == nil || h.Schema.Schema() == nil {
			return ""
		}
		return h.Schema.Schema().Pattern
	}
	for _, p := range d.paths {
		for _, m := range p.methods {
			kind := kindOf(m, p.template)
			op := operationOf(p.item, m)
			name := m + " " + p.template
			if op.OperationId == "" || ids[op.OperationId] {
				t.Errorf("%s: missing or repeated operationId %q", name, op.OperationId)
			}
			ids[op.OperationId] = true
			if len(op.Tags) == 0 {
				t.Errorf("%s: no tag", name)
			}
			codes := documentedCodes(op)
			has := func(code string) bool { return containsString(codes, code) }
			if !has("500") {
				t.Errorf("%s: no 500 response (has %s)", name, strings.Join(codes, ","))
			}

			// Headers of particular statuses, wherever they are documented.
			for pair := op.Responses.Codes.First(); pair != nil; pair = pair.Next() {
				code, r := pair.Key(), pair.Value()
				if code[0] == '2' || code[0] == '3' || code[0] == '4' || code[0] == '5' {
					if requiredHeader(r, "X-Request-ID") == nil {
						t.Errorf("%s: %s has no required X-Request-ID", name, code)
					}
				}
				switch code {
				case "201":
					// A PUT creates the resource at its own address: no Location needed.
					if m != "PUT" && requiredHeader(r, "Location") == nil {
						t.Errorf("%s: 201 has no required Location", name)
					}
				case "204", "304":
					if orderedmap.Len(r.Content) > 0 {
						t.Errorf("%s: %s documents a body", name, code)
					}
				case "401":
					if requiredHeader(r, "WWW-Authenticate") == nil {
						t.Errorf("%s: 401 has no required WWW-Authenticate", name)
					}
				case "429":
					for _, h := range []string{"Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
						if requiredHeader(r, h) == nil {
							t.Errorf("%s: 429 has no required %s", name, h)
						}
					}
				}
			}

			if kind == kindOperations {
				if len(op.Security) > 0 || op.RequestBody != nil {
					t.Errorf("%s: an operations route declares security or a body", name)
				}
				continue
			}
			for _, code := range []string{"400", "500", "503"} {
				if !has(code) {
					t.Errorf("%s: no %s response (has %s)", name, code, strings.Join(codes, ","))
				}
			}
			if strings.Contains(p.template, "{") && !has("404") && m != "DELETE" {
				t.Errorf("%s: has a path parameter but no 404 response", name)
			}
			params := map[string]bool{}
			for _, prm := range op.Parameters {
				params[prm.In+":"+prm.Name] = true
			}
			for _, want := range []string{"query:lang", "header:Accept-Language"} {
				if !params[want] {
					t.Errorf("%s: no %s parameter", name, want)
				}
			}

			// Security, declared on every /v1 operation.
			if op.Security == nil {
				t.Errorf("%s: declares no security (every /v1 operation says whether it takes a token)", name)
			}
			mode := securityOf(op)
			wantMode := map[routeKind]authMode{kindCatalogue: authOptional, kindAuth: authNone, kindMe: authRequired,
				kindWorkspace: authRequired}[kind]
			if mode != wantMode {
				t.Errorf("%s: security is %s, want %s", name, mode, wantMode)
			}
			if mode != authNone && !has("401") {
				t.Errorf("%s: takes a token but documents no 401", name)
			}
			if kind == kindCatalogue && !has("429") {
				t.Errorf("%s: no 429 response", name)
			}

			// Successes: the headers of the family.
			for pair := op.Responses.Codes.First(); pair != nil; pair = pair.Next() {
				code, r := pair.Key(), pair.Value()
				if code[0] != '2' && code != "304" {
					continue
				}
				cc := pattern(requiredHeader(r, "Cache-Control"))
				switch {
				case kind == kindCatalogue && !slices.Contains(cataloguePatterns, cc):
					t.Errorf("%s: %s has Cache-Control pattern %q, want the public/private one", name, code, cc)
				case kind == kindWorkspace && !strings.Contains(cc, "no-store") && cc != editorPattern:
					t.Errorf("%s: %s has Cache-Control pattern %q, want no-store or private, no-cache", name, code, cc)
				case kind != kindCatalogue && kind != kindWorkspace && !strings.Contains(cc, "no-store"):
					t.Errorf("%s: %s has Cache-Control pattern %q, want no-store", name, code, cc)
				}
				if orderedmap.Len(r.Content) > 0 {
					for _, h := range []string{"Content-Language", "Vary"} {
						if requiredHeader(r, h) == nil {
							t.Errorf("%s: %s has no required %s", name, code, h)
						}
					}
					for mt := r.Content.First(); mt != nil; mt = mt.Next() {
						// Atom feeds are the one representation that is not JSON.
						if mt.Key() != "application/json" && !(mt.Key() == "application/atom+xml" && strings.HasSuffix(p.template, ".atom")) {
							t.Errorf("%s: %s is %s, want application/json", name, code, mt.Key())
						}
					}
				}
			}

			// Reads: conditional, with the language and caching headers.
			if m == "GET" {
				if !has("200") || !has("304") {
					t.Errorf("%s: a read without 200 and 304 (has %s)", name, strings.Join(codes, ","))
				}
				if !params["header:If-None-Match"] {
					t.Errorf("%s: no If-None-Match parameter", name)
				}
				ok := op.Responses.Codes.GetOrZero("200")
				for _, h := range []string{"Content-Language", "Vary", "X-Request-ID", "ETag", "Cache-Control"} {
					if requiredHeader(ok, h) == nil {
						t.Errorf("%s: 200 has no required %s header", name, h)
					}
				}
				// A list is paginated when it takes a cursor (recommendations take a limit, not a cursor).
				if params["query:cursor"] && ok.Headers.GetOrZero("Link") == nil {
					t.Errorf("%s: paginated, but 200 documents no Link header", name)
				}
				if !params["query:cursor"] && ok.Headers.GetOrZero("Link") != nil {
					t.Errorf("%s: documents a Link header, but takes no cursor", name)
				}
			} else if params["header:If-None-Match"] {
				t.Errorf("%s: a write with If-None-Match", name)
			}

			// Bodies: JSON only, closed objects, and the responses that refuse them.
			if op.RequestBody == nil {
				continue
			}
			if op.RequestBody.Required == nil || !*op.RequestBody.Required {
				t.Errorf("%s: the request body is not required", name)
			}
			for mt := op.RequestBody.Content.First(); mt != nil; mt = mt.Next() {
				if mt.Key() != "application/json" {
					t.Errorf("%s: accepts %s; bodies are application/json only", name, mt.Key())
					continue
				}
				s := mt.Value().Schema.Schema()
				if s == nil || !containsString(s.Type, "object") || s.AdditionalProperties == nil ||
					!s.AdditionalProperties.IsB() || s.AdditionalProperties.B {
					t.Errorf("%s: the request schema is not an object with additionalProperties: false", name)
				}
			}
			for _, code := range []string{"400", "413", "415"} {
				if !has(code) {
					t.Errorf("%s: takes a body but documents no %s", name, code)
				}
			}
			// The 400 admits a malformed-json problem without errors, and refuses an invalid-body
			// problem without them or with a field error that is not in the body.
			bad := op.Responses.Codes.GetOrZero("400")
			schema := bad.Content.GetOrZero("application/problem+json").Schema.Schema()
			base := map[string]any{"title": "t", "status": 400, "detail": "d", "instance": p.template, "request_id": "r"}
			sample := func(typ string, errs ...any) any {
				o := map[string]any{"type": typ}
				for k, x := range base {
					o[k] = x
				}
				if errs != nil {
					o["errors"] = errs
				}
				return normalize(o)
			}
			for what, value := range map[string]any{
				"malformed-json without errors": sample("/problems/malformed-json"),
				"invalid-body with an unknown field": sample("/problems/invalid-body",
					map[string]any{"name": "role", "in": "body", "code": "unknown_field", "detail": "d"}),
				"invalid-parameters for lang": sample("/problems/invalid-parameters",
					map[string]any{"name": "lang", "in": "query", "code": "invalid_language", "detail": "d"}),
				"invalid-parameters for a repeated lang": sample("/problems/invalid-parameters",
					map[string]any{"name": "lang", "in": "query", "code": "repeated_parameter", "detail": "d"}),
			} {
				if ok, errs := v.schemas.ValidateSchemaObjectWithVersion(schema, value, openAPIVersion); !ok {
					t.Errorf("%s: the 400 refuses %s: %v", name, what, errs)
				}
			}
			for what, value := range map[string]any{
				"invalid-body without errors": sample("/problems/invalid-body"),
				"invalid-body with a query error": sample("/problems/invalid-body",
					map[string]any{"name": "lang", "in": "query", "code": "invalid_language", "detail": "d"}),
				"a 422-style type": sample("/problems/unprocessable-entity"),
			} {
				if ok, _ := v.schemas.ValidateSchemaObjectWithVersion(schema, value, openAPIVersion); ok {
					t.Errorf("%s: the 400 accepts %s", name, what)
				}
			}
		}
	}
}

// TestDetailSchemasExtendSummaries checks that each detail schema has every property of its
// summary, with the same schema, and requires what the summary requires. (The schemas repeat the
// properties instead of using allOf, so that additionalProperties: false holds on each.)
func TestDetailSchemasExtendSummaries(t *testing.T) {
	d, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	schemas := d.model.Components.Schemas
	for summary, detail := range map[string]string{
		"CountrySummary": "Country",
		"Opportunity":    "OpportunityDetail",
		"Incentive":      "IncentiveDetail",
		"Programme":      "ProgrammeDetail",
	} {
		s, dt := schemas.GetOrZero(summary).Schema(), schemas.GetOrZero(detail).Schema()
		if s == nil || dt == nil {
			t.Fatalf("missing schema %s or %s", summary, detail)
		}
		for pair := s.Properties.First(); pair != nil; pair = pair.Next() {
			if detail != "Country" && (pair.Key() == "status" || pair.Key() == "published_at") {
				continue // the editors' view widens them: any status, and no publication date before one
			}
			dp := dt.Properties.GetOrZero(pair.Key())
			if dp == nil {
				t.Errorf("%s lacks %s.%s", detail, summary, pair.Key())
				continue
			}
			a, _ := pair.Value().Render()
			b, _ := dp.Render()
			if string(a) != string(b) {
				t.Errorf("%s.%s differs from %s.%s:\n%s\nvs\n%s", detail, pair.Key(), summary, pair.Key(), a, b)
			}
		}
		for _, r := range s.Required {
			if !containsString(dt.Required, r) {
				t.Errorf("%s does not require %s, which %s requires", detail, r, summary)
			}
		}
	}
}

// TestResponseObjectsAreClosed checks that every object schema of the components forbids
// properties it does not list, and requires every property it lists (optional ones are named
// here), so that drift is caught.
func TestResponseObjectsAreClosed(t *testing.T) {
	d, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	optional := map[string]bool{
		"Facets.sector": true, "Facets.region": true, "Facets.type": true,
		"OpportunityList.facets": true, "IncentiveList.facets": true, "ProgrammeList.facets": true,
		"Problem.errors": true,
		// The editors' view of an item, and the reader's own role in an organization.
		"OpportunityDetail.editorial": true, "IncentiveDetail.editorial": true, "ProgrammeDetail.editorial": true,
		"Organization.role": true,
		// The guides that explain an incentive or a programme: on the public detail, not the
		// editors' view; the read replica's state: only with one (DATABASE_REPLICA_URL).
		"IncentiveDetail.guides": true, "ProgrammeDetail.guides": true, "Readiness.replica": true,
		// Matching and money: converted only with currency=, missing only when undetermined.
		"Money.converted": true, "CriterionResult.missing": true,
	}
	// Request bodies (named …Input, …Create, …Patch, …Update) have optional fields by nature, and
	// so has what an investor chose to share.
	optionalFields := func(schema string) bool {
		for _, suffix := range []string{"Input", "Create", "Patch", "Update"} {
			if strings.HasSuffix(schema, suffix) {
				return true
			}
		}
		return schema == "SharedProfile"
	}
	for pair := d.model.Components.Schemas.First(); pair != nil; pair = pair.Next() {
		s := pair.Value().Schema()
		if s == nil || !containsString(s.Type, "object") {
			continue
		}
		if s.AdditionalProperties == nil || !s.AdditionalProperties.IsB() || s.AdditionalProperties.B {
			t.Errorf("schema %s: additionalProperties is not false", pair.Key())
		}
		if whole, ok := strings.CutSuffix(pair.Key(), "Fields"); ok {
			// A sparse fieldset: every property of the whole item, each one the same, only id required.
			checkSparse(t, pair.Key(), s, d.model.Components.Schemas.GetOrZero(whole))
			continue
		}
		for p := s.Properties.First(); p != nil; p = p.Next() {
			name := pair.Key() + "." + p.Key()
			if !containsString(s.Required, p.Key()) && !optional[name] && !optionalFields(pair.Key()) {
				t.Errorf("schema %s: property %s is not required", pair.Key(), p.Key())
			}
		}
	}
}

// TestExamplesMatchSchemas validates every example of a response body against its schema, so
// that the examples (in several languages) teach the right shapes.
func TestExamplesMatchSchemas(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	d := v.d
	count := 0
	langs := map[string]bool{}
	checkContent := func(where string, content *orderedmap.Map[string, *v3.MediaType]) {
		for mt := content.First(); mt != nil; mt = mt.Next() {
			if !isJSON(mt.Key()) || mt.Value().Schema == nil {
				continue
			}
			schema := mt.Value().Schema.Schema()
			check := func(name string, value any) {
				count++
				ok, errs := v.schemas.ValidateSchemaObjectWithVersion(schema, value, openAPIVersion)
				if !ok {
					for _, e := range errs {
						for _, f := range e.SchemaValidationErrors {
							t.Errorf("%s %s example %s: %s at %s", where, mt.Key(), name, f.Reason, f.FieldPath)
						}
						if len(e.SchemaValidationErrors) == 0 {
							t.Errorf("%s %s example %s: %s", where, mt.Key(), name, e.Error())
						}
					}
				}
			}
			if mt.Value().Example != nil {
				var value any
				if err := mt.Value().Example.Decode(&value); err != nil {
					t.Fatal(err)
				}
				check("example", normalize(value))
			}
			for ex := mt.Value().Examples.First(); ex != nil; ex = ex.Next() {
				var value any
				if err := ex.Value().Value.Decode(&value); err != nil {
					t.Fatal(err)
				}
				langs[ex.Key()] = true
				check(ex.Key(), normalize(value))
			}
		}
	}
	for _, p := range d.paths {
		for _, m := range p.methods {
			op := operationOf(p.item, m)
			for r := op.Responses.Codes.First(); r != nil; r = r.Next() {
				checkContent(fmt.Sprintf("%s %s %s", m, p.template, r.Key()), r.Value().Content)
			}
		}
	}
	for r := d.model.Components.Responses.First(); r != nil; r = r.Next() {
		checkContent("components.responses."+r.Key(), r.Value().Content)
	}
	if count < 20 {
		t.Errorf("only %d examples checked", count)
	}
	for _, l := range []string{"pt", "en", "fr"} {
		if !langs[l] {
			t.Errorf("no example named %q", l)
		}
	}
	// Examples of named schemas.
	for pair := d.model.Components.Schemas.First(); pair != nil; pair = pair.Next() {
		s := pair.Value().Schema()
		for i, ex := range s.Examples {
			var value any
			if err := ex.Decode(&value); err != nil {
				t.Fatal(err)
			}
			if ok, errs := v.schemas.ValidateSchemaObjectWithVersion(s, normalize(value), openAPIVersion); !ok {
				t.Errorf("schema %s example %d does not match it: %v", pair.Key(), i, errs)
			}
		}
	}
}

// normalize turns a decoded YAML value into what encoding/json would decode (map[string]any,
// []any, float64 numbers).
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = normalize(x)
		}
		return v
	case map[any]any:
		out := map[string]any{}
		for k, x := range v {
			out[fmt.Sprint(k)] = normalize(x)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = normalize(x)
		}
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	default:
		return v
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkSparse checks that a sparse-fieldset schema has exactly the properties of the whole
// schema, each a reference to the whole schema's, and requires only id.
func checkSparse(t *testing.T, name string, sparse *base.Schema, whole *base.SchemaProxy) {
	t.Helper()
	if whole == nil || whole.Schema() == nil {
		t.Errorf("schema %s: no whole schema %s", name, strings.TrimSuffix(name, "Fields"))
		return
	}
	w := whole.Schema()
	if strings.Join(sparse.Required, ",") != "id" {
		t.Errorf("schema %s: requires %v, want only id", name, sparse.Required)
	}
	if sparse.Properties.Len() != w.Properties.Len() {
		t.Errorf("schema %s has %d properties, %s has %d", name, sparse.Properties.Len(), strings.TrimSuffix(name, "Fields"), w.Properties.Len())
	}
	for p := w.Properties.First(); p != nil; p = p.Next() {
		sp := sparse.Properties.GetOrZero(p.Key())
		want := "#/components/schemas/" + strings.TrimSuffix(name, "Fields") + "/properties/" + p.Key()
		if sp == nil || sp.GetReference() != want {
			t.Errorf("schema %s: property %s is not $ref %s", name, p.Key(), want)
		}
	}
}
