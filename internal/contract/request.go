package contract

import (
	"errors"
	"net/http"
	"strings"
)

// RequestError is the error CheckRequest returns for a request the document does not allow.
type RequestError struct {
	Request   string   // as "GET /v1/opportunities?limit=0"
	Operation string   // as "GET /v1/opportunities"
	Problems  []string // what the document refuses, one entry per finding
}

func (e *RequestError) Error() string {
	return "contract: openapi.yaml does not allow " + e.Request + ":\n  - " + strings.Join(e.Problems, "\n  - ")
}

// CheckRequest tells whether the document allows a request, whatever the server would answer:
// a documented path and method, path, query and header parameters valid against their schemas
// (no single-valued query parameter repeated), and a body of a documented media type, valid
// against its schema. It returns nil for a request the document allows, a *RequestError for one
// it refuses, and another error when the request matches no operation. Generated traffic uses
// it as the judge of which requests are schema-valid.
func (v *Validator) CheckRequest(req *http.Request) error {
	if req == nil || req.URL == nil {
		return errors.New("contract: CheckRequest needs a request")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	c := &check{v: v, req: req, status: http.StatusOK}
	method := strings.ToUpper(req.Method)
	p := v.d.match(req.URL.Path)
	if p == nil || !contains(p.methods, method) {
		return errors.New("contract: no operation of openapi.yaml for " + method + " " + req.URL.Path)
	}
	c.path = p
	c.op = operationOf(p.item, method)
	c.operation = method + " " + p.template
	c.checkRequest()
	c.checkRequestBody()
	if len(c.problems) == 0 {
		return nil
	}
	// checkRequest and checkRequestBody word their findings for a response; keep the findings.
	var problems []string
	for _, p := range c.problems {
		if strings.HasPrefix(p, "the server answered ") {
			continue
		}
		problems = append(problems, p)
	}
	return &RequestError{Request: method + " " + req.URL.RequestURI(), Operation: c.operation, Problems: problems}
}
