package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi-validator/helpers"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// bearerScheme is the name of the security scheme of access tokens in openapi.yaml.
const bearerScheme = "bearerAuth"

// authMode is what an operation's security says about access tokens.
type authMode int

const (
	authNone     authMode = iota // no security: Authorization is ignored
	authOptional                 // security: [{}, {bearerAuth: []}] (catalogue reads)
	authRequired                 // security: [{bearerAuth: []}] (/v1/me)
)

func (m authMode) String() string {
	switch m {
	case authOptional:
		return "optional bearer token"
	case authRequired:
		return "bearer token required"
	}
	return "no security"
}

// securityOf reads the security requirements of an operation. The document declares no
// top-level security, so an operation without its own has none.
func securityOf(op *v3.Operation) authMode {
	if op == nil {
		return authNone
	}
	bearer, anonymous := false, false
	for _, r := range op.Security {
		if r == nil {
			continue
		}
		if r.Requirements == nil || r.Requirements.Len() == 0 {
			anonymous = true
			continue
		}
		if _, ok := r.Requirements.Get(bearerScheme); ok {
			bearer = true
		}
		if r.ContainsEmptyRequirement {
			anonymous = true
		}
	}
	switch {
	case bearer && anonymous:
		return authOptional
	case bearer:
		return authRequired
	}
	return authNone
}

// apiKeyScheme is the name of the security scheme of API keys in openapi.yaml.
const apiKeyScheme = "apiKeyAuth"

// apiKeyScopes returns the scopes an operation asks of an API key, and whether it takes one.
func apiKeyScopes(op *v3.Operation) ([]string, bool) {
	if op == nil {
		return nil, false
	}
	for _, r := range op.Security {
		if r == nil || r.Requirements == nil {
			continue
		}
		if scopes, ok := r.Requirements.Get(apiKeyScheme); ok {
			return scopes, true
		}
	}
	return nil, false
}

// bearerCredentials reports whether an Authorization header carries a bearer token.
func bearerCredentials(authorization string) bool {
	scheme, token, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != ""
}

var challengeError = regexp.MustCompile(`(?i)(?:^|,)\s*error\s*=\s*"([^"]*)"`)

// checkAuth checks what the security of the operation implies: an operation that requires a
// token never succeeds without one; an optional token makes a catalogue read private; a 401
// carries the RFC 6750 challenge that fits the request.
func (c *check) checkAuth() {
	if c.op == nil {
		return
	}
	mode := securityOf(c.op)
	if mode == authNone {
		return
	}
	authorization := strings.TrimSpace(c.req.Header.Get("Authorization"))
	apiKey := strings.TrimSpace(c.req.Header.Get("X-API-Key"))
	credentials := authorization != "" || apiKey != ""
	success := (c.status >= 200 && c.status < 300) || c.status == http.StatusNotModified
	if success && apiKey != "" {
		if _, ok := apiKeyScopes(c.op); !ok {
			c.addf("%s takes no API key (no %s in its security), but a request with X-API-Key was answered %d: the answer must be 403",
				c.operation, apiKeyScheme, c.status)
		}
		if authorization != "" {
			c.addf("the request sent both an access token and an API key, but was answered %d: that is a 401", c.status)
		}
	}
	if success {
		switch {
		case mode == authRequired && !credentials:
			c.addf("%s requires an access token (security %s), but the request has no Authorization header and was answered %d: the answer must be 401",
				c.operation, bearerScheme, c.status)
		case authorization != "" && !bearerCredentials(authorization):
			c.addf("Authorization is not a bearer token (%q), but the request was answered %d: an invalid token is a 401",
				redactAuthorization(authorization), c.status)
		}
		if mode == authOptional {
			c.checkCacheScope(credentials)
		}
	}
	if c.status != http.StatusUnauthorized {
		return
	}
	if mode == authOptional && !credentials && !c.tokenRequiredByQuery() {
		c.addf("answered 401, but no Authorization header was sent and %s needs no token: only an invalid token is a 401 here", c.operation)
	}
	challenge := c.header.Get("WWW-Authenticate")
	if challenge == "" {
		return // a required WWW-Authenticate is reported by the header check
	}
	m := challengeError.FindStringSubmatch(challenge)
	if apiKey != "" && !strings.HasPrefix(challenge, "ApiKey ") {
		c.addf(`WWW-Authenticate is %q, but an API key was refused: the challenge must be ApiKey realm="…", error="invalid_token"`, challenge)
	}
	switch {
	case credentials && m == nil:
		c.addf(`WWW-Authenticate is %q, but a token was sent and refused: the challenge must say why, error="invalid_token" (or "invalid_request") (RFC 6750 §3.1)`, challenge)
	case credentials && m[1] != "invalid_token" && m[1] != "invalid_request":
		c.addf(`WWW-Authenticate has error=%q; a refused token is error="invalid_token" (or "invalid_request" when malformed) (RFC 6750 §3.1)`, m[1])
	case !credentials && m != nil:
		c.addf(`WWW-Authenticate is %q, but no token was sent: the challenge must carry no error code (RFC 6750 §3.1)`, challenge)
	}
}

// checkCacheScope checks that a read whose token is optional is public exactly when no token
// was sent: with one it is private, or no-store when it is about the reader.
func (c *check) checkCacheScope(withToken bool) {
	cc := strings.TrimSpace(c.header.Get("Cache-Control"))
	if cc == "" {
		return // a required Cache-Control is reported by the header check
	}
	scope, _, _ := strings.Cut(cc, ",")
	scope = strings.ToLower(strings.TrimSpace(scope))
	switch {
	case withToken && scope != "private" && scope != "no-store":
		c.addf("Cache-Control is %q, but the request carried an access token: the answer must be private (\"private, max-age=60\") or no-store (it may be in the reader's language, or about the reader)", cc)
	case !withToken && scope != "public":
		c.addf("Cache-Control is %q, but the request carried no access token: the answer must be \"public, max-age=60\"", cc)
	}
}

// redactAuthorization keeps the scheme of an Authorization header and hides the credentials.
func redactAuthorization(authorization string) string {
	scheme, _, ok := strings.Cut(authorization, " ")
	if !ok {
		return "…"
	}
	return scheme + " …"
}

// checkRateLimit checks that the RateLimit-* headers agree with each other and with a 429.
func (c *check) checkRateLimit() {
	limit, hasLimit := headerInt(c.header, "RateLimit-Limit")
	remaining, hasRemaining := headerInt(c.header, "RateLimit-Remaining")
	if hasLimit && hasRemaining && remaining > limit {
		c.addf("RateLimit-Remaining is %d, more than RateLimit-Limit %d", remaining, limit)
	}
	if c.status == http.StatusTooManyRequests && hasRemaining && remaining != 0 {
		c.addf("answered 429, but RateLimit-Remaining is %d: a spent budget has 0 remaining", remaining)
	}
}

func headerInt(h http.Header, name string) (int, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// requestBody returns the body of the request without consuming it: from req.GetBody when it is
// set (http.NewRequest sets it), otherwise by reading req.Body and putting it back (fiber's
// App.Test leaves a readable copy there). ok is false when the body cannot be known, such as a
// body already read by someone else.
func (c *check) requestBody() (body []byte, ok bool) {
	if c.reqBodyRead {
		return c.reqBody, c.reqBodyOK
	}
	c.reqBodyRead = true
	r := c.req
	switch {
	case r.GetBody != nil:
		rc, err := r.GetBody()
		if err != nil {
			return nil, false
		}
		defer rc.Close()
		if body, err = io.ReadAll(rc); err != nil {
			return nil, false
		}
	case r.Body == nil || r.Body == http.NoBody:
		body = nil
	default:
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		if err != nil || (len(b) == 0 && r.ContentLength > 0) {
			return nil, false // read before: what was sent is unknown
		}
		body = b
	}
	c.reqBody, c.reqBodyOK = body, true
	return body, true
}

// checkRequestBody checks that a request the server answered with success has a body the
// document accepts: a documented media type (else 415), JSON (else 400 malformed-json) that its
// schema accepts (else 400 invalid-body).
func (c *check) checkRequestBody() {
	if c.op == nil || c.op.RequestBody == nil {
		return
	}
	body, ok := c.requestBody()
	if !ok {
		return
	}
	start := len(c.problems)
	rb := c.op.RequestBody
	required := rb.Required != nil && *rb.Required
	ct := c.req.Header.Get("Content-Type")
	switch {
	case ct == "" && len(body) == 0 && required:
		c.addf("request: the body is required, but none was sent (the answer must be 415 or 400)")
	case ct == "" && len(body) > 0:
		c.addf("request: a body was sent without Content-Type (the answer must be 415)")
	case ct != "":
		c.checkRequestContent(rb, ct, body)
	}
	if len(c.problems) > start {
		found := append([]string{fmt.Sprintf(
			"the server answered %d to a request whose body openapi.yaml says is invalid (it must answer 4xx):", c.status)},
			c.problems[start:]...)
		c.problems = append(c.problems[:start], found...)
	}
}

func (c *check) checkRequestContent(rb *v3.RequestBody, ct string, body []byte) {
	mt, ok := helpers.FindMediaType(rb.Content, ct)
	if !ok {
		var accepted []string
		for pair := rb.Content.First(); pair != nil; pair = pair.Next() {
			accepted = append(accepted, pair.Key())
		}
		c.addf("request: Content-Type %q is not accepted (openapi.yaml accepts %s; the answer must be 415 /problems/unsupported-media-type)",
			ct, strings.Join(accepted, ", "))
		return
	}
	mediaType, _, _ := helpers.ExtractContentType(ct)
	if !isJSON(mediaType) {
		return
	}
	if !json.Valid(body) {
		c.addf("request: the body is not JSON (the answer must be 400 /problems/malformed-json)")
		return
	}
	if mt.Schema == nil {
		return
	}
	schema := mt.Schema.Schema()
	if schema == nil {
		c.addf("openapi.yaml: the request schema of %s %s cannot be built", c.operation, mediaType)
		return
	}
	if ok, errs := c.v.schemas.ValidateSchemaBytesWithVersion(schema, body, openAPIVersion); !ok {
		start := len(c.problems)
		c.addLib("request body", errs)
		for i := start; i < len(c.problems); i++ {
			c.problems[i] += " (the answer must be 400 /problems/invalid-body)"
		}
	}
}

// checkRefusedBody checks the refusals that are about the request body and can be told from it:
// a 415 refuses a media type the document does not accept, and a malformed-json 400 a body that
// is not JSON.
func (c *check) checkRefusedBody(problemType string) {
	if c.op == nil || c.op.RequestBody == nil {
		return
	}
	ct := c.req.Header.Get("Content-Type")
	switch {
	case c.status == http.StatusUnsupportedMediaType && ct != "":
		if _, ok := helpers.FindMediaType(c.op.RequestBody.Content, ct); ok {
			c.addf("answered 415, but the request's Content-Type %q is one that openapi.yaml accepts for %s", ct, c.operation)
		}
	case c.status == http.StatusBadRequest && problemType == "/problems/malformed-json":
		if body, ok := c.requestBody(); ok && len(body) > 0 && json.Valid(body) {
			c.addf("the problem is /problems/malformed-json, but the request body is well-formed JSON (a wrong field is /problems/invalid-body)")
		}
	}
}

// langIsPreference reports whether the documented response says that the "lang" fields of its
// body are a user's preferred language rather than the language of text (x-lang-is-preference),
// so that Content-Language need not list them.
func (c *check) langIsPreference() bool {
	if c.response == nil {
		return false
	}
	b, ok := extension[bool](c.response.Extensions, "x-lang-is-preference")
	return ok && b
}

// extension decodes the extension name (x-…) of a part of the document; ok is false when the
// part has no such extension or it does not decode into a T.
func extension[T any](extensions *orderedmap.Map[string, *yaml.Node], name string) (value T, ok bool) {
	if extensions == nil {
		return value, false
	}
	node, found := extensions.Get(name)
	if !found || node == nil {
		return value, false
	}
	return value, node.Decode(&value) == nil
}

// tokenRequiredByQuery reports whether the request asks for something that the operation's
// x-token-required-when lists ("status=pending": the applications waiting for verification),
// for which an anonymous request is a 401 although the operation's token is otherwise optional.
func (c *check) tokenRequiredByQuery() bool {
	if c.op == nil {
		return false
	}
	when, ok := extension[[]string](c.op.Extensions, "x-token-required-when")
	if !ok {
		return false
	}
	query := c.req.URL.Query()
	for _, w := range when {
		name, value, _ := strings.Cut(w, "=")
		for _, v := range query[name] {
			if v == value {
				return true
			}
		}
	}
	return false
}
