package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/repository"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail"`
	Instance  string       `json:"instance"`
	RequestID string       `json:"request_id"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError is one invalid parameter or field.
type FieldError struct {
	Name   string `json:"name"`
	In     string `json:"in"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// apiError is an error on its way to becoming a problem response. It carries message ids and
// their data, not text: it is put in words only at the edge, in the request's language.
type apiError struct {
	status       int
	slug         string // the problem type, "/problems/<slug>"
	detail       map[string]any
	fields       []fieldError
	retry        int // seconds, for Retry-After
	allowed      string
	authenticate string // WWW-Authenticate of a 401
	detailKey    string // a more specific detail message than the type's own ("problem.<key>")
	internal     error  // logged, never shown
}

type fieldError struct {
	name, in, code string
	data           map[string]any
}

func (e *apiError) Error() string {
	if e.internal != nil {
		return e.slug + ": " + e.internal.Error()
	}
	return e.slug
}

func problem(status int, slug string, detail map[string]any) *apiError {
	return &apiError{status: status, slug: slug, detail: detail}
}

func notFound(resource string) *apiError {
	return problem(fiber.StatusNotFound, "not-found", map[string]any{"Resource": resource})
}

// invalid collects field errors of query parameters or body fields.
type invalid struct{ fields []fieldError }

// An answer lists a few errors per parameter and a few dozen in all, so that a request naming
// the same bad value thousands of times does not get an answer thousands of times larger.
const (
	maxErrorsPerName = 3
	maxErrors        = 20
)

func (v *invalid) add(name, in, code string, data map[string]any) {
	name = truncate(name) // a name may be a client's unknown key: echoed, but not at any length
	same := 0
	for _, f := range v.fields {
		if f.name == name && f.in == in {
			if f.code == code && fmt.Sprint(f.data) == fmt.Sprint(data) {
				return // the very same error again
			}
			same++
		}
	}
	if same >= maxErrorsPerName || len(v.fields) >= maxErrors {
		return
	}
	v.fields = append(v.fields, fieldError{name, in, code, data})
}

func (v *invalid) err(slug string) error {
	if len(v.fields) == 0 {
		return nil
	}
	return &apiError{status: fiber.StatusBadRequest, slug: slug, fields: v.fields}
}

// errorHandler turns every error a handler or middleware returns into a localized problem
// response. Errors it does not know are logged with the request id and answered with a 500
// that shows nothing of them.
func (s *server) errorHandler(c *fiber.Ctx, err error) error {
	var e *apiError
	var fe *fiber.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &fe):
		e = s.fromFiberError(c, fe)
	case isTimeout(err):
		e = &apiError{status: fiber.StatusServiceUnavailable, slug: "timeout", retry: 5, internal: err}
	case isUnavailable(err):
		e = &apiError{status: fiber.StatusServiceUnavailable, slug: "unavailable", retry: 5, internal: err}
	default:
		// A database error the handlers did not expect is our failure, whatever its class:
		// a 500, logged, so that the missing check in front of it gets written.
		e = &apiError{status: fiber.StatusInternalServerError, slug: "internal", internal: err}
	}
	if e.internal != nil || e.status >= 500 {
		s.log.ErrorContext(c.UserContext(), "request failed", "request_id", requestID(c),
			"method", c.Method(), "path", c.Path(), "status", e.status, "error", e.Error())
	}
	if observed, _ := c.Locals(localObserved).(bool); !observed {
		// Refused by the server before any middleware ran (headers too large, a body over the
		// limit, a read timeout): logged and counted like every other answer all the same.
		err := s.writeProblem(c, e)
		s.record(c, 0)
		return err
	}
	return s.writeProblem(c, e)
}

func (s *server) fromFiberError(c *fiber.Ctx, fe *fiber.Error) *apiError {
	switch fe.Code {
	case fiber.StatusNotFound:
		return problem(fe.Code, "route-not-found", map[string]any{"Path": c.Path()})
	case fiber.StatusMethodNotAllowed:
		allowed := string(c.Response().Header.Peek(fiber.HeaderAllow))
		return &apiError{status: fe.Code, slug: "method-not-allowed", allowed: allowed,
			detail: map[string]any{"Method": c.Method(), "Allowed": allowed}}
	case fiber.StatusRequestEntityTooLarge:
		return problem(fe.Code, "payload-too-large", map[string]any{"Limit": s.cfg.BodyLimit})
	case fiber.StatusRequestTimeout:
		return problem(fe.Code, "timeout", nil)
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return problem(fe.Code, "header-too-large", map[string]any{"Limit": headerLimit})
	case fiber.StatusUnsupportedMediaType:
		return problem(fe.Code, "unsupported-media-type", nil)
	case fiber.StatusTooManyRequests:
		return &apiError{status: fe.Code, slug: "too-many-requests", retry: 1, detail: map[string]any{"Seconds": 1}}
	}
	if fe.Code >= 400 && fe.Code < 500 {
		return problem(fiber.StatusBadRequest, "invalid-parameters", nil)
	}
	return &apiError{status: fiber.StatusInternalServerError, slug: "internal", internal: fe}
}

func (s *server) writeProblem(c *fiber.Ctx, e *apiError) error {
	if requestID(c) == "" {
		// Refused before any middleware ran (a body over the limit): still traceable.
		c.Locals(localRequestID, newRequestID())
		c.Set(fiber.HeaderXRequestID, requestID(c))
	}
	lang := s.langs.Interface(requestPrefs(c))
	p := s.problemOf(c, e, lang)
	if e.allowed != "" {
		c.Set(fiber.HeaderAllow, e.allowed)
	}
	if e.authenticate != "" {
		c.Set(fiber.HeaderWWWAuthenticate, e.authenticate)
	}
	if e.retry > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(e.retry))
	}
	// A problem is never cached as if it were the resource.
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Response().Header.Del(fiber.HeaderETag)
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Status(e.status)
	body, err := s.json(p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Send(body)
}

// problemOf words the problem in lang.
func (s *server) problemOf(c *fiber.Ctx, e *apiError, lang string) Problem {
	// Messages are named after the problem type: "/problems/not-found" → problem.not_found.*.
	key := strings.ReplaceAll(e.slug, "-", "_")
	detail := e.detail
	if key == "internal" {
		detail = map[string]any{"RequestID": requestID(c)}
	} else if key == "too_many_requests" && detail == nil {
		detail = map[string]any{"Seconds": e.retry}
	} else if key == "payload_too_large" && detail == nil {
		detail = map[string]any{"Limit": s.cfg.BodyLimit}
	}
	if resource, ok := detail["Resource"].(string); ok {
		detail = map[string]any{"Resource": s.langs.Message(lang, "resource."+resource, nil)}
	}
	detailID := "problem." + key + ".detail"
	if e.detailKey != "" {
		detailID = "problem." + e.detailKey
	}
	slug := e.slug
	if slug == "route-not-found" {
		slug = "not-found" // one public type for "nothing here"
	}
	p := Problem{
		Type:      s.problemType(slug),
		Title:     s.langs.Message(lang, "problem."+key+".title", nil),
		Status:    e.status,
		Detail:    s.langs.Message(lang, detailID, detail),
		Instance:  c.Path(),
		RequestID: requestID(c),
	}
	for _, f := range e.fields {
		p.Errors = append(p.Errors, s.fieldProblem(f, lang))
	}
	return p
}

// fieldProblem words one field's error in lang.
func (s *server) fieldProblem(f fieldError, lang string) FieldError {
	data := maps.Clone(f.data) // words in this language only: f.data stays as it was
	if data["Expected"] == "string" {
		data["Expected"] = msgID("shape.string") // a JSON shape in the reader's words, not a type name
	}
	for k, v := range data {
		if id, ok := v.(msgID); ok {
			data[k] = s.langs.Message(lang, string(id), nil)
		}
	}
	return FieldError{Name: f.name, In: f.in, Code: f.code, Detail: s.langs.Message(lang, "validation."+f.code, data)}
}

// isTimeout reports a request that ran out of time: its deadline passed, or PostgreSQL
// cancelled a statement that ran longer than statement_timeout.
func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || repository.IsStatementTimeout(err)
}

// isUnavailable reports errors that mean "the database cannot answer now": the client may
// retry, so they are 503s, not 500s.
func isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if repository.IsUnavailable(err) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	return errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "driver: bad connection") ||
		strings.Contains(err.Error(), "connection refused")
}
