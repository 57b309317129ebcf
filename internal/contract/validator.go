package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi-validator/config"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/parameters"
	"github.com/pb33f/libopenapi-validator/responses"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// openAPIVersion is the schema dialect the validator evaluates: OpenAPI 3.1 (JSON Schema 2020-12).
const openAPIVersion float32 = 3.1

// Validator checks HTTP responses against the document. Build it with NewValidator. It is safe
// for concurrent use.
type Validator struct {
	d       *document
	opts    *config.ValidationOptions
	schemas schema_validation.SchemaValidator
	params  parameters.ParameterValidator

	// The shared responses of the document that answer requests no operation describes.
	notFound         *v3.Response // an unknown path
	methodNotAllowed *v3.Response // a known path with a method it does not have
	corsPreflight    *v3.Response // OPTIONS with Origin and Access-Control-Request-Method, any path

	mu sync.Mutex
}

var sharedValidator = sync.OnceValues(func() (*Validator, error) {
	d, err := loadDocument()
	if err != nil {
		return nil, err
	}
	opts := config.NewValidationOptions(config.WithFormatAssertions())
	v := &Validator{
		d:       d,
		opts:    opts,
		schemas: schema_validation.NewSchemaValidator(config.WithExistingOpts(opts)),
		params:  parameters.NewParameterValidator(d.model, config.WithExistingOpts(opts)),
	}
	if d.model.Components == nil || d.model.Components.Responses == nil {
		return nil, errors.New("contract: openapi.yaml has no components.responses")
	}
	for name, target := range map[string]**v3.Response{
		"NotFound": &v.notFound, "MethodNotAllowed": &v.methodNotAllowed, "CorsPreflight": &v.corsPreflight,
	} {
		r := d.model.Components.Responses.GetOrZero(name)
		if r == nil {
			return nil, fmt.Errorf("contract: openapi.yaml has no components.responses.%s", name)
		}
		*target = r
	}
	return v, nil
})

// NewValidator returns a Validator built from marketplace.OpenAPIDocument. The document is parsed
// and its schemas compiled once per process; every call returns the same Validator.
func NewValidator() (*Validator, error) {
	return sharedValidator()
}

// MismatchError is the error CheckResponse returns when a response does not match the document.
type MismatchError struct {
	Request   string   // the request, as "GET /v1/opportunities?limit=0"
	Operation string   // the operation of the document, as "GET /v1/opportunities"; "" when there is none
	Status    int      // the status code of the response
	Problems  []string // what does not match, one entry per finding
}

func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "contract: the %d response to %s does not match openapi.yaml", e.Status, e.Request)
	if e.Operation != "" {
		fmt.Fprintf(&b, " (operation %s)", e.Operation)
	}
	b.WriteString(":")
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

// CheckHTTPResponse is CheckResponse for an *http.Response (such as the one fiber's App.Test
// returns). It reads the body and puts it back, so the caller can still read it.
func (v *Validator) CheckHTTPResponse(req *http.Request, resp *http.Response) error {
	if resp == nil {
		return errors.New("contract: CheckHTTPResponse needs a response")
	}
	var body []byte
	if resp.Body != nil {
		b, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("contract: reading the response body: %w", err)
		}
		body = b
	}
	return v.CheckResponse(req, resp.StatusCode, resp.Header, body)
}

// CheckResponse checks that the response (status, header, body) the server sent to req is one the
// document allows, and returns a *MismatchError listing every difference when it is not. It checks:
//
//   - the route: a path the document does not have must answer 404 (components.responses.NotFound);
//     a method a known path does not have must answer 405 (components.responses.MethodNotAllowed)
//     with an Allow header listing the path's methods; a CORS preflight, on any path, must answer
//     204 (components.responses.CorsPreflight); HEAD is checked as GET without a body;
//   - the status code is documented for the operation;
//   - the Content-Type is one documented for that status (a response documented without content
//     must have no body), and a JSON body is valid against its schema (JSON Schema 2020-12,
//     formats asserted);
//   - every required header is present, and every documented header matches its schema;
//   - a success (2xx or 304) was given to a request the document allows (path, query and header
//     parameters valid, no query parameter repeated), and a 2xx to a request whose body the
//     document accepts (a documented media type, JSON, valid against the request schema, so that
//     unknown fields such as "role" are refused). The request body is read from req.GetBody when
//     set, otherwise from req.Body, which is put back (fiber's App.Test leaves a readable copy
//     there); a body that was already consumed is not checked;
//   - security: an operation that requires a bearer token (bearerAuth) never succeeds without an
//     Authorization header, and no operation succeeds with one that is not a bearer token; a
//     read whose token is optional is Cache-Control: private (or no-store) when a token was sent and public
//     when not, and answers 401 only to a token; a 401's WWW-Authenticate has
//     error="invalid_token" (or "invalid_request") exactly when a token was sent (RFC 6750 §3.1);
//   - rate limits: RateLimit-Remaining is at most RateLimit-Limit, and 0 on a 429;
//   - refusals of a body: a 415 does not refuse a documented media type, and a
//     /problems/malformed-json 400 does not refuse well-formed JSON;
//   - what the document says in words: a problem's status, instance and request_id agree with the
//     response; Content-Language lists the lang of every resource in the body (except on responses
//     marked x-lang-is-preference, whose "lang" is a user's preferred language); a list sends
//     Link rel="next" exactly when next_cursor is not null, pointing at the same path and filter
//     with cursor=next_cursor, has at most limit items, and has facets exactly when facets= was
//     asked, one entry per facet asked; 304 only answers an If-None-Match that matches the ETag,
//     and a 200 is not sent when it matches; GET /openapi.yaml serves the document unchanged.
func (v *Validator) CheckResponse(req *http.Request, status int, header http.Header, body []byte) error {
	if req == nil || req.URL == nil {
		return errors.New("contract: CheckResponse needs the request the response answers")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	c := &check{v: v, req: req, status: status, header: mergeHeader(header), body: body}
	c.run()
	if len(c.problems) == 0 {
		return nil
	}
	return &MismatchError{
		Request:   req.Method + " " + req.URL.RequestURI(),
		Operation: c.operation,
		Status:    status,
		Problems:  c.problems,
	}
}

// check is one CheckResponse call.
type check struct {
	v      *Validator
	req    *http.Request
	status int
	header http.Header
	body   []byte

	path      *pathEntry
	op        *v3.Operation
	operation string // "GET /v1/countries/{code}"
	head      bool   // a HEAD request (without a HEAD operation): checked as GET, without a body
	response  *v3.Response
	mediaType string // of the documented content the response matched
	decoded   any    // the JSON body, when there is one

	reqBody     []byte // the request body, once read (see requestBody)
	reqBodyOK   bool   // whether reqBody is what was sent
	reqBodyRead bool   // whether requestBody was called

	problems []string
}

func (c *check) addf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *check) run() {
	method := strings.ToUpper(c.req.Method)
	c.head = method == http.MethodHead
	p := c.v.d.match(c.req.URL.Path)
	if method == http.MethodOptions && c.req.Header.Get("Origin") != "" &&
		c.req.Header.Get("Access-Control-Request-Method") != "" && (p == nil || !contains(p.methods, method)) {
		c.expectShared(http.StatusNoContent, c.v.corsPreflight, "CorsPreflight",
			"a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) must answer 204")
		return
	}
	if p == nil {
		c.expectShared(http.StatusNotFound, c.v.notFound, "NotFound",
			"the path is not in openapi.yaml, so the answer must be 404 /problems/not-found")
		return
	}
	c.path = p
	opMethod := method
	if c.head {
		if contains(p.methods, http.MethodHead) {
			c.head = false // documented as such: checked as it is
		} else if contains(p.methods, http.MethodGet) {
			opMethod = http.MethodGet
		}
	}
	if !contains(p.methods, opMethod) {
		c.expectShared(http.StatusMethodNotAllowed, c.v.methodNotAllowed, "MethodNotAllowed",
			fmt.Sprintf("%s is not a method of %s in openapi.yaml (it has %s), so the answer must be 405 /problems/method-not-allowed",
				method, p.template, strings.Join(p.methods, ", ")))
		if c.status == http.StatusMethodNotAllowed {
			c.checkAllow()
		}
		return
	}
	c.op = operationOf(p.item, opMethod)
	c.operation = opMethod + " " + p.template
	resp, code := findResponse(c.op, c.status)
	if resp == nil {
		c.addf("status %d is not documented for %s (documented: %s)", c.status, c.operation, strings.Join(documentedCodes(c.op), ", "))
		return
	}
	c.response = resp
	c.checkAgainst(resp, code, p.template)
	if (c.status >= 200 && c.status < 300) || c.status == http.StatusNotModified {
		c.checkRequest()
	}
	if c.status >= 200 && c.status < 300 {
		c.checkRequestBody()
	}
	c.checkSemantics()
}

// expectShared checks a response to a request that no operation describes against one of the
// document's shared responses.
func (c *check) expectShared(status int, resp *v3.Response, name, why string) {
	if c.status != status {
		c.addf("answered %d, but %s", c.status, why)
		return
	}
	c.response = resp
	c.checkAgainst(resp, strconv.Itoa(status), c.req.URL.Path)
	c.checkSemantics()
}

// promisedHeaders are the response headers whose meaning the document defines; a response
// that sends one must document it, so that a client generated from the document knows of it.
var promisedHeaders = []string{
	"Content-Language", "ETag", "Link", "Location", "Retry-After", "WWW-Authenticate",
	"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
}

// checkHeadersDocumented reports a header of promisedHeaders that was sent but that the
// response does not document.
func (c *check) checkHeadersDocumented(resp *v3.Response, code string) {
	for _, name := range promisedHeaders {
		if c.header.Get(name) == "" {
			continue
		}
		documented := false
		if resp.Headers != nil {
			for k := range resp.Headers.KeysFromOldest() {
				if strings.EqualFold(k, name) {
					documented = true
					break
				}
			}
		}
		if !documented {
			c.addf("header %s was sent, but the %s response does not document it", name, code)
		}
	}
}

// checkAgainst checks the headers, media type and body against one documented response.
func (c *check) checkAgainst(resp *v3.Response, code, template string) {
	c.checkHeadersDocumented(resp, code)
	libReq := c.req
	if c.head {
		libReq = c.req.Clone(c.req.Context())
		libReq.Method = http.MethodGet
	}
	if resp.Headers != nil && orderedmap.Len(resp.Headers) > 0 {
		httpResp := &http.Response{StatusCode: c.status, Header: c.header, Body: io.NopCloser(bytes.NewReader(c.body)), Request: libReq}
		if ok, errs := responses.ValidateResponseHeaders(libReq, httpResp, resp.Headers, template, code,
			config.WithExistingOpts(c.v.opts)); !ok {
			c.addLib("header", errs)
		}
	}

	if orderedmap.Len(resp.Content) == 0 {
		if len(c.body) > 0 {
			c.addf("the %s response has no content in openapi.yaml, but a %d-byte body was sent", code, len(c.body))
		}
		return
	}
	documented := mediaTypes(resp)
	ct := c.header.Get("Content-Type")
	if ct == "" {
		if c.head && len(c.body) == 0 {
			return
		}
		c.addf("no Content-Type header; openapi.yaml documents %s for %s", strings.Join(documented, ", "), code)
		return
	}
	mt, ok := helpers.FindMediaType(resp.Content, ct)
	if !ok {
		c.addf("Content-Type %q is not documented for %s (documented: %s)", ct, code, strings.Join(documented, ", "))
		return
	}
	c.mediaType, _, _ = helpers.ExtractContentType(ct)
	if c.head {
		if len(c.body) > 0 {
			c.addf("a HEAD response must have no body, but %d bytes were sent", len(c.body))
		}
		return
	}
	if len(c.body) == 0 {
		c.addf("the body is empty, but openapi.yaml documents a body (%s) for %s", c.mediaType, code)
		return
	}
	if !isJSON(c.mediaType) {
		return
	}
	var decoded any
	if err := json.Unmarshal(c.body, &decoded); err != nil {
		c.addf("the body is not valid JSON: %v", err)
		return
	}
	if decoded == nil {
		c.addf("the body is JSON null, but openapi.yaml documents an object")
		return
	}
	c.decoded = decoded
	if mt.Schema == nil {
		return
	}
	schema := mt.Schema.Schema()
	if schema == nil {
		c.addf("openapi.yaml: the schema of %s %s cannot be built", code, c.mediaType)
		return
	}
	if ok, errs := c.v.schemas.ValidateSchemaBytesWithVersion(schema, c.body, openAPIVersion); !ok {
		c.addLib("body", errs)
	}
}

// checkRequest checks that a request the server answered with success is one the document allows.
func (c *check) checkRequest() {
	r := c.req
	if c.head {
		r = c.req.Clone(c.req.Context())
		r.Method = http.MethodGet
	}
	const why = "request"
	start := len(c.problems)
	for _, validate := range []func(*http.Request, *v3.PathItem, string) (bool, []*liberrors.ValidationError){
		c.v.params.ValidatePathParamsWithPathItem,
		c.v.params.ValidateQueryParamsWithPathItem,
		c.v.params.ValidateHeaderParamsWithPathItem,
	} {
		if ok, errs := validate(r, c.path.item, c.path.template); !ok {
			c.addLib(why, errs)
		}
	}
	query := c.req.URL.Query()
	for _, p := range append(append([]*v3.Parameter{}, c.path.item.Parameters...), c.op.Parameters...) {
		if p != nil && p.In == "query" && slices.Contains(query[p.Name], "") {
			c.checkEmptyQueryValue(p)
		}
		if p == nil || p.In != "query" || len(query[p.Name]) < 2 {
			continue
		}
		if s := p.Schema.Schema(); s != nil && contains(s.Type, "array") {
			continue // a list may also be given repeated (sector=a&sector=b)
		}
		c.addf("request: query parameter %q is given %d times; openapi.yaml says a repeated parameter is a 400", p.Name, len(query[p.Name]))
	}
	if len(c.problems) > start {
		found := append([]string{fmt.Sprintf(
			"the server answered %d to a request that openapi.yaml says is invalid (it must answer 400):", c.status)},
			c.problems[start:]...)
		c.problems = append(c.problems[:start], found...)
	}
}

// addLib adds the findings of the library, one per schema failure.
func (c *check) addLib(what string, errs []*liberrors.ValidationError) {
	for _, e := range errs {
		if e == nil {
			continue
		}
		if len(e.SchemaValidationErrors) == 0 {
			msg := e.Message
			if e.Reason != "" && e.Reason != e.Message {
				msg += ": " + e.Reason
			}
			c.addf("%s: %s", what, msg)
			continue
		}
		for _, f := range withoutNullBranches(e.SchemaValidationErrors) {
			loc := f.FieldPath
			if what == "header" && f.FieldName != "" {
				loc = f.FieldName
				if loc == strings.ToLower(loc) {
					loc = http.CanonicalHeaderKey(loc)
				}
			}
			if loc == "" && len(f.InstancePath) > 0 {
				loc = "/" + strings.Join(f.InstancePath, "/")
			}
			if e.ParameterName != "" {
				loc = strings.TrimSpace(e.ParameterName + " " + loc)
			}
			if loc == "" {
				loc = "$"
			}
			msg := fmt.Sprintf("%s %s: %s", what, loc, f.Reason)
			if f.KeywordLocation != "" {
				msg += " [schema " + f.KeywordLocation + "]"
			}
			c.problems = append(c.problems, msg)
		}
	}
}

// nullBranch is the keyword location of the "null" branch of a nullable value
// (oneOf: [{$ref: X}, {type: 'null'}]).
var nullBranch = regexp.MustCompile(`/(oneOf|anyOf)/\d+/type$`)

// withoutNullBranches drops "got object, want null" from the findings about a nullable value when
// the other branch explains what is wrong with it, so that the report names the real mismatch.
func withoutNullBranches(fs []*liberrors.SchemaValidationFailure) []*liberrors.SchemaValidationFailure {
	var out []*liberrors.SchemaValidationFailure
	for _, f := range fs {
		if f != nil && nullBranch.MatchString(f.KeywordLocation) && strings.HasSuffix(f.Reason, "want null") {
			explained := false
			for _, g := range fs {
				if g != f && g != nil && g.FieldPath != "" && strings.HasPrefix(g.FieldPath, f.FieldPath) &&
					!nullBranch.MatchString(g.KeywordLocation) {
					explained = true
					break
				}
			}
			if explained {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

func operationOf(item *v3.PathItem, method string) *v3.Operation {
	for op := item.GetOperations().First(); op != nil; op = op.Next() {
		if strings.EqualFold(op.Key(), method) {
			return op.Value()
		}
	}
	return nil
}

// findResponse returns the documented response for status: the exact code, then its range (2XX),
// then default.
func findResponse(op *v3.Operation, status int) (*v3.Response, string) {
	if op == nil || op.Responses == nil {
		return nil, ""
	}
	code := strconv.Itoa(status)
	if op.Responses.Codes != nil {
		if r := op.Responses.Codes.GetOrZero(code); r != nil {
			return r, code
		}
		rng := fmt.Sprintf("%dXX", status/100)
		if r := op.Responses.Codes.GetOrZero(rng); r != nil {
			return r, rng
		}
	}
	if op.Responses.Default != nil {
		return op.Responses.Default, "default"
	}
	return nil, ""
}

func documentedCodes(op *v3.Operation) []string {
	var codes []string
	if op != nil && op.Responses != nil {
		for pair := op.Responses.Codes.First(); pair != nil; pair = pair.Next() {
			codes = append(codes, pair.Key())
		}
		if op.Responses.Default != nil {
			codes = append(codes, "default")
		}
	}
	sort.Strings(codes)
	return codes
}

func mediaTypes(resp *v3.Response) []string {
	var out []string
	for pair := resp.Content.First(); pair != nil; pair = pair.Next() {
		out = append(out, pair.Key())
	}
	return out
}

// queryParams returns the names of the query parameters of an operation (and of its path).
func queryParams(item *v3.PathItem, op *v3.Operation) []string {
	var names []string
	for _, list := range [][]*v3.Parameter{item.Parameters, op.Parameters} {
		for _, p := range list {
			if p != nil && p.In == "query" {
				names = append(names, p.Name)
			}
		}
	}
	return names
}

func isJSON(mediaType string) bool {
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mergeHeader canonicalizes header names and joins the values of a header sent more than once
// with ", ", as RFC 9110 allows for list-valued fields (Set-Cookie excepted).
func mergeHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		out[ck] = append(out[ck], vs...)
	}
	for k, vs := range out {
		if len(vs) > 1 && k != "Set-Cookie" {
			out[k] = []string{strings.Join(vs, ", ")}
		}
	}
	return out
}

// checkEmptyQueryValue checks a query parameter given with an empty value ("lang=") against its
// schema, which the library passes over: an empty string for a string, [""] for a
// comma-separated list, and nothing else.
func (c *check) checkEmptyQueryValue(p *v3.Parameter) {
	if p.Schema == nil {
		return
	}
	s := p.Schema.Schema()
	if s == nil {
		return
	}
	var empty []byte
	switch {
	case contains(s.Type, "string"):
		empty = []byte(`""`)
	case contains(s.Type, "array"):
		empty = []byte(`[""]`)
	default:
		c.addf("request: query parameter %q is empty, which its schema (%s) does not allow", p.Name, strings.Join(s.Type, ", "))
		return
	}
	if ok, errs := c.v.schemas.ValidateSchemaBytesWithVersion(s, empty, openAPIVersion); !ok {
		start := len(c.problems)
		c.addLib("request "+p.Name, errs)
		for i := start; i < len(c.problems); i++ {
			c.problems[i] += " (the parameter is empty)"
		}
	}
}
