package contract

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/schema_validation"
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
		"GET /docs/{file}",
		"GET /healthz",
		"GET /metrics",
		"GET /openapi.yaml",
		"GET /readyz",
		"GET /v1/countries",
		"GET /v1/countries/{code}",
		"GET /v1/countries/{code}/incentives",
		"GET /v1/countries/{code}/opportunities",
		"GET /v1/countries/{code}/programmes",
		"GET /v1/countries/{code}/regions",
		"GET /v1/incentives",
		"GET /v1/incentives/{id}",
		"GET /v1/opportunities",
		"GET /v1/opportunities/{id}",
		"GET /v1/programmes",
		"GET /v1/programmes/{id}",
		"GET /v1/sectors",
	}
	if len(routes) != 19 {
		t.Errorf("Routes() has %d operations, want 19", len(routes))
	}
	var got []string
	for _, r := range routes {
		got = append(got, r.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Routes() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestOperationsAreComplete checks what every operation must have: an operationId, a tag, the
// shared error responses, and for /v1 the language parameters and caching.
func TestOperationsAreComplete(t *testing.T) {
	d, err := loadDocument()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range d.paths {
		for _, m := range p.methods {
			op := operationOf(p.item, m)
			name := m + " " + p.template
			if op.OperationId == "" || ids[op.OperationId] {
				t.Errorf("%s: missing or repeated operationId %q", name, op.OperationId)
			}
			ids[op.OperationId] = true
			if len(op.Tags) == 0 {
				t.Errorf("%s: no tag", name)
			}
			codes := strings.Join(documentedCodes(op), ",")
			if !strings.Contains(codes, "500") {
				t.Errorf("%s: no 500 response (has %s)", name, codes)
			}
			if !strings.HasPrefix(p.template, "/v1/") {
				continue
			}
			for _, code := range []string{"200", "304", "400", "429", "500", "503"} {
				if !strings.Contains(codes, code) {
					t.Errorf("%s: no %s response (has %s)", name, code, codes)
				}
			}
			if strings.Contains(p.template, "{") && !strings.Contains(codes, "404") {
				t.Errorf("%s: has a path parameter but no 404 response", name)
			}
			params := map[string]bool{}
			for _, prm := range op.Parameters {
				params[prm.In+":"+prm.Name] = true
			}
			for _, want := range []string{"query:lang", "header:Accept-Language", "header:If-None-Match"} {
				if !params[want] {
					t.Errorf("%s: no %s parameter", name, want)
				}
			}
			ok := op.Responses.Codes.GetOrZero("200")
			for _, h := range []string{"Content-Language", "Vary", "X-Request-ID", "ETag", "Cache-Control"} {
				if hd := ok.Headers.GetOrZero(h); hd == nil || !hd.Required {
					t.Errorf("%s: 200 has no required %s header", name, h)
				}
			}
			if params["query:limit"] {
				if ok.Headers.GetOrZero("Link") == nil {
					t.Errorf("%s: paginated, but 200 documents no Link header", name)
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
	}
	for pair := d.model.Components.Schemas.First(); pair != nil; pair = pair.Next() {
		s := pair.Value().Schema()
		if s == nil || !containsString(s.Type, "object") {
			continue
		}
		if s.AdditionalProperties == nil || !s.AdditionalProperties.IsB() || s.AdditionalProperties.B {
			t.Errorf("schema %s: additionalProperties is not false", pair.Key())
		}
		for p := s.Properties.First(); p != nil; p = p.Next() {
			name := pair.Key() + "." + p.Key()
			if !containsString(s.Required, p.Key()) && !optional[name] {
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
