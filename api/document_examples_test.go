package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestDocumentExamplesAccepted sends every request example of openapi.yaml to the real app on a
// loopback port: each example of a parameter (with the operation's other parameters left out)
// and each example of a request body. The document must accept its own example
// (internal/contract), and the server must not refuse it for its shape (a 400 naming a field
// with a code of meaning, such as an unknown country, is fine; so are 401/403/404/409). That
// response examples match their schemas is internal/contract's TestDocumentExamplesMatchSchemas.
func TestDocumentExamplesAccepted(t *testing.T) {
	tr := newTraffic(t)
	sent := 0
	for _, op := range tr.operations() {
		base := tr.exampleBase(op)
		for _, p := range op.params {
			name, in := p["name"].(string), p["in"].(string)
			for label, ex := range paramExamples(p) {
				c := base.clone()
				v := paramString(ex)
				switch in {
				case "path":
					c.path = strings.Replace(op.path, "{"+name+"}", url.PathEscape(v), 1)
					c.path = tr.fillPath(c.path)
				case "query":
					c.query.Set(name, v)
				case "header":
					c.header.Set(name, v)
				}
				tr.send(op, c, fmt.Sprintf("example %s of %s", label, name), true)
				sent++
			}
		}
		for label, body := range tr.bodyExamples(op) {
			c := base.clone()
			c.body, _ = json.Marshal(body)
			c.hasBody = true
			tr.send(op, c, "body example "+label, true)
			sent++
		}
	}
	if sent < 50 {
		t.Errorf("only %d examples sent: the walk of openapi.yaml missed them", sent)
	}
	t.Logf("%d examples sent: %d × 5xx, %d shape refusals, %d responses not matching the document; statuses %v",
		sent, tr.fiveXX, tr.shapeRefusals, tr.mismatches, tr.byStatus)
}

// exampleBase is a request of op with its path filled from the fixtures, no optional
// parameter, and the credentials it needs.
func (tr *traffic) exampleBase(op genOp) reqCase {
	c := reqCase{path: tr.fillPath(op.path), query: url.Values{}, header: http.Header{}, auth: "none"}
	key := op.method + " " + op.path
	switch {
	case destructive[key]:
		c.auth = "throwaway"
	case op.apiKeyOnly:
		c.auth = "key"
	case op.bearer && strings.HasPrefix(op.path, "/v1/me"):
		c.auth = "investor"
	case op.bearer && !op.anonymous:
		c.auth = "admin"
	}
	if op.bodyRequired {
		for _, body := range tr.bodyExamples(op) {
			c.body, _ = json.Marshal(body)
			c.hasBody = true
			break
		}
		if !c.hasBody {
			// No example: a body drawn from the schema (the same one every run).
			body := rapid.Custom(func(rt *rapid.T) any {
				return (&gen{d: tr.doc, t: rt}).valid(op.body, "", 0)
			}).Example(1)
			c.body, _ = json.Marshal(body)
			c.hasBody = true
		}
	}
	return c
}

func (c reqCase) clone() reqCase {
	out := c
	out.query = url.Values{}
	for k, v := range c.query {
		out.query[k] = append([]string(nil), v...)
	}
	out.header = c.header.Clone()
	return out
}

// fillPath puts the first fixture of each path parameter in a path template.
func (tr *traffic) fillPath(path string) string {
	for {
		i := strings.Index(path, "{")
		if i < 0 {
			return path
		}
		j := strings.Index(path[i:], "}")
		name := path[i+1 : i+j]
		v := "x"
		if pool := tr.pool(path[:i], name); len(pool) > 0 {
			v = pool[0]
		}
		path = path[:i] + url.PathEscape(v) + path[i+j+1:]
	}
}

// paramExamples are a parameter's example and examples, by name.
func paramExamples(p map[string]any) map[string]any {
	out := map[string]any{}
	if ex, ok := p["example"]; ok {
		out["example"] = ex
	}
	if exs, ok := p["examples"].(map[string]any); ok {
		for name, e := range exs {
			if m, ok := e.(map[string]any); ok {
				if v, ok := m["value"]; ok {
					out[name] = v
				}
			}
		}
	}
	return out
}

// bodyExamples are the examples of op's JSON request body: those of the media type and those of
// its schema.
func (tr *traffic) bodyExamples(op genOp) map[string]any {
	out := map[string]any{}
	if op.body == nil {
		return out
	}
	for i, ex := range asSlice(tr.doc.flatten(op.body)["examples"]) {
		out[fmt.Sprintf("schema[%d]", i)] = ex
	}
	if ex, ok := op.bodyMedia["example"]; ok {
		out["example"] = ex
	}
	if exs, ok := op.bodyMedia["examples"].(map[string]any); ok {
		for name, e := range exs {
			if m, ok := tr.doc.deref(e)["value"]; ok {
				out[name] = m
			}
		}
	}
	return out
}
